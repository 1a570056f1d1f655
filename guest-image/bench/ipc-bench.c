// SPDX-License-Identifier: GPL-2.0
/*
 * ipc-bench - round trips per second between two processes: kdbus
 * synchronous calls vs an AF_UNIX socketpair ping-pong for a few payload
 * sizes; a 1 MiB payload passed as a sealed memfd vs copied through the
 * socketpair; and a 64-byte kdbus call with all metadata attached vs none.
 *
 *   ipc-bench [-n N] [-N M] [-m K]
 *     -n N   round trips measured for 64-byte payloads (default 500)
 *     -N M   round trips measured for 64 KiB and 1 MiB payloads (default 20)
 *     -m K   round trips measured per case of the memfd benchmark (default 40)
 *
 * Every benchmark first runs a tenth of its count (at least 2) of each case
 * as warm-up; then its cases are timed with CLOCK_MONOTONIC in ten
 * alternating slices (kdbus, AF_UNIX, kdbus, ...) so that a change in the
 * machine's speed meanwhile hits all cases alike.
 *
 * bench "rtt" (64 B, 64 KiB, 1 MiB): one round trip carries the payload
 * both ways:
 *   kdbus    the client SENDs a call (EXPECT_REPLY, SYNC_REPLY, by connection
 *            ID, one PAYLOAD_VEC item) and sleeps until the reply is in its
 *            pool; the server RECVs, replies with a PAYLOAD_VEC pointing at
 *            the call's payload in its own pool, then FREEs the call; the
 *            client checks the reply's first and last byte and FREEs it.
 *            Both connections ask for no metadata (attach_flags_recv 0).
 *            The server runs an event loop: poll() until its queue is
 *            readable, then one RECV (poll is level-triggered: with more
 *            queued, the next poll returns at once). Until issue #3's
 *            latency work it did RECV, and on EAGAIN poll() and RECV again:
 *            two RECVs per call, one of them always EAGAIN. On the same
 *            kernel, in one guest, 64 B calls in slices of 100: 70.2 us
 *            (that loop) vs 64.4 us (this one) per call, medians of 105
 *            slices each. The memfd and meta servers run the same loop.
 *   af_unix  the client write()s the payload into a SOCK_STREAM socketpair
 *            and read()s it back in full; the server reads it in full and
 *            writes it back (write/read loops: large payloads take several
 *            calls); the client checks the same two bytes.
 *
 * bench "memfd" (1 MiB one way, an 8-byte answer back): the receiver gets
 * all 1 MiB, reads one byte per 4 KiB page of it (byte p of page p) and
 * answers their sum, which the client checks.
 *   kdbus resent  the client SENDs a SYNC_REPLY call whose only payload is
 *            a PAYLOAD_MEMFD item: a memfd (MFD_ALLOW_SEALING) filled with
 *            1 MiB by write() and sealed (SHRINK|GROW|WRITE|SEAL) once before
 *            the warm-up, and sent again by every call. The server RECVs,
 *            takes in the installed memfd (below), reads the bytes, closes
 *            it, FREEs the call and replies with the sum as a PAYLOAD_VEC.
 *   kdbus fresh   the same, but every round trip creates, fills (write() of
 *            1 MiB), seals, sends and closes a new memfd: that work is timed.
 *   Each kdbus case is measured against two servers, which differ only in
 *   how they take the memfd in (the "receive" field):
 *     pread  pread() of the whole memfd into the server's 1 MiB buffer (one
 *            copy, as the AF_UNIX server's read() makes), page_sum on it.
 *     mmap   mmap(PROT_READ, MAP_SHARED), page_sum on the mapping (its page
 *            faults), munmap. No copy, but under v86 setting up and tearing
 *            down the 256 PTEs costs more than pread's copy: ~375 us against
 *            ~290 us in one process (memfd-steps.c breaks it down).
 *   af_unix copy  the client write()s the 1 MiB; the server read()s it in
 *            full into its buffer, reads the same bytes there and writes
 *            the 8-byte sum back; the client read()s it.
 *
 * bench "meta" (64 B, kdbus only): the 64-byte kdbus call of "rtt" between
 * two other connections, both with attach_flags_send = attach_flags_recv =
 * _KDBUS_ATTACH_ALL ("all": the call and the reply carry every metadata
 * item the kernel has, spec section 13) or both = 0 ("none": no metadata
 * items). All four connections have a CONN_DESCRIPTION and own a
 * well-known name, so "all" includes OWNED_NAME and CONN_DESCRIPTION.
 *
 * Output: one JSON object per line, per benchmark, transport and variant:
 *   {"bench":"rtt","transport":"kdbus","variant":"vec","bytes":64,
 *    "iterations":500,"warmup":50,"seconds":0.308640,"rtt_us":617.28,
 *    "per_sec":1620.0}
 * The "meta" lines add "msg_size" (kdbus_msg.size of a reply, items and
 * metadata without payload) and "meta_items" (the metadata item types in
 * that reply, e.g. ["creds","pids",...]). The kdbus "memfd" lines add
 * "receive" ("pread" or "mmap").
 * Exit status 0 when every measurement ran, 1 otherwise (reason on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kdbus.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-kdbus.h"

/* Large enough that a 1 MiB message fits the receive quota (a third of half the pool). */
#define MAX_BYTES	(1u << 20)
#define MEMFD_BYTES	(1u << 20)
#define TIMEOUT_NS	(600ULL * 1000000000ULL)
#define SEALS		(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

