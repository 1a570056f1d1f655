// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus-example - a tiny echo service and its client, talking over kdbus.
 *
 *   kdbus-example [--make-bus] [--bus PATH]              demo: service + one call
 *   kdbus-example [--make-bus] [--bus PATH] service      serve until killed
 *   kdbus-example [--bus PATH] call TEXT                 one call, print the reply
 *
 * The default bus is /sys/fs/kdbus/<euid>-example/bus. --make-bus creates
 * that bus first (BUS_MAKE on /sys/fs/kdbus/control); a bus lives exactly as
 * long as the file descriptor that made it, so this process keeps it open.
 * So, in two shells:   kdbus-example --make-bus service &
 *                      kdbus-example call 'hello, kdbus'
 *
 * What happens, step by step:
 *   1. HELLO      open the bus's endpoint file and become a connection: the
 *                 kernel gives us an ID and a "pool", a memory area it writes
 *                 everything we receive into; we map it read-only.
 *   2. ACQUIRE    the service takes the well-known name org.example.Echo.
 *   3. SEND       the client sends a call to that name with EXPECT_REPLY and
 *                 SYNC_REPLY: the ioctl sleeps until the reply is in our pool.
 *   4. RECV       the service learns where the call landed in its pool,
 *                 reads it there, replies (SEND with cookie_reply) and FREEs
 *                 the slice so the kernel can reuse the space.
 *   5. The client reads the reply in its own pool, prints it and FREEs it.
 *
 * Every command is an ioctl whose argument starts with {size, flags,
 * return_flags}, followed by "items": {size, type, payload} records, each
 * padded to a multiple of 8 bytes. The ABI is in <linux/kdbus.h>.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SERVICE_NAME	"org.example.Echo"
#define POOL_SIZE	(1024 * 1024)	/* a multiple of the page size */
#define CALL_TIMEOUT_NS	(5ULL * 1000 * 1000 * 1000)

/* A connection: the endpoint fd, our ID on the bus and the mapped pool. */
struct conn {
	int fd;
	uint64_t id;
	const uint8_t *pool;
};

static void die(const char *what)
{
	fprintf(stderr, "kdbus-example: %s: %s\n", what, strerror(errno));
	exit(1);
}

/*
 * Appends one item at *pos and moves *pos past it and its padding. The
 * buffer must be zeroed, 8-byte aligned and large enough; item->size counts
 * the 16-byte header and the payload, but not the padding.
 */
static void put_item(uint8_t **pos, uint64_t type, const void *data, size_t len)
{
	struct kdbus_item *item = (struct kdbus_item *)*pos;

	item->size = KDBUS_ITEM_HEADER_SIZE + len;
	item->type = type;
	memcpy(item->data, data, len);
	*pos += KDBUS_ALIGN8(item->size);
}

/* Gives a slice of our pool back to the kernel. */
static void pool_free(const struct conn *c, uint64_t offset)
{
	struct kdbus_cmd_free cmd = { .size = sizeof(cmd), .offset = offset };

	if (ioctl(c->fd, KDBUS_CMD_FREE, &cmd) < 0)
		die("KDBUS_CMD_FREE");
}

/*
 * BUS_MAKE: a bus needs a name that starts with our effective UID and a
 * dash, and bloom filter parameters (used for signal matching; any valid
 * values do here). The returned fd *is* the bus: closing it removes it.
 */
static int make_bus(const char *name)
{
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_cmd *cmd = (struct kdbus_cmd *)buf;
	struct kdbus_bloom_parameter bloom = { .size = 64, .n_hash = 1 };
	uint8_t *pos = (uint8_t *)cmd->items;
	int fd;

	fd = open("/sys/fs/kdbus/control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /sys/fs/kdbus/control");
	put_item(&pos, KDBUS_ITEM_MAKE_NAME, name, strlen(name) + 1);
	put_item(&pos, KDBUS_ITEM_BLOOM_PARAMETER, &bloom, sizeof(bloom));
	cmd->size = pos - buf;
	if (ioctl(fd, KDBUS_CMD_BUS_MAKE, cmd) < 0)
		die("KDBUS_CMD_BUS_MAKE");
	return fd;
}

/*
 * HELLO: turns an open endpoint file into a connection. attach_flags_recv
 * asks for metadata about the sender of every message we receive (here its
 * credentials and PIDs, which the kernel always may attach).
 */
static struct conn connect_bus(const char *path, uint64_t attach_recv)
{
	struct kdbus_cmd_hello hello = {
		.size = sizeof(hello),
		.attach_flags_recv = attach_recv,
		.pool_size = POOL_SIZE,
	};
	struct conn c;
	void *map;

