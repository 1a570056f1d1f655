// SPDX-License-Identifier: GPL-2.0
/*
 * ipc-bench - round trips per second: kdbus synchronous calls vs an AF_UNIX
 * socketpair ping-pong, between two processes, for a few payload sizes.
 *
 *   ipc-bench [-n N] [-N M]
 *     -n N   round trips measured for 64-byte payloads (default 500)
 *     -N M   round trips measured for 64 KiB and 1 MiB payloads (default 20)
 *
 * Per size, both transports first run N/10 (at least 2) round trips as
 * warm-up; then N round trips of each are timed with CLOCK_MONOTONIC, in ten
 * alternating slices (kdbus, AF_UNIX, kdbus, ...) so that a change in the
 * machine's speed meanwhile hits both alike. One round trip carries the
 * payload both ways:
 *   kdbus    the client SENDs a call (EXPECT_REPLY, SYNC_REPLY, by connection
 *            ID, one PAYLOAD_VEC item) and sleeps until the reply is in its
 *            pool; the server RECVs, replies with a PAYLOAD_VEC pointing at
 *            the call's payload in its own pool, then FREEs the call; the
 *            client checks the reply's first and last byte and FREEs it.
 *            Both connections ask for no metadata (attach_flags_recv 0).
 *   af_unix  the client write()s the payload into a SOCK_STREAM socketpair
 *            and read()s it back in full; the server reads it in full and
 *            writes it back (write/read loops: large payloads take several
 *            calls); the client checks the same two bytes.
 *
 * Output: one JSON object per line, per transport and size:
 *   {"transport":"kdbus","bytes":64,"iterations":500,"warmup":50,
 *    "seconds":0.308640,"rtt_us":617.28,"per_sec":1620.0}
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

/* Large enough that a 1 MiB message fits the receive quota (a third of half the pool). */
#define POOL_SIZE	(16u << 20)
#define MAX_BYTES	(1u << 20)
#define TIMEOUT_NS	(600ULL * 1000000000ULL)

#define ROUNDS		10

static const uint32_t sizes[] = { 64, 64 << 10, 1 << 20 };
#define NSIZES		(sizeof(sizes) / sizeof(sizes[0]))
static unsigned n_small = 500, n_big = 20;

struct conn {
	int fd;
	uint64_t id;
	const uint8_t *pool;
};