#define ROUNDS		10

static const uint32_t sizes[] = { 64, 64 << 10, 1 << 20 };
#define NSIZES		(sizeof(sizes) / sizeof(sizes[0]))
static unsigned n_small = 500, n_big = 20, n_memfd = 40;

/* How a connection says HELLO: attach masks (send = recv); for "meta" a description and a name. */
struct conn_opts {
	uint64_t attach;
	const char *description;
	const char *name;
};

static const struct conn_opts plain = { 0, NULL, NULL };

static void die(const char *what)
{
	fprintf(stderr, "ipc-bench[%d]: %s: %s\n", (int)getpid(), what, strerror(errno));
	exit(1);
}

static struct conn hello(const char *path, const struct conn_opts *o)
{
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_cmd_hello *cmd = (struct kdbus_cmd_hello *)buf;
	uint8_t *pos = (uint8_t *)cmd->items;
	struct conn c;
	void *map;

	cmd->pool_size = POOL_SIZE;
	cmd->attach_flags_send = o->attach;
	cmd->attach_flags_recv = o->attach;
	if (o->description)
		put_item(&pos, KDBUS_ITEM_CONN_DESCRIPTION, o->description, strlen(o->description) + 1);
	cmd->size = pos - buf;
	c.fd = open(path, O_RDWR | O_CLOEXEC);
	if (c.fd < 0)
		die(path);
	if (ioctl(c.fd, KDBUS_CMD_HELLO, cmd) < 0)
		die("KDBUS_CMD_HELLO");
	c.id = cmd->id;
	map = mmap(NULL, POOL_SIZE, PROT_READ, MAP_SHARED, c.fd, 0);
	if (map == MAP_FAILED)
		die("mmap pool");
	c.pool = map;
	pool_free(&c, cmd->offset);
	if (o->name) {
		struct kdbus_cmd *acq = (struct kdbus_cmd *)buf;

		memset(buf, 0, sizeof(buf));
		pos = (uint8_t *)acq->items;
		put_item(&pos, KDBUS_ITEM_NAME, o->name, strlen(o->name) + 1);
		acq->size = pos - buf;
		if (ioctl(c.fd, KDBUS_CMD_NAME_ACQUIRE, acq) < 0)
			die("KDBUS_CMD_NAME_ACQUIRE");
	}
	return c;
}

/* The payload of a message in the pool: its first PAYLOAD_OFF item. */
static const uint8_t *payload(const struct kdbus_msg *msg, uint64_t *len)
{
	const struct kdbus_item *item = find_item(msg, KDBUS_ITEM_PAYLOAD_OFF);

	*len = item ? item->vec.size : 0;
	return item ? (const uint8_t *)msg + item->vec.offset : NULL;
}

/*
 * How the kdbus server takes in a received memfd: pread() all of it into
 * its buffer (one copy, no page table work), or mmap() it read-only (no
 * copy, but the kernel sets up and tears down a PTE per 4 KiB page, which
 * costs more than copying the page under v86: memfd-steps.c measures it).
 */
enum memfd_read { MEMFD_PREAD, MEMFD_MMAP };

