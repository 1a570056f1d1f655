// SPDX-License-Identifier: MIT
/* §12 monitors: creation rules, restrictions, invisibility, what they copy. */
#define _GNU_SOURCE
#include "kt.h"

static int monitor(struct kt_conn *m, const struct kt_bus *b, u64 flags, u64 recv)
{
	return kt_hello_ep(m, b, NULL, KDBUS_HELLO_MONITOR | flags, 0, recv, KT_POOL_SIZE, NULL,
			   NULL);
}

/* Next user message or notification in the monitor, skipping nothing. */
static struct kdbus_msg *next(const struct kt_conn *c)
{
	struct kdbus_msg *m = NULL;

	if (kt_recv_wait(c, 5000, &m))
		return NULL;
	return m;
}

static void expect_none(const struct kt_conn *c)
{
	struct kdbus_msg *m;

	if (kt_recv_wait(c, 100, &m) == 0)
		kt_fail_at(__FILE__, __LINE__, "unexpected message: src %llu cookie %llu item 0x%llx",
			   (unsigned long long)m->src_id, (unsigned long long)m->cookie,
			   (unsigned long long)(m->size > sizeof(*m) ? m->items[0].type : 0));
}

static void t_creation(void)
{
	struct kt_bus b;
	struct kt_conn m;
	pid_t pid;
	int ep;

	KT_REQ_OK(kt_bus_make(&b));
	KT_OK(monitor(&m, &b, 0, 0));
	KT_ERR(monitor(&m, &b, KDBUS_HELLO_ACTIVATOR, 0), EINVAL);
	KT_ERR(monitor(&m, &b, KDBUS_HELLO_POLICY_HOLDER, 0), EINVAL);
	ep = kt_ep_make(&b, "0-mon", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep >= 0);
	KT_ERR(kt_hello_ep(&m, &b, "0-mon", KDBUS_HELLO_MONITOR, 0, 0, KT_POOL_SIZE, NULL, NULL),
	       EOPNOTSUPP);
	pid = kt_fork();
	if (pid == 0) {
		struct kt_bus own;

		KT_REQ_OK(kt_become(1000, 1000));
		/* not the owner of root's bus */
		KT_ERR(monitor(&m, &b, 0, 0), EPERM);
		/* owner of its own bus */
		KT_REQ_OK(kt_bus_make(&own));
		KT_OK(monitor(&m, &own, 0, 0));
		ep = kt_ep_make(&own, "1000-mon", KDBUS_MAKE_ACCESS_WORLD);
		KT_REQ(ep >= 0);
		KT_ERR(kt_hello_ep(&m, &own, "1000-mon", KDBUS_HELLO_MONITOR, 0, 0, KT_POOL_SIZE,
				   NULL, NULL), EOPNOTSUPP);
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
	pid = kt_fork();
	if (pid == 0) {
		KT_REQ_OK(kt_become(65534, 65534));
		KT_ERR(monitor(&m, &b, 0, 0), EPERM);
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_restrictions(void)
{
	struct kt_bus b;
	struct kt_conn m, c;
	struct kdbus_cmd cmd KT_ALIGNED = { sizeof(cmd), 0, 0 };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(monitor(&m, &b, 0, 0));
	KT_ERR(kt_send(&m, c.id, 1, "x"), EOPNOTSUPP);
	KT_ERR(kt_send_signal(&m, KDBUS_DST_ID_BROADCAST, 2, 0), EOPNOTSUPP);
	KT_ERR(kt_name_acquire(&m, "org.kt.mon", 0, NULL), EOPNOTSUPP);
	KT_ERR(kt_name_release(&m, "org.kt.mon"), EOPNOTSUPP);
	KT_ERR(kt_match_all(&m, 1), EOPNOTSUPP);
	KT_ERR(kt_match_remove(&m, 1), EOPNOTSUPP);
	KT_ERR(kt_ioctl(m.fd, KDBUS_CMD_BYEBYE, &cmd), EOPNOTSUPP);
	/* but it can look around */
	KT_EQ(kt_list_has(&m, KDBUS_LIST_UNIQUE, c.id, NULL, NULL), 1);
	KT_OK(kt_conn_info(&m, c.id, NULL, 0, NULL));
}

static void t_invisible(void)
{
	struct kt_bus b;
	struct kt_conn w, m, c;
	struct kdbus_msg *msg;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&w, &b));
	KT_REQ_OK(kt_match_all(&w, 1));
	KT_REQ_OK(monitor(&m, &b, 0, 0));
	KT_ERR(kt_recv_notify(&w, KDBUS_ITEM_ID_ADD, 200, &msg), EAGAIN);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_UNIQUE, m.id, NULL, NULL), 0);
	KT_ERR(kt_send(&w, m.id, 1, "x"), ENXIO);
	KT_OK(kt_conn_info(&w, m.id, NULL, 0, NULL));
	/* for comparison: an ordinary connection is announced */
	KT_REQ_OK(kt_conn(&c, &b));
	KT_OK(kt_recv_notify(&w, KDBUS_ITEM_ID_ADD, 2000, &msg));
	kt_conn_close(&m);
	KT_ERR(kt_recv_notify(&w, KDBUS_ITEM_ID_REMOVE, 200, &msg), EAGAIN);
}

