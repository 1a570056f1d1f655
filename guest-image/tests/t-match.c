// SPDX-License-Identifier: MIT
/* §10 matches and §6.8 broadcasts / unicast signals / notification matching. */
#define _GNU_SOURCE
#include "kt.h"

#define BW (KT_BLOOM_SIZE / 8) /* bloom words */

static int sig(const struct kt_conn *c, u64 dst, u64 cookie, u64 gen, const u64 *bloom)
{
	struct kt_buf kb;

	kt_msg_init(&kb, dst, KDBUS_MSG_SIGNAL, cookie, 0);
	kt_msg_bloom(&kb, gen, bloom, KT_BLOOM_SIZE);
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

static int bcast(const struct kt_conn *c, u64 cookie, u64 word0)
{
	u64 bloom[BW] = { word0 };

	return sig(c, KDBUS_DST_ID_BROADCAST, cookie, 0, bloom);
}

/* Received a user message with this cookie within ms? (others are skipped) */
static int got(const struct kt_conn *c, u64 cookie, int ms)
{
	u64 end = kt_now_ns() + (u64)ms * KT_MS;
	struct kdbus_msg *m;

	for (;;) {
		u64 now = kt_now_ns();

		if (kt_recv_wait(c, now >= end ? 0 : (int)((end - now) / KT_MS), &m))
			return 0;
		if (m->src_id != 0 && m->cookie == cookie) {
			kt_free_msg(c, m);
			return 1;
		}
		kt_free_msg(c, m);
	}
}

static int got_notify(const struct kt_conn *c, u64 type, int ms)
{
	struct kdbus_msg *m;

	if (kt_recv_notify(c, type, ms, &m))
		return 0;
	kt_free_msg(c, m);
	return 1;
}

static int match_bloom(const struct kt_conn *c, u64 cookie, const u64 *mask, size_t bytes)
{
	struct kt_buf kb;

	kt_match_init(&kb, cookie, 0);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_MASK, mask, bytes);
	return kt_match_add_buf(c, &kb);
}

static int match_u64(const struct kt_conn *c, u64 cookie, u64 type, u64 v)
{
	struct kt_buf kb;

	kt_match_init(&kb, cookie, 0);
	kt_buf_u64(&kb, type, v);
	return kt_match_add_buf(c, &kb);
}

static int match_id_change(const struct kt_conn *c, u64 cookie, u64 type, u64 id)
{
	struct kt_buf kb;
	struct kdbus_notify_id_change ic = { id, 0 };

	kt_match_init(&kb, cookie, 0);
	kt_buf_item(&kb, type, &ic, sizeof(ic));
	return kt_match_add_buf(c, &kb);
}

static int match_name_change(const struct kt_conn *c, u64 cookie, u64 type, u64 old_id,
			     u64 new_id, const char *name)
{
	struct kt_buf kb;
	u8 buf[300];
	size_t len = 32;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &old_id, 8);
	memcpy(buf + 16, &new_id, 8);
	if (name) {
		strcpy((char *)buf + 32, name);
		len += strlen(name) + 1;
	}
	kt_match_init(&kb, cookie, 0);
	kt_buf_item(&kb, type, buf, len);
	return kt_match_add_buf(c, &kb);
}

static int setup(struct kt_bus *b, struct kt_conn *a, struct kt_conn *c)
{
	int r = kt_bus_make(b);

	if (!r)
		r = kt_conn(a, b);
	if (!r)
		r = kt_conn(c, b);
	return r;
}

static void t_no_match_no_broadcast(void)
{
	struct kt_bus b;
	struct kt_conn a, c, late;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_OK(bcast(&a, 1, 0));
	KT_REQ_OK(kt_conn(&late, &b)); /* would be an ID_ADD */
	KT_CHECK(!kt_poll_in(&c, 300));
	KT_CHECK(!kt_poll_in(&a, 100));
}