static const char *const memfd_read_name[] = { "pread", "mmap" };

/* Reads exactly len bytes at offset off of fd into p. */
static void full_pread(int fd, uint8_t *p, size_t len, uint64_t off)
{
	while (len) {
		ssize_t r = pread(fd, p, len, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			errno = EBADMSG;	/* the memfd ends before the item's range */
		if (r <= 0)
			die("pread memfd");
		p += r;
		len -= r;
		off += r;
	}
}

/* Takes in the memfd of a received PAYLOAD_MEMFD item as `how` says, sums it, closes it. */
static uint64_t consume_memfd(const struct kdbus_memfd *m, enum memfd_read how, uint8_t *buf)
{
	const uint8_t *map;
	uint64_t sum;

	if (m->fd < 0 || m->size > MEMFD_BYTES || (how == MEMFD_MMAP && m->start % PAGE)) {
		errno = EBADMSG;
		die("memfd item without a descriptor, too large, or (mmap) not page-aligned");
	}
	if (how == MEMFD_PREAD) {
		full_pread(m->fd, buf, m->size, m->start);
		sum = page_sum(buf, m->size);
	} else {
		map = mmap(NULL, m->size, PROT_READ, MAP_SHARED, m->fd, m->start);
		if (map == MAP_FAILED)
			die("mmap memfd");
		sum = page_sum(map, m->size);
		munmap((void *)map, m->size);
	}
	close(m->fd);
	return sum;
}

/*
 * kdbus server, until killed: answers a call with a PAYLOAD_VEC by that
 * payload, and a call with a PAYLOAD_MEMFD by the 8-byte page_sum() of it,
 * taken in as `how` says.
 */
static void kdbus_server(const char *bus, const struct conn_opts *o, enum memfd_read how,
			 int id_pipe)
{
	struct conn c = hello(bus, o);
	uint8_t *memfd_buf = malloc(MEMFD_BYTES);
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_msg *reply = (struct kdbus_msg *)buf;
	struct kdbus_item *item = reply->items;
	uint64_t sum;

	if (!memfd_buf)
		die("malloc");
	if (write(id_pipe, &c.id, sizeof(c.id)) != sizeof(c.id))
		die("write id");
	close(id_pipe);
	reply->size = sizeof(*reply) + KDBUS_ITEM_SIZE(sizeof(struct kdbus_vec));
	reply->payload_type = KDBUS_PAYLOAD_DBUS;
	item->size = KDBUS_ITEM_HEADER_SIZE + sizeof(struct kdbus_vec);
	item->type = KDBUS_ITEM_PAYLOAD_VEC;
	for (;;) {
		struct kdbus_cmd_recv recv = { .size = sizeof(recv) };
		struct kdbus_cmd_send send = { .size = sizeof(send), .msg_address = (uintptr_t)reply };
		struct pollfd pfd = { .fd = c.fd, .events = POLLIN };
		const struct kdbus_msg *call;
		const struct kdbus_item *memfd;
		uint64_t len;

		/* An event loop: wait until the queue is readable, then RECV one message. */
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (ioctl(c.fd, KDBUS_CMD_RECV, &recv) < 0) {
			if (errno == ESHUTDOWN)	/* the bus is gone: main() died */
				_exit(1);
			if (errno != EAGAIN)
				die("KDBUS_CMD_RECV");
			continue;
		}
		call = (const struct kdbus_msg *)(c.pool + recv.msg.offset);
		memfd = find_item(call, KDBUS_ITEM_PAYLOAD_MEMFD);
		if (memfd) {
			sum = consume_memfd(&memfd->memfd, how, memfd_buf);
			item->vec.address = (uintptr_t)&sum;
			item->vec.size = sizeof(sum);
		} else {
			item->vec.address = (uintptr_t)payload(call, &len);
			item->vec.size = len;
		}
		reply->dst_id = call->src_id;
		reply->cookie_reply = call->cookie;
		if (ioctl(c.fd, KDBUS_CMD_SEND, &send) < 0)
			die("KDBUS_CMD_SEND (reply)");
		pool_free(&c, recv.msg.offset);
	}
}

/* One synchronous call of the message at buf; returns the reply's pool offset. */
static uint64_t kdbus_call(const struct conn *c, struct kdbus_msg *msg)
{
	static uint64_t cookie;
	struct kdbus_cmd_send send = {
		.size = sizeof(send),
		.flags = KDBUS_SEND_SYNC_REPLY,
		.msg_address = (uintptr_t)msg,
	};

	msg->cookie = ++cookie;
	if (ioctl(c->fd, KDBUS_CMD_SEND, &send) < 0)
		die("KDBUS_CMD_SEND (call)");
	return send.reply.offset;
}

/* A call to `server` with one item of `type` and a deadline for the whole batch. */
static void make_call(struct kdbus_msg *msg, uint64_t server, uint64_t type, const void *data,
		      size_t len)
{
	uint8_t *pos = (uint8_t *)msg->items;

	put_item(&pos, type, data, len);
	msg->size = pos - (uint8_t *)msg;
	msg->flags = KDBUS_MSG_EXPECT_REPLY;
	msg->dst_id = server;
	msg->payload_type = KDBUS_PAYLOAD_DBUS;
	/* One generous absolute deadline for the whole batch: no clock read per call. */
	msg->timeout_ns = now_ns() + TIMEOUT_NS;
}

/* Times `count` kdbus calls of `bytes`; returns nanoseconds. */
static uint64_t kdbus_client(const struct conn *c, uint64_t server, const uint8_t *data,
			     uint32_t bytes, unsigned count)
{
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_msg *msg = (struct kdbus_msg *)buf;
	struct kdbus_vec vec = { .size = bytes, .address = (uintptr_t)data };
	uint64_t t0 = now_ns();
	unsigned i;

	make_call(msg, server, KDBUS_ITEM_PAYLOAD_VEC, &vec, sizeof(vec));
	for (i = 0; i < count; i++) {
		uint64_t off = kdbus_call(c, msg), len;
		const uint8_t *got = payload((const struct kdbus_msg *)(c->pool + off), &len);

		if (!got || len != bytes || got[0] != data[0] || got[bytes - 1] != data[bytes - 1]) {
			errno = EBADMSG;
			die("kdbus reply differs from the call");
		}
		pool_free(c, off);
	}
	return now_ns() - t0;
}

/* A sealed memfd holding MEMFD_BYTES of data, filled by write(). */
static int sealed_memfd(const uint8_t *data)
{
	int fd = memfd_create("ipc-bench", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		die("memfd_create");
	if (write(fd, data, MEMFD_BYTES) != (ssize_t)MEMFD_BYTES)
		die("write memfd");
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		die("F_ADD_SEALS");
	return fd;
}

/*
 * Times `count` kdbus calls passing MEMFD_BYTES as a memfd and checks the
 * server's page_sum(); with memfd < 0 every call makes its own memfd.
 */
static uint64_t memfd_client(const struct conn *c, uint64_t server, const uint8_t *data,
			     int memfd, unsigned count)
{
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_msg *msg = (struct kdbus_msg *)buf;
	struct kdbus_memfd m = { .start = 0, .size = MEMFD_BYTES, .fd = memfd };
	struct kdbus_item *item = msg->items;
	uint64_t want = page_sum(data, MEMFD_BYTES), t0 = now_ns();
	unsigned i;

	make_call(msg, server, KDBUS_ITEM_PAYLOAD_MEMFD, &m, sizeof(m));
	for (i = 0; i < count; i++) {
		uint64_t off, len;
		const uint8_t *got;

		if (memfd < 0)
			item->memfd.fd = sealed_memfd(data);
		off = kdbus_call(c, msg);
		if (memfd < 0)
			close(item->memfd.fd);
		got = payload((const struct kdbus_msg *)(c->pool + off), &len);
		if (!got || len != sizeof(want) || memcmp(got, &want, sizeof(want))) {
			errno = EBADMSG;
			die("kdbus memfd reply is not the page sum");
		}
		pool_free(c, off);
	}
	return now_ns() - t0;
}

static void full_write(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		p += w;
		len -= w;
	}
}

/* Reads exactly len bytes; returns 0 at end of file before the first byte. */
static int full_read(int fd, uint8_t *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && got == 0)
			return 0;
		if (r <= 0)
			die("read");
		got += r;
	}
	return 1;
}

