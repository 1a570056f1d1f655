// SPDX-License-Identifier: GPL-2.0
/* Smoke probe for part 2 metadata: spec 13, 15, fake credentials 13.6. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <grp.h>
#include "common.h"

static char bus_path[128];

static void wfile(const char *p, const char *s)
{
	int fd = open(p, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			perror(p);
		close(fd);
	}
}

/* HELLO with explicit masks and extra items */
static int mhello(struct conn *c, int fd, uint64_t send, uint64_t recv,
		  const void *items, size_t items_size)
{
	static uint64_t hb[256];
	struct kdbus_cmd_hello *h = (void *)hb;

	memset(hb, 0, sizeof(hb));
	c->fd = fd >= 0 ? fd : open(bus_path, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return -1;
	h->size = sizeof(*h) + items_size;
	h->pool_size = POOL;
	h->attach_flags_send = send;
	h->attach_flags_recv = recv;
	memcpy(h->items, items, items_size);
	if (ioctl(c->fd, KDBUS_CMD_HELLO, h) < 0)
		return -1;
	c->id = h->id;
	c->pool = mmap(NULL, POOL, PROT_READ, MAP_SHARED, c->fd, 0);
	return c->pool == MAP_FAILED ? -2 : 0;
}

static int update(struct conn *c, uint64_t type, uint64_t mask)
{
	uint64_t b[32] = { 0 };
	struct kdbus_cmd *cmd = (void *)b;
	struct kdbus_item *it = additem(cmd->items, type, &mask, 8);

	cmd->size = (char *)it - (char *)cmd;
	return ioctl(c->fd, KDBUS_CMD_UPDATE, cmd);
}

/* metadata item types (low bits) in order, e.g. "1,2,5,d,0" */
static const char *types(struct kdbus_item *it, void *end)
{
	static char s[256];
	size_t n = 0;

	s[0] = 0;
	while ((char *)it < (char *)end) {
		if (it->type >= 0x1000 && it->type < 0x2000)
			n += snprintf(s + n, sizeof(s) - n, "%s%llx", n ? "," : "",
				      (unsigned long long)(it->type - 0x1000));
		it = (void *)((char *)it + KDBUS_ALIGN8(it->size));
	}
	return s;
}

static struct kdbus_item *find(struct kdbus_item *it, void *end, uint64_t type)
{
	while ((char *)it < (char *)end) {
		if (it->type == type)
			return it;
		it = (void *)((char *)it + KDBUS_ALIGN8(it->size));
	}
	return NULL;
}

static struct kdbus_msg *recv1(struct conn *c)
{
	struct kdbus_msg *m = NULL;
	struct pollfd p = { c->fd, POLLIN, 0 };

	poll(&p, 1, 5000);
	if (recv_msg(c, 0, &m, NULL) < 0)
		return NULL;
	return m;
}

static struct kdbus_info *info(struct conn *c, unsigned long op, uint64_t id,
			       uint64_t mask)
{
	struct kdbus_cmd_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.size = sizeof(ci);
	ci.id = id;
	ci.attach_flags = mask;
	if (ioctl(c->fd, op, &ci) < 0)
		return NULL;
	return (void *)((char *)c->pool + ci.offset);
}

#define MEND(m) ((char *)(m) + (m)->size)
#define IEND(i) ((char *)(i) + (i)->size)

static int bus_make2(const char *name, uint64_t owner, uint64_t req, int dup)
{
	int fd = open("/sys/fs/kdbus/control", O_RDWR | O_CLOEXEC);
	struct kdbus_cmd *cmd = (void *)buf;
	struct kdbus_item *it;
	struct kdbus_bloom_parameter bp = { 64, 1 };

	memset(buf, 0, 4096);
	it = additem(cmd->items, KDBUS_ITEM_MAKE_NAME, name, strlen(name) + 1);
	it = additem(it, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	it = additem(it, KDBUS_ITEM_ATTACH_FLAGS_SEND, &owner, 8);
	if (req != (uint64_t)-2)
		it = additem(it, KDBUS_ITEM_ATTACH_FLAGS_RECV, &req, 8);
	if (dup)
		it = additem(it, KDBUS_ITEM_ATTACH_FLAGS_RECV, &req, 8);
	cmd->size = (char *)it - (char *)cmd;
	cmd->flags = KDBUS_MAKE_ACCESS_WORLD;
	if (ioctl(fd, KDBUS_CMD_BUS_MAKE, cmd) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* receiver in a new user+pid namespace (or chroot); reports via exit code */
static int ns_receiver(int mode, int wpipe)
{
	struct conn b;
	struct kdbus_msg *m;
	int fd = open(bus_path, O_RDWR | O_CLOEXEC), fails0 = fails;
	struct kdbus_item *it;

	if (mode == 1) {
		if (chroot("/tmp") < 0 || chdir("/") < 0)
			return 100;
	}
	if (mhello(&b, fd, _KDBUS_ATTACH_ANY, _KDBUS_ATTACH_ANY, NULL, 0) < 0)
		return 101;
	if (write(wpipe, &b.id, 8) != 8)
		return 102;
	m = recv1(&b);
	CHECK(m, "ns%d: recv (send mask ALL)", mode);
	if (!m)
		return 103;
	printf("   ns%d items %s\n", mode, types(m->items, MEND(m)));
	if (mode == 1) {
		CHECK(!strcmp(types(m->items, MEND(m)), "1,2,5,6,8,9,a,4,d,0"),
		      "chroot receiver: no EXE (other root)");
	} else {
		it = find(m->items, MEND(m), KDBUS_ITEM_CREDS);
		CHECK(it && it->creds.uid == 5 && it->creds.fsgid == 5,
		      "userns: root mapped to 5 (%llu)", it ? (unsigned long long)it->creds.uid : 0ULL);
		it = find(m->items, MEND(m), KDBUS_ITEM_PIDS);
		CHECK(it && !it->pids.pid && !it->pids.tid && !it->pids.ppid,
		      "pidns: invisible sender pids are 0");
		it = find(m->items, MEND(m), KDBUS_ITEM_CAPS);
		CHECK(it && it->size == 52 && it->caps.last_cap == 40 &&
		      it->caps.caps[0] == 0 && it->caps.caps[1] == 0 &&
		      it->caps.caps[2] == 0xffffffff && it->caps.caps[3] == 0x1ff &&
		      it->caps.caps[7] == 0x1ff,
		      "caps in a child ns owned by the sender's euid: all ones");
		freeoff(&b, m);
		m = recv1(&b);	/* second message: sender mask 0, uid 1000 */
		CHECK(m && !strcmp(types(m->items, MEND(m)), "1,2,4,d,0"),
		      "invisible sender, send mask 0: implicit only (%s)", m ? types(m->items, MEND(m)) : "-");
		it = m ? find(m->items, MEND(m), KDBUS_ITEM_CREDS) : NULL;
		CHECK(it && it->creds.uid == 65534 && it->creds.gid == 65534,
		      "userns: unmapped uid 1000 -> 65534");
	}
	return fails != fails0;
}

static void spawn_ns(struct conn *a, int mode, const char *payload)
{
	int p[2], st = 0;
	uint64_t id = 0;
	pid_t pid;

	if (pipe(p) < 0)
		return;
	pid = fork();
	if (!pid) {
		if (mode == 2) {
			if (unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0)
				_exit(110);
			wfile("/proc/self/uid_map", "5 0 1");
			wfile("/proc/self/setgroups", "deny");
			wfile("/proc/self/gid_map", "5 0 1");
			pid = fork();
			if (pid) {
				waitpid(pid, &st, 0);
				_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 111);
			}
		}
		_exit(ns_receiver(mode, p[1]));
	}
	if (read(p[0], &id, 8) != 8) {
		CHECK(0, "ns%d receiver started", mode);
		waitpid(pid, &st, 0);
		return;
	}
	CHECK(send_msg(a, id, NULL, 0, 1, 0, payload, 0, NULL) == 0, "send to ns%d receiver", mode);
	if (mode == 2) {
		pid_t c;

		update(a, KDBUS_ITEM_ATTACH_FLAGS_SEND, 0);
		c = fork();
		if (!c) {
			if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
				_exit(1);
			_exit(send_msg(a, id, NULL, 0, 2, 0, payload, 0, NULL) != 0);
		}
		waitpid(c, &st, 0);
		CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "send as uid 1000");
		update(a, KDBUS_ITEM_ATTACH_FLAGS_SEND, _KDBUS_ATTACH_ANY);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ns%d receiver checks (status %d)", mode, WEXITSTATUS(st));
	close(p[0]);
	close(p[1]);
}

static void test_fake(void)
{
	uint64_t items[64] = { 0 };
	struct kdbus_creds cr = { 1000, 1001, 1002, 1003, 2000, 2001, (uint32_t)-1, 2003 };
	struct kdbus_pids pi = { getpid(), getpid(), 0 };
	struct kdbus_item *it;
	struct kdbus_info *in;
	struct kdbus_msg *m;
	struct conn f, c, bad;

	it = additem((void *)items, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
	it = additem(it, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
	CHECK(mhello(&f, -1, _KDBUS_ATTACH_ANY, _KDBUS_ATTACH_ANY, items, (char *)it - (char *)items) == 0, "fake HELLO");
	CHECK(mhello(&c, -1, _KDBUS_ATTACH_ANY, _KDBUS_ATTACH_ANY, NULL, 0) == 0, "observer HELLO");
	in = info(&c, KDBUS_CMD_CONN_INFO, f.id, _KDBUS_ATTACH_ANY);
	CHECK(in && !strcmp(types(in->items, IEND(in)), "1,2"), "CONN_INFO of fake conn: exactly CREDS,PIDS (%s)", in ? types(in->items, IEND(in)) : "-");
	it = in ? find(in->items, IEND(in), KDBUS_ITEM_CREDS) : NULL;
	CHECK(it && it->creds.uid == 1000 && it->creds.fsuid == 1003 && it->creds.sgid == 4294967295ULL && it->creds.fsgid == 2003, "fake creds verbatim, unset stays 4294967295");
	it = in ? find(in->items, IEND(in), KDBUS_ITEM_PIDS) : NULL;
	CHECK(it && it->pids.pid == (uint64_t)getpid() && it->pids.ppid == 0, "fake pids");
	CHECK(send_msg(&f, c.id, NULL, 0, 9, 0, "x", 0, NULL) == 0, "send from fake conn");
	m = recv1(&c);
	CHECK(m && !strcmp(types(m->items, MEND(m)), "0"), "fake sender: no process items (%s)", m ? types(m->items, MEND(m)) : "-");

	/* unknown PID -> EINVAL, handle stays FRESH */
	pi.pid = 999999;
	it = additem((void *)items, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
	errno = 0;
	CHECK(mhello(&bad, -1, 0, 0, items, (char *)it - (char *)items) < 0 && errno == EINVAL, "fake unknown pid -> EINVAL");
	CHECK(mhello(&bad, bad.fd, 0, 0, NULL, 0) == 0, "corrected HELLO on the same fd");
}

static void test_required(void)
{
	struct kdbus_info *in;
	struct kdbus_item *it;
	struct conn c;
	int bfd, fd;

	errno = 0;
	CHECK(bus_make2("0-req-bad", 0, 1ULL << 20, 0) < 0 && errno == EINVAL, "BUS_MAKE required with unknown bit -> EINVAL");
	CHECK(bus_make2("0-req-dup", 0, 2, 1) < 0 && errno == EINVAL, "BUS_MAKE duplicate ATTACH_FLAGS_RECV -> EINVAL");
	bfd = bus_make2("0-req", KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS | KDBUS_ATTACH_EXE | KDBUS_ATTACH_CMDLINE,
			KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS, 0);
	CHECK(bfd >= 0, "BUS_MAKE with required mask");
	snprintf(bus_path, sizeof(bus_path), "/sys/fs/kdbus/0-req/bus");
	fd = open(bus_path, O_RDWR | O_CLOEXEC);
	errno = 0;
	CHECK(mhello(&c, fd, KDBUS_ATTACH_CREDS, 0, NULL, 0) < 0 && errno == ECONNREFUSED, "HELLO lacking a required bit -> ECONNREFUSED");
	CHECK(mhello(&c, fd, KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS, _KDBUS_ATTACH_ANY, NULL, 0) == 0, "corrected HELLO on the same fd");
	errno = 0;
	CHECK(update(&c, KDBUS_ITEM_ATTACH_FLAGS_SEND, KDBUS_ATTACH_CREDS) < 0 && errno == EINVAL, "UPDATE dropping a required bit -> EINVAL");
	CHECK(update(&c, KDBUS_ITEM_ATTACH_FLAGS_SEND, _KDBUS_ATTACH_ANY) == 0, "UPDATE keeping required bits");
	in = info(&c, KDBUS_CMD_BUS_CREATOR_INFO, 0, _KDBUS_ATTACH_ANY);
	it = in ? in->items : NULL;
	CHECK(it && it->type == KDBUS_ITEM_MAKE_NAME, "creator info: MAKE_NAME first");
	it = it ? (void *)((char *)it + KDBUS_ALIGN8(it->size)) : NULL;
	CHECK(it && it->type == KDBUS_ITEM_ATTACH_FLAGS_RECV && it->size == 24 && it->data64[0] == 6, "creator info: ATTACH_FLAGS_RECV = required mask");
	CHECK(in && !strcmp(types(in->items, IEND(in)), "1,2,7,8"), "creator info: CREDS,PIDS,EXE,CMDLINE by owner mask (%s)", in ? types(in->items, IEND(in)) : "-");
	it = in ? find(in->items, IEND(in), KDBUS_ITEM_EXE) : NULL;
	CHECK(it && !strcmp(it->str, "/tmp/probe6"), "creator EXE %s", it ? it->str : "-");
	it = in ? find(in->items, IEND(in), KDBUS_ITEM_CMDLINE) : NULL;
	CHECK(it && !strcmp(it->str, "/tmp/probe6"), "creator CMDLINE argv[0] %s", it ? it->str : "-");
	close(c.fd);
	close(bfd);
}

int main(void)
{
	struct kdbus_info *in;
	struct kdbus_item *it;
	struct kdbus_msg *m;
	struct conn a, b;
	uint64_t seq1 = 0;
	int bfd;

	setvbuf(stdout, NULL, _IONBF, 0);
	bfd = bus_make2("0-meta", _KDBUS_ATTACH_ANY, (uint64_t)-2, 0);
	CHECK(bfd >= 0, "BUS_MAKE 0-meta");
	snprintf(bus_path, sizeof(bus_path), "/sys/fs/kdbus/0-meta/bus");
	{
		uint64_t items[16] = { 0 };
		it = additem((void *)items, KDBUS_ITEM_CONN_DESCRIPTION, "sender", 7);
		CHECK(mhello(&a, -1, _KDBUS_ATTACH_ANY, _KDBUS_ATTACH_ANY, items, (char *)it - (char *)items) == 0, "HELLO A");
	}
	CHECK(mhello(&b, -1, 0, _KDBUS_ATTACH_ANY, NULL, 0) == 0, "HELLO B");
	name_op(&a, KDBUS_CMD_NAME_ACQUIRE, "org.example.meta", 0, NULL);

	CHECK(send_msg(&a, b.id, NULL, 0, 1, 0, "hi", 0, NULL) == 0, "A -> B");
	m = recv1(&b);
	printf("   items %s\n", m ? types(m->items, MEND(m)) : "-");
	CHECK(m && !strcmp(types(m->items, MEND(m)), "1,2,5,6,7,8,9,a,4,d,0"), "order CREDS,PIDS,TID_COMM,PID_COMM,EXE,CMDLINE,CGROUP,CAPS,OWNED_NAME,DESC,TIMESTAMP");
	it = m ? find(m->items, MEND(m), KDBUS_ITEM_PIDS) : NULL;
	CHECK(it && it->pids.pid == (uint64_t)getpid() && it->pids.tid == (uint64_t)getpid() && it->pids.ppid == (uint64_t)getppid(), "pids");
	it = m ? find(m->items, MEND(m), KDBUS_ITEM_EXE) : NULL;
	CHECK(it && !strcmp(it->str, "/tmp/probe6"), "EXE %s", it ? it->str : "-");
	it = m ? find(m->items, MEND(m), KDBUS_ITEM_TID_COMM) : NULL;
	CHECK(it && !strcmp(it->str, "probe6"), "TID_COMM %s", it ? it->str : "-");
	it = m ? find(m->items, MEND(m), KDBUS_ITEM_CGROUP) : NULL;
	CHECK(it && it->str[0] == '/', "CGROUP %s", it ? it->str : "-");
	it = m ? find(m->items, MEND(m), KDBUS_ITEM_CAPS) : NULL;
	CHECK(it && it->size == 52 && it->caps.caps[2] == 0xffffffff && it->caps.caps[3] == 0x1ff, "CAPS root verbatim");
	it = m ? find(m->items, MEND(m), KDBUS_ITEM_TIMESTAMP) : NULL;
	seq1 = it ? it->timestamp.seqnum : 0;
	if (m)
		freeoff(&b, m);

	/* sender mask 0, visible receiver: implicit + procvis = everything */
	update(&a, KDBUS_ITEM_ATTACH_FLAGS_SEND, 0);
	send_msg(&a, b.id, NULL, 0, 2, 0, "hi", 0, NULL);
	m = recv1(&b);
	CHECK(m && !strcmp(types(m->items, MEND(m)), "1,2,5,6,7,8,9,a,4,d,0"), "send mask 0, visible: implicit+procvis");
	it = m ? find(m->items, MEND(m), KDBUS_ITEM_TIMESTAMP) : NULL;
	CHECK(it && it->timestamp.seqnum > seq1, "seqnum grows (%llu > %llu)", it ? (unsigned long long)it->timestamp.seqnum : 0ULL, (unsigned long long)seq1);
	if (m)
		freeoff(&b, m);
	update(&a, KDBUS_ITEM_ATTACH_FLAGS_SEND, _KDBUS_ATTACH_ANY);

	/* receiver mask changes */
	update(&b, KDBUS_ITEM_ATTACH_FLAGS_RECV, KDBUS_ATTACH_PIDS | KDBUS_ATTACH_NAMES);
	send_msg(&a, b.id, NULL, 0, 3, 0, "hi", 0, NULL);
	m = recv1(&b);
	CHECK(m && !strcmp(types(m->items, MEND(m)), "2,4"), "recv mask PIDS|NAMES");
	if (m)
		freeoff(&b, m);
	update(&b, KDBUS_ITEM_ATTACH_FLAGS_RECV, 0);
	send_msg(&a, b.id, NULL, 0, 4, 0, "hi", 0, NULL);
	m = recv1(&b);
	CHECK(m && !strcmp(types(m->items, MEND(m)), ""), "recv mask 0: no items");
	if (m)
		freeoff(&b, m);
	update(&b, KDBUS_ITEM_ATTACH_FLAGS_RECV, _KDBUS_ATTACH_ANY);

	/* CONN_INFO: requested & target send mask, no TIMESTAMP */
	in = info(&b, KDBUS_CMD_CONN_INFO, a.id, _KDBUS_ATTACH_ANY);
	CHECK(in && !strcmp(types(in->items, IEND(in)), "1,2,5,6,7,8,9,a,4,d"), "CONN_INFO all (%s)", in ? types(in->items, IEND(in)) : "-");
	in = info(&a, KDBUS_CMD_CONN_INFO, b.id, _KDBUS_ATTACH_ANY);
	CHECK(in && !strcmp(types(in->items, IEND(in)), ""), "CONN_INFO of send mask 0: nothing");
	in = info(&a, KDBUS_CMD_BUS_CREATOR_INFO, 0, KDBUS_ATTACH_CREDS | KDBUS_ATTACH_NAMES | KDBUS_ATTACH_TIMESTAMP);
	CHECK(in && !strcmp(types(in->items, IEND(in)), "1") && in->items[0].type == KDBUS_ITEM_MAKE_NAME, "BUS_CREATOR_INFO: process items only, no ATTACH_FLAGS_RECV");

	/* monitor: own recv mask; notifications carry TIMESTAMP only */
	{
		struct conn mon, d;

		{
			static uint64_t hb[32];
			struct kdbus_cmd_hello *h = (void *)hb;

			memset(hb, 0, sizeof(hb));
			mon.fd = open(bus_path, O_RDWR | O_CLOEXEC);
			h->size = sizeof(*h);
			h->flags = KDBUS_HELLO_MONITOR;
			h->pool_size = POOL;
			h->attach_flags_recv = KDBUS_ATTACH_CREDS | KDBUS_ATTACH_TIMESTAMP | KDBUS_ATTACH_PIDS;
			CHECK(ioctl(mon.fd, KDBUS_CMD_HELLO, h) == 0, "monitor HELLO");
			mon.pool = mmap(NULL, POOL, PROT_READ, MAP_SHARED, mon.fd, 0);
		}
		send_msg(&a, b.id, NULL, 0, 7, 0, "mon", 0, NULL);
		m = recv1(&mon);
		CHECK(m && !strcmp(types(m->items, MEND(m)), "1,2,0"), "monitor copy with its own mask (%s)", m ? types(m->items, MEND(m)) : "-");
		if (m)
			freeoff(&mon, m);
		m = recv1(&b);
		if (m)
			freeoff(&b, m);
		CHECK(mhello(&d, -1, 0, 0, NULL, 0) == 0, "HELLO D (ID_ADD)");
		m = recv1(&mon);
		CHECK(m && m->src_id == 0 && !strcmp(types(m->items, MEND(m)), "0"), "notification to monitor: TIMESTAMP only");
		close(d.fd);
		close(mon.fd);
	}
	/* OWNED_NAME of an activator while another connection is primary */
	{
		uint64_t items[16] = { 0 };
		struct conn act, own;
		uint64_t acc[3] = { KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_OWN, 0 };

		it = additem((void *)items, KDBUS_ITEM_NAME, "org.example.act", 16);
		it = additem(it, KDBUS_ITEM_POLICY_ACCESS, acc, sizeof(acc));
		{
			static uint64_t hb[64];
			struct kdbus_cmd_hello *h = (void *)hb;

			memset(hb, 0, sizeof(hb));
			act.fd = open(bus_path, O_RDWR | O_CLOEXEC);
			h->size = sizeof(*h) + ((char *)it - (char *)items);
			h->flags = KDBUS_HELLO_ACTIVATOR;
			h->pool_size = POOL;
			h->attach_flags_send = _KDBUS_ATTACH_ANY;
			memcpy(h->items, items, (char *)it - (char *)items);
			CHECK(ioctl(act.fd, KDBUS_CMD_HELLO, h) == 0, "activator HELLO");
			act.id = h->id;
		}
		CHECK(mhello(&own, -1, 0, 0, NULL, 0) == 0 && name_op(&own, KDBUS_CMD_NAME_ACQUIRE, "org.example.act", 0, NULL) == 0, "implementer acquires");
		in = info(&b, KDBUS_CMD_CONN_INFO, act.id, KDBUS_ATTACH_NAMES);
		it = in ? find(in->items, IEND(in), KDBUS_ITEM_OWNED_NAME) : NULL;
		CHECK(it && !strcmp(it->name.name, "org.example.act") && (it->name.flags & KDBUS_NAME_ACTIVATOR), "activator record listed as OWNED_NAME (flags %llx)", it ? (unsigned long long)it->name.flags : 0ULL);
		close(own.fd);
		close(act.fd);
	}
	/* AUXGROUPS, and CAPS of a sender in a child user ns seen from above */
	{
		pid_t c = fork();
		int st = 0;

		if (!c) {
			gid_t g[2] = { 10, 20 };

			if (setgroups(2, g) < 0 || send_msg(&a, b.id, NULL, 0, 5, 0, "g", 0, NULL) < 0)
				_exit(1);
			if (unshare(CLONE_NEWUSER) < 0 || send_msg(&a, b.id, NULL, 0, 6, 0, "u", 0, NULL) < 0)
				_exit(2);
			_exit(0);
		}
		waitpid(c, &st, 0);
		CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "setgroups/unshare sender (%d)", WEXITSTATUS(st));
		m = recv1(&b);
		it = m ? find(m->items, MEND(m), KDBUS_ITEM_AUXGROUPS) : NULL;
		CHECK(m && !strcmp(types(m->items, MEND(m)), "1,2,3,5,6,7,8,9,a,4,d,0") && it && it->size == 32 && it->data64[0] == 10 && it->data64[1] == 20,
		      "AUXGROUPS 10,20 after PIDS (%s)", m ? types(m->items, MEND(m)) : "-");
		if (m)
			freeoff(&b, m);
		m = recv1(&b);
		it = m ? find(m->items, MEND(m), KDBUS_ITEM_CAPS) : NULL;
		CHECK(it && !it->caps.caps[1] && !it->caps.caps[3] && !it->caps.caps[5] && !it->caps.caps[7] && it->caps.last_cap == 40,
		      "CAPS of a sender in a child user ns: all zero from the parent ns");
		it = m ? find(m->items, MEND(m), KDBUS_ITEM_CREDS) : NULL;
		CHECK(it && it->creds.uid == 0, "CREDS of that sender: kuid 0 -> 0");
		if (m)
			freeoff(&b, m);
	}
	spawn_ns(&a, 1, "chroot");
	spawn_ns(&a, 2, "userns");
	test_fake();
	test_required();
	close(bfd);
	printf("%s (%d failures)\n", fails ? "FAIL" : "PASS", fails);
	return !!fails;
}