static void t_unicast_copies(void)
{
	struct kt_bus b;
	struct kt_conn m, a, r, nofd;
	struct kdbus_msg *mc, *rc;
	struct kdbus_item *t1, *t2;
	struct kt_buf kb;
	int p[2];
	pid_t pid;

	KT_REQ(pipe(p) == 0);
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(monitor(&m, &b, 0, KDBUS_ATTACH_TIMESTAMP | KDBUS_ATTACH_CREDS));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_hello_ep(&r, &b, NULL, KDBUS_HELLO_ACCEPT_FD, 0, KDBUS_ATTACH_TIMESTAMP,
			      KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_hello(&nofd, &b, 0, KT_POOL_SIZE));
	kt_drain(&m);
	KT_REQ_OK(kt_send(&a, r.id, 7, "hello"));
	mc = next(&m);
	KT_REQ(mc);
	KT_EQ(mc->cookie, 7);
	KT_EQ(mc->src_id, a.id);
	KT_EQ(mc->dst_id, r.id);
	KT_CHECK(!strcmp(kt_msg_text(&m, mc), "hello"));
	/* the monitor's own mask: CREDS and TIMESTAMP; same seqnum as the receiver */
	KT_CHECK(!strcmp(kt_msg_meta(mc), "1,0"));
	KT_REQ_OK(kt_recv_wait(&r, 2000, &rc));
	t1 = kt_msg_item(mc, KDBUS_ITEM_TIMESTAMP);
	t2 = kt_msg_item(rc, KDBUS_ITEM_TIMESTAMP);
	KT_REQ(t1 && t2);
	KT_EQ(t1->timestamp.seqnum, t2->timestamp.seqnum);
	/* a delivery failing after the checks is still copied (ECOMM) */
	kt_msg_init(&kb, nofd.id, 0, 8, 0);
	kt_msg_fds(&kb, p, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ECOMM);
	mc = next(&m);
	if (KT_CHECK(mc))
		KT_EQ(mc->cookie, 8);
	/* failures before the checks passed are not: ENXIO, EPERM */
	KT_ERR(kt_send(&a, 999999, 9, "x"), ENXIO);
	pid = kt_fork();
	if (pid == 0) {
		struct kt_conn u;

		KT_REQ_OK(kt_become(1000, 1000));
		KT_REQ_OK(kt_conn(&u, &b));
		KT_ERR(kt_send(&u, r.id, 10, "x"), EPERM);
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
	while ((mc = next(&m)) && mc->src_id == KDBUS_SRC_ID_KERNEL)
		kt_free_msg(&m, mc); /* ID_ADD / ID_REMOVE of the uid-1000 connection */
	if (mc)
		kt_fail_at(__FILE__, __LINE__, "monitor got a copy of cookie %llu",
			   (unsigned long long)mc->cookie);
}

static void t_broadcast_copies(void)
{
	struct kt_bus b;
	struct kt_conn m, a, r, c;
	struct kdbus_msg *mc;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&r, &b));
	KT_REQ_OK(monitor(&m, &b, 0, 0));
	/* nobody has a match: the monitor still gets everything */
	KT_OK(kt_send_signal(&a, KDBUS_DST_ID_BROADCAST, 1, 0));
	mc = next(&m);
	if (KT_CHECK(mc)) {
		KT_EQ(mc->cookie, 1);
		KT_EQ(mc->dst_id, KDBUS_DST_ID_BROADCAST);
	}
	KT_EQ(kt_drain(&r), 0);
	/* a unicast signal the destination drops */
	KT_OK(kt_send_signal(&a, r.id, 2, 0));
	mc = next(&m);
	if (KT_CHECK(mc))
		KT_EQ(mc->cookie, 2);
	KT_EQ(kt_drain(&r), 0);
	/* notifications */
	KT_REQ_OK(kt_conn(&c, &b));
	mc = next(&m);
	if (KT_CHECK(mc && mc->src_id == 0))
		KT_EQ(mc->items[0].type, KDBUS_ITEM_ID_ADD);
	KT_REQ_OK(kt_name_acquire(&c, "org.kt.mon", 0, NULL));
	mc = next(&m);
	if (KT_CHECK(mc && mc->src_id == 0))
		KT_EQ(mc->items[0].type, KDBUS_ITEM_NAME_ADD);
	expect_none(&m);
}

