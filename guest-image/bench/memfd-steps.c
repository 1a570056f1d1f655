// SPDX-License-Identifier: GPL-2.0
/*
 * memfd-steps - where the time of ipc-bench's "memfd" benchmark goes: each
 * step of passing 1 MiB as a sealed memfd over kdbus, and of copying it
 * through an AF_UNIX socketpair, timed on its own in ONE process (no
 * context switch, no wake-up), so that the steps can be compared with the
 * round trips ipc-bench measures between two processes.
 *
 *   memfd-steps [-n N]     N repetitions per step (default 40)
 *
 * npx tsx bench/ipc.ts --steps compiles it, runs it in a booted guest with
 * the trace agent stopped (a warm-up run first) and prints its output.
 *
 * kdbus: connections A and B on a private bus; A SENDs B a message whose
 * only payload is a PAYLOAD_MEMFD item (the sealed 1 MiB memfd made once,
 * re-sent), B RECVs it (installs the descriptor) and consumes it in one of
 * several ways; an 8-byte PAYLOAD_VEC message is timed alike, for the cost
 * of a message without a memfd. The ways to consume (page_sum(): byte p of
 * page p) are timed step by step:
 *   mmap        mmap(PROT_READ, MAP_SHARED), page_sum (the faults), munmap
 *   populate    the same with MAP_POPULATE
 *   willneed    mmap, madvise(MADV_WILLNEED), page_sum, munmap
 *   pread       pread() of the 1 MiB into a buffer, page_sum on it
 * then close and FREE. AF_UNIX: write()s of 64 KiB chunks, each read()
 * back at once (as the bench's receiver does, but without the switch).
 *
 * Output: one line per step: name, median and mean microseconds, minor
 * faults per repetition (getrusage). Each case first runs a tenth of N (+2)
 * as warm-up, not counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kdbus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-kdbus.h"

#define BYTES		(1u << 20)
#define CHUNK		(64u << 10)
#define SEALS		(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)
#define MAX_N		1000

struct step {
	const char *name;
	uint64_t ns[MAX_N];
	long faults;
	unsigned n;
};

static unsigned reps = 40;

static void die(const char *what)
{
	fprintf(stderr, "memfd-steps: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_step(struct step *s)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < s->n; i++)
		sum += s->ns[i];
	qsort(s->ns, s->n, sizeof(s->ns[0]), cmp_u64);
	printf("%-34s median %8.1f us  mean %8.1f us  faults %6.1f\n", s->name,
	       s->ns[s->n / 2] / 1e3, sum / 1e3 / s->n, (double)s->faults / s->n);
}

/* Timing helpers: T0 starts a step, T1 ends it and records it into s. */
#define T0(s)	do { f0 = minflt(); t0 = now_ns(); } while (0)
#define T1(s)	do { (s)->ns[(s)->n++] = now_ns() - t0; (s)->faults += minflt() - f0; } while (0)

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

enum how { MMAP, POPULATE, WILLNEED, PREAD, NONE };

static const char *const how_name[] = { "mmap", "populate", "willneed", "pread", "vec8" };

