// SPDX-License-Identifier: MIT
/* §8 name registry: acquire, queue, replace, release, activators, hand-over,
 * notifications, LIST. */
#define _GNU_SOURCE
#include "kt.h"

#define NAME "org.example.name"

static int setup(struct kt_bus *b, struct kt_conn *w, struct kt_conn *c1, struct kt_conn *c2)
{
	int r = kt_bus_make(b);

	if (!r)
		r = kt_conn(w, b);
	if (!r)
		r = kt_match_all(w, 1);
	if (!r && c1)
		r = kt_conn(c1, b);
	if (!r && c2)
		r = kt_conn(c2, b);
	return r;
}

/* Waits for a NAME_* notification about `name`; checks ids; returns flags. */
static int expect_name(const struct kt_conn *w, u64 type, const char *name, u64 old_id,
		       u64 new_id, u64 *old_flags, u64 *new_flags)
{
	u64 end = kt_now_ns() + 3000 * KT_MS;

	while (kt_now_ns() < end) {
		struct kdbus_msg *m;
		struct kdbus_item *it;

		if (kt_recv_notify(w, type, 3000, &m)) {
			kt_fail_at(__FILE__, __LINE__, "no %#llx notification for %s",
				   (unsigned long long)type, name);
			return 0;
		}
		it = m->items;
		if (strcmp(it->name_change.name, name)) {
			kt_free_msg(w, m);
			continue;
		}
		KT_EQ(m->src_id, 0);
		KT_EQ(m->dst_id, KDBUS_DST_ID_BROADCAST);
		KT_EQ(m->flags, KDBUS_MSG_SIGNAL);
		KT_EQ(m->payload_type, KDBUS_PAYLOAD_KERNEL);
		KT_EQ(it->size, 16 + 32 + strlen(name) + 1);
		KT_EQ(it->name_change.old_id.id, old_id);
		KT_EQ(it->name_change.new_id.id, new_id);
		if (old_flags)
			*old_flags = it->name_change.old_id.flags;
		if (new_flags)
			*new_flags = it->name_change.new_id.flags;
		if (!old_id)
			KT_EQ(it->name_change.old_id.flags, 0);
		if (!new_id)
			KT_EQ(it->name_change.new_id.flags, 0);
		kt_free_msg(w, m);
		return 1;
	}
	return 0;
}

static void no_name_notification(const struct kt_conn *w)
{
	struct kdbus_msg *m;

	while (kt_recv_wait(w, 200, &m) == 0) {
		u64 t = m->items[0].type;

		if (m->src_id == 0 && (t == KDBUS_ITEM_NAME_ADD || t == KDBUS_ITEM_NAME_REMOVE ||
				       t == KDBUS_ITEM_NAME_CHANGE))
			kt_fail_at(__FILE__, __LINE__, "unexpected name notification %#llx",
				   (unsigned long long)t);
		kt_free_msg(w, m);
	}
}

static void t_acquire(void)
{
	struct kt_bus b;
	struct kt_conn w, c;
	u64 rf = 0, nf = 0;
	struct kdbus_info *info;

	KT_REQ_OK(setup(&b, &w, &c, NULL));
	KT_REQ_OK(kt_name_acquire(&c, NAME, 0, &rf));
	KT_EQ(rf, KDBUS_NAME_PRIMARY | KDBUS_NAME_ACQUIRED);
	expect_name(&w, KDBUS_ITEM_NAME_ADD, NAME, 0, c.id, NULL, &nf);
	KT_EQ(nf, KDBUS_NAME_PRIMARY);
	KT_REQ_OK(kt_name_acquire(&c, NAME, 0, &rf));
	KT_EQ(rf, KDBUS_NAME_PRIMARY);
	no_name_notification(&w);
	KT_REQ_OK(kt_conn_info(&w, 0, NAME, 0, &info));
	KT_EQ(info->id, c.id);
	/* flags are updated by a re-acquire */
	KT_REQ_OK(kt_name_acquire(&c, NAME, KDBUS_NAME_ALLOW_REPLACEMENT, &rf));
	KT_EQ(rf, KDBUS_NAME_PRIMARY | KDBUS_NAME_ALLOW_REPLACEMENT);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, c.id, NAME, &nf), 1);
	KT_EQ(nf, KDBUS_NAME_PRIMARY | KDBUS_NAME_ALLOW_REPLACEMENT);
	/* only ALLOW_REPLACEMENT and QUEUE are stored; each call replaces them */
	KT_REQ_OK(kt_name_acquire(&c, NAME ".two", KDBUS_NAME_REPLACE_EXISTING | KDBUS_NAME_QUEUE, &rf));
	KT_EQ(rf, KDBUS_NAME_PRIMARY | KDBUS_NAME_QUEUE | KDBUS_NAME_ACQUIRED);
	KT_REQ_OK(kt_name_acquire(&c, NAME, 0, &rf));
	KT_EQ(rf, KDBUS_NAME_PRIMARY);
}

