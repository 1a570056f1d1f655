// SPDX-License-Identifier: MIT
/*
 * The trace extension for monitors (project extension, not upstream; see
 * guest-image/kdbus/NOTES.md "Trace extension"): a monitor that passes
 * KDBUS_ITEM_X_TRACE at HELLO learns who received each signal, which
 * HELLOs were refused, and every connection's attach masks. Monitors that
 * do not ask see exactly what spec 12 says.
 */
#define _GNU_SOURCE
#include "kt.h"

#include <stdarg.h>
#include <sys/prctl.h>

#define ALL_TRACE (KDBUS_X_TRACE_RECEIVERS | KDBUS_X_TRACE_REFUSED | KDBUS_X_TRACE_CONN_MASKS | \
		   KDBUS_X_TRACE_ENDPOINTS)

static int monitor(struct kt_conn *m, const struct kt_bus *b, u64 trace)
{
	struct kt_buf ex;

	kt_buf_init(&ex, 0);
	if (trace != (u64)-1)
		kt_buf_u64(&ex, KDBUS_ITEM_X_TRACE, trace);
	return kt_hello_ep(m, b, NULL, KDBUS_HELLO_MONITOR, ~0ULL, 0, KT_POOL_SIZE, NULL, &ex);
}

/* Next message of a monitor that is a copy of (src, cookie), or NULL. */
static struct kdbus_msg *copy_of(const struct kt_conn *m, u64 src, u64 cookie)
{
	struct kdbus_msg *msg;

	while (kt_recv_wait(m, 2000, &msg) == 0)
		if (msg->src_id == src && msg->cookie == cookie)
			return msg;
	return NULL;
}

/* The X_RECEIVERS IDs of a copy as "id,id,", or "none". */
static const char *receivers(struct kdbus_msg *msg)
{
	static char s[256];
	struct kdbus_item *it = kt_msg_item(msg, KDBUS_ITEM_X_RECEIVERS);
	size_t i, n, len = 0;

	if (!it)
		return "none";
	s[0] = 0;
	n = (it->size - 16) / 8;
	for (i = 0; i < n && len < sizeof(s) - 24; i++)
		len += snprintf(s + len, sizeof(s) - len, "%llu,",
				(unsigned long long)it->data64[i]);
	return s;
}

/*
 * IDs are compared as given: the trace agent's own monitor may take an ID
 * between two of a test's connections.
 */
static const char *ids(int n, ...)
{
	static char s[256];
	size_t len = 0;
	va_list ap;

	s[0] = 0;
	va_start(ap, n);
	while (n-- > 0)
		len += snprintf(s + len, sizeof(s) - len, "%llu,",
				(unsigned long long)va_arg(ap, u64));
	va_end(ap);
	return s;
}

#define KT_RCV(msg, want) do {							\
		char want_[256];						\
		snprintf(want_, sizeof(want_), "%s", want);			\
		if (!KT_CHECK(!strcmp(receivers(msg), want_)))			\
			kt_diag("receivers %s, expected %s", receivers(msg), want_); \
	} while (0)