/* One message A -> B with a memfd (or 8 bytes), consumed by B as `how`, every step timed. */
static void kdbus_steps(const struct conn *a, const struct conn *b, int memfd, enum how how,
			uint8_t *buf, uint64_t want)
{
	struct step s_send = { .name = "send" }, s_recv = { .name = "recv" }, s_map = { .name = "mmap/madvise" },
		    s_sum = { .name = "page_sum (faults)" }, s_unmap = { .name = "munmap" }, s_read = { .name = "pread 1 MiB" },
		    s_close = { .name = "close" }, s_free = { .name = "FREE" };
	_Alignas(8) uint8_t mbuf[256] = { 0 };
	struct kdbus_msg *msg = (struct kdbus_msg *)mbuf;
	struct kdbus_memfd m = { .start = 0, .size = BYTES, .fd = memfd };
	struct kdbus_vec vec = { .size = 8, .address = (uintptr_t)buf };
	uint8_t *pos = (uint8_t *)msg->items;
	uint64_t t0, cookie = 0;
	long f0;
	unsigned i;
	char title[64];

	/* A mapping's page faults happen in page_sum; pread's copy is timed on its own. */
	if (how == PREAD)
		s_sum.name = "page_sum";
	if (how == NONE)
		put_item(&pos, KDBUS_ITEM_PAYLOAD_VEC, &vec, sizeof(vec));
	else
		put_item(&pos, KDBUS_ITEM_PAYLOAD_MEMFD, &m, sizeof(m));
	msg->size = pos - mbuf;
	msg->dst_id = b->id;
	msg->payload_type = KDBUS_PAYLOAD_DBUS;
	for (i = 0; i < reps + reps / 10 + 2; i++) {
		struct kdbus_cmd_send send = { .size = sizeof(send), .msg_address = (uintptr_t)msg };
		struct kdbus_cmd_recv recv = { .size = sizeof(recv) };
		const struct kdbus_msg *got;
		const struct kdbus_item *item;
		const uint8_t *map = NULL;
		uint64_t sum = want;
		int fd = -1;

		if (i == reps / 10 + 2) {	/* warm-up done: start counting */
			s_send.n = s_recv.n = s_map.n = s_sum.n = s_unmap.n = s_read.n = 0;
			s_close.n = s_free.n = 0;
			s_send.faults = s_recv.faults = s_map.faults = s_sum.faults = 0;
			s_unmap.faults = s_read.faults = s_close.faults = s_free.faults = 0;
		}
		msg->cookie = ++cookie;
		T0(&s_send);
		if (ioctl(a->fd, KDBUS_CMD_SEND, &send) < 0)
			die("SEND");
		T1(&s_send);
		T0(&s_recv);
		if (ioctl(b->fd, KDBUS_CMD_RECV, &recv) < 0)
			die("RECV");
		T1(&s_recv);
		got = (const struct kdbus_msg *)(b->pool + recv.msg.offset);
		item = find_item(got, KDBUS_ITEM_PAYLOAD_MEMFD);
		if (item)
			fd = item->memfd.fd;
		switch (how) {
		case MMAP:
		case POPULATE:
		case WILLNEED:
			T0(&s_map);
			map = mmap(NULL, BYTES, PROT_READ,
				   MAP_SHARED | (how == POPULATE ? MAP_POPULATE : 0), fd, 0);
			if (map == MAP_FAILED)
				die("mmap");
			if (how == WILLNEED && madvise((void *)map, BYTES, MADV_WILLNEED) < 0)
				die("madvise");
			T1(&s_map);
			T0(&s_sum);
			sum = page_sum(map, BYTES);
			T1(&s_sum);
			T0(&s_unmap);
			munmap((void *)map, BYTES);
			T1(&s_unmap);
			break;
		case PREAD:
			T0(&s_read);
			if (pread(fd, buf, BYTES, 0) != (ssize_t)BYTES)
				die("pread");
			T1(&s_read);
			T0(&s_sum);
			sum = page_sum(buf, BYTES);
			T1(&s_sum);
			break;
		case NONE:
			break;
		}
		if (sum != want) {
			errno = EBADMSG;
			die("page_sum");
		}
		if (fd >= 0) {
			T0(&s_close);
			close(fd);
			T1(&s_close);
		}
		T0(&s_free);
		pool_free(b, recv.msg.offset);
		T1(&s_free);
	}
	snprintf(title, sizeof(title), "kdbus %s", how_name[how]);
	printf("== %s\n", title);
	print_step(&s_send);
	print_step(&s_recv);
	if (how == MMAP || how == POPULATE || how == WILLNEED) {
		print_step(&s_map);
		print_step(&s_sum);
		print_step(&s_unmap);
	}
	if (how == PREAD) {
		print_step(&s_read);
		print_step(&s_sum);
	}
	if (how != NONE)
		print_step(&s_close);
	print_step(&s_free);
}