static void t_invalid_names(void)
{
	static const char *bad[] = { "", "a", "a.", ".a", "a..b", "a.1b", "1a.b", "a.b.*", "a.*",
				     "a.b*", "a b.c", "a/b.c", "a.b.", "a.b:c" };
	static const char *good[] = { "a.b", "a-b._c.d1", "A.B", "_.-" };
	struct kt_bus b;
	struct kt_conn c;
	char longname[300];

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = kt_name_acquire(&c, bad[i], 0, NULL);

		if (r != EINVAL)
			kt_fail_at(__FILE__, __LINE__, "name \"%s\": expected EINVAL, got %s", bad[i],
				   kt_errname(r));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int r = kt_name_acquire(&c, good[i], 0, NULL);

		if (r)
			kt_fail_at(__FILE__, __LINE__, "name \"%s\": expected success, got %s",
				   good[i], kt_errname(r));
	}
	memset(longname, 'x', sizeof(longname));
	longname[1] = '.';
	longname[256] = 0;
	KT_ERR(kt_name_acquire(&c, longname, 0, NULL), EINVAL);
	longname[255] = 0;
	KT_OK(kt_name_acquire(&c, longname, 0, NULL));
	KT_ERR(kt_name_acquire(&c, NAME, 1ULL << 3, NULL), EINVAL);
	KT_ERR(kt_name_acquire(&c, NAME, KDBUS_NAME_PRIMARY, NULL), EINVAL);
}

static void t_eexist_queue(void)
{
	struct kt_bus b;
	struct kt_conn w, c1, c2;
	u64 rf = 0, nf = 0;

	KT_REQ_OK(setup(&b, &w, &c1, &c2));
	KT_REQ_OK(kt_name_acquire(&c1, NAME, 0, NULL));
	KT_ERR(kt_name_acquire(&c2, NAME, 0, NULL), EEXIST);
	KT_ERR(kt_name_acquire(&c2, NAME, KDBUS_NAME_REPLACE_EXISTING, NULL), EEXIST);
	KT_REQ_OK(kt_name_acquire(&c2, NAME, KDBUS_NAME_QUEUE, &rf));
	KT_EQ(rf, KDBUS_NAME_QUEUE | KDBUS_NAME_IN_QUEUE | KDBUS_NAME_ACQUIRED);
	KT_REQ_OK(kt_name_acquire(&c2, NAME, KDBUS_NAME_QUEUE, &rf));
	KT_EQ(rf, KDBUS_NAME_QUEUE | KDBUS_NAME_IN_QUEUE);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_QUEUED, c2.id, NAME, &nf), 1);
	KT_EQ(nf, KDBUS_NAME_QUEUE | KDBUS_NAME_IN_QUEUE);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, c2.id, NAME, NULL), 0);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_QUEUED, c1.id, NAME, NULL), 0);
	/* the owner is still c1 */
	{
		struct kdbus_info *info;

		KT_REQ_OK(kt_conn_info(&w, 0, NAME, 0, &info));
		KT_EQ(info->id, c1.id);
	}
	/* a queued caller asking without QUEUE leaves the queue */
	KT_REQ_OK(kt_name_acquire(&c2, NAME, 0, &rf));
	KT_EQ(rf, 0);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_QUEUED, c2.id, NAME, NULL), 0);
	KT_ERR(kt_name_release(&c2, NAME), EADDRINUSE);
}

