// SPDX-License-Identifier: GPL-2.0
/*
 * trace-load - a steady stream of D-Bus signals on a bus of its own, for
 * measuring how many messages per second the trace agent carries to the
 * host without loss (bench/trace.ts).
 *
 *   trace-load [-r RATE] [-t SECONDS] [-s BYTES] [-a ATTACH] [-p AGENT_PID]
 *     -r RATE     signals per second (default 1000)
 *     -t SECONDS  how long (default 2)
 *     -s BYTES    length of the string in each signal's body (default 64)
 *     -a ATTACH   the sender's attach_flags_send, a number (default
 *                 _KDBUS_ATTACH_ALL: every metadata item the agent asks for)
 *     -p PID      the agent: its CPU time is measured over the run
 *
 * It makes the bus "<uid>-trace-load", waits WAIT_MS for the agent to
 * attach its monitor, then broadcasts signals paced per millisecond
 * (clock_nanosleep to absolute deadlines), and prints one JSON line:
 *   {"rate":1000,"seconds":2.000,"sent":2000,"achieved":999.8,
 *    "agent_ticks":12,"hz":100,"msg_bytes":...}
 * where agent_ticks is utime + stime of PID over the run in clock ticks.
 * The bus lives until the program exits.
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
#include <time.h>
#include <unistd.h>

#define POOL_SIZE	(1u << 20)
#include "bench-kdbus.h"

#define WAIT_MS		500
#define MAX_BODY	4096u

static void die(const char *what)
{
	fprintf(stderr, "trace-load: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * A minimal D-Bus marshaller (little endian) for one signal with a single
 * string argument: just what this load needs.
 */
struct wire {
	uint8_t *buf;
	size_t len;
};

static void w_pad(struct wire *w, size_t align)
{
	while (w->len % align)
		w->buf[w->len++] = 0;
}

static void w_u32(struct wire *w, uint32_t v)
{
	w_pad(w, 4);
	memcpy(w->buf + w->len, &v, 4);
	w->len += 4;
}

static void w_string(struct wire *w, const char *s, size_t n)
{
	w_u32(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len++] = 0;
}

static void w_sig(struct wire *w, const char *s)
{
	size_t n = strlen(s);

	w->buf[w->len++] = n;
	memcpy(w->buf + w->len, s, n + 1);
	w->len += n + 1;
}

/* A header field: (code, variant of one-letter type). */
static void w_field(struct wire *w, uint8_t code, char type, const char *value)
{
	char sig[2] = { type, 0 };

	w_pad(w, 8);
	w->buf[w->len++] = code;
	w_sig(w, sig);
	if (type == 'g')
		w_sig(w, value);
	else
		w_string(w, value, strlen(value));
}

/* Signal /org/example/Load org.example.Load.Tick(s) with a body of `len` 'x's. */
static size_t make_signal(uint8_t *buf, size_t len, uint32_t serial)
{
	struct wire w = { buf, 0 };
	size_t fields_at, fields_len, body_at;
	char body[MAX_BODY];

	memset(body, 'x', len);
	buf[0] = 'l';
	buf[1] = 4;	/* SIGNAL */
	buf[2] = 1;	/* NO_REPLY_EXPECTED */
	buf[3] = 1;
	w.len = 4;
	w_u32(&w, 0);		/* body length, below */
	w_u32(&w, serial);
	w_u32(&w, 0);		/* header fields array length, below */
	fields_at = w.len;
	w_pad(&w, 8);
	w_field(&w, 1, 'o', "/org/example/Load");
	w_field(&w, 2, 's', "org.example.Load");
	w_field(&w, 3, 's', "Tick");
	w_field(&w, 8, 'g', "s");
	fields_len = w.len - fields_at;
	memcpy(buf + 12, &(uint32_t){ fields_len }, 4);
	w_pad(&w, 8);
	body_at = w.len;
	w_string(&w, body, len);
	memcpy(buf + 4, &(uint32_t){ w.len - body_at }, 4);
	return w.len;
}