/* AF_UNIX in one process: 64 KiB writes, each read back at once. */
static void unix_steps(const uint8_t *data, uint8_t *buf)
{
	struct step s_write = { .name = "write 1 MiB (16 x 64 KiB)" }, s_read = { .name = "read 1 MiB (16 x 64 KiB)" },
		    s_sum = { .name = "page_sum" };
	uint64_t t0, tw, tr;
	long f0, fw, fr;
	unsigned i, k;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	for (i = 0; i < reps + reps / 10 + 2; i++) {
		if (i == reps / 10 + 2)
			s_write.n = s_read.n = s_sum.n = s_write.faults = s_read.faults = s_sum.faults = 0;
		tw = tr = 0;
		fw = fr = 0;
		for (k = 0; k < BYTES / CHUNK; k++) {
			size_t got = 0;

			f0 = minflt();
			t0 = now_ns();
			if (write(sv[0], data + k * CHUNK, CHUNK) != (ssize_t)CHUNK)
				die("write");
			tw += now_ns() - t0;
			fw += minflt() - f0;
			f0 = minflt();
			t0 = now_ns();
			while (got < CHUNK) {
				ssize_t r = read(sv[1], buf + k * CHUNK + got, CHUNK - got);

				if (r <= 0)
					die("read");
				got += r;
			}
			tr += now_ns() - t0;
			fr += minflt() - f0;
		}
		s_write.ns[s_write.n++] = tw;
		s_write.faults += fw;
		s_read.ns[s_read.n++] = tr;
		s_read.faults += fr;
		T0(&s_sum);
		if (page_sum(buf, BYTES) != page_sum(data, BYTES))
			die("af_unix page_sum");
		T1(&s_sum);
	}
	printf("== af_unix\n");
	print_step(&s_write);
	print_step(&s_read);
	print_step(&s_sum);
	close(sv[0]);
	close(sv[1]);
}

/* Raw costs with no kdbus at all: a memfd's mmap/fault/munmap and a plain memcpy. */
static void raw_steps(int memfd, const uint8_t *data, uint8_t *buf)
{
	struct step s_cpy = { .name = "memcpy 1 MiB" }, s_dup = { .name = "dup+close" },
		    s_one = { .name = "mmap+touch+munmap 1 page" },
		    s_none = { .name = "mmap+munmap 1 MiB, untouched" };
	uint64_t t0;
	long f0;
	unsigned i;

	for (i = 0; i < reps + reps / 10 + 2; i++) {
		int fd;

		const volatile uint8_t *map;

		if (i == reps / 10 + 2) {
			s_cpy.n = s_dup.n = s_one.n = s_none.n = 0;
			s_cpy.faults = s_dup.faults = s_one.faults = s_none.faults = 0;
		}
		T0(&s_cpy);
		memcpy(buf, data, BYTES);
		T1(&s_cpy);
		T0(&s_dup);
		fd = dup(memfd);
		close(fd);
		T1(&s_dup);
		T0(&s_one);
		map = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, memfd, 0);
		if (map == MAP_FAILED || map[7] != data[7])
			die("mmap one page");
		munmap((void *)map, PAGE);
		T1(&s_one);
		T0(&s_none);
		map = mmap(NULL, BYTES, PROT_READ, MAP_SHARED, memfd, 0);
		if (map == MAP_FAILED)
			die("mmap");
		munmap((void *)map, BYTES);
		T1(&s_none);
	}
	printf("== raw\n");
	print_step(&s_cpy);
	print_step(&s_dup);
	print_step(&s_one);
	print_step(&s_none);
}

int main(int argc, char **argv)
{
	char name[64], path[128];
	struct conn a, b;
	uint8_t *data, *buf;
	uint64_t want;
	int opt, memfd;
	size_t k;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			return 2;
		reps = atoi(optarg);
		if (reps < 1 || reps > MAX_N * 9 / 10)
			return 2;
	}
	data = malloc(BYTES);
	buf = malloc(BYTES);
	if (!data || !buf)
		die("malloc");
	for (k = 0; k < BYTES; k++)
		data[k] = (uint8_t)(k * 131 + 7);
	memset(buf, 0, BYTES);
	want = page_sum(data, BYTES);
	memfd = memfd_create("memfd-steps", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0 || write(memfd, data, BYTES) != (ssize_t)BYTES ||
	    fcntl(memfd, F_ADD_SEALS, SEALS) < 0)
		die("memfd");

	snprintf(name, sizeof(name), "%u-memfdsteps-%d", (unsigned)geteuid(), (int)getpid());
	snprintf(path, sizeof(path), "/sys/fs/kdbus/%s/bus", name);
	make_bus(name);
	a = hello(path);
	b = hello(path);
	kdbus_steps(&a, &b, memfd, NONE, buf, 0);
	kdbus_steps(&a, &b, memfd, MMAP, buf, want);
	kdbus_steps(&a, &b, memfd, POPULATE, buf, want);
	kdbus_steps(&a, &b, memfd, WILLNEED, buf, want);
	kdbus_steps(&a, &b, memfd, PREAD, buf, want);
	unix_steps(data, buf);
	raw_steps(memfd, data, buf);
	return 0;
}
