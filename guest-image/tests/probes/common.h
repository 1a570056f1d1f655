// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <poll.h>
#include <time.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kdbus.h>

#define POOL (16 * 4096)
static __attribute__((unused)) int fails;
#define CHECK(cond, ...) do { if (cond) printf("ok   " __VA_ARGS__); else { fails++; printf("FAIL " __VA_ARGS__); } printf(" (errno %d)\n", errno); } while (0)

static __attribute__((unused)) uint64_t buf[8192] __attribute__((unused));
static __attribute__((unused)) struct kdbus_item *additem(struct kdbus_item *it, uint64_t type, const void *d, size_t len)
{
	it->size = 16 + len; it->type = type; memcpy(it->data, d, len);
	return (struct kdbus_item *)((char *)it + KDBUS_ALIGN8(it->size));
}

static __attribute__((unused)) int bus_make(const char *name)
{
	int fd = open("/sys/fs/kdbus/control", O_RDWR | O_CLOEXEC);
	struct kdbus_cmd *cmd = (void *)buf; struct kdbus_item *it;
	struct kdbus_bloom_parameter bp = { 64, 1 };
	memset(buf, 0, sizeof(buf));
	it = cmd->items;
	it = additem(it, KDBUS_ITEM_MAKE_NAME, name, strlen(name) + 1);
	it = additem(it, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	cmd->size = (char *)it - (char *)cmd;
	cmd->flags = KDBUS_MAKE_ACCESS_WORLD;
	if (ioctl(fd, KDBUS_CMD_BUS_MAKE, cmd) < 0) { close(fd); return -1; }
	return fd;
}

struct conn { int fd; uint64_t id; void *pool; };
static __attribute__((unused)) int hello(struct conn *c, const char *path, uint64_t flags)
{
	struct kdbus_cmd_hello h; memset(&h, 0, sizeof(h));
	c->fd = open(path, O_RDWR | O_CLOEXEC);
	if (c->fd < 0) return -1;
	h.size = sizeof(h); h.flags = flags; h.pool_size = POOL;
	h.attach_flags_send = _KDBUS_ATTACH_ANY; h.attach_flags_recv = _KDBUS_ATTACH_ANY;
	if (ioctl(c->fd, KDBUS_CMD_HELLO, &h) < 0) return -1;
	c->id = h.id;
	c->pool = mmap(NULL, POOL, PROT_READ, MAP_SHARED, c->fd, 0);
	if (c->pool == MAP_FAILED) return -2;
	struct kdbus_item *it = (void *)((char *)c->pool + h.offset);
	printf("   hello id=%llu offset=%llu items_size=%llu item type=%llu size=%llu\n", (unsigned long long)h.id, (unsigned long long)h.offset, (unsigned long long)h.items_size, (unsigned long long)it->type, (unsigned long long)it->size);
	struct kdbus_cmd_free f = { sizeof(f), 0, 0, h.offset };
	ioctl(c->fd, KDBUS_CMD_FREE, &f);
	return 0;
}

static __attribute__((unused)) int send_msg(struct conn *c, uint64_t dst, const char *dname, uint64_t flags, uint64_t cookie, uint64_t cr, const char *payload, uint64_t sflags, struct kdbus_msg_info *reply)
{
	static uint64_t mb[512]; struct kdbus_msg *m = (void *)mb; struct kdbus_item *it;
	memset(mb, 0, sizeof(mb));
	m->flags = flags; m->dst_id = dst;
	if (flags & KDBUS_MSG_EXPECT_REPLY) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); cr = ts.tv_sec * 1000000000ULL + ts.tv_nsec + 5000000000ULL; } m->payload_type = KDBUS_PAYLOAD_DBUS; m->cookie = cookie; m->cookie_reply = cr;
	it = m->items;
	if (payload) { struct kdbus_vec v = { strlen(payload) + 1, { (uintptr_t)payload } }; it = additem(it, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v)); }
	if (dname) it = additem(it, KDBUS_ITEM_DST_NAME, dname, strlen(dname) + 1);
	if (flags & KDBUS_MSG_SIGNAL) { uint64_t bf[9] = { 0 }; bf[1] = 0xff; it = additem(it, KDBUS_ITEM_BLOOM_FILTER, bf, 8 + 64); }
	m->size = (char *)it - (char *)m;
	struct kdbus_cmd_send s; memset(&s, 0, sizeof(s));
	s.size = sizeof(s); s.flags = sflags; s.msg_address = (uintptr_t)m;
	int r = ioctl(c->fd, KDBUS_CMD_SEND, &s);
	if (reply) *reply = s.reply;
	return r;
}

