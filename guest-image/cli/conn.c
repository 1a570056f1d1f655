// SPDX-License-Identifier: GPL-2.0
/*
 * conn.c: command buffers, finding the bus, HELLO, the pool and the
 * receive helpers every connecting command uses.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ---- command buffers: a fixed struct followed by 8-aligned items ---- */

static void cmd_reserve(struct cmdbuf *c, size_t more)
{
	size_t cap = c->cap ? c->cap : 256;
	uint8_t *p;

	if (c->len + more <= c->cap)
		return;
	while (cap < c->len + more)
		cap *= 2;
	/* The kernel requires 8-byte aligned commands (EFAULT otherwise). */
	p = aligned_alloc(8, cap);
	if (!p)
		fatal("out of memory");
	memset(p, 0, cap);
	if (c->data)
		memcpy(p, c->data, c->len);
	free(c->data);
	c->data = p;
	c->cap = cap;
}

void cmd_init(struct cmdbuf *c, size_t fixed)
{
	memset(c, 0, sizeof(*c));
	cmd_reserve(c, fixed);
	c->len = fixed;
}

void cmd_item(struct cmdbuf *c, uint64_t type, const void *data, size_t len)
{
	struct kdbus_item *item;

	c->len = KDBUS_ALIGN8(c->len);
	cmd_reserve(c, KDBUS_ITEM_SIZE(len));
	item = (struct kdbus_item *)(c->data + c->len);
	item->size = KDBUS_ITEM_HEADER_SIZE + len;
	item->type = type;
	if (len)
		memcpy(item->data, data, len);
	c->len += item->size;
}

void cmd_item_str(struct cmdbuf *c, uint64_t type, const char *s)
{
	cmd_item(c, type, s, strlen(s) + 1);
}

void *cmd_finish(struct cmdbuf *c)
{
	uint64_t size = c->len;

	memcpy(c->data, &size, sizeof(size));
	return c->data;
}

void cmd_free(struct cmdbuf *c)
{
	free(c->data);
	memset(c, 0, sizeof(*c));
}

/* ---- finding the bus ---- */

const char *prefixed_name(const char *name, char *buf, size_t len)
{
	size_t digits = strspn(name, "0123456789");

	/* The kernel wants "<euid>-" in front (§2.3); add it for convenience. */
	if (digits && name[digits] == '-')
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%u-%s", (unsigned)geteuid(), name);
	return buf;
}

const char *bus_path(const char *bus, char *buf, size_t len)
{
	struct stat st;

	if (!bus)
		bus = g.bus;
	if (!bus)
		bus = getenv("KDBUS_BUS");
	if (bus && !*bus)
		bus = NULL;	/* KDBUS_BUS= unsets it */
	if (!bus) {
		/* No bus named: take the only one, as there is no "system bus". */
		DIR *d = opendir(g.root);
		struct dirent *e;
		int n = 0;

		if (!d)
			die("open", errno, "%s", g.root);
		while ((e = readdir(d))) {
			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			if (!n++)
				snprintf(buf, len, "%s/%s/bus", g.root, e->d_name);
		}
		closedir(d);
		if (n == 1)
			return buf;
		fatal("%s buses in %s: name one with --bus BUS (see `kdbus ls`)",
		      n ? "several" : "no", g.root);
	}
	if (bus[0] == '/' || bus[0] == '.') {
		snprintf(buf, len, "%s", bus);
		if (!stat(buf, &st) && S_ISDIR(st.st_mode))
			snprintf(buf, len, "%s/bus", bus);
	} else if (strchr(bus, '/')) {
		snprintf(buf, len, "%s/%s", g.root, bus);
	} else {
		snprintf(buf, len, "%s/%s/bus", g.root, bus);
	}
	return buf;
}

/* ---- connections ---- */

int conn_ioctl(const struct conn *c, unsigned long request, void *arg)
{
	return ioctl(c->fd, request, arg) < 0 ? -errno : 0;
}

void conn_free(const struct conn *c, uint64_t offset)
{
	struct kdbus_cmd_free cmd = { .size = sizeof(cmd), .offset = offset };

	if (ioctl(c->fd, KDBUS_CMD_FREE, &cmd) < 0)
		die("FREE", errno, "offset %llu", (unsigned long long)offset);
}