static void t_match_all(void)
{
	struct kt_bus b;
	struct kt_conn a, c, late;
	struct kdbus_msg *m;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(kt_match_all(&c, 1));
	KT_REQ_OK(kt_match_all(&a, 1));
	KT_OK(bcast(&a, 7, 0));
	KT_REQ_OK(kt_recv_wait(&c, 2000, &m));
	KT_EQ(m->cookie, 7);
	KT_EQ(m->src_id, a.id);
	KT_EQ(m->dst_id, KDBUS_DST_ID_BROADCAST);
	KT_EQ(m->flags, KDBUS_MSG_SIGNAL);
	KT_CHECK(kt_msg_item(m, KDBUS_ITEM_BLOOM_FILTER) != NULL);
	/* the sender gets its own broadcast too */
	KT_REQ_OK(kt_recv_wait(&a, 2000, &m));
	KT_EQ(m->cookie, 7);
	KT_EQ(m->src_id, a.id);
	/* and kernel notifications */
	KT_REQ_OK(kt_conn(&late, &b));
	KT_CHECK(got_notify(&c, KDBUS_ITEM_ID_ADD, 2000));
}

static void t_bloom_subset(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	u64 mask[BW] = { 0x5, 0, 0, 0, 0, 0, 0, 0x80 };
	u64 filter[BW] = { 0x7, 0, 0, 0, 0, 0, 0, 0x81 };
	u64 partial[BW] = { 0x7, 0, 0, 0, 0, 0, 0, 0x1 };

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(match_bloom(&c, 1, mask, sizeof(mask)));
	KT_OK(sig(&a, KDBUS_DST_ID_BROADCAST, 1, 0, filter));
	KT_CHECK(got(&c, 1, 2000));
	KT_OK(sig(&a, KDBUS_DST_ID_BROADCAST, 2, 0, partial));
	KT_CHECK(!got(&c, 2, 300));
	KT_OK(sig(&a, KDBUS_DST_ID_BROADCAST, 3, 0, mask)); /* equal is a subset */
	KT_CHECK(got(&c, 3, 2000));
}

static void t_bloom_generations(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	u64 mask[2 * BW] = { 0 };
	u64 f0[BW] = { 0x1 }, f1[BW] = { 0x2 };

	mask[0] = 0x1;      /* generation 0 wants bit 0 */
	mask[BW] = 0x2;     /* generation 1 (and later) wants bit 1 */
	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(match_bloom(&c, 1, mask, sizeof(mask)));
	KT_OK(sig(&a, KDBUS_DST_ID_BROADCAST, 1, 0, f0));
	KT_CHECK(got(&c, 1, 2000));
	KT_OK(sig(&a, KDBUS_DST_ID_BROADCAST, 2, 1, f0));
	KT_CHECK(!got(&c, 2, 300));
	KT_OK(sig(&a, KDBUS_DST_ID_BROADCAST, 3, 1, f1));
	KT_CHECK(got(&c, 3, 2000));
	KT_OK(sig(&a, KDBUS_DST_ID_BROADCAST, 4, 9, f1)); /* newer generation: last block */
	KT_CHECK(got(&c, 4, 2000));
	KT_OK(sig(&a, KDBUS_DST_ID_BROADCAST, 5, 0, f1));
	KT_CHECK(!got(&c, 5, 300));
}

static void t_bloom_mask_size(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	u64 mask[3 * BW] = { 0 };

	KT_REQ_OK(setup(&b, &a, &c));
	KT_ERR(match_bloom(&c, 1, mask, 0), EDOM);
	KT_ERR(match_bloom(&c, 1, mask, 8), EDOM);
	KT_ERR(match_bloom(&c, 1, mask, KT_BLOOM_SIZE + 8), EDOM);
	KT_OK(match_bloom(&c, 1, mask, 3 * KT_BLOOM_SIZE));
}

static void t_rule_name(void)
{
	struct kt_bus b;
	struct kt_conn a, c, q;
	struct kt_buf kb;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(kt_conn(&q, &b));
	kt_match_init(&kb, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.sender");
	KT_REQ_OK(kt_match_add_buf(&c, &kb));
	kt_match_init(&kb, 2, 0);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "bad name");
	KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	KT_OK(bcast(&a, 1, 0));
	KT_CHECK(!got(&c, 1, 300));
	KT_REQ_OK(kt_name_acquire(&a, "org.example.sender", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&q, "org.example.sender", KDBUS_NAME_QUEUE, NULL));
	KT_OK(bcast(&a, 2, 0));
	KT_CHECK(got(&c, 2, 2000));
	KT_OK(bcast(&q, 3, 0)); /* only queued */
	KT_CHECK(!got(&c, 3, 300));
}

