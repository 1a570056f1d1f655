// SPDX-License-Identifier: MIT
/* §14.2 receive quota: pool share per sending user, kernel notifications,
 * custom endpoint and fake-uid accounting, dropped broadcasts. */
#define _GNU_SOURCE
#include "kt.h"

#define SMALL_POOL (64 * 1024)

static u8 payload[4096];

/* Receiver r (pool `pool`, recv mask 0) owning org.kt.q, which a policy
 * holder lets everybody TALK to. */
static void setup(struct kt_bus *b, struct kt_conn *r, struct kt_conn *ph, size_t pool)
{
	KT_REQ_OK(kt_bus_make(b));
	KT_REQ_OK(kt_hello_ep(r, b, NULL, KDBUS_HELLO_ACCEPT_FD, _KDBUS_ATTACH_ANY, 0, pool, NULL,
			      NULL));
	KT_REQ_OK(kt_policy_holder(ph, b, "org.kt.q", KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0));
	KT_REQ_OK(kt_name_acquire(r, "org.kt.q", 0, NULL));
}

static int send_len(const struct kt_conn *c, u64 dst, u64 cookie, size_t len)
{
	struct kt_buf kb;

	kt_msg_init(&kb, dst, 0, cookie, 0);
	kt_msg_vec(&kb, payload, len);
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

/* Sends len-byte messages until one fails; returns how many succeeded. */
static int flood(const struct kt_conn *c, u64 dst, size_t len, int *err)
{
	int n = 0;

	for (;;) {
		int e = send_len(c, dst, 1000 + n, len);

		if (e) {
			*err = e;
			return n;
		}
		if (++n > 100000) {
			*err = 0;
			return n;
		}
	}
}

/* Runs flood() as `uid` in a child; returns the count (and *err). */
static int flood_as(const struct kt_bus *b, uid_t uid, u64 dst, size_t len, int *err)
{
	int p[2], res[2] = { -1, -1 };
	pid_t pid;

	KT_REQ(pipe(p) == 0);
	pid = kt_fork();
	if (pid == 0) {
		struct kt_conn c;

		KT_REQ_OK(kt_become(uid, uid));
		KT_REQ_OK(kt_conn(&c, b));
		res[0] = flood(&c, dst, len, &res[1]);
		KT_REQ(write(p[1], res, sizeof(res)) == sizeof(res));
		_exit(0);
	}
	KT_EQ(kt_wait_child(pid), 0);
	KT_REQ(read(p[0], res, sizeof(res)) == sizeof(res));
	close(p[0]);
	close(p[1]);
	*err = res[1];
	return res[0];
}

/* One message from uid as a yes/no: 0 or its errno. */
static int send_as(const struct kt_bus *b, uid_t uid, u64 dst, size_t len)
{
	pid_t pid;
	int p[2], e = -1;

	KT_REQ(pipe(p) == 0);
	pid = kt_fork();
	if (pid == 0) {
		struct kt_conn c;

		KT_REQ_OK(kt_become(uid, uid));
		KT_REQ_OK(kt_conn(&c, b));
		e = send_len(&c, dst, 1, len);
		KT_REQ(write(p[1], &e, sizeof(e)) == sizeof(e));
		_exit(0);
	}
	KT_EQ(kt_wait_child(pid), 0);
	KT_REQ(read(p[0], &e, sizeof(e)) == sizeof(e));
	close(p[0]);
	close(p[1]);
	return e;
}

/* The slice size of one len-byte message for r (recv mask 0). */
static size_t slice_size(const struct kt_conn *a, const struct kt_conn *r, size_t len)
{
	struct kdbus_cmd_recv rv;
	size_t s;

	KT_REQ_OK(send_len(a, r->id, 1, len));
	KT_REQ_OK(kt_recv(r, 0, 0, &rv));
	s = (size_t)rv.msg.msg_size;
	kt_free(r, rv.msg.offset);
	return s;
}

static void t_flood_count(void)
{
	struct kt_bus b;
	struct kt_conn r, ph, a;
	int n, err;

	setup(&b, &r, &ph, KT_POOL_SIZE);
	KT_REQ_OK(kt_conn(&a, &b));
	n = flood_as(&b, 1000, r.id, 8, &err);
	KT_EQ(n, 256);
	KT_ERR(err, ENOBUFS);
	/* everybody else still gets through */
	KT_ERR(send_as(&b, 1000, r.id, 8), ENOBUFS);
	KT_OK(send_as(&b, 1001, r.id, 8));
	KT_OK(send_as(&b, 65534, r.id, 8));
	KT_OK(send_len(&a, r.id, 1, 8));
	KT_EQ(kt_drain(&r), 256 + 3);
}

static void t_flood_bytes(void)
{
	struct kt_bus b;
	struct kt_conn r, ph, a;
	int n, err;

	setup(&b, &r, &ph, SMALL_POOL);
	KT_REQ_OK(kt_conn(&a, &b));
	n = flood_as(&b, 1000, r.id, 1000, &err);
	KT_ERR(err, ENOBUFS);
	KT_CHECK(n > 0 && n < 256);
	/* a user with nothing queued gets its own share */
	KT_OK(send_as(&b, 1001, r.id, 1000));
	KT_OK(send_as(&b, 1002, r.id, 1000));
	KT_OK(send_len(&a, r.id, 1, 1000));
	KT_ERR(send_as(&b, 1000, r.id, 1000), ENOBUFS);
	KT_EQ(kt_drain(&r), n + 3);
}

static void t_one_third(void)
{
	struct kt_bus b;
	struct kt_conn r, ph, a;
	size_t s, half = SMALL_POOL / 2, acc = 0;
	int err;

	setup(&b, &r, &ph, SMALL_POOL);
	KT_REQ_OK(kt_conn(&a, &b));
	s = slice_size(&a, &r, 500);
	KT_REQ(s >= 500 && s % 8 == 0);
	for (uid_t u = 1000; u < 1005; u++) {
		/* share = (half - acc + mine) / 3 with acc counting mine too */
		int expect = (int)(((half - acc) / 3) / s);
		int n = flood_as(&b, u, r.id, 500, &err);

		KT_ERR(err, ENOBUFS);
		if (n != expect)
			kt_fail_at(__FILE__, __LINE__, "user %u queued %d messages of %zu bytes, expected %d (acc %zu)",
				   (unsigned int)u, n, s, expect, acc);
		acc += (size_t)n * s;
	}
	/* the accounted bytes never exceed half the pool */
	KT_CHECK(acc <= half);
}

static void t_kernel_user(void)
{
	struct kt_bus b;
	struct kt_conn r, ph, a, c;
	struct kdbus_msg *m;
	struct kdbus_cmd_recv rv;
	int n, err;

	setup(&b, &r, &ph, SMALL_POOL);
	KT_REQ_OK(kt_match_all(&r, 1));
	KT_REQ_OK(kt_conn(&a, &b));
	kt_drain(&r);
	/* root's share is used up ... */
	n = flood(&a, r.id, 500, &err);
	KT_ERR(err, ENOBUFS);
	KT_CHECK(n > 0);
	/* ... but notifications are charged to the kernel's own record */
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_name_acquire(&c, "org.kt.k", 0, NULL));
	kt_conn_close(&c);
	for (int i = 0; i < n; i++) {
		KT_REQ_OK(kt_recv(&r, 0, 0, &rv));
		KT_EQ(rv.dropped_msgs, 0);
		kt_free(&r, rv.msg.offset);
	}
	KT_REQ_OK(kt_recv_notify(&r, KDBUS_ITEM_ID_ADD, 2000, &m));
	kt_free_msg(&r, m);
	KT_REQ_OK(kt_recv_notify(&r, KDBUS_ITEM_NAME_ADD, 2000, &m));
	kt_free_msg(&r, m);
	KT_REQ_OK(kt_recv_notify(&r, KDBUS_ITEM_NAME_REMOVE, 2000, &m));
	kt_free_msg(&r, m);
	KT_REQ_OK(kt_recv_notify(&r, KDBUS_ITEM_ID_REMOVE, 2000, &m));
	KT_ERR(kt_recv(&r, 0, 0, &rv), EAGAIN);
	KT_EQ(rv.dropped_msgs, 0);
}

