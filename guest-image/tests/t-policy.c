// SPDX-License-Identifier: MIT
/* §11 policy (bus policy from policy holders and activators, custom
 * endpoint policy §2/§4.3/§4.4), as seen by unprivileged connections. */
#define _GNU_SOURCE
#include "kt.h"

#include <grp.h>
#include <sched.h>

/*
 * The test process keeps 0 as its saved uid, so it can act as several
 * unprivileged users in turn: become(u) sets real and effective ids to u
 * (no capabilities while u != 0). Connections remember the credentials of
 * their HELLO; policy checks at SEND/NAME_ACQUIRE use the current ones.
 */
static int become(uid_t u)
{
	if (setresuid((uid_t)-1, 0, (uid_t)-1) < 0)
		return errno;
	if (u == 0)
		return setresuid(0, 0, 0) < 0 ? errno : 0;
	if (setresgid(u, u, 0) < 0 || setresuid(u, u, 0) < 0)
		return errno;
	return 0;
}

static int holder(struct kt_conn *ph, const struct kt_bus *b, const char *name,
		  const struct kdbus_policy_access *rules, int n)
{
	struct kt_buf ex;

	kt_buf_init(&ex, 0);
	for (int i = 0; i < n; i++)
		kt_buf_item(&ex, KDBUS_ITEM_POLICY_ACCESS, &rules[i], sizeof(rules[i]));
	return kt_hello_ep(ph, b, NULL, KDBUS_HELLO_POLICY_HOLDER, 0, 0, 4096, name, &ex);
}

#define USER(u, a) { KDBUS_POLICY_ACCESS_USER, KDBUS_POLICY_##a, (u) }
#define GROUP(g, a) { KDBUS_POLICY_ACCESS_GROUP, KDBUS_POLICY_##a, (g) }
#define WORLD(a) { KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_##a, 0 }

static int conn_as(struct kt_conn *c, const struct kt_bus *b, const char *ep, uid_t u)
{
	int r = become(u);

	if (r)
		return r;
	return kt_hello_ep(c, b, ep, KDBUS_HELLO_ACCEPT_FD, _KDBUS_ATTACH_ANY, 0, KT_POOL_SIZE,
			   NULL, NULL);
}

static int got_message(const struct kt_conn *c, u64 cookie)
{
	struct kdbus_msg *m;
	int found = 0;

	while (kt_recv_wait(c, 200, &m) == 0) {
		if (m->cookie == cookie && m->src_id != KDBUS_SRC_ID_KERNEL)
			found = 1;
		kt_free_msg(c, m);
	}
	return found;
}

/* Receives everything queued; bit n set for each user message with cookie n. */
static u64 cookies(const struct kt_conn *c)
{
	struct kdbus_msg *m;
	u64 bits = 0;

	while (kt_recv_wait(c, 200, &m) == 0) {
		if (m->src_id != KDBUS_SRC_ID_KERNEL && m->cookie < 64)
			bits |= 1ULL << m->cookie;
		kt_free_msg(c, m);
	}
	return bits;
}

static void t_own_exact(void)
{
	static const struct kdbus_policy_access r[] = { USER(1000, OWN) };
	struct kt_bus b;
	struct kt_conn ph, u1, u2;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(holder(&ph, &b, "org.kt.own", r, 1));
	KT_REQ_OK(conn_as(&u1, &b, NULL, 1000));
	KT_OK(kt_name_acquire(&u1, "org.kt.own", 0, NULL));
	KT_ERR(kt_name_acquire(&u1, "org.kt.other", 0, NULL), EPERM);
	KT_OK(kt_name_release(&u1, "org.kt.own"));
	KT_REQ_OK(conn_as(&u2, &b, NULL, 1001));
	KT_ERR(kt_name_acquire(&u2, "org.kt.own", 0, NULL), EPERM);
	/* the rule matches the euid only */
	KT_REQ_OK(become(0));
	KT_REQ(setresuid(1000, 1001, 0) == 0);
	KT_ERR(kt_name_acquire(&u1, "org.kt.own", 0, NULL), EPERM);
}

static void t_upload_errors(void)
{
	static const struct kdbus_policy_access bad_access[] = { { KDBUS_POLICY_ACCESS_WORLD, 3, 0 } };
	static const struct kdbus_policy_access bad_type[] = { { 0, KDBUS_POLICY_TALK, 0 } };
	static const struct kdbus_policy_access bad_type4[] = { { 4, KDBUS_POLICY_TALK, 0 } };
	static const struct kdbus_policy_access bad_uid[] = { USER(0xffffffffULL, TALK) };
	static const struct kdbus_policy_access bad_gid[] = { GROUP(0xffffffffULL, TALK) };
	static const struct kdbus_policy_access ok[] = { WORLD(TALK) };
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;

	KT_REQ_OK(kt_bus_make(&b));
	KT_ERR(holder(&c, &b, "org.kt.x", bad_access, 1), EINVAL);
	KT_ERR(holder(&c, &b, "org.kt.x", bad_type, 1), EINVAL);
	KT_ERR(holder(&c, &b, "org.kt.x", bad_type4, 1), EINVAL);
	KT_ERR(holder(&c, &b, "org.kt.x", bad_uid, 1), EINVAL);
	KT_ERR(holder(&c, &b, "org.kt.x", bad_gid, 1), EINVAL);
	/* activators: no wildcards */
	kt_buf_init(&kb, 0);
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0);
	KT_ERR(kt_hello_ep(&c, &b, NULL, KDBUS_HELLO_ACTIVATOR, 0, 0, KT_POOL_SIZE, "org.kt.x.*",
			   &kb), EINVAL);
	/* a failed upload leaves nothing behind: the name is free */
	KT_REQ_OK(holder(&c, &b, "org.kt.x", ok, 1));
	/* UPDATE of a holder: POLICY_ACCESS before NAME, bad name, bad rule */
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.kt.x");
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "no-dots");
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.kt.x");
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_USER, KDBUS_POLICY_OWN + 1, 0);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EINVAL);
	/* ... and the old entry is still in force */
	{
		struct kt_conn d, u;

		KT_REQ_OK(kt_conn(&d, &b));
		KT_REQ_OK(kt_name_acquire(&d, "org.kt.x", 0, NULL));
		KT_REQ_OK(conn_as(&u, &b, NULL, 1000));
		KT_OK(kt_send(&u, d.id, 1, "still granted"));
	}
}

