// SPDX-License-Identifier: MIT
/* §14.1 fixed limits and §14.2 receive quota, each with its errno. */
#define _GNU_SOURCE
#include "kt.h"

#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

static int fresh_domain(char *dir, size_t n, const char *tag)
{
	snprintf(dir, n, "/tmp/kt-lim-%s-%d", tag, (int)getpid());
	mkdir(dir, 0755);
	return mount("kdbusfs", dir, "kdbusfs", 0, NULL) < 0 ? errno : 0;
}

static void t_command_size(void)
{
	static struct kt_buf kb;
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_vec zero = { 8, { 0 } };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&c, &b));
	kt_msg_init(&kb, c.id, 0, 1, 0);
	while (kb.len < 32768)
		kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &zero, sizeof(zero));
	KT_REQ_EQ(kb.len, 32768);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &zero, sizeof(zero));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMSGSIZE);
	KT_EQ(kt_drain(&c), 1);
}

static void t_vec_total(void)
{
	static struct kt_buf kb;
	static u8 payload[2 * 1024 * 1024 + 8];
	struct kt_bus b;
	struct kt_conn a, c;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_hello(&c, &b, 0, 16 * 1024 * 1024));
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_vec(&kb, payload, 1024 * 1024);
	kt_msg_vec(&kb, payload, 1024 * 1024 + 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMSGSIZE);
	kt_msg_init(&kb, c.id, 0, 2, 0);
	kt_msg_vec(&kb, payload, 1024 * 1024);
	kt_msg_vec(&kb, payload, 1024 * 1024);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_EQ(kt_drain(&c), 1);
}

static void t_memfd_count(void)
{
	static struct kt_buf kb;
	struct kt_bus b;
	struct kt_conn a, c;
	int fd = memfd_create("kt", MFD_ALLOW_SEALING);
	struct kdbus_memfd mf = { 0, 8, fd, 0 };

	KT_REQ(fd >= 0);
	KT_REQ(write(fd, "12345678", 8) == 8);
	KT_REQ(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0);
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&c, &b));
	kt_msg_init(&kb, c.id, 0, 1, 0);
	for (int i = 0; i < 16; i++)
		kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), E2BIG);
	KT_EQ(kt_drain(&c), 1);
}

static void t_fds_per_message(void)
{
	struct kt_buf kb;
	struct kt_bus b;
	struct kt_conn a, c;
	int fds[17], p[2];

	KT_REQ(pipe(p) == 0);
	for (int i = 0; i < 17; i++)
		fds[i] = p[0];
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&c, &b));
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, fds, 16);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	kt_msg_init(&kb, c.id, 0, 2, 0);
	kt_msg_fds(&kb, fds, 17);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMFILE);
}

static void t_fds_in_flight(void)
{
	struct kt_buf kb;
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg *m;
	int fds[10], p[2];

	KT_REQ(pipe(p) == 0);
	for (int i = 0; i < 10; i++)
		fds[i] = p[0];
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&c, &b));
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, fds, 10);
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	kt_msg_init(&kb, c.id, 0, 2, 0);
	kt_msg_fds(&kb, fds, 6);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL)); /* 16 in flight */
	kt_msg_init(&kb, c.id, 0, 3, 0);
	kt_msg_fds(&kb, fds, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMFILE);
	/* receiving releases the charge */
	KT_REQ_OK(kt_recv_wait(&c, 1000, &m));
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
}

static void t_queued_messages(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg *m;
	int i, e = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&c, &b));
	for (i = 0; i < 300; i++) {
		e = kt_send(&a, c.id, (u64)i + 1, NULL);
		if (e)
			break;
	}
	KT_ERR(e, ENOBUFS);
	KT_EQ(i, 256);
	KT_REQ_OK(kt_recv_wait(&c, 1000, &m));
	KT_OK(kt_send(&a, c.id, 1000, NULL));
	KT_ERR(kt_send(&a, c.id, 1001, NULL), ENOBUFS);
	{
		struct kdbus_cmd_recv r;

		KT_REQ_OK(kt_recv(&c, KDBUS_RECV_DROP, 0, &r)); /* dropping releases too */
		KT_OK(kt_send(&a, c.id, 1002, NULL));
		KT_REQ_OK(kt_recv(&c, KDBUS_RECV_PEEK, 0, &r)); /* peeking does not */
		KT_ERR(kt_send(&a, c.id, 1003, NULL), ENOBUFS);
	}
}

static void t_pool_share(void)
{
	static struct kt_buf kb;
	static u8 payload[2 * 1024 * 1024];
	struct kt_bus b;
	struct kt_conn a, c;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_hello(&c, &b, 0, 16 * 1024 * 1024));
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_vec(&kb, payload, sizeof(payload));
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ENOBUFS);
	KT_OK(kt_send(&a, c.id, 2, "small messages still fit"));
	/* share = 8388608 / 3 = 2796202 bytes; 2097248 + 128 are used, 698826 left */
	kt_msg_init(&kb, c.id, 0, 3, 0);
	kt_msg_vec(&kb, payload, 698826 - 96 - 800);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	kt_msg_init(&kb, c.id, 0, 4, 0);
	kt_msg_vec(&kb, payload, 1000);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ENOBUFS);
}