static void t_reply_copies(void)
{
	struct kt_bus b;
	struct kt_conn m, a, r;
	struct kdbus_msg *mc;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&r, &b));
	KT_REQ_OK(monitor(&m, &b, 0, 0));
	KT_REQ_OK(kt_send_call(&a, r.id, 1, kt_now_ns() + 10000 * KT_MS));
	KT_REQ_OK(kt_send_reply(&r, a.id, 1, "reply"));
	mc = next(&m);
	if (KT_CHECK(mc))
		KT_EQ(mc->cookie, 1);
	mc = next(&m);
	if (KT_CHECK(mc)) {
		KT_EQ(mc->cookie_reply, 1);
		KT_EQ(mc->src_id, r.id);
	}
	/* REPLY_TIMEOUT */
	KT_REQ_OK(kt_send_call(&a, r.id, 2, kt_now_ns() + 100 * KT_MS));
	mc = next(&m);
	if (KT_CHECK(mc))
		KT_EQ(mc->cookie, 2);
	mc = next(&m);
	if (KT_CHECK(mc && mc->src_id == 0)) {
		KT_EQ(mc->items[0].type, KDBUS_ITEM_REPLY_TIMEOUT);
		KT_EQ(mc->cookie_reply, 2);
		KT_EQ(mc->dst_id, a.id);
	}
	/* REPLY_DEAD */
	KT_REQ_OK(kt_send_call(&a, r.id, 3, kt_now_ns() + 10000 * KT_MS));
	mc = next(&m);
	if (KT_CHECK(mc))
		KT_EQ(mc->cookie, 3);
	kt_conn_close(&r);
	for (;;) {
		mc = next(&m);
		if (!mc || mc->src_id != 0 || mc->items[0].type != KDBUS_ITEM_ID_REMOVE)
			break;
	}
	if (KT_CHECK(mc && mc->src_id == 0)) {
		KT_EQ(mc->items[0].type, KDBUS_ITEM_REPLY_DEAD);
		KT_EQ(mc->cookie_reply, 3);
	}
}

static void t_sync_and_bad_replies(void)
{
	struct kt_bus b;
	struct kt_conn m, a, r;
	struct kdbus_msg *mc;
	pid_t pid;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&r, &b));
	KT_REQ_OK(monitor(&m, &b, 0, 0));
	/* a reply nobody waits for: EBADSLT, no copy */
	KT_ERR(kt_send_reply(&r, a.id, 77, "stray"), EBADSLT);
	expect_none(&m);
	/* a synchronous call and its reply are both copied */
	pid = kt_fork();
	if (pid == 0) {
		struct kdbus_msg *c;

		KT_REQ_OK(kt_recv_wait(&r, 5000, &c));
		KT_REQ_OK(kt_send_reply(&r, a.id, c->cookie, "sync reply"));
		_exit(kt_failed);
	}
	{
		struct kt_buf kb;
		struct kdbus_msg_info reply;

		kt_msg_init(&kb, r.id, KDBUS_MSG_EXPECT_REPLY, 5, kt_now_ns() + 10000 * KT_MS);
		kt_msg_vec(&kb, "sync", 5);
		KT_OK(kt_send_buf(&a, &kb, KDBUS_SEND_SYNC_REPLY, -1, &reply));
		if (reply.offset < a.pool_size)
			kt_free(&a, reply.offset);
	}
	KT_EQ(kt_wait_child(pid), 0);
	mc = next(&m);
	if (KT_CHECK(mc))
		KT_EQ(mc->cookie, 5);
	mc = next(&m);
	if (KT_CHECK(mc)) {
		KT_EQ(mc->cookie_reply, 5);
		KT_EQ(mc->src_id, r.id);
	}
	expect_none(&m);
}