static int hello(uint64_t attach)
{
	struct kdbus_cmd_hello cmd = { .size = sizeof(cmd), .pool_size = POOL_SIZE };
	struct kdbus_cmd_free free_cmd = { .size = sizeof(free_cmd) };
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/sys/fs/kdbus/%u-trace-load/bus", (unsigned)getuid());
	cmd.attach_flags_send = attach;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die(path);
	if (ioctl(fd, KDBUS_CMD_HELLO, &cmd) < 0)
		die("KDBUS_CMD_HELLO");
	if (mmap(NULL, POOL_SIZE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
		die("mmap pool");
	free_cmd.offset = cmd.offset;
	if (ioctl(fd, KDBUS_CMD_FREE, &free_cmd) < 0)
		die("KDBUS_CMD_FREE");
	return fd;
}

/* utime + stime of a process, in clock ticks; 0 when pid is 0. */
static unsigned long cpu_ticks(int pid)
{
	unsigned long utime = 0, stime = 0;
	char path[64], line[1024], *p;
	FILE *f;

	if (!pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		die(path);
	if (!fgets(line, sizeof(line), f))
		die("read /proc/PID/stat");
	fclose(f);
	/* Fields 14 and 15, counted after the ")" that ends comm. */
	p = strrchr(line, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &utime, &stime) != 2) {
		errno = EINVAL;
		die("parse /proc/PID/stat");
	}
	return utime + stime;
}

struct load {
	unsigned rate, seconds, body;
	uint64_t attach;
	int agent;
};

static void parse_args(int argc, char **argv, struct load *l)
{
	int opt;

	while ((opt = getopt(argc, argv, "r:t:s:a:p:")) != -1) {
		switch (opt) {
		case 'r': l->rate = strtoul(optarg, NULL, 0); break;
		case 't': l->seconds = strtoul(optarg, NULL, 0); break;
		case 's': l->body = strtoul(optarg, NULL, 0); break;
		case 'a': l->attach = strtoull(optarg, NULL, 0); break;
		case 'p': l->agent = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: trace-load [-r RATE] [-t SECONDS] [-s BYTES] [-a ATTACH] [-p AGENT_PID]\n");
			exit(2);
		}
	}
	if (!l->rate || !l->seconds || l->body >= MAX_BODY) {
		fprintf(stderr, "trace-load: need RATE > 0, SECONDS > 0, BYTES < %u\n", MAX_BODY);
		exit(2);
	}
}

/* Sends one broadcast signal carrying `wire` (len bytes) as its only payload vector. */
static void send_signal(int fd, const uint8_t *wire, size_t len, uint64_t cookie)
{
	_Alignas(8) uint8_t buf[512] = { 0 };
	struct kdbus_msg *msg = (struct kdbus_msg *)buf;
	struct kdbus_cmd_send cmd = { .size = sizeof(cmd) };
	struct kdbus_vec vec = { .size = len, .address = (uintptr_t)wire };
	uint8_t *pos = (uint8_t *)msg->items;

	msg->flags = KDBUS_MSG_SIGNAL;
	msg->dst_id = KDBUS_DST_ID_BROADCAST;
	msg->payload_type = KDBUS_PAYLOAD_DBUS;
	msg->cookie = cookie;
	put_item(&pos, KDBUS_ITEM_PAYLOAD_VEC, &vec, sizeof(vec));
	put_item(&pos, KDBUS_ITEM_BLOOM_FILTER, NULL, sizeof(struct kdbus_bloom_filter) + BLOOM_SIZE);
	msg->size = pos - buf;
	cmd.msg_address = (uintptr_t)msg;
	if (ioctl(fd, KDBUS_CMD_SEND, &cmd) < 0)
		die("KDBUS_CMD_SEND");
}

int main(int argc, char **argv)
{
	struct load l = { .rate = 1000, .seconds = 2, .body = 64, .attach = _KDBUS_ATTACH_ALL };
	static uint8_t wire[MAX_BODY + 256];
	uint64_t start, end, next, total, sent = 0;
	unsigned long ticks;
	char name[64];
	size_t len;
	int fd;

	parse_args(argc, argv, &l);
	snprintf(name, sizeof(name), "%u-trace-load", (unsigned)getuid());
	make_bus(name);
	usleep(WAIT_MS * 1000);
	fd = hello(l.attach);
	len = make_signal(wire, l.body, 1);
	total = (uint64_t)l.rate * l.seconds;
	ticks = cpu_ticks(l.agent);
	start = now_ns();
	next = start;
	while (sent < total) {
		/* Everything due by now, then sleep to the next millisecond. */
		uint64_t due = (now_ns() - start) * l.rate / 1000000000ULL + 1;

		for (; sent < due && sent < total; sent++)
			send_signal(fd, wire, len, sent + 1);
		next += 1000000;
		sleep_until(next);
	}
	end = now_ns();
	ticks = cpu_ticks(l.agent) - ticks;
	printf("{\"rate\":%u,\"seconds\":%.3f,\"sent\":%llu,\"achieved\":%.1f,"
	       "\"agent_ticks\":%lu,\"hz\":%ld,\"payload_bytes\":%zu}\n",
	       l.rate, (end - start) / 1e9, (unsigned long long)sent,
	       sent / ((end - start) / 1e9), ticks, sysconf(_SC_CLK_TCK), len);
	return 0;
}