static void t_release(void)
{
	struct kt_bus b;
	struct kt_conn w, c1, c2;
	u64 nf = 0;

	KT_REQ_OK(setup(&b, &w, &c1, &c2));
	KT_ERR(kt_name_release(&c1, NAME), ESRCH);
	KT_ERR(kt_name_release(&c1, "not valid at all!"), ESRCH);
	KT_REQ_OK(kt_name_acquire(&c1, NAME, 0, NULL));
	KT_ERR(kt_name_release(&c2, NAME), EADDRINUSE);
	KT_REQ_OK(kt_name_acquire(&c2, NAME, KDBUS_NAME_QUEUE, NULL));
	expect_name(&w, KDBUS_ITEM_NAME_ADD, NAME, 0, c1.id, NULL, NULL);
	/* primary releases: the queued one takes over */
	KT_OK(kt_name_release(&c1, NAME));
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, c1.id, c2.id, NULL, &nf);
	KT_EQ(nf & (KDBUS_NAME_PRIMARY | KDBUS_NAME_IN_QUEUE), KDBUS_NAME_PRIMARY);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, c2.id, NAME, &nf), 1);
	KT_EQ(nf, KDBUS_NAME_PRIMARY | KDBUS_NAME_QUEUE);
	KT_OK(kt_name_release(&c2, NAME));
	expect_name(&w, KDBUS_ITEM_NAME_REMOVE, NAME, c2.id, 0, &nf, NULL);
	KT_ERR(kt_name_release(&c2, NAME), ESRCH);
	KT_ERR(kt_conn_info(&w, 0, NAME, 0, NULL), ESRCH);
	/* a queued owner releasing is silent */
	KT_REQ_OK(kt_name_acquire(&c1, NAME, 0, NULL));
	KT_REQ_OK(kt_name_acquire(&c2, NAME, KDBUS_NAME_QUEUE, NULL));
	expect_name(&w, KDBUS_ITEM_NAME_ADD, NAME, 0, c1.id, NULL, NULL);
	KT_OK(kt_name_release(&c2, NAME));
	no_name_notification(&w);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, c1.id, NAME, NULL), 1);
}

static void t_replace(void)
{
	struct kt_bus b;
	struct kt_conn w, c1, c2, c3;
	u64 rf = 0, nf = 0;

	KT_REQ_OK(setup(&b, &w, &c1, &c2));
	KT_REQ_OK(kt_conn(&c3, &b));
	/* P allows replacement and wants to queue */
	KT_REQ_OK(kt_name_acquire(&c1, NAME, KDBUS_NAME_ALLOW_REPLACEMENT | KDBUS_NAME_QUEUE, NULL));
	KT_REQ_OK(kt_name_acquire(&c2, NAME, KDBUS_NAME_QUEUE, NULL));
	expect_name(&w, KDBUS_ITEM_NAME_ADD, NAME, 0, c1.id, NULL, NULL);
	/* without REPLACE_EXISTING nothing moves */
	KT_ERR(kt_name_acquire(&c3, NAME, 0, NULL), EEXIST);
	KT_REQ_OK(kt_name_acquire(&c3, NAME, KDBUS_NAME_REPLACE_EXISTING, &rf));
	KT_EQ(rf, KDBUS_NAME_PRIMARY | KDBUS_NAME_ACQUIRED);
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, c1.id, c3.id, NULL, &nf);
	KT_EQ(nf & KDBUS_NAME_PRIMARY, KDBUS_NAME_PRIMARY);
	/* c1 is second in line (ahead of c2, queued earlier) */
	KT_EQ(kt_list_has(&w, KDBUS_LIST_QUEUED, c1.id, NAME, &nf), 1);
	KT_EQ(nf & KDBUS_NAME_IN_QUEUE, KDBUS_NAME_IN_QUEUE);
	KT_OK(kt_name_release(&c3, NAME));
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, c3.id, c1.id, NULL, NULL);
	KT_OK(kt_name_release(&c1, NAME));
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, c1.id, c2.id, NULL, NULL);
}