static void t_hello_item(void)
{
	struct kt_bus b;
	struct kt_conn m, c;
	struct kt_buf ex;

	KT_REQ_OK(kt_bus_make(&b));
	KT_OK(monitor(&m, &b, ALL_TRACE));
	kt_conn_close(&m);
	KT_OK(monitor(&m, &b, 0));
	kt_conn_close(&m);
	KT_ERR(monitor(&m, &b, ALL_TRACE + 1), EINVAL);
	KT_ERR(monitor(&m, &b, 1ULL << 63), EINVAL);
	/* only monitors may ask */
	kt_buf_init(&ex, 0);
	kt_buf_u64(&ex, KDBUS_ITEM_X_TRACE, KDBUS_X_TRACE_RECEIVERS);
	KT_ERR(kt_hello_ep(&c, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
	/* a u64, nothing else */
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_X_TRACE, "\1\0\0\0", 4);
	KT_ERR(kt_hello_ep(&m, &b, NULL, KDBUS_HELLO_MONITOR, 0, 0, KT_POOL_SIZE, NULL, &ex),
	       EINVAL);
	/* twice */
	kt_buf_init(&ex, 0);
	kt_buf_u64(&ex, KDBUS_ITEM_X_TRACE, 1);
	kt_buf_u64(&ex, KDBUS_ITEM_X_TRACE, 1);
	KT_ERR(kt_hello_ep(&m, &b, NULL, KDBUS_HELLO_MONITOR, 0, 0, KT_POOL_SIZE, NULL, &ex),
	       EINVAL);
}

static void t_broadcast_receivers(void)
{
	struct kt_bus b;
	struct kt_conn m, plain, a, r1, r2, quiet, d;
	struct kdbus_msg *mc, *pc;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&r1, &b));
	KT_REQ_OK(kt_conn(&quiet, &b));
	KT_REQ_OK(kt_conn(&r2, &b));
	KT_REQ_OK(kt_match_all(&r1, 1));
	KT_REQ_OK(kt_match_all(&r2, 1));
	KT_REQ_OK(monitor(&m, &b, ALL_TRACE));
	KT_REQ_OK(monitor(&plain, &b, (u64)-1));

	/* a broadcast: the two matching connections, in bus order */
	KT_REQ_OK(kt_send_signal(&a, KDBUS_DST_ID_BROADCAST, 7, 0));
	mc = copy_of(&m, a.id, 7);
	KT_REQ(mc);
	KT_RCV(mc, ids(2, r1.id, r2.id));
	pc = copy_of(&plain, a.id, 7);
	KT_REQ(pc);
	KT_RCV(pc, "none");
	/* the traced copy is the plain one plus one 32-byte item */
	KT_EQ(mc->size, pc->size + 32);
	KT_EQ(kt_drain(&r1), 1);
	KT_EQ(kt_drain(&r2), 1);
	KT_EQ(kt_drain(&quiet), 0);

	/* a unicast signal the destination drops names nobody ... */
	KT_REQ_OK(kt_send_signal(&a, quiet.id, 8, 0));
	mc = copy_of(&m, a.id, 8);
	KT_REQ(mc);
	KT_RCV(mc, "");
	/* ... one it takes names it */
	KT_REQ_OK(kt_send_signal(&a, r1.id, 9, 0));
	mc = copy_of(&m, a.id, 9);
	KT_REQ(mc);
	KT_RCV(mc, ids(1, r1.id));
	KT_EQ(kt_drain(&r1), 1);

	/* a kernel broadcast: ID_ADD reaches the matching connections */
	KT_REQ_OK(kt_conn(&d, &b));
	KT_REQ_OK(kt_recv_notify(&m, KDBUS_ITEM_ID_ADD, 2000, &mc));
	KT_RCV(mc, ids(2, r1.id, r2.id));

	/* calls and replies carry no list: their receiver is their dst */
	KT_REQ_OK(kt_send(&a, r1.id, 10, "x"));
	mc = copy_of(&m, a.id, 10);
	KT_REQ(mc);
	KT_RCV(mc, "none");
}