	c.fd = open(path, O_RDWR | O_CLOEXEC);
	if (c.fd < 0) {
		fprintf(stderr, "kdbus-example: %s: %s%s\n", path, strerror(errno),
			errno == ENOENT ? " (no such bus: make it with --make-bus)" : "");
		exit(1);
	}
	if (ioctl(c.fd, KDBUS_CMD_HELLO, &hello) < 0)
		die("KDBUS_CMD_HELLO");
	c.id = hello.id;
	/* The pool can only be mapped read-only: the kernel writes, we read. */
	map = mmap(NULL, POOL_SIZE, PROT_READ, MAP_SHARED, c.fd, 0);
	if (map == MAP_FAILED)
		die("mmap pool");
	c.pool = map;
	/* HELLO left the bus's bloom parameters in the pool: we don't need them. */
	pool_free(&c, hello.offset);
	return c;
}

/* Finds the payload of a received message: PAYLOAD_OFF items point at it. */
static const char *payload(const struct kdbus_msg *msg, size_t *len)
{
	const struct kdbus_item *item = msg->items;

	while ((const uint8_t *)item < (const uint8_t *)msg + msg->size) {
		if (item->type == KDBUS_ITEM_PAYLOAD_OFF) {
			*len = item->vec.size;
			/* vec.offset is relative to the start of the message */
			return (const char *)msg + item->vec.offset;
		}
		item = KDBUS_ITEM_NEXT(item);
	}
	*len = 0;
	return "";
}

/* Prints the sender metadata the kernel attached (attach_flags_recv). */
static void print_sender(const struct kdbus_msg *msg)
{
	const struct kdbus_item *item = msg->items;
	unsigned long long pid = 0, uid = 0;

	while ((const uint8_t *)item < (const uint8_t *)msg + msg->size) {
		if (item->type == KDBUS_ITEM_PIDS)
			pid = item->pids.pid;
		else if (item->type == KDBUS_ITEM_CREDS)
			uid = item->creds.uid;
		item = KDBUS_ITEM_NEXT(item);
	}
	printf("service: call from connection %llu (pid %llu, uid %llu)",
	       (unsigned long long)msg->src_id, pid, uid);
}

/* Answers one call: the reply's data is the call's data, read from the pool. */
static void reply(const struct conn *c, const struct kdbus_msg *call)
{
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_msg *msg = (struct kdbus_msg *)buf;
	struct kdbus_cmd_send cmd = { .size = sizeof(cmd) };
	struct kdbus_vec vec;
	uint8_t *pos = (uint8_t *)msg->items;
	size_t len;

	/* PAYLOAD_VEC: the kernel copies len bytes from this address. */
	vec.address = (uintptr_t)payload(call, &len);
	vec.size = len;
	if (len)
		put_item(&pos, KDBUS_ITEM_PAYLOAD_VEC, &vec, sizeof(vec));
	msg->size = pos - buf;
	msg->dst_id = call->src_id;		/* back to the caller */
	msg->payload_type = call->payload_type;
	msg->cookie_reply = call->cookie;	/* which call this answers */
	cmd.msg_address = (uintptr_t)msg;
	if (ioctl(c->fd, KDBUS_CMD_SEND, &cmd) < 0)
		die("KDBUS_CMD_SEND (reply)");
}

/*
 * The service: owns SERVICE_NAME and answers calls, `count` of them or,
 * with count 0, until killed. Writes a byte to `ready` (if >= 0) once the
 * name is ours, so a client started after that finds it.
 */
static void serve(const char *bus, int ready, unsigned count)
{
	struct conn c = connect_bus(bus, KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS);
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_cmd *acquire = (struct kdbus_cmd *)buf;
	uint8_t *pos = (uint8_t *)acquire->items;
	unsigned served = 0;

	put_item(&pos, KDBUS_ITEM_NAME, SERVICE_NAME, sizeof(SERVICE_NAME));
	acquire->size = pos - buf;
	if (ioctl(c.fd, KDBUS_CMD_NAME_ACQUIRE, acquire) < 0)
		die("KDBUS_CMD_NAME_ACQUIRE " SERVICE_NAME);
	printf("service: connection %llu owns %s\n", (unsigned long long)c.id, SERVICE_NAME);
	fflush(stdout);
	if (ready >= 0 && (write(ready, "", 1) != 1 || close(ready) < 0))
		die("ready pipe");

	while (count == 0 || served < count) {
		struct kdbus_cmd_recv recv = { .size = sizeof(recv) };
		struct pollfd pfd = { .fd = c.fd, .events = POLLIN };
		const struct kdbus_msg *msg;
		const char *text;
		size_t len;

		/* RECV never blocks: wait until the queue has something. */
		if (ioctl(c.fd, KDBUS_CMD_RECV, &recv) < 0) {
			if (errno != EAGAIN)
				die("KDBUS_CMD_RECV");
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				die("poll");
			continue;
		}
		/* The message sits in our pool at recv.msg.offset. */
		msg = (const struct kdbus_msg *)(c.pool + recv.msg.offset);
		text = payload(msg, &len);
		print_sender(msg);
		printf(": \"%.*s\"\n", (int)len, text);
		fflush(stdout);
		if (msg->flags & KDBUS_MSG_EXPECT_REPLY)
			reply(&c, msg);
		/* Only now, after the reply copied the text, release the slice. */
		pool_free(&c, recv.msg.offset);
		served++;
	}
	close(c.fd);
}