static void t_replace_drops_unqueued(void)
{
	struct kt_bus b;
	struct kt_conn w, c1, c2;

	KT_REQ_OK(setup(&b, &w, &c1, &c2));
	KT_REQ_OK(kt_name_acquire(&c1, NAME, KDBUS_NAME_ALLOW_REPLACEMENT, NULL));
	KT_REQ_OK(kt_name_acquire(&c2, NAME, KDBUS_NAME_REPLACE_EXISTING, NULL));
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, c1.id, c2.id, NULL, NULL);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_QUEUED | KDBUS_LIST_NAMES, c1.id, NAME, NULL), 0);
	KT_ERR(kt_name_release(&c1, NAME), EADDRINUSE);
	/* c2 did not allow replacement: c1 cannot take it back, but may queue */
	KT_ERR(kt_name_acquire(&c1, NAME, KDBUS_NAME_REPLACE_EXISTING, NULL), EEXIST);
	KT_OK(kt_name_acquire(&c1, NAME, KDBUS_NAME_REPLACE_EXISTING | KDBUS_NAME_QUEUE, NULL));
	KT_EQ(kt_list_has(&w, KDBUS_LIST_QUEUED, c1.id, NAME, NULL), 1);
}

static int match_name_type(const struct kt_conn *c, u64 type)
{
	struct kt_buf kb;
	struct kdbus_notify_name_change nc = { { KDBUS_MATCH_ID_ANY, 0 }, { KDBUS_MATCH_ID_ANY, 0 } };

	kt_match_init(&kb, 1, 0);
	kt_buf_item(&kb, type, &nc, sizeof(nc));
	return kt_match_add_buf(c, &kb);
}

static void t_disconnect_releases(void)
{
	struct kt_bus b;
	struct kt_conn w, w2, c1, c2;

	/* the release order is unspecified: one watcher per notification type */
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&w, &b));
	KT_REQ_OK(kt_conn(&w2, &b));
	KT_REQ_OK(kt_conn(&c1, &b));
	KT_REQ_OK(kt_conn(&c2, &b));
	KT_REQ_OK(match_name_type(&w, KDBUS_ITEM_NAME_CHANGE));
	KT_REQ_OK(match_name_type(&w2, KDBUS_ITEM_NAME_REMOVE));
	KT_REQ_OK(kt_name_acquire(&c1, NAME, 0, NULL));
	KT_REQ_OK(kt_name_acquire(&c1, NAME ".two", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&c2, NAME, KDBUS_NAME_QUEUE, NULL));
	kt_conn_close(&c1);
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, c1.id, c2.id, NULL, NULL);
	expect_name(&w2, KDBUS_ITEM_NAME_REMOVE, NAME ".two", c1.id, 0, NULL, NULL);
	kt_conn_close(&c2);
	expect_name(&w2, KDBUS_ITEM_NAME_REMOVE, NAME, c2.id, 0, NULL, NULL);
	KT_ERR(kt_conn_info(&w, 0, NAME, 0, NULL), ESRCH);
}

static void t_activator(void)
{
	struct kt_bus b;
	struct kt_conn w, act, act2;
	u64 nf = 0;

	KT_REQ_OK(setup(&b, &w, NULL, NULL));
	KT_REQ_OK(kt_activator(&act, &b, NAME));
	expect_name(&w, KDBUS_ITEM_NAME_ADD, NAME, 0, act.id, NULL, &nf);
	KT_EQ(nf, KDBUS_NAME_ACTIVATOR | KDBUS_NAME_PRIMARY);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_ACTIVATORS, act.id, NAME, &nf), 1);
	KT_EQ(nf, KDBUS_NAME_ACTIVATOR | KDBUS_NAME_PRIMARY);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, act.id, NAME, NULL), 0);
	/* a listing with NAMES only does not show the activator, UNIQUE shows it bare */
	KT_EQ(kt_list_has(&w, KDBUS_LIST_UNIQUE, act.id, NULL, NULL), 1);
	KT_ERR(kt_activator(&act2, &b, NAME), EEXIST);
	/* the activator vanishes: NAME_REMOVE */
	kt_conn_close(&act);
	expect_name(&w, KDBUS_ITEM_NAME_REMOVE, NAME, act.id, 0, NULL, NULL);
	KT_OK(kt_activator(&act2, &b, NAME));
}