static void t_rule_id(void)
{
	struct kt_bus b;
	struct kt_conn a, c, d;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(kt_conn(&d, &b));
	KT_REQ_OK(match_u64(&c, 1, KDBUS_ITEM_ID, a.id));
	KT_OK(bcast(&a, 1, 0));
	KT_CHECK(got(&c, 1, 2000));
	KT_OK(bcast(&d, 2, 0));
	KT_CHECK(!got(&c, 2, 300));
	KT_REQ_OK(match_u64(&c, 2, KDBUS_ITEM_ID, KDBUS_MATCH_ID_ANY));
	KT_OK(bcast(&d, 3, 0));
	KT_CHECK(got(&c, 3, 2000));
	/* an ID rule never accepts kernel notifications */
	{
		struct kt_conn late;

		KT_REQ_OK(kt_conn(&late, &b));
		KT_CHECK(!got_notify(&c, KDBUS_ITEM_ID_ADD, 300));
	}
}

static void t_rule_dst_id(void)
{
	struct kt_bus b;
	struct kt_conn a, c;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(match_u64(&c, 1, KDBUS_ITEM_DST_ID, c.id));
	KT_OK(bcast(&a, 1, 0));
	KT_CHECK(!got(&c, 1, 300));
	KT_OK(kt_send_signal(&a, c.id, 2, 0));
	KT_CHECK(got(&c, 2, 2000));
	KT_REQ_OK(match_u64(&c, 2, KDBUS_ITEM_DST_ID, KDBUS_DST_ID_BROADCAST));
	KT_OK(bcast(&a, 3, 0));
	KT_CHECK(got(&c, 3, 2000));
}

static void t_rules_and(void)
{
	struct kt_bus b;
	struct kt_conn a, c, d;
	struct kt_buf kb;
	u64 mask[BW] = { 0x10 };

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(kt_conn(&d, &b));
	kt_match_init(&kb, 1, 0);
	kt_buf_u64(&kb, KDBUS_ITEM_ID, a.id);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_MASK, mask, sizeof(mask));
	KT_REQ_OK(kt_match_add_buf(&c, &kb));
	KT_OK(bcast(&a, 1, 0x10));
	KT_CHECK(got(&c, 1, 2000));
	KT_OK(bcast(&a, 2, 0x01)); /* bloom fails */
	KT_CHECK(!got(&c, 2, 300));
	KT_OK(bcast(&d, 3, 0x10)); /* id fails */
	KT_CHECK(!got(&c, 3, 300));
}

static void t_unicast_signal(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_cmd_recv r;

	KT_REQ_OK(setup(&b, &a, &c));
	/* no match: silently dropped, not counted */
	KT_OK(kt_send_signal(&a, c.id, 1, 0));
	KT_ERR(kt_recv(&c, 0, 0, &r), EAGAIN);
	KT_EQ(r.dropped_msgs, 0);
	KT_REQ_OK(match_u64(&c, 1, KDBUS_ITEM_ID, a.id));
	KT_OK(kt_send_signal(&a, c.id, 2, 0));
	KT_CHECK(got(&c, 2, 2000));
	/* unicast signals to unknown ids still fail */
	KT_ERR(kt_send_signal(&a, 0x7ffffff0, 3, 0), ENXIO);
}