/* Times `count` AF_UNIX round trips of `bytes`; returns nanoseconds. */
static uint64_t unix_client(int fd, const uint8_t *data, uint8_t *back, uint32_t bytes,
			    unsigned count)
{
	uint64_t t0 = now_ns();
	unsigned i;

	for (i = 0; i < count; i++) {
		full_write(fd, data, bytes);
		if (!full_read(fd, back, bytes))
			die("AF_UNIX server went away");
		if (back[0] != data[0] || back[bytes - 1] != data[bytes - 1]) {
			errno = EBADMSG;
			die("AF_UNIX echo differs");
		}
	}
	return now_ns() - t0;
}

/* Times `count` AF_UNIX transfers of MEMFD_BYTES answered by their page_sum(). */
static uint64_t unix_sum_client(int fd, const uint8_t *data, unsigned count)
{
	uint64_t want = page_sum(data, MEMFD_BYTES), got, t0 = now_ns();
	unsigned i;

	for (i = 0; i < count; i++) {
		full_write(fd, data, MEMFD_BYTES);
		if (!full_read(fd, (uint8_t *)&got, sizeof(got)))
			die("AF_UNIX server went away");
		if (got != want) {
			errno = EBADMSG;
			die("AF_UNIX answer is not the page sum");
		}
	}
	return now_ns() - t0;
}