static void t_activator_handover(void)
{
	struct kt_bus b;
	struct kt_conn w, act, impl, client;
	struct kdbus_msg *m;
	u64 rf = 0;

	KT_REQ_OK(setup(&b, &w, &impl, &client));
	KT_REQ_OK(kt_activator(&act, &b, NAME));
	/* messages to the name queue on the activator */
	KT_REQ_OK(kt_send_name(&client, NAME, 1, "first"));
	KT_REQ_OK(kt_send_name(&client, NAME, 2, "second"));
	KT_CHECK(kt_poll_in(&act, 2000));
	/* the implementer takes over: messages move */
	KT_REQ_OK(kt_name_acquire(&impl, NAME, 0, &rf));
	KT_EQ(rf, KDBUS_NAME_PRIMARY | KDBUS_NAME_ACQUIRED);
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, act.id, impl.id, NULL, NULL);
	KT_EQ(kt_poll_events(act.fd) & POLLIN, 0);
	KT_REQ_OK(kt_recv_wait(&impl, 2000, &m));
	KT_EQ(m->cookie, 1);
	KT_EQ(m->src_id, client.id);
	KT_CHECK(!strcmp(kt_msg_text(&impl, m), "first"));
	KT_REQ_OK(kt_recv_wait(&impl, 2000, &m));
	KT_EQ(m->cookie, 2);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_ACTIVATORS, act.id, NAME, &rf), 1);
	KT_EQ(rf & (KDBUS_NAME_IN_QUEUE | KDBUS_NAME_PRIMARY | KDBUS_NAME_ACTIVATOR),
	      KDBUS_NAME_IN_QUEUE | KDBUS_NAME_ACTIVATOR);
	{
		struct kdbus_info *info;

		KT_REQ_OK(kt_conn_info(&w, 0, NAME, 0, &info));
		KT_EQ(info->id, impl.id);
	}
}

static void t_activator_handback(void)
{
	struct kt_bus b;
	struct kt_conn w, act, impl, client;
	struct kdbus_msg *m;

	KT_REQ_OK(setup(&b, &w, &impl, &client));
	KT_REQ_OK(kt_activator(&act, &b, NAME));
	KT_REQ_OK(kt_name_acquire(&impl, NAME, 0, NULL));
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, act.id, impl.id, NULL, NULL);
	/* one message by name, one by id: only the first goes back */
	KT_REQ_OK(kt_send_name(&client, NAME, 1, "by name"));
	KT_REQ_OK(kt_send(&client, impl.id, 2, "by id"));
	KT_OK(kt_name_release(&impl, NAME));
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, impl.id, act.id, NULL, NULL);
	KT_REQ_OK(kt_recv_wait(&act, 2000, &m));
	KT_EQ(m->cookie, 1);
	KT_REQ_OK(kt_recv_wait(&impl, 2000, &m));
	KT_EQ(m->cookie, 2);
	KT_EQ(kt_drain(&impl), 0);
	KT_EQ(kt_drain(&act), 0);
}

