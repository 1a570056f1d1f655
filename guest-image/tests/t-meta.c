// SPDX-License-Identifier: MIT
/* §13 metadata (items, attach rule, order, translation), §13.6 fake
 * credentials, §15 required sender metadata. */
#define _GNU_SOURCE
#include "kt.h"

#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#define ALL _KDBUS_ATTACH_ANY
#define IMPLICIT (KDBUS_ATTACH_TIMESTAMP | KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS | \
		  KDBUS_ATTACH_AUXGROUPS | KDBUS_ATTACH_NAMES | KDBUS_ATTACH_CONN_DESCRIPTION)

/* Is SECLABEL / AUDIT data available in this kernel (§13.2: omitted if not)? */
static int have_seclabel(void)
{
	char buf[256];
	int fd = open("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0;
}

static int have_audit(void)
{
	return access("/proc/self/loginuid", R_OK) == 0;
}

/* The first line of a file, without its newline; 0 or -1. */
static int read_line(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, n - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* A bus with owner mask ALL, a sender A (send ALL, description "sender",
 * owns org.kt.meta) and a receiver R (recv ALL, send ALL). */
static void setup(struct kt_bus *b, struct kt_conn *a, struct kt_conn *r)
{
	struct kt_buf ex;

	KT_REQ(setgroups(0, NULL) == 0);
	KT_REQ_OK(kt_bus_make_full(b, NULL, KDBUS_MAKE_ACCESS_WORLD, KT_BLOOM_SIZE, 1, NULL, ALL));
	kt_buf_init(&ex, 0);
	kt_buf_str(&ex, KDBUS_ITEM_CONN_DESCRIPTION, "sender");
	KT_REQ_OK(kt_hello_ep(a, b, NULL, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex));
	KT_REQ_OK(kt_hello_ep(r, b, NULL, 0, ALL, ALL, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_name_acquire(a, "org.kt.meta", 0, NULL));
}

static struct kdbus_msg *send_recv(const struct kt_conn *a, const struct kt_conn *r, u64 cookie)
{
	struct kdbus_msg *m;

	KT_REQ_OK(kt_send(a, r->id, cookie, "meta"));
	KT_REQ_OK(kt_recv_wait(r, 5000, &m));
	KT_REQ_EQ(m->cookie, cookie);
	return m;
}

/* The items a full mask gives for a sender with aux groups, one name and a
 * description, in §13.3 order. */
static void full_types(char *out, size_t n, int aux, int names)
{
	snprintf(out, n, "1,2%s,5,6,7,8,9,a%s%s%s%s,d,0", aux ? ",3" : "",
		 have_seclabel() ? ",b" : "", have_audit() ? ",c" : "",
		 names >= 1 ? ",4" : "", names >= 2 ? ",4" : "");
}

static void t_order(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	gid_t groups[] = { 30, 10, 20 };
	char want[128];

	setup(&b, &a, &r);
	KT_REQ_OK(kt_name_acquire(&a, "org.kt.meta2", 0, NULL));
	KT_REQ(setgroups(3, groups) == 0);
	m = send_recv(&a, &r, 1);
	full_types(want, sizeof(want), 1, 2);
	if (strcmp(kt_msg_meta(m), want))
		kt_fail_at(__FILE__, __LINE__, "items %s, expected %s", kt_msg_meta(m), want);
	/* §13.2: no LSM / no audit in this kernel: no SECLABEL / AUDIT items */
	if (!have_seclabel())
		KT_CHECK(!kt_msg_item(m, KDBUS_ITEM_SECLABEL));
	if (!have_audit())
		KT_CHECK(!kt_msg_item(m, KDBUS_ITEM_AUDIT));
	/* metadata starts 8-aligned after the sent items, TIMESTAMP ends the message */
	{
		struct kdbus_item *it, *last = NULL;

		KT_FOREACH_ITEM(it, m->items, m->size - sizeof(*m))
			last = it;
		KT_REQ(last);
		KT_EQ(last->type, KDBUS_ITEM_TIMESTAMP);
		KT_EQ((uintptr_t)last + last->size - (uintptr_t)m, m->size);
	}
}

static void t_timestamp(void)
{
	struct kt_bus b, b2;
	struct kt_conn a, r, x, y;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	struct timespec t0, t1, r0, r1;
	u64 seq[3];

	setup(&b, &a, &r);
	KT_REQ_OK(kt_match_all(&r, 1));
	for (int i = 0; i < 10; i++) {
		KT_REQ_OK(kt_send(&a, r.id, 100 + i, "x"));
		KT_REQ_OK(kt_recv_wait(&r, 1000, &m));
		kt_free_msg(&r, m);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_REALTIME, &r0);
	for (int i = 0; i < 2; i++) {
		m = send_recv(&a, &r, 1 + i);
		it = kt_msg_item(m, KDBUS_ITEM_TIMESTAMP);
		KT_REQ(it && it->size == 16 + 24);
		seq[i] = it->timestamp.seqnum;
		KT_CHECK(it->timestamp.monotonic_ns >= (u64)t0.tv_sec * 1000000000ULL + t0.tv_nsec);
		KT_CHECK(it->timestamp.realtime_ns >= (u64)r0.tv_sec * 1000000000ULL + r0.tv_nsec);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		clock_gettime(CLOCK_REALTIME, &r1);
		KT_CHECK(it->timestamp.monotonic_ns <= (u64)t1.tv_sec * 1000000000ULL + t1.tv_nsec);
		KT_CHECK(it->timestamp.realtime_ns <= (u64)r1.tv_sec * 1000000000ULL + r1.tv_nsec);
		kt_free_msg(&r, m);
	}
	KT_CHECK(seq[0] > 10);
	KT_EQ(seq[1], seq[0] + 1);
	/* a kernel notification takes the next number and carries TIMESTAMP only,
	 * whatever the receiver's mask (here ALL, then 0) */
	KT_REQ_OK(kt_hello_ep(&x, &b, NULL, 0, ALL, ALL, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_recv_notify(&r, KDBUS_ITEM_ID_ADD, 5000, &m));
	KT_EQ(m->src_id, 0);
	if (strcmp(kt_msg_meta(m), "0"))
		kt_fail_at(__FILE__, __LINE__, "notification items %s, expected 0", kt_msg_meta(m));
	it = kt_msg_item(m, KDBUS_ITEM_TIMESTAMP);
	KT_REQ(it);
	KT_EQ(it->timestamp.seqnum, seq[1] + 1);
	kt_free_msg(&r, m);
	KT_REQ_OK(kt_update_attach(&r, (u64)-2, 0));
	kt_conn_close(&x);
	KT_REQ_OK(kt_recv_notify(&r, KDBUS_ITEM_ID_REMOVE, 5000, &m));
	if (strcmp(kt_msg_meta(m), "0"))
		kt_fail_at(__FILE__, __LINE__, "notification items %s with mask 0", kt_msg_meta(m));
	/* the counter is per bus: a new bus starts again at 1 */
	KT_REQ_OK(kt_bus_make(&b2));
	KT_REQ_OK(kt_hello_ep(&x, &b2, NULL, 0, ALL, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_hello_ep(&y, &b2, NULL, 0, ALL, KDBUS_ATTACH_TIMESTAMP, KT_POOL_SIZE, NULL, NULL));
	m = send_recv(&x, &y, 7);
	it = kt_msg_item(m, KDBUS_ITEM_TIMESTAMP);
	KT_REQ(it);
	seq[2] = it->timestamp.seqnum;
	KT_CHECK(seq[2] >= 1 && seq[2] <= 3);
	if (!(seq[2] >= 1 && seq[2] <= 3))
		kt_diag("first message on a fresh bus has seqnum %llu", (unsigned long long)seq[2]);
}

static void t_creds_auxgroups(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	pid_t pid;
	int st;

	setup(&b, &a, &r);
	pid = kt_fork();
	if (pid == 0) {
		gid_t groups[] = { 3002, 3000, 3001 };

		if (setgroups(3, groups) || setresgid(2000, 2001, 2002) ||
		    setresuid(1000, 1001, 1002))
			_exit(3);
		_exit(kt_send(&a, r.id, 1, "creds") ? 4 : 0);
	}
	st = kt_wait_child(pid);
	KT_REQ_EQ(st, 0);
	KT_REQ_OK(kt_recv_wait(&r, 5000, &m));
	it = kt_msg_item(m, KDBUS_ITEM_CREDS);
	KT_REQ(it);
	KT_EQ(it->size, 16 + 64);
	KT_EQ(it->creds.uid, 1000);
	KT_EQ(it->creds.euid, 1001);
	KT_EQ(it->creds.suid, 1002);
	KT_EQ(it->creds.fsuid, 1001);
	KT_EQ(it->creds.gid, 2000);
	KT_EQ(it->creds.egid, 2001);
	KT_EQ(it->creds.sgid, 2002);
	KT_EQ(it->creds.fsgid, 2001);
	it = kt_msg_item(m, KDBUS_ITEM_AUXGROUPS);
	KT_REQ(it);
	KT_REQ_EQ(it->size, 16 + 3 * 8);
	KT_EQ(it->data64[0], 3000);
	KT_EQ(it->data64[1], 3001);
	KT_EQ(it->data64[2], 3002);
	it = kt_msg_item(m, KDBUS_ITEM_PIDS);
	KT_REQ(it);
	KT_EQ(it->pids.pid, pid);
	KT_EQ(it->pids.tid, pid);
	KT_EQ(it->pids.ppid, getpid());
}

struct thread_arg {
	const struct kt_conn *a;
	u64 dst;
	pid_t tid;
	int err;
};

static void *sender_thread(void *p)
{
	struct thread_arg *ta = p;

	prctl(PR_SET_NAME, "kt-thread-15chr", 0, 0, 0);
	ta->tid = (pid_t)syscall(SYS_gettid);
	ta->err = kt_send(ta->a, ta->dst, 1, "thread");
	return NULL;
}

static void t_consistent(void)
{
	static const u64 types[] = { KDBUS_ITEM_TIMESTAMP, KDBUS_ITEM_CREDS, KDBUS_ITEM_PIDS,
				     KDBUS_ITEM_AUXGROUPS, KDBUS_ITEM_CAPS };
	static gid_t groups[300];
	struct kt_bus b;
	struct kt_conn a, r, r2;
	struct kdbus_msg *m1, *m2;
	struct kdbus_item *it;

	/* many supplementary groups, given in descending order */
	for (int i = 0; i < 300; i++)
		groups[i] = (gid_t)(5000 - i);
	setup(&b, &a, &r);
	KT_REQ(setgroups(300, groups) == 0);
	KT_REQ_OK(kt_hello_ep(&r2, &b, NULL, 0, 0, KDBUS_ATTACH_TIMESTAMP | KDBUS_ATTACH_CREDS |
			      KDBUS_ATTACH_PIDS | KDBUS_ATTACH_AUXGROUPS | KDBUS_ATTACH_CAPS,
			      KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_match_all(&r, 1));
	KT_REQ_OK(kt_match_all(&r2, 1));
	KT_REQ_OK(kt_send_signal(&a, KDBUS_DST_ID_BROADCAST, 1, 0));
	KT_REQ_OK(kt_recv_wait(&r, 5000, &m1));
	KT_REQ_OK(kt_recv_wait(&r2, 5000, &m2));
	KT_REQ_EQ(m1->cookie, 1);
	KT_REQ_EQ(m2->cookie, 1);
	if (strcmp(kt_msg_meta(m2), "1,2,3,a,0"))
		kt_fail_at(__FILE__, __LINE__, "second receiver: \"%s\"", kt_msg_meta(m2));
	/* one collection per message: both receivers see the same values */
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct kdbus_item *x = kt_msg_item(m1, types[i]), *y = kt_msg_item(m2, types[i]);

		if (KT_CHECK(x && y) && (x->size != y->size || memcmp(x, y, x->size)))
			kt_fail_at(__FILE__, __LINE__, "item 0x%llx differs between receivers",
				   (unsigned long long)types[i]);
	}
	it = kt_msg_item(m1, KDBUS_ITEM_AUXGROUPS);
	KT_REQ(it);
	KT_REQ_EQ(it->size, 16 + 300 * 8);
	for (int i = 0; i < 300; i++)
		if (it->data64[i] != (u64)(4701 + i)) {
			kt_fail_at(__FILE__, __LINE__, "AUXGROUPS[%d] = %llu, expected %d", i,
				   (unsigned long long)it->data64[i], 4701 + i);
			break;
		}
}

static void t_pids_comm(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	struct thread_arg ta;
	pthread_t th;

	setup(&b, &a, &r);
	prctl(PR_SET_NAME, "kt-leader", 0, 0, 0);
	ta.a = &a;
	ta.dst = r.id;
	KT_REQ(pthread_create(&th, NULL, sender_thread, &ta) == 0);
	pthread_join(th, NULL);
	KT_REQ_OK(ta.err);
	KT_REQ_OK(kt_recv_wait(&r, 5000, &m));
	it = kt_msg_item(m, KDBUS_ITEM_PIDS);
	KT_REQ(it);
	KT_EQ(it->size, 16 + 24);
	KT_EQ(it->pids.pid, getpid());
	KT_EQ(it->pids.tid, ta.tid);
	KT_CHECK(ta.tid != getpid());
	KT_EQ(it->pids.ppid, getppid());
	it = kt_msg_item(m, KDBUS_ITEM_TID_COMM);
	KT_REQ(it);
	/* comm holds at most 15 characters */
	KT_EQ(it->size, 16 + 16);
	if (strcmp(it->str, "kt-thread-15chr"))
		kt_fail_at(__FILE__, __LINE__, "TID_COMM %s, expected kt-thread-15chr", it->str);
	it = kt_msg_item(m, KDBUS_ITEM_PID_COMM);
	KT_REQ(it);
	if (strcmp(it->str, "kt-leader"))
		kt_fail_at(__FILE__, __LINE__, "PID_COMM %s, expected kt-leader", it->str);
}

static void t_exe_cmdline(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	char exe[512], cmd[4096];
	ssize_t n;
	int fd;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	KT_REQ(n > 0);
	exe[n] = 0;
	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	KT_REQ(fd >= 0);
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	KT_REQ(n > 0);
	cmd[n] = 0;
	setup(&b, &a, &r);
	m = send_recv(&a, &r, 1);
	it = kt_msg_item(m, KDBUS_ITEM_EXE);
	KT_REQ(it);
	if (strcmp(it->str, exe))
		kt_fail_at(__FILE__, __LINE__, "EXE %s, expected %s", it->str, exe);
	it = kt_msg_item(m, KDBUS_ITEM_CMDLINE);
	KT_REQ(it);
	/* argv[0] only, NUL-terminated */
	KT_EQ(it->size, 16 + strlen(cmd) + 1);
	if (strcmp(it->str, cmd))
		kt_fail_at(__FILE__, __LINE__, "CMDLINE %s, expected %s", it->str, cmd);
}

static void t_cgroup(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	char buf[4096], *p, *want = NULL;
	ssize_t n;
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);

	KT_REQ(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	KT_REQ(n >= 0);
	buf[n] = 0;
	for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n"))
		if (!strncmp(p, "0::", 3))
			want = p + 3;
	/* /proc shows the default hierarchy only once cgroup2 was mounted;
	 * until then nobody can have moved a task out of the root cgroup */
	if (!want)
		want = "/";
	setup(&b, &a, &r);
	m = send_recv(&a, &r, 1);
	it = kt_msg_item(m, KDBUS_ITEM_CGROUP);
	KT_REQ(it);
	if (strcmp(it->str, want))
		kt_fail_at(__FILE__, __LINE__, "CGROUP %s, expected %s", it->str, want);
}

static u64 status_hex(const char *key)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strstr(buf, key);
	return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

static void t_caps(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	static const char *keys[4] = { "CapInh:", "CapPrm:", "CapEff:", "CapBnd:" };
	unsigned int last_cap = 40;
	char buf[32] = "";
	int fd;

	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			last_cap = (unsigned int)atoi(buf);
		close(fd);
	}
	/* make the four sets differ: drop CAP_NET_RAW from effective, CAP_KILL
	 * from effective and permitted, add CAP_CHOWN to inheritable */
	KT_REQ(syscall(SYS_capget, &hdr, data) == 0);
	data[0].effective &= ~((1u << CAP_NET_RAW) | (1u << CAP_KILL));
	data[0].permitted &= ~(1u << CAP_KILL);
	data[0].inheritable |= 1u << CAP_CHOWN;
	KT_REQ(syscall(SYS_capset, &hdr, data) == 0);
	setup(&b, &a, &r);
	m = send_recv(&a, &r, 1);
	it = kt_msg_item(m, KDBUS_ITEM_CAPS);
	KT_REQ(it);
	KT_REQ_EQ(it->size, 16 + 4 + 4 * 2 * 4);
	KT_EQ(it->caps.last_cap, last_cap);
	for (int s = 0; s < 4; s++) {
		u64 want = status_hex(keys[s]);
		u64 got = it->caps.caps[2 * s] | (u64)it->caps.caps[2 * s + 1] << 32;

		if (got != want)
			kt_fail_at(__FILE__, __LINE__, "caps set %d (%s) 0x%llx, expected 0x%llx", s,
				   keys[s], (unsigned long long)got, (unsigned long long)want);
		/* bits above last_cap cleared */
		KT_EQ(it->caps.caps[2 * s + 1] >> (last_cap - 31), 0);
	}
}

static void t_names_description(void)
{
	struct kt_bus b;
	struct kt_conn a, r, c;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	int n = 0;

	setup(&b, &a, &r);
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_name_acquire(&c, "org.kt.other", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&a, "org.kt.other", KDBUS_NAME_QUEUE, NULL));
	KT_REQ_OK(kt_name_acquire(&a, "org.kt.repl", KDBUS_NAME_ALLOW_REPLACEMENT, NULL));
	m = send_recv(&a, &r, 1);
	KT_FOREACH_ITEM(it, m->items, m->size - sizeof(*m)) {
		if (it->type != KDBUS_ITEM_OWNED_NAME)
			continue;
		n++;
		if (!strcmp(it->name.name, "org.kt.meta")) {
			KT_EQ(it->name.flags, KDBUS_NAME_PRIMARY);
		} else if (!strcmp(it->name.name, "org.kt.repl")) {
			KT_EQ(it->name.flags, KDBUS_NAME_PRIMARY | KDBUS_NAME_ALLOW_REPLACEMENT);
		} else {
			kt_fail_at(__FILE__, __LINE__, "unexpected OWNED_NAME %s (queued names are not attached)",
				   it->name.name);
		}
	}
	KT_EQ(n, 2);
	it = kt_msg_item(m, KDBUS_ITEM_CONN_DESCRIPTION);
	KT_REQ(it);
	KT_CHECK(!strcmp(it->str, "sender"));
	kt_free_msg(&r, m);
	/* no names and no description: no such items */
	KT_REQ_OK(kt_update_attach(&c, (u64)-2, ALL));
	KT_REQ_OK(kt_name_release(&a, "org.kt.meta"));
	KT_REQ_OK(kt_name_release(&a, "org.kt.repl"));
	KT_REQ_OK(kt_name_release(&a, "org.kt.other"));
	KT_REQ_OK(kt_send(&r, c.id, 2, "x"));
	KT_REQ_OK(kt_recv_wait(&c, 5000, &m));
	KT_CHECK(!kt_msg_item(m, KDBUS_ITEM_OWNED_NAME));
	KT_CHECK(!kt_msg_item(m, KDBUS_ITEM_CONN_DESCRIPTION));
}

static const struct {
	u64 flag;
	const char *types;
} flag_items[] = {
	{ KDBUS_ATTACH_TIMESTAMP, "0" },  { KDBUS_ATTACH_CREDS, "1" },
	{ KDBUS_ATTACH_PIDS, "2" },	  { KDBUS_ATTACH_AUXGROUPS, "3" },
	{ KDBUS_ATTACH_NAMES, "4" },	  { KDBUS_ATTACH_TID_COMM, "5" },
	{ KDBUS_ATTACH_PID_COMM, "6" },	  { KDBUS_ATTACH_EXE, "7" },
	{ KDBUS_ATTACH_CMDLINE, "8" },	  { KDBUS_ATTACH_CGROUP, "9" },
	{ KDBUS_ATTACH_CAPS, "a" },	  { KDBUS_ATTACH_SECLABEL, "b" },
	{ KDBUS_ATTACH_AUDIT, "c" },	  { KDBUS_ATTACH_CONN_DESCRIPTION, "d" },
};
#define N_FLAGS (sizeof(flag_items) / sizeof(flag_items[0]))

static int flag_available(u64 f)
{
	if (f == KDBUS_ATTACH_SECLABEL)
		return have_seclabel();
	if (f == KDBUS_ATTACH_AUDIT)
		return have_audit();
	return 1;
}

static void t_recv_mask(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	gid_t groups[] = { 10 };

	setup(&b, &a, &r);
	KT_REQ(setgroups(1, groups) == 0);
	for (size_t i = 0; i < N_FLAGS; i++) {
		const char *want = flag_available(flag_items[i].flag) ? flag_items[i].types : "";

		KT_REQ_OK(kt_update_attach(&r, (u64)-2, flag_items[i].flag));
		m = send_recv(&a, &r, 1 + i);
		if (strcmp(kt_msg_meta(m), want))
			kt_fail_at(__FILE__, __LINE__, "receiver mask 0x%llx: items \"%s\", expected \"%s\"",
				   (unsigned long long)flag_items[i].flag, kt_msg_meta(m), want);
		kt_free_msg(&r, m);
	}
	KT_REQ_OK(kt_update_attach(&r, (u64)-2, 0));
	m = send_recv(&a, &r, 99);
	if (strcmp(kt_msg_meta(m), ""))
		kt_fail_at(__FILE__, __LINE__, "receiver mask 0: items \"%s\"", kt_msg_meta(m));
	KT_EQ(m->size, sizeof(*m) + 32);
}

static void t_procvis(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_info *info;
	char want[128];

	setup(&b, &a, &r);
	/* a receiver that could read the sender's /proc entry gets everything,
	 * whatever the sender's send mask */
	KT_REQ_OK(kt_update_attach(&a, 0, (u64)-2));
	m = send_recv(&a, &r, 1);
	full_types(want, sizeof(want), 0, 1);
	if (strcmp(kt_msg_meta(m), want))
		kt_fail_at(__FILE__, __LINE__, "send mask 0, visible sender: \"%s\", expected \"%s\"",
			   kt_msg_meta(m), want);
	/* ... but CONN_INFO is limited by the send mask alone */
	KT_REQ_OK(kt_conn_info(&r, a.id, NULL, ALL, &info));
	if (strcmp(kt_info_meta(info), ""))
		kt_fail_at(__FILE__, __LINE__, "CONN_INFO with send mask 0: \"%s\"", kt_info_meta(info));
}

/* Child side of the namespace tests: runs as pid 1 of a new pid namespace in
 * a new user namespace (uid/gid 5 inside = 0 outside); HELLO with recv ALL,
 * tells the test its id, then checks `n` messages with cookies 1..n. */
struct ns_expect {
	const char *types;
	u64 creds_uid;	 /* ~0: do not check */
	int pids_zero;
};

static void ns_receiver(const struct kt_bus *b, int wfd, int rfd, const struct ns_expect *ex,
			int n)
{
	struct kt_conn r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	struct kdbus_info *info;
	u64 go;

	KT_REQ_OK(kt_hello_ep(&r, b, NULL, 0, ALL, ALL, KT_POOL_SIZE, NULL, NULL));
	KT_REQ(write(wfd, &r.id, 8) == 8);
	KT_REQ(read(rfd, &go, 8) == 8);
	for (int i = 0; i < n; i++) {
		KT_REQ_OK(kt_recv_wait(&r, 5000, &m));
		KT_REQ_EQ(m->cookie, (u64)i + 1);
		if (ex[i].types && strcmp(kt_msg_meta(m), ex[i].types))
			kt_fail_at(__FILE__, __LINE__, "message %d: items \"%s\", expected \"%s\"", i + 1,
				   kt_msg_meta(m), ex[i].types);
		it = kt_msg_item(m, KDBUS_ITEM_CREDS);
		if (ex[i].creds_uid != ~0ULL && KT_CHECK(it)) {
			KT_EQ(it->creds.uid, ex[i].creds_uid);
			KT_EQ(it->creds.euid, ex[i].creds_uid);
			KT_EQ(it->creds.fsuid, ex[i].creds_uid);
		}
		it = kt_msg_item(m, KDBUS_ITEM_PIDS);
		if (ex[i].pids_zero && KT_CHECK(it)) {
			KT_EQ(it->pids.pid, 0);
			KT_EQ(it->pids.tid, 0);
			KT_EQ(it->pids.ppid, 0);
		}
		it = kt_msg_item(m, KDBUS_ITEM_AUXGROUPS);
		if (it && ex[i].creds_uid == 5) {
			/* the sender's groups 10 and 20 are not mapped here */
			KT_EQ(it->size, 16 + 16);
			KT_EQ(it->data64[0], 65534);
			KT_EQ(it->data64[1], 65534);
		}
		it = kt_msg_item(m, KDBUS_ITEM_CAPS);
		if (it && ex[i].creds_uid == 5) {
			/* our namespace is owned by the sender's euid: all ones but inheritable */
			KT_EQ(it->caps.caps[0], 0);
			KT_EQ(it->caps.caps[1], 0);
			KT_EQ(it->caps.caps[2], 0xffffffff);
			KT_EQ(it->caps.caps[3], 0x1ff);
			KT_EQ(it->caps.caps[7], 0x1ff);
		}
		kt_free_msg(&r, m);
	}
	/* CONN_INFO and BUS_CREATOR_INFO are translated into our namespaces too,
	 * without any /proc restriction */
	{
		u64 sender, fake;
		struct kdbus_cmd_info ci KT_ALIGNED = { sizeof(ci), 0, 0, 0, ALL, 0, 0 };

		KT_REQ(read(rfd, &sender, 8) == 8);
		KT_REQ(read(rfd, &fake, 8) == 8);
		KT_REQ_OK(kt_conn_info(&r, sender, NULL, ALL, &info));
		it = kt_info_item(info, KDBUS_ITEM_CREDS);
		if (KT_CHECK(it)) {
			KT_EQ(it->creds.uid, 5);
			KT_EQ(it->creds.gid, 5);
		}
		it = kt_info_item(info, KDBUS_ITEM_PIDS);
		if (KT_CHECK(it))
			KT_EQ(it->pids.pid, 0);
		KT_CHECK(kt_info_item(info, KDBUS_ITEM_PID_COMM) != NULL);
		KT_CHECK(kt_info_item(info, KDBUS_ITEM_CAPS) != NULL);
		/* fake ids: unmapped → 65534, unset (-1) stays 4294967295 */
		KT_REQ_OK(kt_conn_info(&r, fake, NULL, KDBUS_ATTACH_CREDS, &info));
		it = kt_info_item(info, KDBUS_ITEM_CREDS);
		if (KT_CHECK(it)) {
			KT_EQ(it->creds.uid, 65534);
			KT_EQ(it->creds.euid, 5);
			KT_EQ(it->creds.sgid, 4294967295ULL);
		}
		KT_REQ_OK(kt_ioctl(r.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci));
		info = (struct kdbus_info *)(r.pool + ci.offset);
		it = kt_info_item(info, KDBUS_ITEM_CREDS);
		if (KT_CHECK(it))
			KT_EQ(it->creds.euid, 5);
		it = kt_info_item(info, KDBUS_ITEM_PIDS);
		if (KT_CHECK(it))
			KT_EQ(it->pids.pid, 0);
	}
}

/* Forks the namespace receiver; returns the pid of the outer child, sets
 * *id to the receiver's connection id. */
static pid_t spawn_ns_receiver(const struct kt_bus *b, const struct ns_expect *ex, int n,
			       u64 *id, int *go_fd)
{
	int up[2], down[2];
	pid_t pid;

	KT_REQ(pipe(up) == 0 && pipe(down) == 0);
	pid = kt_fork();
	if (pid == 0) {
		pid_t inner;

		close(up[0]);
		close(down[1]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0) {
			kt_fail_at(__FILE__, __LINE__, "unshare: %s", kt_errname(errno));
			_exit(1);
		}
		if (kt_write_file("/proc/self/uid_map", "5 0 1") ||
		    kt_write_file("/proc/self/setgroups", "deny") ||
		    kt_write_file("/proc/self/gid_map", "5 0 1")) {
			kt_fail_at(__FILE__, __LINE__, "writing the id maps failed");
			_exit(1);
		}
		inner = fork();
		if (inner == 0) {
			ns_receiver(b, up[1], down[0], ex, n);
			_exit(kt_failed);
		}
		_exit(inner < 0 ? 1 : kt_wait_child(inner));
	}
	close(up[1]);
	close(down[0]);
	KT_REQ(read(up[0], id, 8) == 8);
	close(up[0]);
	*go_fd = down[1];
	return pid;
}

static void t_withheld_across_ns(void)
{
	static struct ns_expect ex[N_FLAGS + 3];
	static char types[N_FLAGS + 3][128];
	struct kt_bus b;
	struct kt_conn a, r;
	gid_t groups[] = { 10, 20 };
	u64 id, go = 1;
	int go_fd, n = 0;
	pid_t pid;

	setup(&b, &a, &r);
	KT_REQ(setgroups(2, groups) == 0);
	/* 1: everything allowed */
	full_types(types[n], sizeof(types[n]), 1, 1);
	ex[n] = (struct ns_expect){ types[n], 5, 1 };
	n++;
	/* 2..15: one flag withheld at a time; implicit ones still arrive */
	for (size_t i = 0; i < N_FLAGS; i++) {
		char *t = types[n];
		size_t len = 0;
		/* expected: the full list without flag i unless i is implicit */
		char full[128], *p;

		full_types(full, sizeof(full), 1, 1);
		t[0] = 0;
		for (p = strtok(full, ","); p; p = strtok(NULL, ",")) {
			if (!strcmp(p, flag_items[i].types) && !(flag_items[i].flag & IMPLICIT))
				continue;
			len += (size_t)snprintf(t + len, 128 - len, "%s%s", len ? "," : "", p);
		}
		ex[n] = (struct ns_expect){ types[n], 5, 1 };
		n++;
	}
	/* send mask 0: implicit items only */
	ex[n++] = (struct ns_expect){ "1,2,3,4,d,0", 5, 1 };
	/* a uid-1000 sender is not mapped there: 65534 */
	ex[n++] = (struct ns_expect){ NULL, 65534, 1 };
	pid = spawn_ns_receiver(&b, ex, n, &id, &go_fd);
	KT_REQ_OK(kt_update_attach(&a, ALL, (u64)-2));
	KT_REQ_OK(kt_send(&a, id, 1, "all"));
	for (size_t i = 0; i < N_FLAGS; i++) {
		KT_REQ_OK(kt_update_attach(&a, _KDBUS_ATTACH_ALL & ~flag_items[i].flag, (u64)-2));
		KT_REQ_OK(kt_send(&a, id, 2 + i, "withheld"));
	}
	KT_REQ_OK(kt_update_attach(&a, 0, (u64)-2));
	KT_REQ_OK(kt_send(&a, id, N_FLAGS + 2, "none"));
	{
		pid_t c = kt_fork();

		if (c == 0) {
			if (kt_become(1000, 1000))
				_exit(3);
			_exit(kt_send(&a, id, N_FLAGS + 3, "uid1000") ? 4 : 0);
		}
		KT_EQ(kt_wait_child(c), 0);
	}
	KT_REQ_OK(kt_update_attach(&a, ALL, (u64)-2));
	KT_REQ(write(go_fd, &go, 8) == 8);
	KT_REQ(write(go_fd, &a.id, 8) == 8);
	{
		struct kt_conn f;
		struct kt_buf fx;
		struct kdbus_creds cr = { 1000, 0, 0, 0, 0, 0, (u32)-1, 0 };

		kt_buf_init(&fx, 0);
		kt_buf_item(&fx, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
		KT_REQ_OK(kt_hello_ep(&f, &b, NULL, 0, ALL, 0, KT_POOL_SIZE, NULL, &fx));
		KT_REQ(write(go_fd, &f.id, 8) == 8);
		KT_EQ(kt_wait_child(pid), 0);
		return;
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_update_masks(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_cmd_recv rv;

	setup(&b, &a, &r);
	/* metadata is collected at SEND: a later UPDATE of the receiver's mask
	 * does not change what is already queued */
	KT_REQ_OK(kt_update_attach(&r, (u64)-2, KDBUS_ATTACH_CREDS));
	KT_REQ_OK(kt_send(&a, r.id, 1, "x"));
	KT_REQ_OK(kt_update_attach(&r, (u64)-2, KDBUS_ATTACH_PIDS | KDBUS_ATTACH_TIMESTAMP));
	KT_REQ_OK(kt_send(&a, r.id, 2, "x"));
	KT_REQ_OK(kt_recv(&r, 0, 0, &rv));
	m = kt_pool_msg(&r, rv.msg.offset);
	KT_CHECK(!strcmp(kt_msg_meta(m), "1"));
	KT_REQ_OK(kt_recv(&r, 0, 0, &rv));
	m = kt_pool_msg(&r, rv.msg.offset);
	if (strcmp(kt_msg_meta(m), "2,0"))
		kt_fail_at(__FILE__, __LINE__, "after UPDATE: \"%s\", expected \"2,0\"", kt_msg_meta(m));
	/* sanitizing: unknown bits EINVAL, nothing changed */
	KT_ERR(kt_update_attach(&r, (u64)-2, 1ULL << 14), EINVAL);
	KT_ERR(kt_update_attach(&a, 1ULL << 20, (u64)-2), EINVAL);
	KT_REQ_OK(kt_send(&a, r.id, 3, "x"));
	KT_REQ_OK(kt_recv_wait(&r, 5000, &m));
	KT_CHECK(!strcmp(kt_msg_meta(m), "2,0"));
}

static void t_conn_info(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_info *info;
	struct kdbus_item *it;
	char want[128];

	setup(&b, &a, &r);
	/* snapshot at HELLO: process items; names and description are live */
	prctl(PR_SET_NAME, "kt-renamed", 0, 0, 0);
	KT_REQ_OK(kt_name_acquire(&a, "org.kt.later", 0, NULL));
	KT_REQ_OK(kt_conn_info(&r, a.id, NULL, ALL, &info));
	full_types(want, sizeof(want), 0, 2);
	want[strlen(want) - 2] = 0; /* never a TIMESTAMP */
	if (strcmp(kt_info_meta(info), want))
		kt_fail_at(__FILE__, __LINE__, "CONN_INFO items \"%s\", expected \"%s\"",
			   kt_info_meta(info), want);
	it = kt_info_item(info, KDBUS_ITEM_TID_COMM);
	if (KT_CHECK(it) && !strcmp(it->str, "kt-renamed"))
		kt_fail_at(__FILE__, __LINE__, "CONN_INFO TID_COMM is not the HELLO snapshot");
	it = kt_info_item(info, KDBUS_ITEM_PIDS);
	if (KT_CHECK(it))
		KT_EQ(it->pids.pid, getpid());
	kt_free(&r, (u64)((u8 *)info - r.pool));
	/* requested ∩ target send mask */
	KT_REQ_OK(kt_update_attach(&a, KDBUS_ATTACH_CREDS | KDBUS_ATTACH_NAMES | KDBUS_ATTACH_EXE,
				   (u64)-2));
	KT_REQ_OK(kt_conn_info(&r, a.id, NULL, KDBUS_ATTACH_CREDS | KDBUS_ATTACH_EXE |
				       KDBUS_ATTACH_TIMESTAMP | KDBUS_ATTACH_PIDS, &info));
	if (strcmp(kt_info_meta(info), "1,7"))
		kt_fail_at(__FILE__, __LINE__, "CONN_INFO items \"%s\", expected \"1,7\"",
			   kt_info_meta(info));
	KT_REQ_OK(kt_conn_info(&r, 0, "org.kt.later", ALL, &info));
	if (strcmp(kt_info_meta(info), "1,7,4,4"))
		kt_fail_at(__FILE__, __LINE__, "CONN_INFO items \"%s\", expected \"1,7,4,4\"",
			   kt_info_meta(info));
	KT_REQ_OK(kt_conn_info(&r, a.id, NULL, 0, &info));
	KT_CHECK(!strcmp(kt_info_meta(info), ""));
	KT_ERR(kt_conn_info(&r, a.id, NULL, 1ULL << 14, NULL), EINVAL);
}

static void t_exe_other_root(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	int up[2], down[2];
	char exe[512];
	ssize_t n;
	u64 id, go = 1;
	pid_t pid;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	KT_REQ(n > 0);
	exe[n] = 0;
	setup(&b, &a, &r);
	KT_REQ(pipe(up) == 0 && pipe(down) == 0);
	pid = kt_fork();
	if (pid == 0) {
		struct kt_conn c;
		struct kdbus_msg *m;
		struct kdbus_info *info;
		struct kdbus_item *it;
		int fd = kt_open_ep(&b, NULL);

		KT_REQ(fd >= 0);
		KT_REQ(chroot("/tmp") == 0 && chdir("/") == 0);
		KT_REQ_OK(kt_hello_fd(&c, fd, 0, ALL, ALL, KT_POOL_SIZE, NULL, NULL));
		KT_REQ(write(up[1], &c.id, 8) == 8);
		KT_REQ(read(down[0], &go, 8) == 8);
		KT_REQ_OK(kt_recv_wait(&c, 5000, &m));
		/* the sender's root is not the one recorded at our HELLO: no EXE */
		KT_CHECK(!kt_msg_item(m, KDBUS_ITEM_EXE));
		KT_CHECK(kt_msg_item(m, KDBUS_ITEM_CMDLINE) != NULL);
		/* CONN_INFO resolves against our own root: emitted, relative to it */
		KT_REQ_OK(kt_conn_info(&c, a.id, NULL, KDBUS_ATTACH_EXE, &info));
		it = kt_info_item(info, KDBUS_ITEM_EXE);
		if (KT_CHECK(it) && !strncmp(exe, "/tmp/", 5) && strcmp(it->str, exe + 4))
			kt_fail_at(__FILE__, __LINE__, "EXE in the chroot: %s, expected %s", it->str,
				   exe + 4);
		_exit(kt_failed);
	}
	KT_REQ(read(up[0], &id, 8) == 8);
	KT_REQ_OK(kt_send(&a, id, 1, "to chroot"));
	KT_REQ(write(down[1], &go, 8) == 8);
	KT_EQ(kt_wait_child(pid), 0);
	/* a caller whose root is no longer the one of its HELLO gets no EXE */
	pid = kt_fork();
	if (pid == 0) {
		struct kdbus_info *info;

		KT_REQ(chroot("/tmp") == 0 && chdir("/") == 0);
		KT_REQ_OK(kt_conn_info(&r, a.id, NULL, KDBUS_ATTACH_EXE | KDBUS_ATTACH_CMDLINE, &info));
		KT_CHECK(!kt_info_item(info, KDBUS_ITEM_EXE));
		KT_CHECK(kt_info_item(info, KDBUS_ITEM_CMDLINE) != NULL);
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_foreign_ns_sender(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	int p[2];
	pid_t pid, inner = 0;

	setup(&b, &a, &r);
	/* the sender is visible in our pid namespace: PROCVIS items arrive
	 * although its send mask allows nothing */
	KT_REQ_OK(kt_update_attach(&a, 0, (u64)-2));
	KT_REQ(pipe(p) == 0);
	pid = kt_fork();
	if (pid == 0) {
		/* a sender in its own user namespace and pid namespace */
		if (unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0 ||
		    kt_write_file("/proc/self/uid_map", "0 0 1") ||
		    kt_write_file("/proc/self/setgroups", "deny") ||
		    kt_write_file("/proc/self/gid_map", "0 0 1"))
			_exit(3);
		inner = fork();
		if (inner == 0)
			_exit(kt_send(&a, r.id, 1, "from a namespace") ? 4 : 0);
		if (write(p[1], &inner, sizeof(inner)) != sizeof(inner))
			_exit(5);
		_exit(inner < 0 ? 6 : kt_wait_child(inner));
	}
	KT_REQ(read(p[0], &inner, sizeof(inner)) == sizeof(inner));
	KT_REQ_EQ(kt_wait_child(pid), 0);
	KT_REQ_OK(kt_recv_wait(&r, 5000, &m));
	/* our namespace is not below the sender's: all four sets are zero */
	it = kt_msg_item(m, KDBUS_ITEM_CAPS);
	KT_REQ(it && it->size == 16 + 4 + 32);
	for (int i = 0; i < 8; i++)
		KT_EQ(it->caps.caps[i], 0);
	/* ids are translated into our view */
	it = kt_msg_item(m, KDBUS_ITEM_CREDS);
	KT_REQ(it);
	KT_EQ(it->creds.uid, 0);
	KT_EQ(it->creds.egid, 0);
	/* pids as numbers of our (parent) pid namespace */
	it = kt_msg_item(m, KDBUS_ITEM_PIDS);
	KT_REQ(it);
	/* (the sender is pid 1 of its namespace; fork() told its parent the
	 * number in ours) */
	KT_EQ(it->pids.pid, inner);
	KT_EQ(it->pids.tid, inner);
	KT_EQ(it->pids.ppid, pid);
}

static int creator_info(const struct kt_conn *c, u64 attach, struct kdbus_info **info)
{
	struct kdbus_cmd_info ci KT_ALIGNED = { sizeof(ci), 0, 0, 0, attach, 0, 0 };
	int r = kt_ioctl(c->fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci);

	if (!r)
		*info = (struct kdbus_info *)(c->pool + ci.offset);
	return r;
}

static void t_creator_info(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kdbus_info *info;
	struct kdbus_item *it;

	prctl(PR_SET_NAME, "kt-creator", 0, 0, 0);
	KT_REQ_OK(kt_bus_make_full(&b, NULL, KDBUS_MAKE_ACCESS_WORLD, KT_BLOOM_SIZE, 1, NULL,
				   KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS | KDBUS_ATTACH_TID_COMM |
					   KDBUS_ATTACH_NAMES | KDBUS_ATTACH_TIMESTAMP |
					   KDBUS_ATTACH_CONN_DESCRIPTION));
	prctl(PR_SET_NAME, "kt-later", 0, 0, 0);
	KT_REQ_OK(kt_hello_ep(&c, &b, NULL, 0, ALL, ALL, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_name_acquire(&c, "org.kt.creator", 0, NULL));
	/* masked by the owner mask; process items only (no names, description,
	 * timestamp), from the BUS_MAKE snapshot */
	KT_REQ_OK(creator_info(&c, ALL, &info));
	KT_EQ(info->items[0].type, KDBUS_ITEM_MAKE_NAME);
	if (strcmp(kt_info_meta(info), "1,2,5"))
		kt_fail_at(__FILE__, __LINE__, "creator items \"%s\", expected \"1,2,5\"",
			   kt_info_meta(info));
	it = kt_info_item(info, KDBUS_ITEM_TID_COMM);
	if (KT_CHECK(it) && strcmp(it->str, "kt-creator"))
		kt_fail_at(__FILE__, __LINE__, "creator TID_COMM %s, expected kt-creator", it->str);
	it = kt_info_item(info, KDBUS_ITEM_PIDS);
	if (KT_CHECK(it))
		KT_EQ(it->pids.pid, getpid());
	KT_REQ_OK(creator_info(&c, KDBUS_ATTACH_PIDS | KDBUS_ATTACH_EXE, &info));
	if (strcmp(kt_info_meta(info), "2"))
		kt_fail_at(__FILE__, __LINE__, "creator items \"%s\", expected \"2\"", kt_info_meta(info));
	KT_REQ_OK(creator_info(&c, 0, &info));
	KT_CHECK(!strcmp(kt_info_meta(info), ""));
	KT_ERR(creator_info(&c, 1ULL << 15, &info), EINVAL);
}

static int make_required_bus(struct kt_bus *b, u64 required)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd = kt_buf_init(&kb, sizeof(*cmd));
	struct kdbus_bloom_parameter bp = { KT_BLOOM_SIZE, 1 };

	memset(b, 0, sizeof(*b));
	snprintf(b->root, sizeof(b->root), "%s", KT_ROOT);
	kt_bus_name(b->name, sizeof(b->name));
	snprintf(b->dir, sizeof(b->dir), "%s/%s", b->root, b->name);
	snprintf(b->ep, sizeof(b->ep), "%s/bus", b->dir);
	b->fd = kt_open_control(NULL);
	cmd->flags = KDBUS_MAKE_ACCESS_WORLD;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, b->name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, KDBUS_ATTACH_CREDS);
	if (required != (u64)-2)
		kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_RECV, required);
	kt_buf_finish(&kb);
	return kt_ioctl(b->fd, KDBUS_CMD_BUS_MAKE, kb.b);
}

static void t_required_all_types(void)
{
	static const struct {
		u64 flags;
		const char *name;
	} kinds[] = {
		{ 0, NULL },
		{ KDBUS_HELLO_ACTIVATOR, "org.kt.act" },
		{ KDBUS_HELLO_POLICY_HOLDER, "org.kt.ph" },
		{ KDBUS_HELLO_MONITOR, NULL },
	};
	const u64 req = KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS | KDBUS_ATTACH_CGROUP;
	struct kt_bus b;
	struct kt_conn c;

	KT_REQ_OK(make_required_bus(&b, req));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int fd = kt_open_ep(&b, NULL);

		KT_REQ(fd >= 0);
		KT_ERR(kt_hello_fd(&c, fd, kinds[i].flags, req & ~KDBUS_ATTACH_CGROUP, 0,
				   KT_POOL_SIZE, kinds[i].name, NULL), ECONNREFUSED);
		KT_ERR(kt_hello_fd(&c, fd, kinds[i].flags, 0, 0, KT_POOL_SIZE, kinds[i].name, NULL),
		       ECONNREFUSED);
		/* the handle stayed FRESH: a corrected HELLO works */
		KT_OK(kt_hello_fd(&c, fd, kinds[i].flags, req | KDBUS_ATTACH_EXE, 0, KT_POOL_SIZE,
				  kinds[i].name, NULL));
		kt_conn_close(&c);
	}
	/* ~0 as the required mask requires every flag */
	{
		struct kt_bus b2;

		KT_REQ_OK(make_required_bus(&b2, ALL));
		KT_ERR(kt_hello_ep(&c, &b2, NULL, 0, _KDBUS_ATTACH_ALL & ~KDBUS_ATTACH_AUDIT, 0,
				   KT_POOL_SIZE, NULL, NULL), ECONNREFUSED);
		KT_OK(kt_hello_ep(&c, &b2, NULL, 0, ALL, 0, KT_POOL_SIZE, NULL, NULL));
	}
}

static void t_required_absent(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_info *info;
	struct kdbus_msg *m;

	/* no item, or an explicit 0: behaves as upstream */
	for (int i = 0; i < 2; i++) {
		KT_REQ_OK(make_required_bus(&b, i ? 0 : (u64)-2));
		KT_REQ_OK(kt_hello_ep(&a, &b, NULL, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
		KT_REQ_OK(kt_hello_ep(&r, &b, NULL, 0, 0, ALL, KT_POOL_SIZE, NULL, NULL));
		KT_OK(kt_update_attach(&a, 0, 0));
		KT_REQ_OK(creator_info(&a, ALL, &info));
		KT_EQ(info->items[0].type, KDBUS_ITEM_MAKE_NAME);
		KT_CHECK(!kt_info_item(info, KDBUS_ITEM_ATTACH_FLAGS_RECV));
		if (strcmp(kt_info_meta(info), "1"))
			kt_fail_at(__FILE__, __LINE__, "creator items \"%s\"", kt_info_meta(info));
		m = send_recv(&a, &r, 1);
		KT_CHECK(kt_msg_item(m, KDBUS_ITEM_CREDS) != NULL);
		kt_conn_close(&a);
		kt_conn_close(&r);
		kt_bus_close(&b);
	}
}

static void t_fake_creds(void)
{
	struct kt_bus b;
	struct kt_conn f, r;
	struct kt_buf ex;
	struct kdbus_info *info;
	struct kdbus_item *it;
	struct kdbus_msg *m;
	struct kdbus_creds cr = { 1000, 1001, 1002, 1003, 2000, 2001, (u32)-1, 2003 };
	struct kdbus_pids pi = { (u64)getpid(), (u64)getpid(), (u64)getppid() };

	KT_REQ_OK(kt_bus_make(&b));
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
	kt_buf_item(&ex, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
	kt_buf_str(&ex, KDBUS_ITEM_SECLABEL, "kt_fake_label");
	kt_buf_str(&ex, KDBUS_ITEM_CONN_DESCRIPTION, "faker");
	KT_REQ_OK(kt_hello_ep(&f, &b, NULL, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex));
	KT_REQ_OK(kt_hello_ep(&r, &b, NULL, 0, ALL, ALL, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_name_acquire(&f, "org.kt.fake", 0, NULL));
	/* CONN_INFO: exactly the faked items (plus live names/description) */
	KT_REQ_OK(kt_conn_info(&r, f.id, NULL, ALL, &info));
	if (strcmp(kt_info_meta(info), "1,2,b,4,d"))
		kt_fail_at(__FILE__, __LINE__, "CONN_INFO items \"%s\", expected \"1,2,b,4,d\"",
			   kt_info_meta(info));
	it = kt_info_item(info, KDBUS_ITEM_CREDS);
	if (KT_CHECK(it)) {
		KT_EQ(it->creds.uid, 1000);
		KT_EQ(it->creds.euid, 1001);
		KT_EQ(it->creds.suid, 1002);
		KT_EQ(it->creds.fsuid, 1003);
		KT_EQ(it->creds.gid, 2000);
		KT_EQ(it->creds.egid, 2001);
		KT_EQ(it->creds.sgid, 4294967295ULL);
		KT_EQ(it->creds.fsgid, 2003);
	}
	it = kt_info_item(info, KDBUS_ITEM_PIDS);
	if (KT_CHECK(it)) {
		KT_EQ(it->pids.pid, getpid());
		KT_EQ(it->pids.ppid, getppid());
	}
	it = kt_info_item(info, KDBUS_ITEM_SECLABEL);
	if (KT_CHECK(it))
		KT_CHECK(!strcmp(it->str, "kt_fake_label"));
	/* its messages carry no process metadata at all */
	m = send_recv(&f, &r, 1);
	if (strcmp(kt_msg_meta(m), "4,d,0"))
		kt_fail_at(__FILE__, __LINE__, "message items \"%s\", expected \"4,d,0\"",
			   kt_msg_meta(m));
	/* only what was given: PIDS alone */
	{
		struct kt_conn g;

		kt_buf_init(&ex, 0);
		pi.tid = 0;
		pi.ppid = 0;
		kt_buf_item(&ex, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
		KT_REQ_OK(kt_hello_ep(&g, &b, NULL, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex));
		KT_REQ_OK(kt_conn_info(&r, g.id, NULL, ALL, &info));
		if (strcmp(kt_info_meta(info), "2"))
			kt_fail_at(__FILE__, __LINE__, "CONN_INFO items \"%s\", expected \"2\"",
				   kt_info_meta(info));
	}
}

/* Receiver for the CAPS translation test. mode 0: uid 1000 in a user
 * namespace it created (0 → 1000); mode 1: root in a namespace nested two
 * levels deep (each 0 → 0). Reports its id, then the eight caps words of
 * each of n messages. */
static void caps_receiver(const struct kt_bus *b, int mode, int up, int n)
{
	struct kt_conn c;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	u32 words[8];

	/* (dumpable again after the uid change, so /proc/self stays ours) */
	if (mode == 0 && (kt_become(1000, 1000) || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)))
		_exit(3);
	for (int level = 0; level < (mode ? 2 : 1); level++) {
		char map[32];

		snprintf(map, sizeof(map), "0 %u 1", mode ? 0 : 1000);
		if (unshare(CLONE_NEWUSER) < 0 || kt_write_file("/proc/self/uid_map", map) ||
		    kt_write_file("/proc/self/setgroups", "deny") ||
		    kt_write_file("/proc/self/gid_map", map))
			_exit(4);
	}
	KT_REQ_OK(kt_hello_ep(&c, b, NULL, 0, ALL, ALL, KT_POOL_SIZE, NULL, NULL));
	KT_REQ(write(up, &c.id, 8) == 8);
	for (int i = 0; i < n; i++) {
		KT_REQ_OK(kt_recv_wait(&c, 5000, &m));
		it = kt_msg_item(m, KDBUS_ITEM_CAPS);
		KT_REQ(it && it->size == 16 + 4 + 32);
		memcpy(words, it->caps.caps, sizeof(words));
		KT_REQ(write(up, words, sizeof(words)) == sizeof(words));
		kt_free_msg(&c, m);
	}
	_exit(kt_failed);
}

static void check_caps(const u32 *w, const u32 *want, const char *what)
{
	for (int i = 0; i < 8; i++)
		if (w[i] != want[i]) {
			kt_fail_at(__FILE__, __LINE__, "%s: caps word %d is 0x%x, expected 0x%x", what, i,
				   w[i], want[i]);
			return;
		}
}

static void t_caps_translation(void)
{
	static const u32 ones[8] = { 0, 0, 0xffffffff, 0x1ff, 0xffffffff, 0x1ff, 0xffffffff, 0x1ff };
	/* uid 1000 keeps the inheritable set; no permitted or effective caps */
	static const u32 user[8] = { 1u << CAP_CHOWN, 0, 0, 0, 0, 0, 0xffffffff, 0x1ff };
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	u32 root[8] = { 1u << CAP_CHOWN, 0, 0xffffffff, 0x1ff, ~(1u << CAP_KILL), 0x1ff,
			0xffffffff, 0x1ff };
	struct kt_bus b;
	struct kt_conn a, r;
	u32 w[8];
	u64 id;

	/* root's own sets made recognisable: CAP_CHOWN inheritable, CAP_KILL
	 * not effective */
	KT_REQ(syscall(SYS_capget, &hdr, data) == 0);
	data[0].effective &= ~(1u << CAP_KILL);
	data[0].inheritable |= 1u << CAP_CHOWN;
	KT_REQ(syscall(SYS_capset, &hdr, data) == 0);
	setup(&b, &a, &r);
	for (int mode = 0; mode < 2; mode++) {
		int p[2];
		pid_t pid, snd;

		KT_REQ(pipe(p) == 0);
		pid = kt_fork();
		if (pid == 0)
			caps_receiver(&b, mode, p[1], 2);
		close(p[1]);
		KT_REQ(read(p[0], &id, 8) == 8);
		/* from root (all capabilities) */
		KT_REQ_OK(kt_send(&a, id, 1, "root"));
		KT_REQ(read(p[0], w, sizeof(w)) == sizeof(w));
		/* mode 0: the namespace belongs to uid 1000, not to the sender's
		 * euid: verbatim; mode 1: the top ancestor below ours belongs to
		 * root: all ones but inheritable */
		check_caps(w, mode ? ones : root, mode ? "nested ns, root sender" : "uid 1000 ns, root sender");
		/* from uid 1000 (bounding set only) */
		snd = kt_fork();
		if (snd == 0) {
			if (kt_become(1000, 1000))
				_exit(3);
			_exit(kt_send(&a, id, 2, "uid 1000") ? 4 : 0);
		}
		KT_REQ_EQ(kt_wait_child(snd), 0);
		KT_REQ(read(p[0], w, sizeof(w)) == sizeof(w));
		/* mode 0: uid 1000 owns the receiver's namespace → all ones;
		 * mode 1: root owns it → verbatim */
		check_caps(w, mode ? user : ones, mode ? "nested ns, uid 1000 sender" : "uid 1000 ns, uid 1000 sender");
		KT_EQ(kt_wait_child(pid), 0);
		close(p[0]);
	}
}

static void t_fake_pids_ns(void)
{
	struct kt_bus b;
	struct kt_conn r;
	struct kdbus_info *info;
	struct kdbus_item *it;
	int idp[2], pidp[2], gop[2];
	pid_t pid, inner = 0;
	u64 id = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&r, &b));
	KT_REQ(pipe(idp) == 0 && pipe(pidp) == 0 && pipe(gop) == 0);
	pid = kt_fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWPID) < 0)
			_exit(3);
		inner = fork();
		if (inner == 0) {
			/* pid 1 of the new namespace fakes itself: pid 1, tid 1 */
			struct kt_conn f;
			struct kt_buf ex;
			struct kdbus_pids pi = { 1, 1, 0 };
			char c;

			kt_buf_init(&ex, 0);
			kt_buf_item(&ex, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
			KT_REQ_OK(kt_hello_ep(&f, &b, NULL, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex));
			KT_REQ(write(idp[1], &f.id, 8) == 8);
			/* a number that only exists outside: EINVAL */
			pi.pid = (u64)getppid() + 100000;
			kt_buf_init(&ex, 0);
			kt_buf_item(&ex, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
			KT_ERR(kt_hello_ep(&f, &b, NULL, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
			KT_REQ(read(gop[0], &c, 1) == 1);
			_exit(kt_failed);
		}
		if (write(pidp[1], &inner, sizeof(inner)) != sizeof(inner))
			_exit(5);
		_exit(inner < 0 ? 6 : kt_wait_child(inner));
	}
	KT_REQ(read(pidp[0], &inner, sizeof(inner)) == sizeof(inner));
	KT_REQ(read(idp[0], &id, 8) == 8);
	/* looked up in the caller's namespace, shown in ours */
	KT_REQ_OK(kt_conn_info(&r, id, NULL, KDBUS_ATTACH_PIDS, &info));
	it = kt_info_item(info, KDBUS_ITEM_PIDS);
	if (KT_CHECK(it)) {
		KT_EQ(it->pids.pid, inner);
		KT_EQ(it->pids.tid, inner);
		KT_EQ(it->pids.ppid, 0);
	}
	KT_REQ(write(gop[1], "x", 1) == 1);
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_fake_creds_errors(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf ex;
	struct kdbus_pids pi = { 999999, 0, 0 };
	pid_t pid;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	/* a pid not found in the caller's pid namespace: EINVAL, FRESH */
	fd = kt_open_ep(&b, NULL);
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
	KT_ERR(kt_hello_fd(&c, fd, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
	pi.pid = (u64)getpid();
	pi.ppid = 999999;
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
	KT_ERR(kt_hello_fd(&c, fd, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
	KT_OK(kt_hello_fd(&c, fd, 0, ALL, 0, KT_POOL_SIZE, NULL, NULL));
	/* an id that cannot be mapped in the caller's user namespace: EINVAL */
	pid = kt_fork();
	if (pid == 0) {
		struct kdbus_creds cr = { 0, 0, 0, 0, 0, 0, 0, 0 };
		struct kt_conn d;

		if (unshare(CLONE_NEWUSER) < 0 || kt_write_file("/proc/self/uid_map", "0 0 1") ||
		    kt_write_file("/proc/self/setgroups", "deny") ||
		    kt_write_file("/proc/self/gid_map", "0 0 1"))
			_exit(3);
		fd = kt_open_ep(&b, NULL);
		cr.gid = 7; /* not mapped here */
		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
		KT_ERR(kt_hello_fd(&d, fd, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
		cr.gid = (u32)-1; /* unset is fine */
		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
		KT_OK(kt_hello_fd(&d, fd, 0, ALL, 0, KT_POOL_SIZE, NULL, &ex));
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

/*
 * §13.3 SECLABEL and AUDIT with an LSM and audit in the kernel (the debug
 * guest has AppArmor and audit; the public guest has neither, for size,
 * and skips this): the sender's label as /proc/self/attr/current shows it,
 * and the login uid and session it was given.
 */
static void t_seclabel_audit(void)
{
	char label[256], session[32];
	struct kdbus_msg *m;
	struct kdbus_item *it;
	struct kt_conn a, r;
	struct kt_bus b;
	pid_t pid;

	if (!have_seclabel() || !have_audit())
		kt_skip("no LSM or no audit in this kernel (the debug guest has both)");
	pid = kt_fork();
	if (pid == 0) {
		/* a login uid of its own (root may set it): a new session too */
		KT_REQ_OK(kt_write_file("/proc/self/loginuid", "4321"));
		KT_REQ(read_line("/proc/self/sessionid", session, sizeof(session)) == 0);
		KT_REQ(read_line("/proc/self/attr/current", label, sizeof(label)) == 0);
		setup(&b, &a, &r);
		m = send_recv(&a, &r, 1);
		it = kt_msg_item(m, KDBUS_ITEM_SECLABEL);
		if (KT_CHECK(it) && !KT_CHECK(!strcmp(it->str, label)))
			kt_diag("SECLABEL %s, /proc/self/attr/current %s", it->str, label);
		it = kt_msg_item(m, KDBUS_ITEM_AUDIT);
		if (KT_CHECK(it)) {
			KT_EQ(it->audit.loginuid, 4321);
			KT_EQ(it->audit.sessionid, strtoul(session, NULL, 10));
		}
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

const struct kt_test kt_tests_meta[] = {
	{ "meta", "message metadata: every item in §13.3 order, no SECLABEL/AUDIT without LSM/audit", t_order, 0 },
	{ "meta", "SECLABEL is the sender's LSM label, AUDIT its login uid and session (with an LSM and audit)", t_seclabel_audit, 0 },
	{ "meta", "TIMESTAMP: per-bus seqnum, clocks at send; notifications carry TIMESTAMP only", t_timestamp, 0 },
	{ "meta", "CREDS (eight ids), AUXGROUPS ascending, PIDS of a forked sender", t_creds_auxgroups, 0 },
	{ "meta", "all receivers of one message see the same items; 300 AUXGROUPS ascending", t_consistent, 0 },
	{ "meta", "PIDS, TID_COMM and PID_COMM of a sending thread", t_pids_comm, 0 },
	{ "meta", "EXE is the executable path, CMDLINE argv[0] only", t_exe_cmdline, 0 },
	{ "meta", "CGROUP is the unified-hierarchy path", t_cgroup, 0 },
	{ "meta", "CAPS: last_cap and the four sets of the sender", t_caps, 0 },
	{ "meta", "OWNED_NAME per primary name with flags (not queued), CONN_DESCRIPTION", t_names_description, 0 },
	{ "meta", "the receiver's mask selects each item alone; mask 0 gives none", t_recv_mask, 0 },
	{ "meta", "a visible receiver gets /proc-readable items whatever the send mask", t_procvis, 0 },
	{ "meta", "user+pid namespace receiver: withheld flags never arrive, ids 65534 / pids 0", t_withheld_across_ns, 30 },
	{ "meta", "metadata is fixed at SEND; UPDATE masks apply to later messages, EINVAL", t_update_masks, 0 },
	{ "meta", "EXE only for receivers with the sender's root; CONN_INFO relative to the caller's", t_exe_other_root, 0 },
	{ "meta", "sender in its own user+pid namespace: CAPS zero, ids and pids in the receiver's view", t_foreign_ns_sender, 0 },
	{ "meta", "CONN_INFO: HELLO snapshot, live names, requested ∩ send mask, no TIMESTAMP", t_conn_info, 0 },
	{ "meta", "BUS_CREATOR_INFO: BUS_MAKE snapshot masked by the owner mask", t_creator_info, 0 },
	{ "meta", "required mask refuses HELLO of every connection type with ECONNREFUSED", t_required_all_types, 0 },
	{ "meta", "a bus without a required mask behaves like upstream", t_required_absent, 0 },
	{ "meta", "fake credentials: CONN_INFO shows exactly them, messages carry no process items", t_fake_creds, 0 },
	{ "meta", "fake credentials: unknown pids and unmappable ids give EINVAL", t_fake_creds_errors, 0 },
	{ "meta", "CAPS translation: ns owned by the sender's euid all ones, otherwise verbatim", t_caps_translation, 0 },
	{ "meta", "fake PIDS are looked up in the caller's pid namespace", t_fake_pids_ns, 0 },
	KT_TESTS_END
};