static void t_upload_userns(void)
{
	struct kt_bus b;
	struct kt_conn u1, u2;
	int up[2], down[2];
	char c, path[64];
	pid_t pid;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ(pipe(up) == 0 && pipe(down) == 0);
	pid = kt_fork();
	if (pid == 0) {
		static const struct kdbus_policy_access r7[] = { USER(7, OWN) };
		static const struct kdbus_policy_access r1[] = { USER(1, OWN) };
		struct kt_conn ph;

		if (unshare(CLONE_NEWUSER) < 0 || write(up[1], "u", 1) != 1)
			_exit(3);
		KT_REQ(read(down[0], &c, 1) == 1);
		/* uid 7 has no mapping in our namespace */
		KT_ERR(holder(&ph, &b, "org.kt.nsp", r7, 1), EINVAL);
		/* uid 1 here is uid 1000 outside */
		KT_REQ_OK(holder(&ph, &b, "org.kt.nsp", r1, 1));
		KT_REQ(write(up[1], "h", 1) == 1);
		KT_REQ(read(down[0], &c, 1) == 1);
		_exit(kt_failed);
	}
	KT_REQ(read(up[0], &c, 1) == 1);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	KT_REQ_OK(kt_write_file(path, "0 0 1\n1 1000 1\n"));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	KT_REQ_OK(kt_write_file(path, "0 0 1\n"));
	KT_REQ(write(down[1], "g", 1) == 1);
	KT_REQ(read(up[0], &c, 1) == 1);
	KT_REQ_OK(conn_as(&u1, &b, NULL, 1000));
	KT_OK(kt_name_acquire(&u1, "org.kt.nsp", 0, NULL));
	KT_REQ_OK(conn_as(&u2, &b, NULL, 1));
	KT_ERR(kt_name_acquire(&u2, "org.kt.nsp", 0, NULL), EPERM);
	KT_REQ_OK(become(0));
	KT_REQ(write(down[1], "d", 1) == 1);
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_wildcards(void)
{
	static const struct kdbus_policy_access own[] = { WORLD(OWN) };
	struct kt_bus b;
	struct kt_conn ph, sh, u;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(holder(&ph, &b, "org.kt.w.*", own, 1));
	KT_REQ_OK(holder(&sh, &b, "org.kt.w.shadow", NULL, 0));
	KT_REQ_OK(conn_as(&u, &b, NULL, 1000));
	KT_OK(kt_name_acquire(&u, "org.kt.w.x", 0, NULL));
	KT_ERR(kt_name_acquire(&u, "org.kt.w", 0, NULL), EPERM);
	KT_ERR(kt_name_acquire(&u, "org.kt.w.x.y", 0, NULL), EPERM);
	/* an exact entry shadows the wildcard even though it grants nothing */
	KT_ERR(kt_name_acquire(&u, "org.kt.w.shadow", 0, NULL), EPERM);
}

static void t_one_owner(void)
{
	static const struct kdbus_policy_access own[] = { WORLD(OWN) };
	struct kt_bus b;
	struct kt_conn h1, h2, h3, h4, act;
	struct kt_buf ex;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(holder(&h1, &b, "org.kt.e", own, 1));
	KT_ERR(holder(&h2, &b, "org.kt.e", own, 1), EEXIST);
	/* exact and wildcard entries of one prefix do not conflict */
	KT_OK(holder(&h3, &b, "org.kt.e.*", own, 1));
	KT_ERR(holder(&h4, &b, "org.kt.e.*", own, 1), EEXIST);
	/* an activator's entry is one more owner of the name */
	kt_buf_init(&ex, 0);
	kt_policy_item(&ex, KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0);
	KT_ERR(kt_hello_ep(&act, &b, NULL, KDBUS_HELLO_ACTIVATOR, 0, 0, KT_POOL_SIZE, "org.kt.e",
			   &ex), EEXIST);
	/* entries go with their owner */
	kt_conn_close(&h1);
	KT_OK(holder(&h2, &b, "org.kt.e", own, 1));
	kt_conn_close(&h3);
	KT_OK(holder(&h4, &b, "org.kt.e.*", own, 1));
}

static void t_activator_source(void)
{
	struct kt_bus b;
	struct kt_conn act, u;
	struct kt_buf ex;
	pid_t pid;

	KT_REQ_OK(kt_bus_make(&b));
	kt_buf_init(&ex, 0);
	kt_policy_item(&ex, KDBUS_POLICY_ACCESS_USER, KDBUS_POLICY_OWN, 1000);
	KT_REQ_OK(kt_hello_ep(&act, &b, NULL, KDBUS_HELLO_ACTIVATOR, 0, 0, KT_POOL_SIZE,
			      "org.kt.act", &ex));
	pid = kt_fork();
	if (pid == 0) {
		KT_REQ_OK(conn_as(&u, &b, NULL, 1000));
		/* TALK to the activator through its name (OWN implies TALK) */
		KT_OK(kt_send_name(&u, "org.kt.act", 1, "to activator"));
		/* and OWN: take the name over */
		KT_OK(kt_name_acquire(&u, "org.kt.act", 0, NULL));
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
	{
		struct kt_conn u2;

		KT_REQ_OK(conn_as(&u2, &b, NULL, 1001));
		KT_ERR(kt_send_name(&u2, "org.kt.act", 2, "x"), EPERM);
		KT_ERR(kt_name_acquire(&u2, "org.kt.act", 0, NULL), EPERM);
		KT_REQ_OK(become(0));
	}
	/* the activator's entries go with it */
	kt_conn_close(&act);
	KT_REQ_OK(conn_as(&u, &b, NULL, 1000));
	KT_ERR(kt_name_acquire(&u, "org.kt.act", 0, NULL), EPERM);
}

static void t_owner_bypass(void)
{
	struct kt_bus b;
	struct kt_conn c1, c2, c3;

	/* the bus is made by uid 1000: same-euid connections on the default
	 * endpoint are bus owners */
	KT_REQ_OK(become(1000));
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(conn_as(&c1, &b, NULL, 1000));
	KT_REQ_OK(conn_as(&c2, &b, NULL, 1001));
	KT_REQ_OK(kt_match_all(&c1, 1));
	KT_REQ_OK(kt_match_all(&c2, 1));
	KT_REQ_OK(become(1000));
	KT_OK(kt_name_acquire(&c1, "org.kt.any", 0, NULL));
	KT_OK(kt_send(&c1, c2.id, 1, "owner to 1001"));
	KT_OK(kt_send_signal(&c1, KDBUS_DST_ID_BROADCAST, 3, 0));
	KT_REQ_OK(become(1001));
	KT_ERR(kt_name_acquire(&c2, "org.kt.other", 0, NULL), EPERM);
	KT_ERR(kt_send(&c2, c1.id, 2, "1001 to owner"), EPERM);
	KT_OK(kt_send_signal(&c2, KDBUS_DST_ID_BROADCAST, 4, 0));
	/* owners receive everyone's broadcasts; 1001 gets the owner's unicast
	 * but not its broadcast (no grant for org.kt.any); both get their own */
	KT_EQ(cookies(&c1), 1ULL << 3 | 1ULL << 4);
	KT_EQ(cookies(&c2), 1ULL << 1 | 1ULL << 4);
	/* owner status is fixed at HELLO: c1 stays owner under another euid */
	KT_OK(kt_name_acquire(&c1, "org.kt.any2", 0, NULL));
	/* privileged (CAP_IPC_OWNER) openers are owners of any bus */
	{
		struct kt_conn root;

		KT_REQ_OK(conn_as(&root, &b, NULL, 0));
		KT_OK(kt_name_acquire(&root, "org.kt.root", 0, NULL));
		KT_OK(kt_send(&root, c2.id, 6, "x"));
	}
	/* a custom endpoint never makes owners */
	{
		int ep;

		KT_REQ_OK(become(1000));
		ep = kt_ep_make(&b, "1000-ep", KDBUS_MAKE_ACCESS_WORLD);
		KT_REQ(ep >= 0);
		KT_REQ_OK(conn_as(&c3, &b, "1000-ep", 1000));
		KT_ERR(kt_name_acquire(&c3, "org.kt.ep", 0, NULL), EPERM);
		KT_ERR(kt_send(&c3, c1.id, 5, "x"), EPERM);
	}
}

static void t_talk(void)
{
	static const struct kdbus_policy_access r[] = { USER(1000, OWN), USER(1001, TALK),
							GROUP(500, TALK) };
	struct kt_bus b;
	struct kt_conn ph, d, s1, s2, s3, s4, s5;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(holder(&ph, &b, "org.kt.t", r, 3));
	KT_REQ_OK(conn_as(&d, &b, NULL, 1000));
	KT_REQ_OK(conn_as(&s1, &b, NULL, 1001));
	KT_REQ_OK(conn_as(&s2, &b, NULL, 1002));
	KT_REQ_OK(conn_as(&s3, &b, NULL, 1000));
	/* without names: only the same uid may talk */
	KT_REQ_OK(become(1001));
	KT_ERR(kt_send(&s1, d.id, 1, "x"), EPERM);
	KT_REQ_OK(become(1000));
	KT_OK(kt_send(&s3, d.id, 2, "same uid"));
	KT_REQ_OK(kt_name_acquire(&d, "org.kt.t", 0, NULL));
	/* USER rule */
	KT_REQ_OK(become(1001));
	KT_OK(kt_send(&s1, d.id, 3, "granted"));
	KT_OK(kt_send_name(&s1, "org.kt.t", 4, "granted"));
	KT_REQ_OK(become(1002));
	KT_ERR(kt_send(&s2, d.id, 5, "x"), EPERM);
	/* GROUP rule: egid or a supplementary group */
	KT_REQ_OK(become(0));
	{
		gid_t g = 500;

		KT_REQ(setgroups(1, &g) == 0);
	}
	KT_REQ_OK(conn_as(&s4, &b, NULL, 1003));
	KT_OK(kt_send(&s4, d.id, 6, "group"));
	KT_REQ_OK(become(0));
	KT_REQ(setgroups(0, NULL) == 0);
	KT_REQ(setresgid(500, 500, 0) == 0);
	KT_REQ(setresuid(1004, 1004, 0) == 0);
	KT_REQ_OK(kt_hello_ep(&s5, &b, NULL, 0, _KDBUS_ATTACH_ANY, 0, KT_POOL_SIZE, NULL, NULL));
	KT_OK(kt_send(&s5, d.id, 7, "egid"));
	/* the current credentials count, not those of the HELLO */
	KT_REQ_OK(become(1002));
	KT_ERR(kt_send(&s4, d.id, 8, "x"), EPERM);
	/* a queued record grants nothing: only names D currently owns count */
	{
		struct kt_conn o;

		KT_REQ_OK(conn_as(&o, &b, NULL, 1000));
		KT_REQ_OK(kt_name_release(&d, "org.kt.t"));
		KT_REQ_OK(kt_name_acquire(&o, "org.kt.t", 0, NULL));
		KT_REQ_OK(kt_name_acquire(&d, "org.kt.t", KDBUS_NAME_QUEUE, NULL));
		KT_REQ_OK(become(1001));
		KT_ERR(kt_send(&s1, d.id, 10, "queued only"), EPERM);
		KT_OK(kt_send(&s1, o.id, 11, "primary"));
		KT_REQ_OK(become(1000));
		kt_conn_close(&o); /* d becomes primary again */
	}
	KT_REQ_OK(become(1001));
	KT_OK(kt_send(&s1, d.id, 12, "primary again"));
	/* releasing the name revokes the grant at once */
	KT_REQ_OK(become(1000));
	KT_REQ_OK(kt_name_release(&d, "org.kt.t"));
	KT_REQ_OK(become(1001));
	KT_ERR(kt_send(&s1, d.id, 9, "x"), EPERM);
}

static void t_talk_real_uid(void)
{
	struct kt_bus b;
	struct kt_conn d, s1, s2;

	KT_REQ_OK(kt_bus_make(&b));
	/* D's credentials: real uid 1000, effective 1001 */
	KT_REQ_OK(become(0));
	KT_REQ(setresgid(1000, 1000, 0) == 0 && setresuid(1000, 1001, 0) == 0);
	KT_REQ_OK(kt_hello_ep(&d, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(conn_as(&s1, &b, NULL, 1000));
	KT_REQ_OK(conn_as(&s2, &b, NULL, 1001));
	/* the sender's euid is compared with D's real uid */
	KT_REQ_OK(become(1000));
	KT_OK(kt_send(&s1, d.id, 1, "euid 1000 = ruid of D"));
	KT_REQ_OK(become(1001));
	KT_ERR(kt_send(&s2, d.id, 2, "euid 1001"), EPERM);
	/* the sender's current euid, whatever its real uid */
	KT_REQ_OK(become(0));
	KT_REQ(setresuid(1001, 1000, 0) == 0);
	KT_OK(kt_send(&s2, d.id, 3, "ruid 1001, euid 1000"));
}

static void t_receipt_hello_creds(void)
{
	struct kt_bus b;
	struct kt_conn s, r;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(conn_as(&s, &b, NULL, 1000));
	KT_REQ_OK(conn_as(&r, &b, NULL, 1001));
	KT_REQ_OK(kt_match_all(&r, 1));
	/* the receiver now runs as 1000, but its HELLO was as 1001: the
	 * broadcast and unicast signal checks use the HELLO credentials */
	KT_REQ_OK(become(1000));
	KT_OK(kt_send_signal(&s, KDBUS_DST_ID_BROADCAST, 1, 0));
	KT_OK(kt_send_signal(&s, r.id, 2, 0));
	KT_EQ(cookies(&r), 0);
	/* whereas a unicast from r uses r's current credentials */
	KT_OK(kt_send(&r, s.id, 3, "current euid 1000"));
	KT_EQ(cookies(&s), 1ULL << 3);
}

static void t_ep_see_current_creds(void)
{
	struct kt_bus b;
	struct kt_conn svc, x;
	struct kt_buf kb;
	int ep;

	KT_REQ_OK(kt_bus_make(&b));
	ep = kt_ep_make(&b, "0-cur", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep >= 0);
	kt_buf_init(&kb, 0);
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.kt.cur");
	kt_policy_item(&kb, KDBUS_POLICY_ACCESS_USER, KDBUS_POLICY_SEE, 1000);
	KT_REQ_OK(kt_ep_update(ep, &kb));
	KT_REQ_OK(kt_conn(&svc, &b));
	KT_REQ_OK(kt_name_acquire(&svc, "org.kt.cur", 0, NULL));
	KT_REQ_OK(kt_hello_ep(&x, &b, "0-cur", 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	/* HELLO as root, who is not granted anything there */
	KT_ERR(kt_conn_info(&x, 0, "org.kt.cur", 0, NULL), ESRCH);
	KT_REQ_OK(become(1000));
	KT_OK(kt_conn_info(&x, 0, "org.kt.cur", 0, NULL));
	KT_REQ_OK(become(1001));
	KT_ERR(kt_conn_info(&x, 0, "org.kt.cur", 0, NULL), ESRCH);
}

static void t_levels(void)
{
	static const struct kdbus_policy_access see[] = { USER(1001, SEE) };
	static const struct kdbus_policy_access talk[] = { USER(1001, TALK) };
	static const struct kdbus_policy_access own[] = { USER(1001, OWN) };
	struct kt_bus b;
	struct kt_conn h1, h2, h3, d1, d2, d3, s;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(holder(&h1, &b, "org.kt.l.see", see, 1));
	KT_REQ_OK(holder(&h2, &b, "org.kt.l.talk", talk, 1));
	KT_REQ_OK(holder(&h3, &b, "org.kt.l.own", own, 1));
	KT_REQ_OK(conn_as(&d1, &b, NULL, 0));
	KT_REQ_OK(conn_as(&d2, &b, NULL, 0));
	KT_REQ_OK(conn_as(&d3, &b, NULL, 0));
	KT_REQ_OK(kt_name_acquire(&d1, "org.kt.l.see", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&d2, "org.kt.l.talk", 0, NULL));
	KT_REQ_OK(conn_as(&s, &b, NULL, 1001));
	KT_ERR(kt_send(&s, d1.id, 1, "see only"), EPERM);
	KT_OK(kt_send(&s, d2.id, 2, "talk"));
	KT_ERR(kt_name_acquire(&s, "org.kt.l.see", 0, NULL), EPERM);
	KT_ERR(kt_name_acquire(&s, "org.kt.l.talk", 0, NULL), EPERM);
	KT_OK(kt_name_acquire(&s, "org.kt.l.own", 0, NULL));
	KT_OK(kt_name_release(&s, "org.kt.l.own"));
	KT_REQ_OK(become(0));
	KT_REQ_OK(kt_name_acquire(&d3, "org.kt.l.own", 0, NULL));
	KT_REQ_OK(become(1001));
	KT_OK(kt_send(&s, d3.id, 3, "own implies talk"));
	/* OWN checked before the name's state is revealed: queueing works */
	KT_EQ(kt_name_acquire(&s, "org.kt.l.own", KDBUS_NAME_QUEUE, NULL), 0);
}

static void t_broadcast(void)
{
	static const struct kdbus_policy_access r[] = { USER(1000, OWN), USER(1001, TALK) };
	struct kt_bus b;
	struct kt_conn ph, s, r1, r2, r3, r4;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(holder(&ph, &b, "org.kt.bc", r, 2));
	KT_REQ_OK(conn_as(&r3, &b, NULL, 0));
	KT_REQ_OK(conn_as(&s, &b, NULL, 1000));
	KT_REQ_OK(conn_as(&r1, &b, NULL, 1001));
	KT_REQ_OK(conn_as(&r2, &b, NULL, 1000));
	KT_REQ_OK(conn_as(&r4, &b, NULL, 1002));
	KT_REQ_OK(kt_match_all(&r1, 1));
	KT_REQ_OK(kt_match_all(&r2, 1));
	KT_REQ_OK(kt_match_all(&r3, 1));
	KT_REQ_OK(kt_match_all(&r4, 1));
	KT_REQ_OK(become(1000));
	/* no sender-side check: SEND succeeds */
	KT_OK(kt_send_signal(&s, KDBUS_DST_ID_BROADCAST, 1, 0));
	KT_CHECK(!got_message(&r1, 1)); /* 1001 may not talk to 1000 */
	KT_CHECK(got_message(&r2, 1));	/* same uid */
	KT_CHECK(got_message(&r3, 1));	/* bus owner */
	KT_CHECK(!got_message(&r4, 1));
	/* a unicast signal is dropped silently too */
	KT_OK(kt_send_signal(&s, r1.id, 2, 0));
	KT_CHECK(!got_message(&r1, 2));
	/* once the sender owns a name granting 1001 TALK, 1001 receives */
	KT_REQ_OK(kt_name_acquire(&s, "org.kt.bc", 0, NULL));
	KT_OK(kt_send_signal(&s, KDBUS_DST_ID_BROADCAST, 3, 0));
	KT_CHECK(got_message(&r1, 3));
	KT_CHECK(!got_message(&r4, 3));
	KT_OK(kt_send_signal(&s, r1.id, 4, 0));
	KT_CHECK(got_message(&r1, 4));
}

static void t_replies(void)
{
	static const struct kdbus_policy_access r[] = { USER(1000, OWN), USER(1001, TALK) };
	struct kt_bus b;
	struct kt_conn ph, srv, cli;
	struct kdbus_msg *m;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(holder(&ph, &b, "org.kt.srv", r, 2));
	KT_REQ_OK(conn_as(&srv, &b, NULL, 1000));
	KT_REQ_OK(kt_name_acquire(&srv, "org.kt.srv", 0, NULL));
	KT_REQ_OK(conn_as(&cli, &b, NULL, 1001));
	KT_REQ_OK(kt_send_call(&cli, srv.id, 42, kt_now_ns() + 10000 * KT_MS));
	KT_REQ_OK(become(1000));
	KT_REQ_OK(kt_recv_wait(&srv, 5000, &m));
	KT_EQ(m->cookie, 42);
	/* the server may not talk to the client ... */
	KT_ERR(kt_send(&srv, cli.id, 1, "unsolicited"), EPERM);
	/* ... but its reply is never policy-checked */
	KT_OK(kt_send_reply(&srv, cli.id, 42, "reply"));
	KT_REQ_OK(kt_recv_wait(&cli, 5000, &m));
	KT_EQ(m->cookie_reply, 42);
	KT_EQ(m->src_id, srv.id);
}

static int holder_update(const struct kt_conn *ph, const char *const *names, int n,
			 uid_t uid)
{
	struct kt_buf kb;

	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	for (int i = 0; i < n; i++) {
		kt_buf_str(&kb, KDBUS_ITEM_NAME, names[i]);
		kt_policy_item(&kb, KDBUS_POLICY_ACCESS_USER, KDBUS_POLICY_OWN, uid);
	}
	kt_buf_finish(&kb);
	return kt_ioctl(ph->fd, KDBUS_CMD_UPDATE, kb.b);
}

static void t_holder_update(void)
{
	static const struct kdbus_policy_access r[] = { USER(1000, OWN) };
	static const char *const v[] = { "org.kt.v" }, *const w[] = { "org.kt.w" },
				 *const two[] = { "org.kt.w", "org.kt.x" };
	struct kt_bus b;
	struct kt_conn ph, ph2, u;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(holder(&ph, &b, "org.kt.u", r, 1));
	KT_REQ_OK(holder(&ph2, &b, "org.kt.v", r, 1));
	KT_REQ_OK(conn_as(&u, &b, NULL, 1000));
	KT_OK(kt_name_acquire(&u, "org.kt.u", 0, NULL));
	KT_OK(kt_name_release(&u, "org.kt.u"));
	/* EEXIST with another holder's entry: the previous set stays */
	KT_ERR(holder_update(&ph, v, 1, 1000), EEXIST);
	KT_ERR(holder_update(&ph, two, 2, 1000), E2BIG);
	KT_OK(kt_name_acquire(&u, "org.kt.u", 0, NULL));
	KT_OK(kt_name_release(&u, "org.kt.u"));
	/* replacement is complete: the old entry is gone, the new one works */
	KT_OK(holder_update(&ph, w, 1, 1000));
	KT_ERR(kt_name_acquire(&u, "org.kt.u", 0, NULL), EPERM);
	KT_OK(kt_name_acquire(&u, "org.kt.w", 0, NULL));
	KT_OK(kt_name_release(&u, "org.kt.w"));
	/* an UPDATE without policy items leaves the policy alone */
	KT_OK(holder_update(&ph, NULL, 0, 1000));
	KT_OK(kt_name_acquire(&u, "org.kt.w", 0, NULL));
	/* a disconnected holder's grants vanish at once */
	KT_OK(kt_name_acquire(&u, "org.kt.v", 0, NULL));
	KT_OK(kt_name_release(&u, "org.kt.v"));
	kt_conn_close(&ph2);
	KT_ERR(kt_name_acquire(&u, "org.kt.v", 0, NULL), EPERM);
}

/* ENDPOINT_UPDATE with entries "name" → (type WORLD, access) */
static int ep_policy(int ep, const char *const *names, const u64 *access, int n)
{
	struct kt_buf kb;

	kt_buf_init(&kb, 0);
	for (int i = 0; i < n; i++) {
		kt_buf_str(&kb, KDBUS_ITEM_NAME, names[i]);
		if (access[i] != (u64)-1)
			kt_policy_item(&kb, KDBUS_POLICY_ACCESS_WORLD, access[i], 0);
	}
	return kt_ep_update(ep, &kb);
}

static int listed(const struct kt_conn *c, const char *name)
{
	return kt_list_has(c, KDBUS_LIST_NAMES, 0, name, NULL);
}

static void t_ep_update_atomic(void)
{
	static const char *const a[] = { "org.kt.ep.a" }, *const bn[] = { "org.kt.ep.b" },
				 *const dup[] = { "org.kt.ep.a", "org.kt.ep.a" };
	static const u64 see[] = { KDBUS_POLICY_SEE, KDBUS_POLICY_SEE };
	struct kt_bus b;
	struct kt_conn svc, x;
	int ep;

	KT_REQ_OK(kt_bus_make(&b));
	ep = kt_ep_make(&b, "0-kt", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep >= 0);
	KT_REQ_OK(ep_policy(ep, a, see, 1));
	KT_REQ_OK(kt_conn(&svc, &b));
	KT_REQ_OK(kt_name_acquire(&svc, "org.kt.ep.a", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&svc, "org.kt.ep.b", 0, NULL));
	KT_REQ_OK(kt_hello_ep(&x, &b, "0-kt", 0, _KDBUS_ATTACH_ANY, 0, KT_POOL_SIZE, NULL, NULL));
	KT_EQ(listed(&x, "org.kt.ep.a"), 1);
	KT_EQ(listed(&x, "org.kt.ep.b"), 0);
	KT_OK(kt_conn_info(&x, 0, "org.kt.ep.a", 0, NULL));
	KT_ERR(kt_conn_info(&x, 0, "org.kt.ep.b", 0, NULL), ESRCH);
	/* replaced as a whole */
	KT_REQ_OK(ep_policy(ep, bn, see, 1));
	KT_EQ(listed(&x, "org.kt.ep.a"), 0);
	KT_EQ(listed(&x, "org.kt.ep.b"), 1);
	KT_ERR(kt_conn_info(&x, 0, "org.kt.ep.a", 0, NULL), ESRCH);
	/* a failing update leaves the previous policy in force */
	KT_ERR(ep_policy(ep, dup, see, 2), EEXIST);
	KT_EQ(listed(&x, "org.kt.ep.a"), 0);
	KT_EQ(listed(&x, "org.kt.ep.b"), 1);
	/* an empty update hides everything: the owner is not visible by id either */
	KT_REQ_OK(kt_ep_update(ep, NULL));
	KT_EQ(listed(&x, "org.kt.ep.b"), 0);
	KT_ERR(kt_conn_info(&x, svc.id, NULL, 0, NULL), ENXIO);
	KT_ERR(kt_conn_info(&x, 0, "org.kt.ep.b", 0, NULL), ESRCH);
}

static void t_ep_see_filter(void)
{
	static const char *const n[] = { "org.kt.vis.*" };
	static const u64 see[] = { KDBUS_POLICY_SEE };
	struct kt_bus b;
	struct kt_conn svc, hid, x, y;
	struct kdbus_msg *m;
	int ep;

	KT_REQ_OK(kt_bus_make(&b));
	ep = kt_ep_make(&b, "0-see", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep >= 0);
	KT_REQ_OK(ep_policy(ep, n, see, 1));
	KT_REQ_OK(kt_conn(&svc, &b));
	KT_REQ_OK(kt_conn(&hid, &b));
	KT_REQ_OK(kt_hello_ep(&x, &b, "0-see", 0, _KDBUS_ATTACH_ANY, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_conn(&y, &b));
	KT_REQ_OK(kt_match_all(&x, 1));
	KT_REQ_OK(kt_match_all(&y, 1));
	KT_REQ_OK(kt_name_acquire(&svc, "org.kt.vis.a", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&hid, "org.kt.hidden", 0, NULL));
	/* NAME_ADD only for the visible name; the default endpoint sees both */
	KT_REQ_OK(kt_recv_notify(&x, KDBUS_ITEM_NAME_ADD, 2000, &m));
	KT_CHECK(!strcmp(m->items[0].name_change.name, "org.kt.vis.a"));
	kt_free_msg(&x, m);
	KT_ERR(kt_recv_notify(&x, KDBUS_ITEM_NAME_ADD, 200, &m), EAGAIN);
	KT_REQ_OK(kt_recv_notify(&y, KDBUS_ITEM_NAME_ADD, 2000, &m));
	kt_free_msg(&y, m);
	KT_REQ_OK(kt_recv_notify(&y, KDBUS_ITEM_NAME_ADD, 2000, &m));
	kt_free_msg(&y, m);
	/* LIST and CONN_INFO */
	KT_EQ(listed(&x, "org.kt.vis.a"), 1);
	KT_EQ(listed(&x, "org.kt.hidden"), 0);
	KT_EQ(listed(&y, "org.kt.hidden"), 1);
	KT_OK(kt_conn_info(&x, svc.id, NULL, 0, NULL));
	KT_ERR(kt_conn_info(&x, hid.id, NULL, 0, NULL), ENXIO);
	KT_ERR(kt_conn_info(&x, 0, "org.kt.hidden", 0, NULL), ESRCH);
	/* LIST UNIQUE alone: a bare record for everybody; with NAMES, a connection
	 * whose only names are hidden is not listed at all */
	KT_EQ(kt_list_has(&x, KDBUS_LIST_UNIQUE, hid.id, NULL, NULL), 1);
	KT_EQ(kt_list_has(&x, KDBUS_LIST_UNIQUE | KDBUS_LIST_NAMES, hid.id, NULL, NULL), 0);
	KT_EQ(kt_list_has(&x, KDBUS_LIST_UNIQUE | KDBUS_LIST_NAMES, svc.id, NULL, NULL), 1);
	KT_EQ(kt_list_has(&y, KDBUS_LIST_UNIQUE | KDBUS_LIST_NAMES, hid.id, NULL, NULL), 1);
	/* NAME_REMOVE likewise; ID_* notifications reach everybody */
	KT_REQ_OK(kt_name_release(&hid, "org.kt.hidden"));
	KT_ERR(kt_recv_notify(&x, KDBUS_ITEM_NAME_REMOVE, 200, &m), EAGAIN);
	kt_conn_close(&hid);
	KT_OK(kt_recv_notify(&x, KDBUS_ITEM_ID_REMOVE, 2000, &m));
	/* the owner's names in metadata are not filtered (§11.4) */
	KT_REQ_OK(kt_name_acquire(&svc, "org.kt.hidden2", 0, NULL));
	{
		struct kdbus_info *info;
		struct kdbus_item *it;
		int n2 = 0;

		KT_REQ_OK(kt_conn_info(&x, svc.id, NULL, KDBUS_ATTACH_NAMES, &info));
		KT_FOREACH_ITEM(it, info->items, info->size - sizeof(*info))
			n2 += it->type == KDBUS_ITEM_OWNED_NAME;
		KT_EQ(n2, 2);
	}
}

static void t_ep_broadcast(void)
{
	static const char *const n[] = { "org.kt.bt.talk", "org.kt.bt.see" };
	static const u64 acc[] = { KDBUS_POLICY_TALK, KDBUS_POLICY_SEE };
	struct kt_bus b;
	struct kt_conn s1, s2, s3, x;
	struct kdbus_msg *m;
	int ep;

	KT_REQ_OK(kt_bus_make(&b));
	ep = kt_ep_make(&b, "0-bt", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep >= 0);
	KT_REQ_OK(ep_policy(ep, n, acc, 2));
	KT_REQ_OK(kt_conn(&s1, &b));
	KT_REQ_OK(kt_conn(&s2, &b));
	KT_REQ_OK(kt_conn(&s3, &b));
	KT_REQ_OK(kt_name_acquire(&s1, "org.kt.bt.talk", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&s2, "org.kt.bt.see", 0, NULL));
	KT_REQ_OK(kt_hello_ep(&x, &b, "0-bt", 0, _KDBUS_ATTACH_ANY, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_match_all(&x, 1));
	/* same uid (root) everywhere, yet the endpoint's TALK decides */
	KT_OK(kt_send_signal(&s1, KDBUS_DST_ID_BROADCAST, 1, 0));
	KT_OK(kt_send_signal(&s2, KDBUS_DST_ID_BROADCAST, 2, 0));
	KT_OK(kt_send_signal(&s3, KDBUS_DST_ID_BROADCAST, 3, 0));
	KT_OK(kt_send_signal(&s2, x.id, 4, 0));
	KT_OK(kt_send_signal(&s1, x.id, 5, 0));
	KT_EQ(cookies(&x), 1ULL << 1 | 1ULL << 5);
	/* ID notifications reach it regardless */
	kt_conn_close(&s3);
	KT_OK(kt_recv_notify(&x, KDBUS_ITEM_ID_REMOVE, 2000, &m));
}

static void t_ep_talk_own(void)
{
	static const char *const n[] = { "org.kt.c.see", "org.kt.c.talk", "org.kt.c.own" };
	static const u64 acc[] = { KDBUS_POLICY_SEE, KDBUS_POLICY_TALK, KDBUS_POLICY_OWN };
	static const struct kdbus_policy_access world_own[] = { WORLD(OWN) };
	struct kt_bus b;
	struct kt_conn d1, d2, x, ph;
	int ep;

	KT_REQ_OK(kt_bus_make(&b));
	ep = kt_ep_make(&b, "0-talk", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep >= 0);
	KT_REQ_OK(ep_policy(ep, n, acc, 3));
	KT_REQ_OK(kt_conn(&d1, &b));
	KT_REQ_OK(kt_conn(&d2, &b));
	KT_REQ_OK(kt_name_acquire(&d1, "org.kt.c.see", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&d2, "org.kt.c.talk", 0, NULL));
	/* even root through a custom endpoint needs the endpoint's TALK */
	KT_REQ_OK(kt_hello_ep(&x, &b, "0-talk", 0, _KDBUS_ATTACH_ANY, 0, KT_POOL_SIZE, NULL, NULL));
	KT_ERR(kt_send(&x, d1.id, 1, "see only"), EPERM);
	KT_OK(kt_send(&x, d2.id, 2, "talk"));
	KT_OK(kt_send_name(&x, "org.kt.c.talk", 3, "talk"));
	/* OWN: the endpoint grant alone is not enough (never an owner there) */
	KT_ERR(kt_name_acquire(&x, "org.kt.c.own", 0, NULL), EPERM);
	KT_ERR(kt_name_acquire(&x, "org.kt.c.talk", 0, NULL), EPERM);
	KT_REQ_OK(holder(&ph, &b, "org.kt.c.*", world_own, 1));
	KT_OK(kt_name_acquire(&x, "org.kt.c.own", 0, NULL));
	/* bus grant without the endpoint's OWN */
	KT_ERR(kt_name_acquire(&x, "org.kt.c.other", 0, NULL), EPERM);
}

static void t_unprivileged_uid(uid_t uid)
{
	struct kt_bus b;
	static const struct kdbus_policy_access world_talk[] = { WORLD(TALK) };
	struct kt_conn svc, svc2, svc3, u, e, mon, act, ph, bh;
	struct kdbus_msg *m;
	static const char *const vis[] = { "org.kt.shown" };
	static const u64 talk[] = { KDBUS_POLICY_TALK };
	int sync_up[2], sync_down[2];
	pid_t pid;
	char c;
	int ep;

	KT_REQ(pipe(sync_up) == 0 && pipe(sync_down) == 0);
	KT_REQ_OK(kt_bus_make(&b));
	ep = kt_ep_make(&b, "0-unpriv", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep >= 0);
	KT_REQ_OK(ep_policy(ep, vis, talk, 1));
	KT_REQ_OK(kt_conn(&svc, &b));
	KT_REQ_OK(kt_conn(&svc2, &b));
	KT_REQ_OK(kt_conn(&svc3, &b));
	KT_REQ_OK(holder(&bh, &b, "org.kt.shown", world_talk, 1));
	KT_REQ_OK(kt_name_acquire(&svc, "org.kt.shown", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&svc2, "org.kt.secret", 0, NULL));
	pid = kt_fork();
	if (pid == 0) {
		KT_REQ_OK(kt_become(uid, uid));
		/* no eavesdropping: no monitor ... */
		KT_ERR(kt_hello_ep(&mon, &b, NULL, KDBUS_HELLO_MONITOR, 0, _KDBUS_ATTACH_ANY,
				   KT_POOL_SIZE, NULL, NULL), EPERM);
		KT_REQ_OK(kt_hello_ep(&u, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
		KT_REQ_OK(kt_match_all(&u, 1));
		/* no names without a grant, no activator or policy holder */
		KT_ERR(kt_name_acquire(&u, "org.kt.mine", 0, NULL), EPERM);
		KT_ERR(kt_name_acquire(&u, "org.kt.secret", KDBUS_NAME_QUEUE, NULL), EPERM);
		KT_ERR(kt_hello_ep(&act, &b, NULL, KDBUS_HELLO_ACTIVATOR, 0, 0, KT_POOL_SIZE,
				   "org.kt.mine", NULL), EPERM);
		KT_ERR(kt_hello_ep(&ph, &b, NULL, KDBUS_HELLO_POLICY_HOLDER, 0, 0, 4096,
				   "org.kt.mine", NULL), EPERM);
		/* no talking to root's connections without a grant */
		KT_ERR(kt_send(&u, svc2.id, 1, "x"), EPERM);
		KT_ERR(kt_send(&u, svc3.id, 1, "x"), EPERM);
		KT_ERR(kt_send_name(&u, "org.kt.secret", 2, "x"), EPERM);
		KT_OK(kt_send_name(&u, "org.kt.shown", 2, "granted"));
		/* through the custom endpoint the hidden name does not exist */
		KT_REQ_OK(kt_hello_ep(&e, &b, "0-unpriv", 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
		KT_EQ(listed(&e, "org.kt.secret"), 0);
		KT_EQ(listed(&e, "org.kt.shown"), 1);
		KT_ERR(kt_conn_info(&e, 0, "org.kt.secret", 0, NULL), ESRCH);
		KT_ERR(kt_conn_info(&e, svc2.id, NULL, 0, NULL), ENXIO);
		KT_OK(kt_conn_info(&e, svc.id, NULL, 0, NULL));
		KT_ERR(kt_send_name(&e, "org.kt.secret", 3, "x"), EPERM);
		KT_OK(kt_send_name(&e, "org.kt.shown", 4, "x"));
		KT_ERR(kt_name_acquire(&e, "org.kt.shown", KDBUS_NAME_QUEUE, NULL), EPERM);
		KT_REQ(write(sync_up[1], "r", 1) == 1);
		KT_REQ(read(sync_down[0], &c, 1) == 1);
		/* nothing of the others' traffic arrived, only kernel notifications */
		while (kt_recv_wait(&u, 300, &m) == 0) {
			if (m->src_id != KDBUS_SRC_ID_KERNEL)
				kt_fail_at(__FILE__, __LINE__, "uid %u received cookie %llu from %llu",
					   (unsigned int)uid, (unsigned long long)m->cookie,
					   (unsigned long long)m->src_id);
			kt_free_msg(&u, m);
		}
		_exit(kt_failed);
	}
	KT_REQ(read(sync_up[0], &c, 1) == 1);
	/* root traffic: unicast and broadcasts */
	KT_OK(kt_send(&svc2, svc3.id, 10, "private"));
	KT_OK(kt_send(&svc3, svc2.id, 11, "private"));
	KT_OK(kt_send_signal(&svc2, KDBUS_DST_ID_BROADCAST, 12, 0));
	KT_OK(kt_send_signal(&svc3, KDBUS_DST_ID_BROADCAST, 13, 0));
	KT_REQ(write(sync_down[1], "g", 1) == 1);
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_unpriv_1000(void)
{
	t_unprivileged_uid(1000);
}

static void t_unpriv_65534(void)
{
	t_unprivileged_uid(65534);
}

const struct kt_test kt_tests_policy[] = {
	{ "policy", "policy holder: OWN by exact name for a USER (euid), EPERM otherwise", t_own_exact, 0 },
	{ "policy", "policy uploads: bad access/type, unmappable ids, activator wildcards EINVAL; nothing changes", t_upload_errors, 0 },
	{ "policy", "rule uids are read in the uploader's user namespace (unmappable EINVAL)", t_upload_userns, 0 },
	{ "policy", "a.b.* covers a.b.c only; an exact entry shadows the wildcard", t_wildcards, 0 },
	{ "policy", "one owner per name and per wildcard (EEXIST), entries leave with the owner", t_one_owner, 0 },
	{ "policy", "an activator's policy grants TALK/OWN on its name until it goes", t_activator_source, 0 },
	{ "policy", "bus owner (creator's euid, default endpoint) bypasses OWN/TALK; custom endpoint never", t_owner_bypass, 0 },
	{ "policy", "TALK: same uid always; USER/GROUP grants on the destination's names; current creds", t_talk, 0 },
	{ "policy", "TALK compares the sender's current euid with the destination's real uid", t_talk_real_uid, 0 },
	{ "policy", "signal receipt is checked with the receiver's HELLO credentials", t_receipt_hello_creds, 0 },
	{ "policy", "custom endpoint SEE of a name uses the caller's current credentials", t_ep_see_current_creds, 0 },
	{ "policy", "levels: SEE gives no TALK, TALK no OWN, OWN implies TALK", t_levels, 0 },
	{ "policy", "broadcasts and unicast signals reach only receivers that may TALK to the sender", t_broadcast, 0 },
	{ "policy", "replies are never TALK-checked", t_replies, 0 },
	{ "policy", "policy holder UPDATE replaces atomically; EEXIST/E2BIG keep the old set", t_holder_update, 0 },
	{ "policy", "ENDPOINT_UPDATE replaces the endpoint policy atomically", t_ep_update_atomic, 0 },
	{ "policy", "custom endpoint SEE filters LIST, CONN_INFO and NAME notifications", t_ep_see_filter, 0 },
	{ "policy", "custom endpoint receivers get signals only from senders they may TALK to there", t_ep_broadcast, 0 },
	{ "policy", "custom endpoint TALK/OWN need its policy even for root; OWN needs the bus too", t_ep_talk_own, 0 },
	{ "policy", "uid 1000: no eavesdropping, no ungranted names, hidden names invisible", t_unpriv_1000, 0 },
	{ "policy", "uid 65534: no eavesdropping, no ungranted names, hidden names invisible", t_unpriv_65534, 0 },
	KT_TESTS_END
};