static void report(const char *bench, const char *transport, const char *variant, uint32_t bytes,
		   unsigned warmup, unsigned n, uint64_t ns, const char *extra)
{
	double s = ns / 1e9;

	printf("{\"bench\":\"%s\",\"transport\":\"%s\",\"variant\":\"%s\",\"bytes\":%u,"
	       "\"iterations\":%u,\"warmup\":%u,\"seconds\":%.6f,\"rtt_us\":%.2f,\"per_sec\":%.1f%s}\n",
	       bench, transport, variant, bytes, n, warmup, s, s * 1e6 / n, n / s, extra);
	fflush(stdout);
}

/*
 * One 64-byte call outside the timing; describes the reply's metadata as
 * JSON fields ,"msg_size":N,"meta_items":[...] into out.
 */
static void probe_meta(const struct conn *c, uint64_t server, const uint8_t *data, char *out,
		       size_t size)
{
	static const char *const names[] = {
		"timestamp", "creds", "pids", "auxgroups", "owned_name", "tid_comm", "pid_comm", "exe",
		"cmdline", "cgroup", "caps", "seclabel", "audit", "conn_description",
	};
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_msg *msg = (struct kdbus_msg *)buf;
	struct kdbus_vec vec = { .size = 64, .address = (uintptr_t)data };
	const struct kdbus_msg *reply;
	const struct kdbus_item *item;
	uint64_t off;
	size_t len;

	make_call(msg, server, KDBUS_ITEM_PAYLOAD_VEC, &vec, sizeof(vec));
	off = kdbus_call(c, msg);
	reply = (const struct kdbus_msg *)(c->pool + off);
	len = snprintf(out, size, ",\"msg_size\":%llu,\"meta_items\":[", (unsigned long long)reply->size);
	for (item = reply->items; (const uint8_t *)item < (const uint8_t *)reply + reply->size;
	     item = KDBUS_ITEM_NEXT(item)) {
		uint64_t bit = item->type - _KDBUS_ITEM_ATTACH_BASE;

		if (item->type < _KDBUS_ITEM_ATTACH_BASE || bit >= sizeof(names) / sizeof(names[0]))
			continue;
		if (len < size)
			len += snprintf(out + len, size - len, "%s\"%s\"", out[len - 1] == '[' ? "" : ",",
					names[bit]);
	}
	if (len < size)
		snprintf(out + len, size - len, "]");
	if (len + 1 >= size) {
		errno = ENOBUFS;
		die("probe_meta");
	}
	pool_free(c, off);
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	if (waitpid(pid, NULL, 0) < 0)
		die("waitpid");
}

static unsigned number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v < 1 || v > 10000000) {
		fprintf(stderr, "ipc-bench: not a round-trip count: %s\n", s);
		exit(2);
	}
	return v;
}

static unsigned iterations(uint32_t bytes)
{
	return bytes == 64 ? n_small : n_big;
}

static unsigned warmup_of(unsigned n)
{
	return n / 10 > 2 ? n / 10 : 2;
}

static unsigned warmups(uint32_t bytes)
{
	return warmup_of(iterations(bytes));
}