/* The client: one synchronous call to SERVICE_NAME, then print the reply. */
static int call(const char *bus, const char *text)
{
	struct conn c = connect_bus(bus, 0);
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_msg *msg = (struct kdbus_msg *)buf;
	struct kdbus_cmd_send cmd = { .size = sizeof(cmd) };
	struct kdbus_vec vec = { .size = strlen(text), .address = (uintptr_t)text };
	const struct kdbus_msg *answer;
	const char *data;
	uint8_t *pos = (uint8_t *)msg->items;
	struct timespec now;
	size_t len;

	/* dst_id 0 + a DST_NAME item: "deliver to whoever owns this name". */
	put_item(&pos, KDBUS_ITEM_DST_NAME, SERVICE_NAME, sizeof(SERVICE_NAME));
	if (vec.size)
		put_item(&pos, KDBUS_ITEM_PAYLOAD_VEC, &vec, sizeof(vec));
	msg->size = pos - buf;
	msg->flags = KDBUS_MSG_EXPECT_REPLY;
	msg->dst_id = KDBUS_DST_ID_NAME;
	msg->payload_type = KDBUS_PAYLOAD_DBUS;	/* any non-zero value */
	msg->cookie = 1;			/* ours to choose */
	/* With EXPECT_REPLY, the deadline is absolute, on CLOCK_MONOTONIC. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	msg->timeout_ns = (uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec + CALL_TIMEOUT_NS;

	/* SYNC_REPLY: the ioctl returns when the reply is in our pool. */
	cmd.flags = KDBUS_SEND_SYNC_REPLY;
	cmd.msg_address = (uintptr_t)msg;
	if (ioctl(c.fd, KDBUS_CMD_SEND, &cmd) < 0) {
		if (errno == ESRCH)
			fprintf(stderr, "kdbus-example: nobody owns %s: start the service first\n",
				SERVICE_NAME);
		else
			die("KDBUS_CMD_SEND (call)");
		return 1;
	}
	answer = (const struct kdbus_msg *)(c.pool + cmd.reply.offset);
	data = payload(answer, &len);
	printf("client: reply from connection %llu: \"%.*s\"\n",
	       (unsigned long long)answer->src_id, (int)len, data);
	pool_free(&c, cmd.reply.offset);
	close(c.fd);
	return 0;
}

/* Demo: the service in a child process, one call from this one. */
static int demo(const char *bus, const char *text)
{
	int ready[2], status, ret;
	char byte;
	pid_t pid;

	if (pipe(ready) < 0)
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(ready[0]);
		serve(bus, ready[1], 1);
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &byte, 1) != 1) {	/* the service is up */
		waitpid(pid, NULL, 0);
		return 1;
	}
	ret = call(bus, text);
	if (ret)
		kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	return ret || !WIFEXITED(status) || WEXITSTATUS(status);
}

static void usage(void)
{
	fprintf(stderr, "usage: kdbus-example [--make-bus] [--bus PATH] [service | call TEXT]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char name[64], path[128];
	const char *bus = NULL;
	int i, make = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--make-bus"))
			make = 1;
		else if (!strcmp(argv[i], "--bus") && i + 1 < argc)
			bus = argv[++i];
		else
			usage();
	}
	snprintf(name, sizeof(name), "%u-example", (unsigned)geteuid());
	snprintf(path, sizeof(path), "/sys/fs/kdbus/%s/bus", name);
	if (make && bus)
		usage();
	if (make) {
		make_bus(name);	/* kept open until we exit: the bus lives as long */
		printf("made bus %s\n", path);
	}
	if (!bus)
		bus = path;

	if (i == argc)
		return demo(bus, "hello, kdbus");
	if (!strcmp(argv[i], "service") && i + 1 == argc) {
		serve(bus, -1, 0);
		return 0;
	}
	if (!strcmp(argv[i], "call") && i + 2 == argc)
		return call(bus, argv[i + 1]);
	usage();
	return 2;
}