/* Unicast signals with FDS: a receiver without ACCEPT_FD drops it unnamed. */
static int signal_with_fd(const struct kt_conn *c, u64 dst, u64 cookie, int fd)
{
	u64 bloom[KT_BLOOM_SIZE / 8] = { 0 };
	struct kt_buf kb;

	kt_msg_init(&kb, dst, KDBUS_MSG_SIGNAL, cookie, 0);
	kt_msg_bloom(&kb, 0, bloom, sizeof(bloom));
	kt_msg_fds(&kb, &fd, 1);
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

static void t_receivers_exact(void)
{
	struct kt_conn m, a, nofd, fd;
	struct kdbus_msg *mc;
	struct kt_bus b;
	int p[2];

	KT_REQ(pipe(p) == 0);
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_hello_ep(&nofd, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_hello_ep(&fd, &b, NULL, KDBUS_HELLO_ACCEPT_FD, 0, 0, KT_POOL_SIZE, NULL,
			      NULL));
	KT_REQ_OK(kt_match_all(&nofd, 1));
	KT_REQ_OK(kt_match_all(&fd, 1));
	KT_REQ_OK(monitor(&m, &b, KDBUS_X_TRACE_RECEIVERS));
	KT_REQ_OK(signal_with_fd(&a, nofd.id, 11, p[0]));
	mc = copy_of(&m, a.id, 11);
	KT_REQ(mc);
	KT_RCV(mc, "");
	KT_EQ(kt_drain(&nofd), 0);
	KT_REQ_OK(signal_with_fd(&a, fd.id, 12, p[0]));
	mc = copy_of(&m, a.id, 12);
	KT_REQ(mc);
	KT_RCV(mc, ids(1, fd.id));
	KT_EQ(kt_drain(&fd), 1);
	close(p[0]);
	close(p[1]);
}

/* A bus whose peers must send CREDS (extension, spec 15). */
static int bus_requiring(struct kt_bus *b, u64 required)
{
	struct kdbus_bloom_parameter bp = { KT_BLOOM_SIZE, 1 };
	struct kt_buf kb;

	memset(b, 0, sizeof(*b));
	b->fd = kt_open_control(NULL);
	if (b->fd < 0)
		return errno;
	kt_bus_name(b->name, sizeof(b->name));
	snprintf(b->root, sizeof(b->root), "%s", KT_ROOT);
	snprintf(b->dir, sizeof(b->dir), KT_ROOT "/%s", b->name);
	snprintf(b->ep, sizeof(b->ep), "%s/bus", b->dir);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	((struct kdbus_cmd *)(void *)kb.b)->flags = KDBUS_MAKE_ACCESS_WORLD;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, b->name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_RECV, required);
	kt_buf_finish(&kb);
	return kt_ioctl(b->fd, KDBUS_CMD_BUS_MAKE, kb.b);
}

static struct kdbus_x_hello_refused *refusal(struct kdbus_msg *msg)
{
	struct kdbus_item *it = kt_msg_item(msg, KDBUS_ITEM_X_HELLO_REFUSED);

	if (!it || it->size != 16 + sizeof(struct kdbus_x_hello_refused))
		return NULL;
	return (struct kdbus_x_hello_refused *)(void *)it->data;
}