static void t_pool_half(void)
{
	static struct kt_buf kb;
	static u8 payload[8192];
	static const int expect[4] = { 9, 6, 4, 3 };
	struct kt_bus b;
	struct kt_conn c, ph;
	struct kt_buf ex;
	struct kdbus_policy_access pa = { KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0 };
	int fd, e, i;

	/* Four sending users share a 64 KiB pool (half = 32768): each may use a
	 * third of what is left, so 1096-byte messages fit 9, 6, 4, 3 times.
	 * Other users need TALK: a policy holder grants it for the receiver's name. */
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_hello(&c, &b, 0, 64 * 1024));
	KT_REQ_OK(kt_name_acquire(&c, "org.example.quota", 0, NULL));
	fd = kt_open_ep(&b, NULL);
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	KT_REQ_OK(kt_hello_fd(&ph, fd, KDBUS_HELLO_POLICY_HOLDER, 0, 0, 4096, "org.example.quota", &ex));
	for (i = 0; i < 4; i++) {
		pid_t pid = kt_fork();

		if (pid == 0) {
			struct kt_conn x;
			int k = 0;

			if (kt_become(1000 + (uid_t)i, 1000 + (gid_t)i))
				_exit(200);
			if (kt_hello(&x, &b, 0, 4096))
				_exit(201);
			for (;;) {
				kt_msg_init(&kb, c.id, 0, 1, 0);
				kt_msg_vec(&kb, payload, 1000);
				e = kt_send_buf(&x, &kb, 0, -1, NULL);
				if (e)
					break;
				k++;
			}
			if (e != ENOBUFS)
				kt_diag("user %d: message %d: %s", 1000 + i, k + 1, kt_errname(e));
			_exit(e == ENOBUFS ? k : 250);
		}
		e = kt_wait_child(pid);
		if (e != expect[i])
			kt_fail_at(__FILE__, __LINE__, "user %d queued %d messages, expected %d",
				   1000 + i, e, expect[i]);
	}
}

static void t_reply_expectations(void)
{
	struct kt_bus b;
	struct kt_conn a, c, d;
	u64 later = kt_now_ns() + 60000 * KT_MS;
	int i, e = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&d, &b));
	for (i = 0; i < 200; i++) {
		e = kt_send_call(&a, i % 2 ? c.id : d.id, (u64)i + 1, later);
		if (e)
			break;
	}
	KT_ERR(e, EMLINK);
	KT_EQ(i, 128);
	/* plain messages still go */
	KT_OK(kt_send(&a, c.id, 999, NULL));
	/* a reply frees a slot */
	KT_OK(kt_send_reply(&c, a.id, 2, NULL));
	KT_OK(kt_send_call(&a, c.id, 5000, later));
	KT_ERR(kt_send_call(&a, c.id, 5001, later), EMLINK);
}

static void t_name_records(void)
{
	struct kt_bus b;
	struct kt_conn c, o;
	char name[64];
	int i, e = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&o, &b));
	KT_REQ_OK(kt_name_acquire(&o, "org.example.queued", 0, NULL));
	KT_REQ_OK(kt_name_acquire(&c, "org.example.queued", KDBUS_NAME_QUEUE, NULL));
	for (i = 1; i < 300; i++) {
		snprintf(name, sizeof(name), "org.example.n%d", i);
		e = kt_name_acquire(&c, name, 0, NULL);
		if (e)
			break;
	}
	KT_ERR(e, E2BIG);
	KT_EQ(i, 256); /* 255 owned + 1 queued */
	/* re-acquiring an owned name is no new record */
	KT_OK(kt_name_acquire(&c, "org.example.n1", 0, NULL));
	KT_OK(kt_name_release(&c, "org.example.queued"));
	KT_OK(kt_name_acquire(&c, name, 0, NULL));
}

static void t_match_entries(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;
	int i, e = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	for (i = 0; i < 5000; i++) {
		e = kt_match_all(&c, (u64)i % 4000);
		if (e)
			break;
	}
	KT_ERR(e, EMFILE);
	KT_EQ(i, 4096);
	/* REPLACE removes first, then counts */
	/* cookie 7 has two entries (7, 4007): REPLACE leaves 4095, one more fits */
	kt_match_init(&kb, 7, KDBUS_MATCH_REPLACE);
	KT_OK(kt_match_add_buf(&c, &kb));
	KT_OK(kt_match_all(&c, 4001));
	KT_ERR(kt_match_all(&c, 4002), EMFILE);
	/* at the limit, REPLACE of an existing cookie still works */
	kt_match_init(&kb, 4001, KDBUS_MATCH_REPLACE);
	KT_OK(kt_match_add_buf(&c, &kb));
	KT_OK(kt_match_remove(&c, 3));
	KT_OK(kt_match_all(&c, 4002));
}