static void t_handover_drops(void)
{
	struct kt_bus b;
	struct kt_conn w, act, impl, client;
	struct kt_buf kb;
	struct kdbus_cmd_recv r;
	struct kdbus_msg *m;
	int p[2], fd;

	KT_REQ_OK(setup(&b, &w, NULL, &client));
	KT_REQ_OK(kt_hello(&impl, &b, 0, KT_POOL_SIZE)); /* without ACCEPT_FD */
	fd = kt_open_ep(&b, NULL);
	KT_REQ_OK(kt_hello_fd(&act, fd, KDBUS_HELLO_ACTIVATOR | KDBUS_HELLO_ACCEPT_FD, 0, 0,
			      KT_POOL_SIZE, NAME, NULL));
	KT_REQ(pipe(p) == 0);
	kt_msg_init(&kb, 0, 0, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, NAME);
	kt_msg_fds(&kb, p, 1);
	KT_REQ_OK(kt_send_buf(&client, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_send_name(&client, NAME, 2, "plain"));
	KT_REQ_OK(kt_name_acquire(&impl, NAME, 0, NULL));
	/* the FDS message could not move: dropped and counted at the new owner */
	KT_REQ_OK(kt_recv(&impl, 0, 0, &r));
	m = kt_pool_msg(&impl, r.msg.offset);
	KT_EQ(m->cookie, 2);
	KT_EQ(r.dropped_msgs, 1);
	KT_EQ(r.return_flags, KDBUS_RECV_RETURN_DROPPED_MSGS);
	KT_ERR(kt_recv(&impl, 0, 0, &r), EAGAIN);
	KT_ERR(kt_recv(&act, 0, 0, &r), EAGAIN);
}

static void t_handover_sequence(void)
{
	struct kt_bus b;
	struct kt_conn w, act, impl, client;
	struct kdbus_msg *m;

	KT_REQ_OK(setup(&b, &w, &impl, &client));
	/* m1 is addressed to the first incarnation of the name */
	KT_REQ_OK(kt_name_acquire(&impl, NAME, 0, NULL));
	KT_REQ_OK(kt_send_name(&client, NAME, 1, "old incarnation"));
	KT_REQ_OK(kt_name_release(&impl, NAME));
	/* a new incarnation, held by an activator, then by impl again */
	KT_REQ_OK(kt_activator(&act, &b, NAME));
	KT_REQ_OK(kt_name_acquire(&impl, NAME, 0, NULL));
	KT_REQ_OK(kt_send_name(&client, NAME, 2, "new incarnation"));
	/* hand-back moves only messages sent to the current incarnation */
	KT_OK(kt_name_release(&impl, NAME));
	KT_REQ_OK(kt_recv_wait(&act, 2000, &m));
	KT_EQ(m->cookie, 2);
	KT_EQ(kt_drain(&act), 0);
	KT_REQ_OK(kt_recv_wait(&impl, 2000, &m));
	KT_EQ(m->cookie, 1);
	KT_EQ(kt_drain(&impl), 0);
}

static void t_activator_reply_retarget(void)
{
	struct kt_bus b;
	struct kt_conn w, act, impl, client;
	struct kdbus_msg *m;
	struct kt_buf kb;

	KT_REQ_OK(setup(&b, &w, &impl, &client));
	KT_REQ_OK(kt_activator(&act, &b, NAME));
	kt_msg_init(&kb, 0, KDBUS_MSG_EXPECT_REPLY, 0x42, kt_now_ns() + 30000 * KT_MS);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, NAME);
	KT_REQ_OK(kt_send_buf(&client, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_name_acquire(&impl, NAME, 0, NULL));
	KT_REQ_OK(kt_recv_wait(&impl, 2000, &m));
	KT_EQ(m->cookie, 0x42);
	KT_OK(kt_send_reply(&impl, client.id, 0x42, "from the implementer"));
	KT_REQ_OK(kt_recv_wait(&client, 2000, &m));
	KT_EQ(m->cookie_reply, 0x42);
	KT_EQ(m->src_id, impl.id);
}

static void t_activator_behind_owner(void)
{
	struct kt_bus b;
	struct kt_conn w, c, act;
	u64 nf = 0;

	KT_REQ_OK(setup(&b, &w, &c, NULL));
	KT_REQ_OK(kt_name_acquire(&c, NAME, 0, NULL));
	expect_name(&w, KDBUS_ITEM_NAME_ADD, NAME, 0, c.id, NULL, NULL);
	KT_REQ_OK(kt_activator(&act, &b, NAME));
	KT_EQ(kt_list_has(&w, KDBUS_LIST_ACTIVATORS, act.id, NAME, &nf), 1);
	KT_EQ(nf, KDBUS_NAME_ACTIVATOR | KDBUS_NAME_IN_QUEUE);
	no_name_notification(&w);
	/* the owner leaves: the name goes to the activator */
	KT_OK(kt_name_release(&c, NAME));
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, c.id, act.id, NULL, &nf);
	KT_EQ(nf, KDBUS_NAME_ACTIVATOR | KDBUS_NAME_PRIMARY);
	/* a new owner again, then the activator leaves silently */
	KT_REQ_OK(kt_name_acquire(&c, NAME, 0, NULL));
	expect_name(&w, KDBUS_ITEM_NAME_CHANGE, NAME, act.id, c.id, NULL, NULL);
	kt_conn_close(&act);
	no_name_notification(&w);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, c.id, NAME, NULL), 1);
}

