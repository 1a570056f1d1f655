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
static int fails;
#define CHECK(cond, ...) do { if (cond) printf("ok   " __VA_ARGS__); else { fails++; printf("FAIL " __VA_ARGS__); } printf(" (errno %d)\n", errno); } while (0)

static uint64_t buf[8192];
static struct kdbus_item *additem(struct kdbus_item *it, uint64_t type, const void *d, size_t len)
{
	it->size = 16 + len; it->type = type; memcpy(it->data, d, len);
	return (struct kdbus_item *)((char *)it + KDBUS_ALIGN8(it->size));
}

static int bus_make(const char *name)
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
static int hello(struct conn *c, const char *path, uint64_t flags)
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

static int send_msg(struct conn *c, uint64_t dst, const char *dname, uint64_t flags, uint64_t cookie, uint64_t cr, const char *payload, uint64_t sflags, struct kdbus_msg_info *reply)
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

static int recv_msg(struct conn *c, uint64_t flags, struct kdbus_msg **out, uint64_t *dropped)
{
	struct kdbus_cmd_recv r; memset(&r, 0, sizeof(r)); r.size = sizeof(r); r.flags = flags;
	int ret = ioctl(c->fd, KDBUS_CMD_RECV, &r);
	if (dropped) *dropped = r.dropped_msgs;
	if (ret == 0 && out) *out = (void *)((char *)c->pool + r.msg.offset);
	return ret;
}
static void freeoff(struct conn *c, void *p) { struct kdbus_cmd_free f = { sizeof(f), 0, 0, (uint64_t)((char *)p - (char *)c->pool) }; ioctl(c->fd, KDBUS_CMD_FREE, &f); }

static void dump(struct kdbus_msg *m)
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

static int name_op(struct conn *c, unsigned long op, const char *name, uint64_t flags, uint64_t *rf)
{
	struct kdbus_cmd *cmd = (void *)buf; memset(buf, 0, 512);
	struct kdbus_item *it = additem(cmd->items, KDBUS_ITEM_NAME, name, strlen(name) + 1);
	cmd->size = (char *)it - (char *)cmd; cmd->flags = flags;
	int r = ioctl(c->fd, op, cmd);
	if (rf) *rf = cmd->return_flags;
	return r;
}

static int match_all(struct conn *c)
{
	struct kdbus_cmd_match m; memset(&m, 0, sizeof(m)); m.size = sizeof(m); m.cookie = 1;
	return ioctl(c->fd, KDBUS_CMD_MATCH_ADD, &m);
}