static void t_notify_id(void)
{
	struct kt_bus b;
	struct kt_conn w, w0, x;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&w, &b));
	KT_REQ_OK(kt_conn(&w0, &b));
	KT_REQ_OK(match_id_change(&w, 1, KDBUS_ITEM_ID_ADD, KDBUS_MATCH_ID_ANY));
	KT_REQ_OK(match_id_change(&w, 2, KDBUS_ITEM_ID_REMOVE, KDBUS_MATCH_ID_ANY));
	KT_REQ_OK(match_id_change(&w0, 1, KDBUS_ITEM_ID_ADD, 0)); /* id 0 never matches */
	fd = kt_open_ep(&b, NULL);
	KT_REQ_OK(kt_hello_fd(&x, fd, KDBUS_HELLO_ACCEPT_FD, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_recv_notify(&w, KDBUS_ITEM_ID_ADD, 2000, &m));
	it = m->items;
	KT_EQ(m->src_id, 0);
	KT_EQ(m->dst_id, KDBUS_DST_ID_BROADCAST);
	KT_EQ(m->flags, KDBUS_MSG_SIGNAL);
	KT_EQ(m->payload_type, 0);
	KT_EQ(m->cookie, 0);
	KT_EQ(it->size, 32);
	KT_EQ(it->id_change.id, x.id);
	KT_EQ(it->id_change.flags, KDBUS_HELLO_ACCEPT_FD);
	KT_CHECK(kt_msg_item(m, KDBUS_ITEM_TIMESTAMP) != NULL);
	kt_conn_close(&x);
	KT_REQ_OK(kt_recv_notify(&w, KDBUS_ITEM_ID_REMOVE, 2000, &m));
	KT_EQ(m->items[0].id_change.id, x.id);
	KT_EQ(m->items[0].id_change.flags, KDBUS_HELLO_ACCEPT_FD);
	KT_CHECK(!kt_poll_in(&w0, 300));
	/* monitors produce no ID notifications */
	fd = kt_open_ep(&b, NULL);
	KT_REQ_OK(kt_hello_fd(&x, fd, KDBUS_HELLO_MONITOR, 0, 0, KT_POOL_SIZE, NULL, NULL));
	kt_conn_close(&x);
	KT_CHECK(!kt_poll_in(&w, 300));
}

static void t_notify_order(void)
{
	struct kt_bus b;
	struct kt_conn w, x, act;
	struct kdbus_msg *m;
	u64 seq = 0;
	int n = 0;
	static const u64 want[] = { KDBUS_ITEM_NAME_REMOVE, KDBUS_ITEM_ID_REMOVE };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&w, &b));
	KT_REQ_OK(kt_update_attach(&w, (u64)-2, 0)); /* TIMESTAMP comes anyway */
	KT_REQ_OK(kt_match_all(&w, 1));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.act"));
	KT_REQ_OK(kt_recv_notify(&w, KDBUS_ITEM_ID_ADD, 2000, &m));
	KT_EQ(m->items[0].id_change.id, act.id);
	KT_EQ(m->items[0].id_change.flags, KDBUS_HELLO_ACTIVATOR);
	kt_drain(&w);
	KT_REQ_OK(kt_conn(&x, &b));
	KT_REQ_OK(kt_name_acquire(&x, "org.example.x", 0, NULL));
	kt_drain(&w);
	kt_conn_close(&x);
	/* names are released before the ID goes: NAME_REMOVE, then ID_REMOVE */
	while (n < 2 && kt_recv_wait(&w, 2000, &m) == 0) {
		struct kdbus_item *ts = kt_msg_item(m, KDBUS_ITEM_TIMESTAMP);

		KT_EQ(m->src_id, 0);
		KT_EQ(m->items[0].type, want[n]);
		if (KT_CHECK(ts != NULL)) {
			KT_CHECK(ts->timestamp.seqnum > seq);
			seq = ts->timestamp.seqnum;
		}
		kt_free_msg(&w, m);
		n++;
	}
	KT_EQ(n, 2);
}

static void t_notify_id_specific(void)
{
	struct kt_bus b;
	struct kt_conn w, x, y;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&w, &b));
	KT_REQ_OK(kt_conn(&x, &b));
	KT_REQ_OK(kt_conn(&y, &b));
	KT_REQ_OK(match_id_change(&w, 1, KDBUS_ITEM_ID_REMOVE, y.id));
	kt_conn_close(&x);
	KT_CHECK(!got_notify(&w, KDBUS_ITEM_ID_REMOVE, 300));
	kt_conn_close(&y);
	KT_CHECK(got_notify(&w, KDBUS_ITEM_ID_REMOVE, 2000));
}