static __attribute__((unused)) int recv_msg(struct conn *c, uint64_t flags, struct kdbus_msg **out, uint64_t *dropped)
{
	struct kdbus_cmd_recv r; memset(&r, 0, sizeof(r)); r.size = sizeof(r); r.flags = flags;
	int ret = ioctl(c->fd, KDBUS_CMD_RECV, &r);
	if (dropped) *dropped = r.dropped_msgs;
	if (ret == 0 && out) *out = (void *)((char *)c->pool + r.msg.offset);
	return ret;
}
static __attribute__((unused)) void freeoff(struct conn *c, void *p) { struct kdbus_cmd_free f = { sizeof(f), 0, 0, (uint64_t)((char *)p - (char *)c->pool) }; ioctl(c->fd, KDBUS_CMD_FREE, &f); }

static __attribute__((unused)) void dump(struct kdbus_msg *m)
{
	printf("   msg size=%llu src=%llu dst=%llu ptype=%llx cookie=%llu cr=%llu\n", (unsigned long long)m->size, (unsigned long long)m->src_id, (unsigned long long)m->dst_id, (unsigned long long)m->payload_type, (unsigned long long)m->cookie, (unsigned long long)m->cookie_reply);
	struct kdbus_item *it = m->items;
	while ((char *)it < (char *)m + m->size) {
		printf("     item type=%llx size=%llu", (unsigned long long)it->type, (unsigned long long)it->size);
		if (it->type == KDBUS_ITEM_PAYLOAD_OFF) printf(" off=%llu len=%llu data='%s'", (unsigned long long)it->vec.offset, (unsigned long long)it->vec.size, (char *)m + it->vec.offset);
		if (it->type == KDBUS_ITEM_ID_ADD || it->type == KDBUS_ITEM_ID_REMOVE) printf(" id=%llu", (unsigned long long)it->id_change.id);
		if (it->type >= KDBUS_ITEM_NAME_ADD && it->type <= KDBUS_ITEM_NAME_CHANGE) printf(" %llu->%llu '%s'", (unsigned long long)it->name_change.old_id.id, (unsigned long long)it->name_change.new_id.id, it->name_change.name);
		if (it->type == KDBUS_ITEM_TIMESTAMP) printf(" seq=%llu", (unsigned long long)it->timestamp.seqnum);
		printf("\n");
		it = (void *)((char *)it + KDBUS_ALIGN8(it->size));
	}
}

static __attribute__((unused)) int name_op(struct conn *c, unsigned long op, const char *name, uint64_t flags, uint64_t *rf)
{
	struct kdbus_cmd *cmd = (void *)buf; memset(buf, 0, 512);
	struct kdbus_item *it = additem(cmd->items, KDBUS_ITEM_NAME, name, strlen(name) + 1);
	cmd->size = (char *)it - (char *)cmd; cmd->flags = flags;
	int r = ioctl(c->fd, op, cmd);
	if (rf) *rf = cmd->return_flags;
	return r;
}

static __attribute__((unused)) int match_all(struct conn *c)
{
	struct kdbus_cmd_match m; memset(&m, 0, sizeof(m)); m.size = sizeof(m); m.cookie = 1;
	return ioctl(c->fd, KDBUS_CMD_MATCH_ADD, &m);
}