static void t_fds(void)
{
	struct kt_bus b;
	struct kt_conn m, mf, a, r;
	struct kdbus_msg *mc;
	struct kdbus_item *it;
	struct kt_buf kb;
	int p[2];

	KT_REQ(pipe(p) == 0);
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&r, &b));
	KT_REQ_OK(monitor(&m, &b, 0, 0));
	KT_REQ_OK(monitor(&mf, &b, KDBUS_HELLO_ACCEPT_FD, 0));
	kt_msg_init(&kb, r.id, 0, 1, 0);
	kt_msg_fds(&kb, p, 2);
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	mc = next(&m);
	KT_REQ(mc);
	it = kt_msg_item(mc, KDBUS_ITEM_FDS);
	KT_REQ(it && it->size == 16 + 8);
	KT_EQ(it->fds[0], -1);
	KT_EQ(it->fds[1], -1);
	mc = next(&mf);
	KT_REQ(mc);
	it = kt_msg_item(mc, KDBUS_ITEM_FDS);
	KT_REQ(it && it->size == 16 + 8);
	KT_CHECK(it->fds[0] >= 0 && it->fds[1] >= 0);
	if (it->fds[1] >= 0) {
		char c = 0;

		KT_REQ(write(p[1], "z", 1) == 1);
		KT_REQ(read(it->fds[0], &c, 1) == 1);
		KT_EQ(c, 'z');
		KT_EQ(write(it->fds[1], "y", 1), 1);
		KT_EQ(fcntl(it->fds[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	}
}

static void t_quota(void)
{
	struct kt_bus b;
	struct kt_conn m, a, r1, r2;
	struct kdbus_cmd_recv rv;
	int i, n = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&r1, &b));
	KT_REQ_OK(kt_conn(&r2, &b));
	KT_REQ_OK(monitor(&m, &b, 0, 0));
	for (i = 0; i < 300; i++)
		KT_REQ_OK(kt_send(&a, i % 2 ? r1.id : r2.id, 1 + i, "q"));
	/* 256 messages per sending user on the monitor, then dropped */
	KT_REQ_OK(kt_recv(&m, 0, 0, &rv));
	KT_EQ(rv.dropped_msgs, 44);
	KT_EQ(rv.return_flags & KDBUS_RECV_RETURN_DROPPED_MSGS, KDBUS_RECV_RETURN_DROPPED_MSGS);
	kt_free(&m, rv.msg.offset);
	n = 1 + kt_drain(&m);
	KT_EQ(n, 256);
	KT_ERR(kt_recv(&m, 0, 0, &rv), EAGAIN);
	KT_EQ(rv.dropped_msgs, 0);
	KT_EQ(kt_drain(&r1), 150);
	KT_EQ(kt_drain(&r2), 150);
}

static void t_update_mask(void)
{
	struct kt_bus b;
	struct kt_conn m, a, r;
	struct kdbus_msg *mc;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&r, &b));
	KT_REQ_OK(monitor(&m, &b, 0, _KDBUS_ATTACH_ANY));
	KT_REQ_OK(kt_send(&a, r.id, 1, "x"));
	mc = next(&m);
	KT_REQ(mc);
	KT_CHECK(kt_msg_item(mc, KDBUS_ITEM_TIMESTAMP) != NULL);
	KT_CHECK(kt_msg_item(mc, KDBUS_ITEM_CREDS) != NULL);
	/* both masks may be updated on a monitor */
	KT_OK(kt_update_attach(&m, KDBUS_ATTACH_CREDS, 0));
	KT_REQ_OK(kt_send(&a, r.id, 2, "x"));
	mc = next(&m);
	KT_REQ(mc);
	KT_EQ(mc->cookie, 2);
	KT_CHECK(!strcmp(kt_msg_meta(mc), ""));
	KT_EQ(mc->size, sizeof(*mc) + 32);
}

const struct kt_test kt_tests_monitor[] = {
	{ "monitor", "only bus owners create monitors (EPERM), never on custom endpoints (EOPNOTSUPP)", t_creation, 0 },
	{ "monitor", "monitors cannot send, own names, add matches or BYEBYE (EOPNOTSUPP)", t_restrictions, 0 },
	{ "monitor", "monitors are invisible: no ID_ADD/ID_REMOVE, not listed, ENXIO as destination", t_invisible, 0 },
	{ "monitor", "unicast copies with the monitor's own mask, also when delivery fails after the checks", t_unicast_copies, 0 },
	{ "monitor", "copies of broadcasts, dropped unicast signals and notifications without matches", t_broadcast_copies, 0 },
	{ "monitor", "copies of calls, replies, REPLY_TIMEOUT and REPLY_DEAD", t_reply_copies, 0 },
	{ "monitor", "copies of synchronous calls and replies; none for replies failing EBADSLT", t_sync_and_bad_replies, 0 },
	{ "monitor", "FDS messages: -1 without ACCEPT_FD, installed with it", t_fds, 0 },
	{ "monitor", "quotas apply to monitors: dropped copies are counted", t_quota, 0 },
	{ "monitor", "UPDATE changes a monitor's masks: recv 0 gives no TIMESTAMP", t_update_mask, 0 },
	KT_TESTS_END
};