/* The size of slice r (of ROUNDS) of n round trips. */
static unsigned slice(unsigned n, unsigned r)
{
	return (n * (r + 1)) / ROUNDS - (n * r) / ROUNDS;
}

/*
 * The AF_UNIX server. A stream has no message boundaries, so it follows the
 * same schedule as main(): per size, warm-up + measured round trips; then
 * the memfd benchmark's transfers, each answered by its page_sum().
 */
static void unix_server(int fd, uint8_t *buf)
{
	uint64_t sum;
	size_t k;
	unsigned i;

	for (k = 0; k < NSIZES; k++) {
		for (i = 0; i < warmups(sizes[k]) + iterations(sizes[k]); i++) {
			if (!full_read(fd, buf, sizes[k]))
				_exit(1);
			full_write(fd, buf, sizes[k]);
		}
	}
	for (i = 0; i < warmup_of(n_memfd) + n_memfd; i++) {
		if (!full_read(fd, buf, MEMFD_BYTES))
			_exit(1);
		sum = page_sum(buf, MEMFD_BYTES);
		full_write(fd, (const uint8_t *)&sum, sizeof(sum));
	}
	_exit(0);
}

/* Forks a kdbus server on the bus; returns its pid and connection ID. */
static pid_t start_server(const char *path, const struct conn_opts *o, enum memfd_read how,
			  int bus_fd, uint64_t *id)
{
	int id_pipe[2];
	pid_t pid;

	if (pipe(id_pipe) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* Only the parent holds the bus: if it dies, the server is shut down. */
		close(bus_fd);
		close(id_pipe[0]);
		kdbus_server(path, o, how, id_pipe[1]);
	}
	close(id_pipe[1]);
	if (read(id_pipe[0], id, sizeof(*id)) != sizeof(*id))
		die("kdbus server did not start");
	close(id_pipe[0]);
	return pid;
}