int main(void)
{
	char path[128];
	struct conn a, b, c;
	struct kdbus_msg *m;
	uint64_t rf, dropped;
	int bfd;

	errno = 0;
	bfd = bus_make("0-test");
	CHECK(bfd >= 0, "BUS_MAKE");
	CHECK(bus_make("0-test") < 0 && errno == EEXIST, "BUS_MAKE dup EEXIST");
	CHECK(bus_make("1000-x") < 0 && errno == EINVAL, "BUS_MAKE wrong uid EINVAL");
	CHECK(access("/sys/fs/kdbus/0-test/bus", F_OK) == 0, "bus file exists");
	snprintf(path, sizeof(path), "/sys/fs/kdbus/0-test/bus");
	CHECK(hello(&a, path, 0) == 0, "HELLO a");
	CHECK(hello(&b, path, KDBUS_HELLO_ACCEPT_FD) == 0, "HELLO b");
	{ int x = ioctl(a.fd, 0x12345678, 0); CHECK(x < 0 && errno == ENOTTY, "ENOTTY"); }
	{ struct kdbus_cmd_hello h = { 0 }; h.size = sizeof(h); h.pool_size = POOL; CHECK(ioctl(a.fd, KDBUS_CMD_HELLO, &h) < 0 && errno == EBADFD, "second HELLO EBADFD"); }
	{ struct kdbus_cmd cmd = { sizeof(cmd), KDBUS_FLAG_NEGOTIATE, 0 }; CHECK(ioctl(a.fd, KDBUS_CMD_BYEBYE, &cmd) == 0 && cmd.flags == 0, "BYEBYE negotiate"); }

	CHECK(match_all(&b) == 0, "MATCH_ADD b");
	/* unicast a->b */
	CHECK(send_msg(&a, b.id, NULL, 0, 42, 0, "hello world", 0, NULL) == 0, "SEND a->b");
	struct pollfd p = { b.fd, POLLIN, 0 };
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "poll b readable");
	CHECK(recv_msg(&b, 0, &m, &dropped) == 0, "RECV b");
	dump(m);
	freeoff(&b, m);
	CHECK(recv_msg(&b, 0, &m, NULL) < 0 && errno == EAGAIN, "RECV empty EAGAIN");

	/* names */
	CHECK(name_op(&a, KDBUS_CMD_NAME_ACQUIRE, "com.example.a", 0, &rf) == 0 && rf == 0x60, "ACQUIRE rf=%llx", (unsigned long long)rf);
	CHECK(name_op(&a, KDBUS_CMD_NAME_ACQUIRE, "com.example.a", 0, &rf) == 0 && rf == 0x20, "re-ACQUIRE rf=%llx", (unsigned long long)rf);
	CHECK(name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "com.example.a", KDBUS_NAME_QUEUE, &rf) == 0 && rf == 0x4c, "queue ACQUIRE rf=%llx", (unsigned long long)rf);
	CHECK(name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "com..x", 0, &rf) < 0 && errno == EINVAL, "bad name EINVAL");
	/* b got NAME_ADD notification */
	while (recv_msg(&b, 0, &m, NULL) == 0) { dump(m); freeoff(&b, m); }
	/* send by name to a */
	CHECK(send_msg(&b, 0, "com.example.a", KDBUS_MSG_EXPECT_REPLY, 7, 0, "call", 0, NULL) == 0 || (printf("x\n"), 0), "SEND by name");
	CHECK(recv_msg(&a, 0, &m, NULL) == 0, "RECV a"); dump(m);
	if (m) freeoff(&a, m);
	CHECK(send_msg(&a, b.id, NULL, 0, 8, 7, "reply", 0, NULL) == 0, "SEND reply");
	CHECK(send_msg(&a, b.id, NULL, 0, 9, 7, "reply2", 0, NULL) < 0 && errno == EBADSLT, "second reply EBADSLT");
	CHECK(recv_msg(&b, 0, &m, NULL) == 0, "RECV reply"); { dump(m); freeoff(&b, m); }
	CHECK(name_op(&a, KDBUS_CMD_NAME_RELEASE, "com.example.a", 0, NULL) == 0, "RELEASE");
	while (recv_msg(&b, 0, &m, NULL) == 0) { dump(m); freeoff(&b, m); }
	/* broadcast */
	CHECK(send_msg(&a, KDBUS_DST_ID_BROADCAST, NULL, KDBUS_MSG_SIGNAL, 10, 0, "bcast", 0, NULL) == 0, "broadcast");
	CHECK(recv_msg(&b, 0, &m, NULL) == 0, "RECV broadcast"); { dump(m); freeoff(&b, m); }
	/* timeout */
	{ struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); uint64_t now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	  static uint64_t mb[64]; struct kdbus_msg *mm = (void *)mb; memset(mb, 0, sizeof(mb));
	  mm->size = sizeof(*mm); mm->flags = KDBUS_MSG_EXPECT_REPLY; mm->dst_id = b.id; mm->payload_type = 1; mm->cookie = 99; mm->timeout_ns = now + 100000000ULL;
	  struct kdbus_cmd_send s = { 0 }; s.size = sizeof(s); s.msg_address = (uintptr_t)mm;
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) == 0, "SEND expect reply 100ms");
	  usleep(300000);
	  { struct pollfd pp = { a.fd, POLLIN, 0 }; printf("   poll a: %d\n", poll(&pp, 1, 2000)); }
	  CHECK(recv_msg(&a, 0, &m, NULL) == 0, "RECV REPLY_TIMEOUT"); { dump(m); freeoff(&a, m); }
	  mm->cookie = 100; mm->timeout_ns = now + 200000000ULL; s.flags = KDBUS_SEND_SYNC_REPLY;
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) < 0 && errno == ETIMEDOUT, "SYNC call ETIMEDOUT");
	}
	CHECK(hello(&c, path, 0) == 0, "HELLO c");
	{ struct kdbus_cmd cmd = { sizeof(cmd), 0, 0 }; CHECK(ioctl(c.fd, KDBUS_CMD_BYEBYE, &cmd) == 0, "BYEBYE c");
	  CHECK(ioctl(c.fd, KDBUS_CMD_BYEBYE, &cmd) < 0 && errno == ESHUTDOWN, "BYEBYE c again ESHUTDOWN"); }
	{ struct kdbus_cmd_list l = { 0 }; l.size = sizeof(l); l.flags = KDBUS_LIST_UNIQUE | KDBUS_LIST_NAMES;
	  CHECK(ioctl(a.fd, KDBUS_CMD_LIST, &l) == 0, "LIST size=%llu", (unsigned long long)l.list_size); }
	{ struct kdbus_cmd_info ci = { 0 }; ci.size = sizeof(ci); ci.id = b.id; ci.attach_flags = _KDBUS_ATTACH_ANY;
	  CHECK(ioctl(a.fd, KDBUS_CMD_CONN_INFO, &ci) == 0, "CONN_INFO size=%llu", (unsigned long long)ci.info_size);
	  ci.id = 9999; CHECK(ioctl(a.fd, KDBUS_CMD_CONN_INFO, &ci) < 0 && errno == ENXIO, "CONN_INFO ENXIO");
	  ci.id = 0; CHECK(ioctl(a.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci) == 0, "BUS_CREATOR_INFO size=%llu", (unsigned long long)ci.info_size); }
	{ /* sync call b -> a, answered by a child process */
	  while (recv_msg(&a, 0, &m, NULL) == 0) freeoff(&a, m);
	  pid_t pid = fork();
	  if (pid == 0) {
		struct pollfd pp = { a.fd, POLLIN, 0 };
		poll(&pp, 1, 5000);
		if (recv_msg(&a, 0, &m, NULL) == 0)
			send_msg(&a, m->src_id, NULL, 0, 500, m->cookie, "sync-answer", 0, NULL);
		_exit(0);
	  }
	  struct kdbus_msg_info ri;
	  CHECK(send_msg(&b, a.id, NULL, KDBUS_MSG_EXPECT_REPLY, 77, 0, "sync-call", KDBUS_SEND_SYNC_REPLY, &ri) == 0, "SYNC call answered");
	  m = (void *)((char *)b.pool + ri.offset); dump(m); freeoff(&b, m);
	  { struct kdbus_cmd cmd = { sizeof(cmd), 0, 0 };
	    send_msg(&a, b.id, NULL, 0, 600, 0, "pending", 0, NULL);
	    CHECK(ioctl(b.fd, KDBUS_CMD_BYEBYE, &cmd) < 0 && errno == EBUSY, "BYEBYE EBUSY"); }
	  { struct kdbus_cmd *cmd = (void *)buf; struct kdbus_item *it; int efd = open(path, O_RDWR);
	    memset(buf, 0, 512); it = additem(cmd->items, KDBUS_ITEM_MAKE_NAME, "0-ep", 5); cmd->size = (char *)it - (char *)cmd;
	    CHECK(ioctl(efd, KDBUS_CMD_ENDPOINT_MAKE, cmd) == 0 && access("/sys/fs/kdbus/0-test/0-ep", F_OK) == 0, "ENDPOINT_MAKE");
	    close(efd); CHECK(access("/sys/fs/kdbus/0-test/0-ep", F_OK) < 0, "endpoint gone after close"); }
	}
	while (wait(NULL) > 0) ;
	close(bfd);
	CHECK(access("/sys/fs/kdbus/0-test", F_OK) < 0, "bus gone after close");
	{ struct kdbus_cmd_list l = { 0 }; l.size = sizeof(l); CHECK(ioctl(a.fd, KDBUS_CMD_LIST, &l) < 0 && errno == ESHUTDOWN, "ESHUTDOWN after bus close"); }
	p.fd = a.fd; p.events = POLLIN; CHECK(poll(&p, 1, 0) == 1 && (p.revents & (POLLERR|POLLHUP)), "poll ERR|HUP");
	printf("fails=%d\n", fails);
	return fails != 0;
}