static void t_notify_name(void)
{
	struct kt_bus b;
	struct kt_conn w, a, c;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(kt_conn(&w, &b));
	/* NAME_ADD for one name only; old id 0 matches every NAME_ADD */
	KT_REQ_OK(match_name_change(&w, 1, KDBUS_ITEM_NAME_ADD, 0, KDBUS_MATCH_ID_ANY, "org.example.two"));
	KT_REQ_OK(kt_name_acquire(&a, "org.example.one", 0, NULL));
	KT_CHECK(!got_notify(&w, KDBUS_ITEM_NAME_ADD, 300));
	KT_REQ_OK(kt_name_acquire(&a, "org.example.two", 0, NULL));
	KT_CHECK(got_notify(&w, KDBUS_ITEM_NAME_ADD, 2000));
	/* NAME_CHANGE from a to c, any name */
	KT_REQ_OK(match_name_change(&w, 2, KDBUS_ITEM_NAME_CHANGE, a.id, c.id, NULL));
	KT_REQ_OK(kt_name_acquire(&c, "org.example.one", KDBUS_NAME_QUEUE, NULL));
	KT_OK(kt_name_release(&a, "org.example.one"));
	KT_CHECK(got_notify(&w, KDBUS_ITEM_NAME_CHANGE, 2000));
	/* NAME_REMOVE with a non-matching old id */
	KT_REQ_OK(match_name_change(&w, 3, KDBUS_ITEM_NAME_REMOVE, a.id, KDBUS_MATCH_ID_ANY, NULL));
	KT_OK(kt_name_release(&c, "org.example.one"));
	KT_CHECK(!got_notify(&w, KDBUS_ITEM_NAME_REMOVE, 300));
	KT_OK(kt_name_release(&a, "org.example.two"));
	KT_CHECK(got_notify(&w, KDBUS_ITEM_NAME_REMOVE, 2000));
}

static void t_match_remove(void)
{
	struct kt_bus b;
	struct kt_conn a, c;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_ERR(kt_match_remove(&c, 5), EBADSLT);
	KT_REQ_OK(match_u64(&c, 5, KDBUS_ITEM_ID, a.id));
	KT_REQ_OK(match_u64(&c, 5, KDBUS_ITEM_ID, c.id)); /* same cookie twice */
	KT_OK(kt_match_remove(&c, 5));
	KT_ERR(kt_match_remove(&c, 5), EBADSLT);
	KT_OK(bcast(&a, 1, 0));
	KT_CHECK(!got(&c, 1, 300));
	/* items other than NEGOTIATE and unknown flags are refused */
	{
		struct kt_buf kb;

		kt_match_init(&kb, 5, 0);
		kt_buf_u64(&kb, KDBUS_ITEM_ID, 1);
		kt_buf_finish(&kb);
		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_MATCH_REMOVE, kb.b), EINVAL);
		kt_match_init(&kb, 5, KDBUS_MATCH_REPLACE);
		kt_buf_finish(&kb);
		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_MATCH_REMOVE, kb.b), EINVAL);
		kt_match_init(&kb, 5, 1ULL << 1);
		KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	}
}

static void t_match_replace(void)
{
	struct kt_bus b;
	struct kt_conn a, c, d;
	struct kt_buf kb;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(kt_conn(&d, &b));
	KT_REQ_OK(match_u64(&c, 9, KDBUS_ITEM_ID, a.id));
	KT_REQ_OK(match_u64(&c, 9, KDBUS_ITEM_ID, a.id));
	kt_match_init(&kb, 9, KDBUS_MATCH_REPLACE);
	kt_buf_u64(&kb, KDBUS_ITEM_ID, d.id);
	KT_REQ_OK(kt_match_add_buf(&c, &kb));
	KT_OK(bcast(&a, 1, 0));
	KT_CHECK(!got(&c, 1, 300));
	KT_OK(bcast(&d, 2, 0));
	KT_CHECK(got(&c, 2, 2000));
	/* REPLACE with no existing entry is fine */
	kt_match_init(&kb, 10, KDBUS_MATCH_REPLACE);
	KT_OK(kt_match_add_buf(&c, &kb));
	/* one removal removes the single replaced entry */
	KT_OK(kt_match_remove(&c, 9));
	KT_ERR(kt_match_remove(&c, 9), EBADSLT);
}