/*
 * After ECONNREFUSED the handle is still fresh (§15), so a second HELLO
 * offering everything gets us in just long enough to read the bus's
 * required mask from BUS_CREATOR_INFO and name what was missing.
 */
static void explain_refused(struct conn *c, struct kdbus_cmd_hello *hello)
{
	struct kdbus_cmd_info info = { .size = sizeof(info) };
	const struct kdbus_info *rec;
	const struct kdbus_item *item;
	uint64_t offered = hello->attach_flags_send, required = 0;

	hello->attach_flags_send = _KDBUS_ATTACH_ANY;
	hello->attach_flags_recv = 0;
	if (ioctl(c->fd, KDBUS_CMD_HELLO, hello) == 0 &&
	    ioctl(c->fd, KDBUS_CMD_BUS_CREATOR_INFO, &info) == 0) {
		const uint8_t *pool = mmap(NULL, POOL_SIZE, PROT_READ, MAP_SHARED, c->fd, 0);

		if (pool != MAP_FAILED) {
			rec = (const void *)(pool + info.offset);
			for_each_item(item, rec->items, (const uint8_t *)rec + rec->size)
				if (item->type == KDBUS_ITEM_ATTACH_FLAGS_RECV)
					required = item->data64[0];
		}
	}
	if (required & ~offered)
		die("HELLO", ECONNREFUSED, "%s", meta_format(required & ~offered));
	die("HELLO", ECONNREFUSED, "%s (you offered %s)", c->path, meta_format(offered));
}

void conn_open(struct conn *c, const struct hello_args *args)
{
	struct cmdbuf cmd;
	struct kdbus_cmd_hello *hello;
	const struct kdbus_item *item;
	const struct kdbus_bloom_parameter *bp;
	size_t i;
	void *map;

	memset(c, 0, sizeof(*c));
	bus_path(NULL, c->path, sizeof(c->path));
	c->fd = open(c->path, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		die("open", errno, "%s", c->path);

	cmd_init(&cmd, sizeof(*hello));
	if (args && args->name)
		cmd_item_str(&cmd, KDBUS_ITEM_NAME, args->name);
	for (i = 0; args && i < args->n_policy; i++)
		cmd_item(&cmd, KDBUS_ITEM_POLICY_ACCESS, &args->policy[i], sizeof(args->policy[i]));
	if (g.description)
		cmd_item_str(&cmd, KDBUS_ITEM_CONN_DESCRIPTION, g.description);
	hello = cmd_finish(&cmd);
	hello->flags = args ? args->flags : 0;
	hello->attach_flags_send = g.send_meta;
	hello->attach_flags_recv = g.recv_meta;
	hello->pool_size = POOL_SIZE;
	if (ioctl(c->fd, KDBUS_CMD_HELLO, hello) < 0) {
		int err = errno;

		if (err == ECONNREFUSED)
			explain_refused(c, hello);
		if (err == EINVAL && g.description)
			die("HELLO", err, "is the description valid (letters, digits, _ - ., at most 63)?");
		die("HELLO", err, "%s", c->path);
	}
	c->id = hello->id;
	c->bus_flags = hello->bus_flags;
	memcpy(c->id128, hello->id128, sizeof(c->id128));
	snprintf(c->unique, sizeof(c->unique), ":1.%llu", (unsigned long long)c->id);
	/* The pool is read-only for us: the kernel writes, we read. */
	map = mmap(NULL, POOL_SIZE, PROT_READ, MAP_SHARED, c->fd, 0);
	if (map == MAP_FAILED)
		die("mmap", errno, "pool of %s", c->path);
	c->pool = map;
	/* HELLO left the bloom parameters in the pool: keep them, free the slice. */
	item = (const struct kdbus_item *)(c->pool + hello->offset);
	if (hello->items_size >= KDBUS_ITEM_HEADER_SIZE + sizeof(*bp) &&
	    item->type == KDBUS_ITEM_BLOOM_PARAMETER)
		c->bloom = item->bloom_parameter;
	/* A policy holder may not FREE (§4.8), so its slice stays allocated. */
	if (!(hello->flags & KDBUS_HELLO_POLICY_HOLDER))
		conn_free(c, hello->offset);
	cmd_free(&cmd);
}

int conn_recv(const struct conn *c, const struct kdbus_msg **msg, uint64_t *offset,
	      uint64_t *dropped)
{
	struct kdbus_cmd_recv recv = { .size = sizeof(recv) };

	if (ioctl(c->fd, KDBUS_CMD_RECV, &recv) < 0)
		return -errno;
	if (dropped)
		*dropped = recv.dropped_msgs;
	*offset = recv.msg.offset;
	*msg = (const struct kdbus_msg *)(c->pool + recv.msg.offset);
	return 0;
}

int conn_wait(const struct conn *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n > 0 && (pfd.revents & (POLLERR | POLLHUP)))
		return -ESHUTDOWN;
	return n;
}