static void t_connections(void)
{
	char dir[128];
	struct kt_bus b;
	struct rlimit rl = { 4096, 4096 };
	static int fds[1100];
	int i, e = 0;

	setrlimit(RLIMIT_NOFILE, &rl);
	KT_REQ_OK(fresh_domain(dir, sizeof(dir), "conn"));
	KT_REQ_OK(kt_bus_make_full(&b, dir, KDBUS_MAKE_ACCESS_WORLD, 8, 1, NULL, 0));
	for (i = 0; i < 1100; i++) {
		struct kdbus_cmd_hello h = { .size = sizeof(h), .pool_size = 4096 };

		fds[i] = kt_open_ep(&b, NULL);
		if (fds[i] < 0) {
			kt_fail_at(__FILE__, __LINE__, "open #%d: %s", i, kt_errname(errno));
			break;
		}
		e = kt_ioctl(fds[i], KDBUS_CMD_HELLO, &h);
		if (e)
			break;
	}
	KT_ERR(e, EMFILE);
	KT_EQ(i, 1024);
	/* another user is accounted separately */
	{
		pid_t pid = kt_fork();

		if (pid == 0) {
			struct kt_conn c;

			if (kt_become(1000, 1000))
				_exit(3);
			_exit(kt_hello(&c, &b, 0, 4096) ? 1 : 0);
		}
		KT_EQ(kt_wait_child(pid), 0);
	}
	close(fds[0]);
	{
		struct kdbus_cmd_hello h = { .size = sizeof(h), .pool_size = 4096 };

		KT_OK(kt_ioctl(fds[i], KDBUS_CMD_HELLO, &h));
	}
	umount2(dir, MNT_DETACH);
}

static void t_buses(void)
{
	char dir[128];
	struct kt_bus b[17];
	int i, e = 0;

	KT_REQ_OK(fresh_domain(dir, sizeof(dir), "bus"));
	for (i = 0; i < 17; i++) {
		e = kt_bus_make_full(&b[i], dir, 0, 8, 1, NULL, 0);
		if (e)
			break;
	}
	KT_ERR(e, EMFILE);
	KT_EQ(i, 16);
	kt_bus_close(&b[3]);
	KT_OK(kt_bus_make_full(&b[3], dir, 0, 8, 1, NULL, 0));
	umount2(dir, MNT_DETACH);
}

static void t_name_lengths(void)
{
	struct kt_bus b;
	struct kt_conn c;
	char name[300];
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	memset(name, 'n', sizeof(name));
	name[3] = '.';
	name[255] = 0;
	KT_OK(kt_name_acquire(&c, name, 0, NULL));
	name[255] = 'n';
	name[256] = 0;
	KT_ERR(kt_name_acquire(&c, name, 0, NULL), EINVAL);
	fd = kt_open_control(NULL);
	snprintf(name, sizeof(name), "%u-", (unsigned int)geteuid());
	memset(name + strlen(name), 'b', 64);
	name[63] = 0;
	name[62] = (char)('a' + getpid() % 26);
	KT_OK(kt_bus_cmd(fd, 0, name, 8, 1));
	fd = kt_open_control(NULL);
	name[63] = 'x';
	name[64] = 0;
	KT_ERR(kt_bus_cmd(fd, 0, name, 8, 1), ENAMETOOLONG);
}

const struct kt_test kt_tests_limits[] = {
	{ "limits", "message struct up to 32768 bytes, above EMSGSIZE", t_command_size, 0 },
	{ "limits", "PAYLOAD_VEC total 2 MiB ok, one byte more EMSGSIZE", t_vec_total, 0 },
	{ "limits", "16 PAYLOAD_MEMFD items ok, 17 E2BIG", t_memfd_count, 0 },
	{ "limits", "16 descriptors per message ok, 17 EMFILE", t_fds_per_message, 0 },
	{ "limits", "16 in-flight descriptors per sending user per receiver, then EMFILE", t_fds_in_flight, 0 },
	{ "limits", "256 queued messages per sending user per receiver, then ENOBUFS", t_queued_messages, 0 },
	{ "limits", "pool share: a 2 MiB message fits once in a 16 MiB pool, then ENOBUFS", t_pool_share, 0 },
	{ "limits", "accounted bytes stay below half the pool with several senders", t_pool_half, 0 },
	{ "limits", "128 outstanding reply expectations, then EMLINK", t_reply_expectations, 0 },
	{ "limits", "256 name records (owned + queued), then E2BIG", t_name_records, 0 },
	{ "limits", "4096 match entries, then EMFILE (REPLACE counts after removal)", t_match_entries, 0 },
	{ "limits", "1024 connections per user per domain, then EMFILE", t_connections, 60 },
	{ "limits", "16 buses per user per domain, then EMFILE", t_buses, 0 },
	{ "limits", "well-known names up to 255 chars, sysnames up to 63", t_name_lengths, 0 },
	KT_TESTS_END
};