static void t_kernel_rule_ignores_user(void)
{
	struct kt_bus b;
	struct kt_conn a, c;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(match_id_change(&c, 1, KDBUS_ITEM_ID_ADD, KDBUS_MATCH_ID_ANY));
	KT_OK(bcast(&a, 1, 0));
	KT_CHECK(!got(&c, 1, 300));
}

static void t_seqnum(void)
{
	struct kt_bus b;
	struct kt_conn a, c, d;
	struct kdbus_msg *m1, *m2, *m3;
	struct kdbus_item *t1, *t2, *t3;

	KT_REQ_OK(setup(&b, &a, &c));
	KT_REQ_OK(kt_conn(&d, &b));
	KT_REQ_OK(kt_update_attach(&c, (u64)-2, KDBUS_ATTACH_TIMESTAMP));
	KT_REQ_OK(kt_update_attach(&d, (u64)-2, KDBUS_ATTACH_TIMESTAMP));
	KT_REQ_OK(kt_match_all(&c, 1));
	KT_REQ_OK(kt_match_all(&d, 1));
	KT_OK(bcast(&a, 1, 0));
	KT_OK(bcast(&a, 2, 0));
	KT_REQ_OK(kt_recv_wait(&c, 2000, &m1));
	KT_REQ_OK(kt_recv_wait(&d, 2000, &m2));
	KT_REQ_OK(kt_recv_wait(&c, 2000, &m3));
	t1 = kt_msg_item(m1, KDBUS_ITEM_TIMESTAMP);
	t2 = kt_msg_item(m2, KDBUS_ITEM_TIMESTAMP);
	t3 = kt_msg_item(m3, KDBUS_ITEM_TIMESTAMP);
	KT_REQ(t1 && t2 && t3);
	KT_EQ(t1->timestamp.seqnum, t2->timestamp.seqnum);
	KT_EQ(t1->timestamp.monotonic_ns, t2->timestamp.monotonic_ns);
	KT_EQ(t1->timestamp.realtime_ns, t2->timestamp.realtime_ns);
	KT_CHECK(t3->timestamp.seqnum > t1->timestamp.seqnum);
}

const struct kt_test kt_tests_match[] = {
	{ "match", "without match entries no broadcasts or notifications arrive", t_no_match_no_broadcast, 0 },
	{ "match", "an entry without rules accepts broadcasts (incl. own) and notifications", t_match_all, 0 },
	{ "match", "BLOOM_MASK: the mask must be a subset of the filter", t_bloom_subset, 0 },
	{ "match", "BLOOM_MASK generations: block min(generation, n-1)", t_bloom_generations, 0 },
	{ "match", "BLOOM_MASK size must be a non-zero multiple of the bloom size (EDOM)", t_bloom_mask_size, 0 },
	{ "match", "NAME rule: the sender must be the primary owner; invalid name EINVAL", t_rule_name, 0 },
	{ "match", "ID rule: sender id or ANY; never kernel notifications", t_rule_id, 0 },
	{ "match", "DST_ID rule: unicast signal destination or broadcast", t_rule_dst_id, 0 },
	{ "match", "all rules of an entry must accept", t_rules_and, 0 },
	{ "match", "unicast signals need an accepting match, else silently dropped", t_unicast_signal, 0 },
	{ "match", "ID_ADD / ID_REMOVE notifications: layout, id 0 rule, no monitors", t_notify_id, 0 },
	{ "match", "notification order on disconnect: NAME_REMOVE then ID_REMOVE, seqnums rise", t_notify_order, 0 },
	{ "match", "ID_REMOVE rule with a specific id", t_notify_id_specific, 0 },
	{ "match", "NAME_ADD/CHANGE/REMOVE rules: old/new ids, name filter", t_notify_name, 0 },
	{ "match", "MATCH_REMOVE removes every entry with the cookie, EBADSLT when none", t_match_remove, 0 },
	{ "match", "MATCH_REPLACE replaces every entry with the same cookie", t_match_replace, 0 },
	{ "match", "kernel-type rules never accept user signals", t_kernel_rule_ignores_user, 0 },
	{ "match", "all receivers of a broadcast see the same seqnum and timestamps", t_seqnum, 0 },
	KT_TESTS_END
};