static void t_list_flags(void)
{
	struct kt_bus b;
	struct kt_conn w, c1, c2, act;
	u64 off, size, pos;
	int records = 0, bare = 0;

	KT_REQ_OK(setup(&b, &w, &c1, &c2));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.act"));
	KT_REQ_OK(kt_name_acquire(&c1, "org.example.a", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&c1, "org.example.b", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&c2, "org.example.a", KDBUS_NAME_QUEUE, NULL));
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, c1.id, "org.example.a", NULL), 1);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, c1.id, "org.example.b", NULL), 1);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, c2.id, "org.example.a", NULL), 0);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_QUEUED, c2.id, "org.example.a", NULL), 1);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_ACTIVATORS, act.id, "org.example.act", NULL), 1);
	KT_EQ(kt_list_has(&w, KDBUS_LIST_NAMES, act.id, "org.example.act", NULL), 0);
	/* NAMES|UNIQUE: c1 gets two name records (in acquisition order), w a bare one */
	KT_REQ_OK(kt_list(&w, KDBUS_LIST_NAMES | KDBUS_LIST_UNIQUE, &off, &size));
	KT_REQ(off < w.pool_size);
	for (pos = 0; pos < size;) {
		struct kdbus_info *info = (struct kdbus_info *)(w.pool + off + pos);
		struct kdbus_item *it = kt_info_item(info, KDBUS_ITEM_OWNED_NAME);

		KT_REQ(info->size >= 24);
		if (info->id == c1.id) {
			if (KT_CHECK(it != NULL)) {
				KT_CHECK(!strcmp(it->name.name, records == 0 ? "org.example.a" : "org.example.b"));
				KT_EQ(it->name.flags, KDBUS_NAME_PRIMARY);
				KT_EQ(info->size, 24 + KT_ALIGN8(16 + 8 + strlen(it->name.name) + 1));
			}
			records++;
		}
		if (info->id == w.id) {
			KT_EQ(info->size, 24);
			bare++;
		}
		if (info->id == c2.id)
			KT_CHECK(it == NULL); /* only queued: selected-nothing → bare */
		pos += KT_ALIGN8(info->size);
	}
	KT_EQ(records, 2);
	KT_EQ(bare, 1);
}

const struct kt_test kt_tests_names[] = {
	{ "names", "acquire: PRIMARY|ACQUIRED and NAME_ADD; re-acquire PRIMARY only, flags updated", t_acquire, 0 },
	{ "names", "invalid names (syntax, wildcard, 256 chars) and flags give EINVAL", t_invalid_names, 0 },
	{ "names", "EEXIST when owned; QUEUE gives QUEUE|IN_QUEUE|ACQUIRED; leaving the queue", t_eexist_queue, 0 },
	{ "names", "release: ESRCH, EADDRINUSE, hand-over to the queue (NAME_CHANGE), NAME_REMOVE", t_release, 0 },
	{ "names", "REPLACE_EXISTING takes over from ALLOW_REPLACEMENT; old owner queued second", t_replace, 0 },
	{ "names", "a replaced owner without QUEUE loses its record", t_replace_drops_unqueued, 0 },
	{ "names", "disconnect releases every name (NAME_CHANGE / NAME_REMOVE)", t_disconnect_releases, 0 },
	{ "names", "activator: NAME_ADD with ACTIVATOR|PRIMARY, LIST ACTIVATORS, EEXIST, NAME_REMOVE", t_activator, 0 },
	{ "names", "activator hand-over: queued messages move to the new owner (NAME_CHANGE)", t_activator_handover, 0 },
	{ "names", "hand-back to the activator moves name-addressed messages only", t_activator_handback, 0 },
	{ "names", "hand-over drops messages the new owner cannot take (FDS) and counts them", t_handover_drops, 0 },
	{ "names", "hand-over moves only messages sent to the name's current incarnation", t_handover_sequence, 0 },
	{ "names", "reply expectations follow the name from the activator to the implementer", t_activator_reply_retarget, 0 },
	{ "names", "activator behind an owner is IN_QUEUE silently and takes the name back", t_activator_behind_owner, 0 },
	{ "names", "LIST NAMES/QUEUED/ACTIVATORS/UNIQUE record selection", t_list_flags, 0 },
	KT_TESTS_END
};