int main(int argc, char **argv)
{
	static const struct conn_opts meta_opts[2][2] = {
		/* { client, server } */
		{ { 0, "ipc-bench-none-client", "org.example.IpcBench.NoneClient" },
		  { 0, "ipc-bench-none-server", "org.example.IpcBench.NoneServer" } },
		{ { _KDBUS_ATTACH_ALL, "ipc-bench-all-client", "org.example.IpcBench.AllClient" },
		  { _KDBUS_ATTACH_ALL, "ipc-bench-all-server", "org.example.IpcBench.AllServer" } },
	};
	static const char *const meta_variant[2] = { "none", "all" };
	char name[64], path[128], meta_info[2][512];
	/* kdbus servers by how they take in a memfd (enum memfd_read); the first also serves "rtt" */
	uint64_t server_id[2], meta_server_id[2];
	uint8_t *data, *back;
	struct conn client, meta_client[2];
	pid_t kdbus_pid[2], meta_pid[2], unix_pid;
	int opt, bus_fd, sv[2], memfd;
	unsigned n, w, r, v;
	size_t k;

	while ((opt = getopt(argc, argv, "n:N:m:")) != -1) {
		if (opt == 'n')
			n_small = number(optarg);
		else if (opt == 'N')
			n_big = number(optarg);
		else if (opt == 'm')
			n_memfd = number(optarg);
		else
			return 2;
	}
	data = malloc(MAX_BYTES);
	back = malloc(MAX_BYTES);
	if (!data || !back)
		die("malloc");
	for (k = 0; k < MAX_BYTES; k++)
		data[k] = (uint8_t)(k * 131 + 7);
	fflush(stdout);

	/* kdbus: a private bus held by this process, a server on it, and a pair per metadata variant. */
	snprintf(name, sizeof(name), "%u-ipcbench-%d", (unsigned)geteuid(), (int)getpid());
	snprintf(path, sizeof(path), "/sys/fs/kdbus/%s/bus", name);
	bus_fd = make_bus(name);
	for (v = 0; v < 2; v++)
		kdbus_pid[v] = start_server(path, &plain, v, bus_fd, &server_id[v]);
	for (v = 0; v < 2; v++)
		meta_pid[v] = start_server(path, &meta_opts[v][1], MEMFD_PREAD, bus_fd,
					   &meta_server_id[v]);
	client = hello(path, &plain);
	for (v = 0; v < 2; v++)
		meta_client[v] = hello(path, &meta_opts[v][0]);

	/* AF_UNIX: a socketpair, the other end in an echo process. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	unix_pid = fork();
	if (unix_pid < 0)
		die("fork");
	if (unix_pid == 0) {
		close(bus_fd);
		close(sv[0]);
		close(client.fd);
		close(meta_client[0].fd);
		close(meta_client[1].fd);
		unix_server(sv[1], back);
	}
	close(sv[1]);

	/*
	 * Per size: warm both up, then alternate ROUNDS slices of kdbus and
	 * AF_UNIX round trips, so that a drift in the machine's speed (another
	 * load on the host, an emulator compiling hot code) hits both alike.
	 */
	for (k = 0; k < NSIZES; k++) {
		uint32_t bytes = sizes[k];
		uint64_t kdbus_ns = 0, unix_ns = 0;

		n = iterations(bytes);
		kdbus_client(&client, server_id[0], data, bytes, warmups(bytes));
		unix_client(sv[0], data, back, bytes, warmups(bytes));
		for (r = 0; r < ROUNDS; r++) {
			kdbus_ns += kdbus_client(&client, server_id[0], data, bytes, slice(n, r));
			unix_ns += unix_client(sv[0], data, back, bytes, slice(n, r));
		}
		report("rtt", "kdbus", "vec", bytes, warmups(bytes), n, kdbus_ns, "");
		report("rtt", "af_unix", "copy", bytes, warmups(bytes), n, unix_ns, "");
	}

	/*
	 * memfd: one memfd made before the warm-up and re-sent, a fresh one per
	 * call, each to the pread() server and to the mmap() server; AF_UNIX copies.
	 */
	{
		uint64_t resent_ns[2] = { 0, 0 }, fresh_ns[2] = { 0, 0 }, unix_ns = 0;
		char receive[32];

		n = n_memfd;
		w = warmup_of(n);
		memfd = sealed_memfd(data);
		for (v = 0; v < 2; v++) {
			memfd_client(&client, server_id[v], data, memfd, w);
			memfd_client(&client, server_id[v], data, -1, w);
		}
		unix_sum_client(sv[0], data, w);
		for (r = 0; r < ROUNDS; r++) {
			for (v = 0; v < 2; v++) {
				resent_ns[v] += memfd_client(&client, server_id[v], data, memfd, slice(n, r));
				fresh_ns[v] += memfd_client(&client, server_id[v], data, -1, slice(n, r));
			}
			unix_ns += unix_sum_client(sv[0], data, slice(n, r));
		}
		close(memfd);
		for (v = 0; v < 2; v++) {
			snprintf(receive, sizeof(receive), ",\"receive\":\"%s\"", memfd_read_name[v]);
			report("memfd", "kdbus", "resent", MEMFD_BYTES, w, n, resent_ns[v], receive);
			report("memfd", "kdbus", "fresh", MEMFD_BYTES, w, n, fresh_ns[v], receive);
		}
		report("memfd", "af_unix", "copy", MEMFD_BYTES, w, n, unix_ns, "");
	}

	/* meta: 64-byte calls with no metadata and with all of it, alternating. */
	{
		uint64_t ns[2] = { 0, 0 };

		n = n_small;
		w = warmup_of(n);
		for (v = 0; v < 2; v++) {
			probe_meta(&meta_client[v], meta_server_id[v], data, meta_info[v], sizeof(meta_info[v]));
			kdbus_client(&meta_client[v], meta_server_id[v], data, 64, w);
		}
		for (r = 0; r < ROUNDS; r++)
			for (v = 0; v < 2; v++)
				ns[v] += kdbus_client(&meta_client[v], meta_server_id[v], data, 64, slice(n, r));
		for (v = 0; v < 2; v++)
			report("meta", "kdbus", meta_variant[v], 64, w, n, ns[v], meta_info[v]);
	}

	close(sv[0]);
	if (waitpid(unix_pid, NULL, 0) < 0)
		die("waitpid");
	close(client.fd);
	close(meta_client[0].fd);
	close(meta_client[1].fd);
	reap(kdbus_pid[0]);
	reap(kdbus_pid[1]);
	reap(meta_pid[0]);
	reap(meta_pid[1]);
	return 0;
}