static void die(const char *what)
{
	fprintf(stderr, "ipc-bench[%d]: %s: %s\n", (int)getpid(), what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void put_item(uint8_t **pos, uint64_t type, const void *data, size_t len)
{
	struct kdbus_item *item = (struct kdbus_item *)*pos;

	item->size = KDBUS_ITEM_HEADER_SIZE + len;
	item->type = type;
	memcpy(item->data, data, len);
	*pos += KDBUS_ALIGN8(item->size);
}

static void pool_free(const struct conn *c, uint64_t offset)
{
	struct kdbus_cmd_free cmd = { .size = sizeof(cmd), .offset = offset };

	if (ioctl(c->fd, KDBUS_CMD_FREE, &cmd) < 0)
		die("KDBUS_CMD_FREE");
}

static int make_bus(const char *name)
{
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_cmd *cmd = (struct kdbus_cmd *)buf;
	struct kdbus_bloom_parameter bloom = { .size = 64, .n_hash = 1 };
	uint8_t *pos = (uint8_t *)cmd->items;
	int fd = open("/sys/fs/kdbus/control", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /sys/fs/kdbus/control");
	put_item(&pos, KDBUS_ITEM_MAKE_NAME, name, strlen(name) + 1);
	put_item(&pos, KDBUS_ITEM_BLOOM_PARAMETER, &bloom, sizeof(bloom));
	cmd->size = pos - buf;
	if (ioctl(fd, KDBUS_CMD_BUS_MAKE, cmd) < 0)
		die("KDBUS_CMD_BUS_MAKE");
	return fd;
}

static struct conn hello(const char *path)
{
	struct kdbus_cmd_hello cmd = { .size = sizeof(cmd), .pool_size = POOL_SIZE };
	struct conn c;
	void *map;

	c.fd = open(path, O_RDWR | O_CLOEXEC);
	if (c.fd < 0)
		die(path);
	if (ioctl(c.fd, KDBUS_CMD_HELLO, &cmd) < 0)
		die("KDBUS_CMD_HELLO");
	c.id = cmd.id;
	map = mmap(NULL, POOL_SIZE, PROT_READ, MAP_SHARED, c.fd, 0);
	if (map == MAP_FAILED)
		die("mmap pool");
	c.pool = map;
	pool_free(&c, cmd.offset);
	return c;
}

/* The payload of a message in the pool: its first PAYLOAD_OFF item. */
static const uint8_t *payload(const struct kdbus_msg *msg, uint64_t *len)
{
	const struct kdbus_item *item = msg->items;

	while ((const uint8_t *)item < (const uint8_t *)msg + msg->size) {
		if (item->type == KDBUS_ITEM_PAYLOAD_OFF) {
			*len = item->vec.size;
			return (const uint8_t *)msg + item->vec.offset;
		}
		item = KDBUS_ITEM_NEXT(item);
	}
	*len = 0;
	return NULL;
}

/* kdbus server: answers every call with its own payload, until killed. */
static void kdbus_server(const char *bus, int id_pipe)
{
	struct conn c = hello(bus);
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_msg *reply = (struct kdbus_msg *)buf;
	struct kdbus_item *item = reply->items;

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
		uint64_t len;

		if (ioctl(c.fd, KDBUS_CMD_RECV, &recv) < 0) {
			if (errno == ESHUTDOWN)	/* the bus is gone: main() died */
				_exit(1);
			if (errno != EAGAIN)
				die("KDBUS_CMD_RECV");
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				die("poll");
			continue;
		}
		call = (const struct kdbus_msg *)(c.pool + recv.msg.offset);
		item->vec.address = (uintptr_t)payload(call, &len);
		item->vec.size = len;
		reply->dst_id = call->src_id;
		reply->cookie_reply = call->cookie;
		if (ioctl(c.fd, KDBUS_CMD_SEND, &send) < 0)
			die("KDBUS_CMD_SEND (reply)");
		pool_free(&c, recv.msg.offset);
	}
}

/* Times `count` kdbus calls of `bytes`; returns nanoseconds. */
static uint64_t kdbus_client(const struct conn *c, uint64_t server, const uint8_t *data,
			     uint32_t bytes, unsigned count)
{
	static uint64_t cookie;
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_msg *msg = (struct kdbus_msg *)buf;
	struct kdbus_vec vec = { .size = bytes, .address = (uintptr_t)data };
	uint8_t *pos = (uint8_t *)msg->items;
	uint64_t t0;
	unsigned i;

	put_item(&pos, KDBUS_ITEM_PAYLOAD_VEC, &vec, sizeof(vec));
	msg->size = pos - buf;
	msg->flags = KDBUS_MSG_EXPECT_REPLY;
	msg->dst_id = server;
	msg->payload_type = KDBUS_PAYLOAD_DBUS;
	/* One generous absolute deadline for the whole batch: no clock read per call. */
	t0 = now_ns();
	msg->timeout_ns = t0 + TIMEOUT_NS;
	for (i = 0; i < count; i++) {
		struct kdbus_cmd_send send = {
			.size = sizeof(send),
			.flags = KDBUS_SEND_SYNC_REPLY,
			.msg_address = (uintptr_t)msg,
		};
		const uint8_t *got;
		uint64_t len;

		msg->cookie = ++cookie;
		if (ioctl(c->fd, KDBUS_CMD_SEND, &send) < 0)
			die("KDBUS_CMD_SEND (call)");
		got = payload((const struct kdbus_msg *)(c->pool + send.reply.offset), &len);
		if (!got || len != bytes || got[0] != data[0] || got[bytes - 1] != data[bytes - 1]) {
			errno = EBADMSG;
			die("kdbus reply differs from the call");
		}
		pool_free(c, send.reply.offset);
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

static void report(const char *transport, uint32_t bytes, unsigned warmup, unsigned n, uint64_t ns)
{
	double s = ns / 1e9;

	printf("{\"transport\":\"%s\",\"bytes\":%u,\"iterations\":%u,\"warmup\":%u,"
	       "\"seconds\":%.6f,\"rtt_us\":%.2f,\"per_sec\":%.1f}\n",
	       transport, bytes, n, warmup, s, s * 1e6 / n, n / s);
	fflush(stdout);
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

static unsigned warmups(uint32_t bytes)
{
	return iterations(bytes) / 10 > 2 ? iterations(bytes) / 10 : 2;
}

/*
 * The AF_UNIX server. A stream has no message boundaries, so it follows the
 * same schedule as main(): per size, warm-up + measured round trips.
 */
static void unix_server(int fd, uint8_t *buf)
{
	size_t k;
	unsigned i;

	for (k = 0; k < NSIZES; k++) {
		for (i = 0; i < warmups(sizes[k]) + iterations(sizes[k]); i++) {
			if (!full_read(fd, buf, sizes[k]))
				_exit(1);
			full_write(fd, buf, sizes[k]);
		}
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	char name[64], path[128];
	uint64_t server_id;
	uint8_t *data, *back;
	struct conn client;
	pid_t kdbus_pid, unix_pid;
	int opt, bus_fd, id_pipe[2], sv[2];
	size_t k;

	while ((opt = getopt(argc, argv, "n:N:")) != -1) {
		if (opt == 'n')
			n_small = number(optarg);
		else if (opt == 'N')
			n_big = number(optarg);
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

	/* kdbus: a private bus held by this process, and a server on it. */
	snprintf(name, sizeof(name), "%u-ipcbench-%d", (unsigned)geteuid(), (int)getpid());
	snprintf(path, sizeof(path), "/sys/fs/kdbus/%s/bus", name);
	bus_fd = make_bus(name);
	if (pipe(id_pipe) < 0)
		die("pipe");
	kdbus_pid = fork();
	if (kdbus_pid < 0)
		die("fork");
	if (kdbus_pid == 0) {
		/* Only the parent holds the bus: if it dies, the server is shut down. */
		close(bus_fd);
		close(id_pipe[0]);
		kdbus_server(path, id_pipe[1]);
	}
	close(id_pipe[1]);
	if (read(id_pipe[0], &server_id, sizeof(server_id)) != sizeof(server_id))
		die("kdbus server did not start");
	close(id_pipe[0]);
	client = hello(path);

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
		unsigned n = iterations(bytes), done = 0, r;
		uint64_t kdbus_ns = 0, unix_ns = 0;

		kdbus_client(&client, server_id, data, bytes, warmups(bytes));
		unix_client(sv[0], data, back, bytes, warmups(bytes));
		for (r = 0; r < ROUNDS; r++) {
			unsigned slice = (n * (r + 1)) / ROUNDS - done;

			kdbus_ns += kdbus_client(&client, server_id, data, bytes, slice);
			unix_ns += unix_client(sv[0], data, back, bytes, slice);
			done += slice;
		}
		report("kdbus", bytes, warmups(bytes), n, kdbus_ns);
		report("af_unix", bytes, warmups(bytes), n, unix_ns);
	}

	close(sv[0]);
	if (waitpid(unix_pid, NULL, 0) < 0)
		die("waitpid");
	close(client.fd);
	reap(kdbus_pid);
	return 0;
}