static void t_hello_refused(void)
{
	struct kdbus_x_hello_refused *r;
	struct kt_conn m, plain, c;
	struct kdbus_msg *msg;
	struct kdbus_item *it;
	struct kt_buf ex;
	struct kt_bus b;
	pid_t pid;

	KT_REQ_OK(bus_requiring(&b, KDBUS_ATTACH_CREDS));
	KT_REQ_OK(monitor(&m, &b, KDBUS_X_TRACE_REFUSED));
	KT_REQ_OK(monitor(&plain, &b, KDBUS_X_TRACE_RECEIVERS));
	kt_buf_init(&ex, 0);
	kt_buf_str(&ex, KDBUS_ITEM_CONN_DESCRIPTION, "no-creds");
	KT_ERR(kt_hello_ep(&c, &b, NULL, KDBUS_HELLO_ACCEPT_FD, KDBUS_ATTACH_PIDS, 0,
			   KT_POOL_SIZE, NULL, &ex), ECONNREFUSED);
	KT_REQ_OK(kt_recv_notify(&m, KDBUS_ITEM_X_HELLO_REFUSED, 2000, &msg));
	KT_EQ(msg->src_id, 0);
	KT_EQ(msg->dst_id, KDBUS_DST_ID_BROADCAST);
	KT_EQ(msg->payload_type, KDBUS_PAYLOAD_KERNEL);
	r = refusal(msg);
	if (KT_CHECK(r)) {
		KT_EQ(r->flags, KDBUS_HELLO_ACCEPT_FD);
		KT_EQ(r->attach_flags_send, KDBUS_ATTACH_PIDS);
		KT_EQ(r->attach_flags_req, KDBUS_ATTACH_CREDS);
		KT_EQ(r->pid, getpid());
		KT_EQ(r->uid, 0);
		KT_EQ(r->gid, 0);
	}
	it = kt_msg_item(msg, KDBUS_ITEM_CONN_DESCRIPTION);
	KT_CHECK(it && !strcmp(it->str, "no-creds"));
	/* nobody else hears of it, and an accepted HELLO is no refusal */
	KT_ERR(kt_recv_notify(&plain, KDBUS_ITEM_X_HELLO_REFUSED, 200, &msg), EAGAIN);
	KT_REQ_OK(kt_hello_ep(&c, &b, NULL, 0, KDBUS_ATTACH_CREDS, 0, KT_POOL_SIZE, NULL, NULL));
	KT_ERR(kt_recv_notify(&m, KDBUS_ITEM_X_HELLO_REFUSED, 200, &msg), EAGAIN);

	/* another user and process, with its own name */
	pid = kt_fork();
	if (pid == 0) {
		struct kt_conn o;

		prctl(PR_SET_NAME, "refused-one");
		KT_REQ_OK(kt_become(1000, 1001));
		KT_ERR(kt_hello_ep(&o, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, NULL),
		       ECONNREFUSED);
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
	KT_REQ_OK(kt_recv_notify(&m, KDBUS_ITEM_X_HELLO_REFUSED, 2000, &msg));
	r = refusal(msg);
	if (KT_CHECK(r)) {
		KT_EQ(r->pid, pid);
		KT_EQ(r->uid, 1000);
		KT_EQ(r->gid, 1001);
		KT_EQ(r->attach_flags_send, 0);
		KT_CHECK(!strcmp(r->comm, "refused-one"));
	}
	KT_CHECK(kt_msg_item(msg, KDBUS_ITEM_CONN_DESCRIPTION) == NULL);
}

static void t_conn_masks(void)
{
	struct kt_conn m, plain, c;
	struct kdbus_info *info;
	struct kdbus_item *it;
	struct kt_bus b;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_hello_ep(&c, &b, NULL, 0, KDBUS_ATTACH_PIDS | KDBUS_ATTACH_PID_COMM,
			      KDBUS_ATTACH_CREDS, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(monitor(&m, &b, KDBUS_X_TRACE_CONN_MASKS));
	KT_REQ_OK(monitor(&plain, &b, KDBUS_X_TRACE_RECEIVERS));
	KT_REQ_OK(kt_conn_info(&m, c.id, NULL, KDBUS_ATTACH_PIDS, &info));
	it = info->items;
	KT_EQ(it->type, KDBUS_ITEM_ATTACH_FLAGS_SEND);
	KT_EQ(it->size, 24);
	KT_EQ(it->data64[0], KDBUS_ATTACH_PIDS | KDBUS_ATTACH_PID_COMM);
	it = KDBUS_ITEM_NEXT(it);
	KT_EQ(it->type, KDBUS_ITEM_ATTACH_FLAGS_RECV);
	KT_EQ(it->data64[0], KDBUS_ATTACH_CREDS);
	/* then the metadata, as without the extension */
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_PIDS) != NULL);
	/* UPDATE shows */
	KT_REQ_OK(kt_update_attach(&c, KDBUS_ATTACH_PIDS, 0));
	KT_REQ_OK(kt_conn_info(&m, c.id, NULL, 0, &info));
	KT_EQ(info->items[0].data64[0], KDBUS_ATTACH_PIDS);
	it = KDBUS_ITEM_NEXT(info->items);
	KT_EQ(it->data64[0], 0);
	KT_EQ(info->size, sizeof(*info) + 48);
	/* the UPDATE above was reported, with both masks as they are now */
	{
		struct kdbus_x_conn_masks *x;
		struct kdbus_msg *msg;

		KT_REQ_OK(kt_recv_notify(&m, KDBUS_ITEM_X_CONN_MASKS, 2000, &msg));
		it = kt_msg_item(msg, KDBUS_ITEM_X_CONN_MASKS);
		KT_REQ(it && it->size == 16 + sizeof(*x));
		x = (struct kdbus_x_conn_masks *)(void *)it->data;
		KT_EQ(x->id, c.id);
		KT_EQ(x->attach_flags_send, KDBUS_ATTACH_PIDS);
		KT_EQ(x->attach_flags_recv, 0);
		KT_EQ(msg->src_id, 0);
		/* a refused UPDATE, and a monitor's own, say nothing */
		KT_ERR(kt_update_attach(&c, 1ULL << 40, 0), EINVAL);
		KT_OK(kt_update_attach(&plain, 0, KDBUS_ATTACH_CREDS));
		KT_ERR(kt_recv_notify(&m, KDBUS_ITEM_X_CONN_MASKS, 200, &msg), EAGAIN);
		KT_ERR(kt_recv_notify(&plain, KDBUS_ITEM_X_CONN_MASKS, 200, &msg), EAGAIN);
	}
	/* without the flag: no masks */
	KT_REQ_OK(kt_conn_info(&plain, c.id, NULL, 0, &info));
	KT_EQ(info->size, sizeof(*info));
	KT_REQ_OK(kt_conn_info(&c, c.id, NULL, 0, &info));
	KT_EQ(info->size, sizeof(*info));
}