int conn_acquire(struct conn *c, const char *name, uint64_t flags, uint64_t *result)
{
	struct cmdbuf cmd;
	struct kdbus_cmd *acq;
	int ret;

	cmd_init(&cmd, sizeof(*acq));
	cmd_item_str(&cmd, KDBUS_ITEM_NAME, name);
	acq = cmd_finish(&cmd);
	acq->flags = flags;
	ret = conn_ioctl(c, KDBUS_CMD_NAME_ACQUIRE, acq);
	*result = acq->return_flags;
	cmd_free(&cmd);
	return ret;
}

int conn_match(struct conn *c, uint64_t cookie, const struct cmdbuf *rules)
{
	struct cmdbuf cmd;
	struct kdbus_cmd_match *m;
	int ret;

	cmd_init(&cmd, sizeof(*m));
	if (rules && rules->len) {
		cmd_reserve(&cmd, rules->len);
		memcpy(cmd.data + cmd.len, rules->data, rules->len);
		cmd.len += rules->len;
	}
	m = cmd_finish(&cmd);
	m->cookie = cookie;
	ret = conn_ioctl(c, KDBUS_CMD_MATCH_ADD, m);
	cmd_free(&cmd);
	return ret;
}

uint64_t parse_id(const char *s)
{
	char *end;
	unsigned long long v;

	if (!strncmp(s, ":1.", 3))
		s += 3;
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return 0;
	v = strtoull(s, &end, 10);
	return v;
}

const struct kdbus_item *msg_item(const struct kdbus_msg *msg, uint64_t type)
{
	const struct kdbus_item *item;

	for_each_item(item, msg->items, (const uint8_t *)msg + msg->size)
		if (item->type == type)
			return item;
	return NULL;
}

/*
 * All PAYLOAD_OFF and MEMFD items together are one byte stream (§6.2).
 * Usually it is one vector, which we return in place; otherwise we copy.
 */
const uint8_t *msg_payload(const struct kdbus_msg *msg, size_t *len, int *owned)
{
	const struct kdbus_item *item, *only = NULL;
	size_t total = 0, pos = 0, parts = 0;
	uint8_t *buf;

	*owned = 0;
	for_each_item(item, msg->items, (const uint8_t *)msg + msg->size) {
		if (item->type == KDBUS_ITEM_PAYLOAD_OFF) {
			total += item->vec.size;
			parts++;
			only = item;
		} else if (item->type == KDBUS_ITEM_PAYLOAD_MEMFD) {
			total += item->memfd.size;
			parts += 2;
		}
	}
	*len = total;
	if (parts == 1 && only->vec.offset != ~0ULL)
		return (const uint8_t *)msg + only->vec.offset;
	buf = calloc(1, total + 1);
	if (!buf)
		fatal("out of memory");
	for_each_item(item, msg->items, (const uint8_t *)msg + msg->size) {
		if (item->type == KDBUS_ITEM_PAYLOAD_OFF) {
			if (item->vec.offset != ~0ULL)
				memcpy(buf + pos, (const uint8_t *)msg + item->vec.offset, item->vec.size);
			pos += item->vec.size;
		} else if (item->type == KDBUS_ITEM_PAYLOAD_MEMFD) {
			if (item->memfd.fd >= 0 &&
			    pread(item->memfd.fd, buf + pos, item->memfd.size, item->memfd.start) < 0)
				memset(buf + pos, 0, item->memfd.size);
			pos += item->memfd.size;
		}
	}
	*owned = 1;
	return buf;
}