static void t_release(void)
{
	struct kt_bus b;
	struct kt_conn r, ph, a;
	struct kdbus_cmd_recv rv;
	int n, err;

	setup(&b, &r, &ph, SMALL_POOL);
	KT_REQ_OK(kt_conn(&a, &b));
	n = flood(&a, r.id, 500, &err);
	KT_ERR(err, ENOBUFS);
	/* a received (even unfreed) message no longer counts */
	KT_REQ_OK(kt_recv(&r, 0, 0, &rv));
	KT_OK(send_len(&a, r.id, 1, 500));
	KT_ERR(send_len(&a, r.id, 2, 500), ENOBUFS);
	/* nor a dropped one; PEEK releases nothing */
	KT_REQ_OK(kt_recv(&r, KDBUS_RECV_PEEK, 0, &rv));
	kt_free(&r, rv.msg.offset);
	KT_ERR(send_len(&a, r.id, 3, 500), ENOBUFS);
	KT_REQ_OK(kt_recv(&r, KDBUS_RECV_DROP, 0, &rv));
	KT_OK(send_len(&a, r.id, 4, 500));
	KT_EQ(kt_drain(&r), n);
}

static void t_dropped_broadcast(void)
{
	struct kt_bus b;
	struct kt_conn r1, r2, a, ph;
	struct kdbus_cmd_recv rv;
	struct kdbus_msg *m;
	int n, err;

	setup(&b, &r1, &ph, SMALL_POOL);
	KT_REQ_OK(kt_conn(&r2, &b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_match_all(&r1, 1));
	KT_REQ_OK(kt_match_all(&r2, 1));
	kt_drain(&r1);
	/* use up root's share on r1: big messages, then small ones */
	n = flood(&a, r1.id, 2000, &err);
	KT_ERR(err, ENOBUFS);
	n += flood(&a, r1.id, 8, &err);
	KT_ERR(err, ENOBUFS);
	/* r1 cannot take root's broadcasts any more; r2 can */
	KT_OK(kt_send_signal(&a, KDBUS_DST_ID_BROADCAST, 7, 0));
	KT_OK(kt_send_signal(&a, KDBUS_DST_ID_BROADCAST, 8, 0));
	KT_REQ_OK(kt_recv_wait(&r2, 1000, &m));
	KT_EQ(m->cookie, 7);
	KT_REQ_OK(kt_recv_wait(&r2, 1000, &m));
	KT_EQ(m->cookie, 8);
	KT_EQ(kt_poll_events(r1.fd) & POLLIN, POLLIN);
	KT_REQ_OK(kt_recv(&r1, 0, 0, &rv));
	KT_EQ(rv.dropped_msgs, 2);
	KT_EQ(rv.return_flags & KDBUS_RECV_RETURN_DROPPED_MSGS, KDBUS_RECV_RETURN_DROPPED_MSGS);
	KT_EQ(kt_pool_msg(&r1, rv.msg.offset)->cookie, 1000);
	KT_REQ_OK(kt_recv(&r1, 0, 0, &rv));
	KT_EQ(rv.dropped_msgs, 0);
	KT_EQ(rv.return_flags, 0);
	KT_EQ(kt_drain(&r1), n - 2);
}

static void t_custom_endpoint_user(void)
{
	struct kt_bus b;
	struct kt_conn r, ph, x1, x2, y, a;
	struct kt_buf kb;
	int ep1, ep2, n, err;

	setup(&b, &r, &ph, SMALL_POOL);
	kt_buf_init(&kb, 0);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.kt.q");
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0);
	ep1 = kt_ep_make(&b, "0-q1", KDBUS_MAKE_ACCESS_WORLD);
	ep2 = kt_ep_make(&b, "0-q2", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep1 >= 0 && ep2 >= 0);
	KT_REQ_OK(kt_ep_update(ep1, &kb));
	KT_REQ_OK(kt_ep_update(ep2, &kb));
	KT_REQ_OK(kt_hello_ep(&x1, &b, "0-q1", 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_hello_ep(&x2, &b, "0-q1", 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_hello_ep(&y, &b, "0-q2", 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_conn(&a, &b));
	n = flood(&x1, r.id, 1000, &err);
	KT_ERR(err, ENOBUFS);
	KT_CHECK(n > 0);
	/* x2 shares the endpoint's anonymous user; root on the default endpoint
	 * and the other endpoint have their own */
	KT_ERR(send_len(&x2, r.id, 1, 1000), ENOBUFS);
	KT_OK(send_len(&a, r.id, 2, 1000));
	KT_OK(send_len(&y, r.id, 3, 1000));
}

static void t_fake_uid_user(void)
{
	struct kt_bus b;
	struct kt_conn r, ph, f1, f2, f3, a;
	struct kt_buf ex;
	struct kdbus_creds cr = { 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000 };
	int n, err;

	setup(&b, &r, &ph, SMALL_POOL);
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
	KT_REQ_OK(kt_hello_ep(&f1, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, &ex));
	KT_REQ_OK(kt_hello_ep(&f2, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, &ex));
	cr.uid = 2001;
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
	KT_REQ_OK(kt_hello_ep(&f3, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, &ex));
	KT_REQ_OK(kt_conn(&a, &b));
	n = flood(&f1, r.id, 1000, &err);
	KT_ERR(err, ENOBUFS);
	KT_CHECK(n > 0);
	/* a privileged HELLO with a fake uid is accounted as that uid */
	KT_ERR(send_len(&f2, r.id, 1, 1000), ENOBUFS);
	KT_OK(send_len(&f3, r.id, 2, 1000));
	KT_OK(send_len(&a, r.id, 3, 1000));
}

static void t_fake_uid_unprivileged(void)
{
	struct kt_bus b;
	struct kt_conn r, ph, f, u;
	struct kt_buf ex;
	struct kdbus_creds cr = { 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000 };
	int n, err;

	/* uid 1000 makes the bus: its connections are owners (fake creds
	 * allowed) but not privileged, so accounting stays with uid 1000 */
	KT_REQ(setresuid(1000, 1000, 0) == 0);
	setup(&b, &r, &ph, SMALL_POOL);
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
	KT_REQ_OK(kt_hello_ep(&f, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, &ex));
	KT_REQ_OK(kt_conn(&u, &b));
	n = flood(&f, r.id, 1000, &err);
	KT_ERR(err, ENOBUFS);
	KT_CHECK(n > 0);
	KT_ERR(send_len(&u, r.id, 1, 1000), ENOBUFS);
	KT_REQ(setresuid(0, 0, 0) == 0);
	KT_OK(send_as(&b, 2000, r.id, 1000));
}

static void t_check_order(void)
{
	struct kt_bus b;
	struct kt_conn ra, rn, ph, a;
	struct kt_buf kb;
	int p[2], fds[16], err;

	setup(&b, &ra, &ph, SMALL_POOL);
	KT_REQ_OK(kt_hello(&rn, &b, 0, SMALL_POOL));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ(pipe(p) == 0);
	for (int i = 0; i < 16; i++)
		fds[i] = p[0];
	kt_msg_init(&kb, ra.id, 0, 1, 0);
	kt_msg_fds(&kb, fds, 16);
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	/* use up root's share on both: big messages, then small ones */
	flood(&a, ra.id, 1000, &err);
	KT_ERR(err, ENOBUFS);
	flood(&a, ra.id, 8, &err);
	KT_ERR(err, ENOBUFS);
	flood(&a, rn.id, 1000, &err);
	KT_ERR(err, ENOBUFS);
	flood(&a, rn.id, 8, &err);
	KT_ERR(err, ENOBUFS);
	/* §6.12: ECOMM (step 2) before the quota (step 4) */
	kt_msg_init(&kb, rn.id, 0, 2, 0);
	kt_msg_fds(&kb, fds, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ECOMM);
	/* §14.2: the byte share (rule 2) before the descriptor limit (rule 4) */
	kt_msg_init(&kb, ra.id, 0, 3, 0);
	kt_msg_fds(&kb, fds, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ENOBUFS);
	/* with room again, the descriptor limit shows */
	{
		struct kdbus_cmd_recv rv;

		for (int i = 0; i < 3; i++) {
			KT_REQ_OK(kt_recv(&ra, 0, 0, &rv));
			if (i == 0)
				KT_REQ(kt_msg_item(kt_pool_msg(&ra, rv.msg.offset), KDBUS_ITEM_FDS));
			kt_free(&ra, rv.msg.offset);
		}
		KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
		KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	}
}

const struct kt_test kt_tests_quota[] = {
	{ "quota", "a flooding user hits 256 queued messages (ENOBUFS), other users still get through", t_flood_count, 0 },
	{ "quota", "a flooding user hits its byte share (ENOBUFS), other users still get through", t_flood_bytes, 0 },
	{ "quota", "one third of the unreserved half per user: exact counts for five users", t_one_third, 30 },
	{ "quota", "kernel notifications are charged to their own user", t_kernel_user, 0 },
	{ "quota", "RECV and DROP release the charge, PEEK does not", t_release, 0 },
	{ "quota", "a broadcast a receiver's quota refuses is counted in dropped_msgs", t_dropped_broadcast, 0 },
	{ "quota", "connections of one custom endpoint share an anonymous user", t_custom_endpoint_user, 0 },
	{ "quota", "a privileged HELLO with a fake uid is accounted as that uid", t_fake_uid_user, 0 },
	{ "quota", "fake uid of an unprivileged owner: accounted by its real uid", t_fake_uid_unprivileged, 0 },
	{ "quota", "check order: ECOMM before the quota, byte share before the descriptor limit", t_check_order, 0 },
	KT_TESTS_END
};