/* An X_ENDPOINT_POLICY message as "ep;name;type/access/id;..." (no TIMESTAMP) */
static const char *ep_policy(struct kdbus_msg *msg)
{
	static char s[512];
	struct kdbus_item *it;
	size_t len = 0;

	s[0] = 0;
	KT_FOREACH_ITEM(it, msg->items, msg->size - sizeof(*msg)) {
		if (len > sizeof(s) - 64)
			break;
		if (it->type == KDBUS_ITEM_TIMESTAMP)
			continue;	/* like every kernel message's */
		if (it->type == KDBUS_ITEM_X_ENDPOINT_POLICY || it->type == KDBUS_ITEM_NAME)
			len += snprintf(s + len, sizeof(s) - len, "%s;", it->str);
		else if (it->type == KDBUS_ITEM_POLICY_ACCESS)
			len += snprintf(s + len, sizeof(s) - len, "%llu/%llu/%llu;",
					(unsigned long long)it->policy_access.type,
					(unsigned long long)it->policy_access.access,
					(unsigned long long)it->policy_access.id);
		else
			len += snprintf(s + len, sizeof(s) - len, "?%llx;",
					(unsigned long long)it->type);
	}
	return s;
}

#define KT_POLICY(msg, want) do {						\
		if (!KT_CHECK(!strcmp(ep_policy(msg), want)))			\
			kt_diag("policy %s, expected %s", ep_policy(msg), want); \
	} while (0)

static void t_endpoint_policy(void)
{
	struct kt_conn m, plain;
	struct kdbus_msg *msg;
	struct kt_buf kb;
	struct kt_bus b;
	int ep1, ep2;

	KT_REQ_OK(kt_bus_make(&b));
	ep1 = kt_ep_make(&b, "0-ep1", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep1 >= 0);
	kt_buf_init(&kb, 0);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.kt.a");
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_USER, KDBUS_POLICY_TALK, 1000);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.kt.b.*");
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_SEE, 0);
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_GROUP, KDBUS_POLICY_OWN, 1001);
	KT_REQ_OK(kt_ep_update(ep1, &kb));

	/* a monitor that connects is told the policies in place */
	KT_REQ_OK(monitor(&m, &b, KDBUS_X_TRACE_ENDPOINTS));
	KT_REQ_OK(monitor(&plain, &b, KDBUS_X_TRACE_RECEIVERS));
	KT_REQ_OK(kt_recv_notify(&m, KDBUS_ITEM_X_ENDPOINT_POLICY, 2000, &msg));
	KT_EQ(msg->src_id, 0);
	KT_EQ(msg->dst_id, KDBUS_DST_ID_BROADCAST);
	KT_POLICY(msg, "0-ep1;org.kt.a;1/1/1000;org.kt.b.*;3/0/0;2/2/1001;");

	/* then every ENDPOINT_MAKE (no policy yet) and successful UPDATE */
	ep2 = kt_ep_make(&b, "0-ep2", 0);
	KT_REQ(ep2 >= 0);
	KT_REQ_OK(kt_recv_notify(&m, KDBUS_ITEM_X_ENDPOINT_POLICY, 2000, &msg));
	KT_POLICY(msg, "0-ep2;");
	kt_buf_init(&kb, 0);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.kt.c");
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0);
	KT_REQ_OK(kt_ep_update(ep2, &kb));
	KT_REQ_OK(kt_recv_notify(&m, KDBUS_ITEM_X_ENDPOINT_POLICY, 2000, &msg));
	KT_POLICY(msg, "0-ep2;org.kt.c;3/1/0;");
	/* a refused UPDATE changes nothing and says nothing */
	kt_buf_init(&kb, 0);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "not a name");
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0);
	KT_ERR(kt_ep_update(ep2, &kb), EINVAL);
	KT_ERR(kt_recv_notify(&m, KDBUS_ITEM_X_ENDPOINT_POLICY, 200, &msg), EAGAIN);
	/* an empty UPDATE clears the policy */
	KT_REQ_OK(kt_ep_update(ep2, NULL));
	KT_REQ_OK(kt_recv_notify(&m, KDBUS_ITEM_X_ENDPOINT_POLICY, 2000, &msg));
	KT_POLICY(msg, "0-ep2;");
	KT_ERR(kt_recv_notify(&plain, KDBUS_ITEM_X_ENDPOINT_POLICY, 200, &msg), EAGAIN);
	close(ep1);
	close(ep2);
}

/*
 * Negotiation: HELLO names X_TRACE as supported; a negotiating
 * ENDPOINT_MAKE makes nothing and reports nothing (the fuzzer found the
 * report dereferencing the endpoint a negotiation does not make).
 */
static void t_negotiation(void)
{
	u64 types[] = { KDBUS_ITEM_X_TRACE, KDBUS_ITEM_X_RECEIVERS, KDBUS_ITEM_MAKE_NAME };
	struct kdbus_cmd_hello *h;
	struct kdbus_item *neg;
	struct kdbus_cmd *cmd;
	struct kdbus_msg *msg;
	struct kt_conn m;
	struct kt_buf kb;
	struct kt_bus b;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_REQ(fd >= 0);
	h = kt_buf_init(&kb, sizeof(*h));
	h->flags = KDBUS_FLAG_NEGOTIATE;
	neg = kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, sizeof(types));
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_HELLO, kb.b));
	KT_EQ(neg->data64[0], KDBUS_ITEM_X_TRACE);
	KT_EQ(neg->data64[1], 0);
	KT_EQ(neg->data64[2], 0);
	close(fd);

	KT_REQ_OK(monitor(&m, &b, KDBUS_X_TRACE_ENDPOINTS));
	fd = kt_open_ep(&b, NULL);
	KT_REQ(fd >= 0);
	cmd = kt_buf_init(&kb, sizeof(*cmd));
	cmd->flags = KDBUS_FLAG_NEGOTIATE;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, "0-neg");
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, kb.b));
	KT_ERR(kt_recv_notify(&m, KDBUS_ITEM_X_ENDPOINT_POLICY, 200, &msg), EAGAIN);
	/* the handle is still fresh: a real ENDPOINT_MAKE works and is reported */
	cmd = kt_buf_init(&kb, sizeof(*cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, "0-neg");
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, kb.b));
	KT_OK(kt_recv_notify(&m, KDBUS_ITEM_X_ENDPOINT_POLICY, 2000, &msg));
	close(fd);
}

const struct kt_test kt_tests_trace[] = {
	{ "trace", "X_TRACE (extension): monitors only, known bits, one u64, once (EINVAL)", t_hello_item, 0 },
	{ "trace", "X_RECEIVERS (extension): broadcasts, unicast signals and ID_ADD name their receivers", t_broadcast_receivers, 0 },
	{ "trace", "X_RECEIVERS (extension): a receiver that cannot take the message is not named", t_receivers_exact, 0 },
	{ "trace", "X_HELLO_REFUSED (extension): pid, uid, gid, comm, masks, description", t_hello_refused, 0 },
	{ "trace", "CONN_MASKS (extension): CONN_INFO starts with the target's attach masks; UPDATEs are reported", t_conn_masks, 0 },
	{ "trace", "ENDPOINTS (extension): custom endpoints' policies at HELLO, MAKE and UPDATE", t_endpoint_policy, 0 },
	{ "trace", "negotiation: HELLO supports X_TRACE; a negotiating ENDPOINT_MAKE makes and reports nothing", t_negotiation, 0 },
	KT_TESTS_END
};
