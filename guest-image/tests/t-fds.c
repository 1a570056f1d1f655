// SPDX-License-Identifier: MIT
/* §6.4 import of descriptors and memfds, §6.11 installation at RECV. */
#define _GNU_SOURCE
#include "kt.h"

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

static int memfd(const char *data, size_t len, int seals)
{
	int fd = memfd_create("kt-fds", MFD_ALLOW_SEALING | MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len)
		return -1;
	if (seals && fcntl(fd, F_ADD_SEALS, seals) < 0)
		return -1;
	return fd;
}

static int send_fds(const struct kt_conn *a, u64 dst, u64 cookie, const int *fds, unsigned int n)
{
	struct kt_buf kb;

	kt_msg_init(&kb, dst, 0, cookie, 0);
	kt_msg_fds(&kb, fds, n);
	return kt_send_buf(a, &kb, 0, -1, NULL);
}

static int send_memfd(const struct kt_conn *a, u64 dst, u64 flags, u64 cookie, int fd,
		      u64 start, u64 size)
{
	struct kt_buf kb;
	struct kdbus_memfd mf = { start, size, fd, 0 };

	kt_msg_init(&kb, dst, flags, cookie, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	if (flags & KDBUS_MSG_SIGNAL) {
		u64 bloom[KT_BLOOM_SIZE / 8] = { 0 };

		kt_msg_bloom(&kb, 0, bloom, sizeof(bloom));
	}
	return kt_send_buf(a, &kb, 0, -1, NULL);
}

static void two(struct kt_bus *b, struct kt_conn *a, struct kt_conn *r)
{
	KT_REQ_OK(kt_bus_make(b));
	KT_REQ_OK(kt_conn(a, b));
	KT_REQ_OK(kt_conn(r, b));
}

static int same_file(int x, int y)
{
	struct stat s1, s2;

	if (fstat(x, &s1) || fstat(y, &s2))
		return 0;
	return s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino;
}

static void t_accept_fd(void)
{
	struct kt_bus b;
	struct kt_conn a, r, nofd;
	struct kdbus_msg *m;
	int p[2], mfd;

	KT_REQ(pipe(p) == 0);
	two(&b, &a, &r);
	KT_REQ_OK(kt_hello(&nofd, &b, 0, KT_POOL_SIZE));
	KT_ERR(send_fds(&a, nofd.id, 1, p, 1), ECOMM);
	KT_ERR(send_fds(&a, nofd.id, 2, p, 2), ECOMM);
	KT_EQ(kt_drain(&nofd), 0);
	/* an empty FDS item carries nothing and is fine */
	KT_OK(send_fds(&a, nofd.id, 3, p, 0));
	/* memfds are payload, not descriptors in the ACCEPT_FD sense */
	mfd = memfd("12345678", 8, SEALS);
	KT_REQ(mfd >= 0);
	KT_OK(send_memfd(&a, nofd.id, 0, 4, mfd, 0, 8));
	KT_OK(send_fds(&a, r.id, 5, p, 2));
	KT_REQ_OK(kt_recv_wait(&nofd, 1000, &m));
	KT_EQ(m->cookie, 3);
	KT_REQ_OK(kt_recv_wait(&nofd, 1000, &m));
	KT_EQ(m->cookie, 4);
	KT_REQ_OK(kt_recv_wait(&r, 1000, &m));
	KT_EQ(m->cookie, 5);
}

static void t_kdbus_handles(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	int fds[4];

	two(&b, &a, &r);
	fds[0] = kt_open_control(NULL);		/* fresh control handle */
	fds[1] = b.fd;				/* bus owner handle */
	fds[2] = kt_open_ep(&b, NULL);		/* fresh endpoint handle */
	fds[3] = kt_ep_make(&b, "0-fds", 0);	/* endpoint owner handle */
	for (int i = 0; i < 4; i++) {
		KT_REQ(fds[i] >= 0);
		KT_ERR(send_fds(&a, r.id, 1 + i, &fds[i], 1), EOPNOTSUPP);
	}
	KT_ERR(send_fds(&a, r.id, 5, &r.fd, 1), EOPNOTSUPP);  /* connection */
	/* any kdbusfs file: directories too */
	{
		int d[2] = { open(KT_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
			     open(b.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) };

		KT_REQ(d[0] >= 0 && d[1] >= 0);
		KT_ERR(send_fds(&a, r.id, 8, &d[0], 1), EOPNOTSUPP);
		KT_ERR(send_fds(&a, r.id, 9, &d[1], 1), EOPNOTSUPP);
	}
	KT_ERR(send_fds(&a, r.id, 6, &a.fd, 1), EOPNOTSUPP);  /* own connection */
	/* anywhere in the item */
	{
		int p[2], mix[3];

		KT_REQ(pipe(p) == 0);
		mix[0] = p[0];
		mix[1] = p[1];
		mix[2] = fds[2];
		KT_ERR(send_fds(&a, r.id, 7, mix, 3), EOPNOTSUPP);
	}
	KT_EQ(kt_drain(&r), 0);
}

static void t_unix_sockets(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	struct kt_bus b;
	struct kt_conn a, r;

	two(&b, &a, &r);
	for (int i = 0; i < 3; i++) {
		int sp[2];

		KT_REQ(socketpair(AF_UNIX, types[i], 0, sp) == 0);
		KT_ERR(send_fds(&a, r.id, 1 + i, sp, 1), EOPNOTSUPP);
		close(sp[0]);
		close(sp[1]);
	}
	{
		int s = socket(AF_UNIX, SOCK_DGRAM, 0);

		KT_REQ(s >= 0);
		KT_ERR(send_fds(&a, r.id, 9, &s, 1), EOPNOTSUPP);
	}
	KT_EQ(kt_drain(&r), 0);
}

static void t_o_path(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct sockaddr_un sa = { AF_UNIX, "" };
	struct kdbus_msg *m;
	struct kdbus_item *it;
	int fds[3], s;

	two(&b, &a, &r);
	/* O_PATH descriptors are always accepted: of a kdbus node, of a socket */
	fds[0] = open(KT_ROOT "/control", O_PATH | O_CLOEXEC);
	fds[1] = open(b.ep, O_PATH | O_CLOEXEC);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/kt-fds-%d", (int)getpid());
	unlink(sa.sun_path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	KT_REQ(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	fds[2] = open(sa.sun_path, O_PATH | O_CLOEXEC);
	unlink(sa.sun_path);
	KT_REQ(fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0);
	KT_OK(send_fds(&a, r.id, 1, fds, 3));
	KT_REQ_OK(kt_recv_wait(&r, 1000, &m));
	it = kt_msg_item(m, KDBUS_ITEM_FDS);
	KT_REQ(it && it->size == 16 + 12);
	for (int i = 0; i < 3; i++) {
		KT_CHECK(it->fds[i] >= 0);
		KT_CHECK(same_file(it->fds[i], fds[i]));
		KT_EQ(fcntl(it->fds[i], F_GETFL) & O_PATH, O_PATH);
	}
}

static void t_other_files(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	int fds[6], p[2];

	two(&b, &a, &r);
	KT_REQ(pipe(p) == 0);
	fds[5] = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0); /* not AF_UNIX: fine */
	fds[0] = p[0];
	fds[1] = p[1];
	fds[2] = eventfd(0, EFD_CLOEXEC);
	fds[3] = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	fds[4] = memfd("x", 1, 0); /* a memfd as plain descriptor: no seals needed */
	for (int i = 0; i < 6; i++)
		KT_REQ(fds[i] >= 0);
	KT_OK(send_fds(&a, r.id, 1, fds, 6));
	KT_REQ_OK(kt_recv_wait(&r, 1000, &m));
	it = kt_msg_item(m, KDBUS_ITEM_FDS);
	KT_REQ(it && it->size == 16 + 24);
	for (int i = 0; i < 6; i++)
		KT_CHECK(same_file(it->fds[i], fds[i]));
}

static void t_ebadf(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	int bad[2] = { -1, -5 }, p[2], mix[2];

	two(&b, &a, &r);
	KT_ERR(send_fds(&a, r.id, 1, &bad[0], 1), EBADF);
	KT_ERR(send_fds(&a, r.id, 2, &bad[1], 1), EBADF);
	KT_REQ(pipe(p) == 0);
	mix[0] = p[0];
	mix[1] = p[1];
	close(p[1]);
	KT_ERR(send_fds(&a, r.id, 3, mix, 2), EBADF);
	KT_ERR(send_memfd(&a, r.id, 0, 4, p[1], 0, 8), EBADF);
	KT_ERR(send_memfd(&a, r.id, 0, 5, -1, 0, 8), EBADF);
	KT_EQ(kt_drain(&r), 0);
}

static void t_install(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_cmd_recv rv;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	int p[2], fds[2];
	char c = 0;

	two(&b, &a, &r);
	KT_REQ(pipe(p) == 0);
	KT_REQ_OK(send_fds(&a, r.id, 1, p, 2));
	/* not installed at SEND, nor by PEEK */
	KT_REQ_OK(kt_recv(&r, KDBUS_RECV_PEEK, 0, &rv));
	m = kt_pool_msg(&r, rv.msg.offset);
	it = kt_msg_item(m, KDBUS_ITEM_FDS);
	KT_REQ(it);
	KT_EQ(it->fds[0], -1);
	KT_EQ(it->fds[1], -1);
	kt_free(&r, rv.msg.offset);
	/* the sender's copies may go: the message holds the files */
	close(p[0]);
	close(p[1]);
	KT_REQ_OK(kt_recv(&r, 0, 0, &rv));
	KT_EQ(rv.msg.return_flags, 0);
	m = kt_pool_msg(&r, rv.msg.offset);
	it = kt_msg_item(m, KDBUS_ITEM_FDS);
	KT_REQ(it);
	fds[0] = it->fds[0];
	fds[1] = it->fds[1];
	KT_REQ(fds[0] >= 0 && fds[1] >= 0 && fds[0] != fds[1]);
	KT_EQ(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	KT_EQ(fcntl(fds[1], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	KT_EQ(write(fds[1], "k", 1), 1);
	KT_EQ(read(fds[0], &c, 1), 1);
	KT_EQ(c, 'k');
	/* the same descriptor twice in one item gives two numbers */
	KT_REQ(pipe(p) == 0);
	{
		int twice[2] = { p[0], p[0] };

		KT_REQ_OK(send_fds(&a, r.id, 2, twice, 2));
		KT_REQ_OK(kt_recv_wait(&r, 1000, &m));
		it = kt_msg_item(m, KDBUS_ITEM_FDS);
		KT_REQ(it);
		KT_CHECK(it->fds[0] >= 0 && it->fds[1] >= 0 && it->fds[0] != it->fds[1]);
		KT_CHECK(same_file(it->fds[0], p[0]) && same_file(it->fds[1], p[0]));
	}
}

static void t_sync_install(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kt_buf kb;
	struct kdbus_msg_info reply;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	int p[2], mfd;
	pid_t pid;

	two(&b, &a, &r);
	KT_REQ(pipe(p) == 0);
	mfd = memfd("sync-memfd-data!", 16, SEALS);
	KT_REQ(mfd >= 0);
	pid = kt_fork();
	if (pid == 0) {
		struct kdbus_memfd mf = { 0, 16, mfd, 0 };
		struct kdbus_msg *c;

		KT_REQ_OK(kt_recv_wait(&r, 5000, &c));
		kt_msg_init(&kb, a.id, 0, 0, c->cookie);
		kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
		kt_msg_fds(&kb, p, 2);
		KT_OK(kt_send_buf(&r, &kb, 0, -1, NULL));
		_exit(kt_failed);
	}
	kt_msg_init(&kb, r.id, KDBUS_MSG_EXPECT_REPLY, 9, kt_now_ns() + 10000 * KT_MS);
	kt_msg_vec(&kb, "call", 5);
	KT_REQ_OK(kt_send_buf(&a, &kb, KDBUS_SEND_SYNC_REPLY, -1, &reply));
	KT_EQ(kt_wait_child(pid), 0);
	KT_EQ(reply.return_flags, 0);
	m = kt_pool_msg(&a, reply.offset);
	KT_EQ(m->cookie_reply, 9);
	/* the completion of a synchronous call installs like RECV */
	it = kt_msg_item(m, KDBUS_ITEM_FDS);
	KT_REQ(it && it->size == 16 + 8);
	for (int i = 0; i < 2; i++) {
		KT_CHECK(it->fds[i] >= 0 && same_file(it->fds[i], p[i]));
		KT_EQ(fcntl(it->fds[i], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	}
	it = kt_msg_item(m, KDBUS_ITEM_PAYLOAD_MEMFD);
	KT_REQ(it);
	KT_CHECK(it->memfd.fd >= 0 && same_file(it->memfd.fd, mfd));
	KT_EQ(fcntl(it->memfd.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

static void t_incomplete(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	struct kdbus_cmd_recv rv;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	struct rlimit rl;
	int p[2], fds[4], lowest, got = 0;

	two(&b, &a, &r);
	KT_REQ(pipe(p) == 0);
	for (int i = 0; i < 4; i++)
		fds[i] = p[0];
	KT_REQ_OK(send_fds(&a, r.id, 1, fds, 4));
	/* leave room for exactly two more descriptors */
	lowest = dup(0);
	KT_REQ(lowest >= 0);
	close(lowest);
	for (int fd = lowest; fd < 64; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			dup2(p[1], fd);
	rl.rlim_cur = 66;
	rl.rlim_max = 8192;
	KT_REQ(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	KT_REQ_OK(kt_recv(&r, 0, 0, &rv));
	KT_EQ(rv.msg.return_flags, KDBUS_RECV_RETURN_INCOMPLETE_FDS);
	m = kt_pool_msg(&r, rv.msg.offset);
	KT_EQ(m->cookie, 1);
	it = kt_msg_item(m, KDBUS_ITEM_FDS);
	KT_REQ(it);
	for (int i = 0; i < 4; i++)
		got += it->fds[i] >= 0;
	KT_EQ(got, 2);
}

static void t_seals(void)
{
	static const int missing[] = { F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, F_SEAL_SEAL };
	struct kt_bus b;
	struct kt_conn a, r;

	two(&b, &a, &r);
	for (int i = 0; i < 4; i++) {
		int fd = memfd("12345678", 8, SEALS & ~missing[i]);

		KT_REQ(fd >= 0);
		KT_ERR(send_memfd(&a, r.id, 0, 1 + i, fd, 0, 8), ETXTBSY);
		close(fd);
	}
	{
		int fd = memfd("12345678", 8, 0);

		KT_REQ(fd >= 0);
		KT_ERR(send_memfd(&a, r.id, 0, 5, fd, 0, 8), ETXTBSY);
		KT_REQ(fcntl(fd, F_ADD_SEALS, SEALS) == 0);
		KT_OK(send_memfd(&a, r.id, 0, 6, fd, 0, 8));
	}
	KT_EQ(kt_drain(&r), 1);
}

static void t_not_memfd(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	int p[2], e, f;

	two(&b, &a, &r);
	KT_REQ(pipe(p) == 0);
	e = eventfd(0, EFD_CLOEXEC);
	f = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	KT_REQ(e >= 0 && f >= 0);
	KT_ERR(send_memfd(&a, r.id, 0, 1, p[0], 0, 1), EMEDIUMTYPE);
	KT_ERR(send_memfd(&a, r.id, 0, 2, e, 0, 1), EMEDIUMTYPE);
	KT_ERR(send_memfd(&a, r.id, 0, 3, f, 0, 1), EMEDIUMTYPE);
	KT_ERR(send_memfd(&a, r.id, 0, 4, r.fd, 0, 1), EMEDIUMTYPE);
	KT_EQ(kt_drain(&r), 0);
}

static void t_memfd_range(void)
{
	struct kt_bus b;
	struct kt_conn a, r;
	int fd;

	two(&b, &a, &r);
	fd = memfd("0123456789abcdef", 16, SEALS);
	KT_REQ(fd >= 0);
	KT_OK(send_memfd(&a, r.id, 0, 1, fd, 0, 16));
	KT_OK(send_memfd(&a, r.id, 0, 2, fd, 8, 8));
	KT_OK(send_memfd(&a, r.id, 0, 3, fd, 15, 1));
	KT_ERR(send_memfd(&a, r.id, 0, 4, fd, 0, 17), EFAULT);
	KT_ERR(send_memfd(&a, r.id, 0, 5, fd, 9, 8), EFAULT);
	KT_ERR(send_memfd(&a, r.id, 0, 6, fd, 16, 1), EFAULT);
	KT_EQ(kt_drain(&r), 3);
}

static void t_memfd_install(void)
{
	struct kt_bus b;
	struct kt_conn a, r, nofd;
	struct kdbus_cmd_recv rv;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	char buf[16] = "";
	int fd, p[2], fds[16];

	two(&b, &a, &r);
	KT_REQ_OK(kt_hello(&nofd, &b, 0, KT_POOL_SIZE));
	KT_REQ_OK(kt_match_all(&nofd, 1));
	fd = memfd("0123456789abcdef", 16, SEALS);
	KT_REQ(fd >= 0);
	KT_REQ_OK(send_memfd(&a, nofd.id, 0, 1, fd, 4, 8));
	KT_REQ_OK(kt_recv(&nofd, KDBUS_RECV_PEEK, 0, &rv));
	it = kt_msg_item(kt_pool_msg(&nofd, rv.msg.offset), KDBUS_ITEM_PAYLOAD_MEMFD);
	KT_REQ(it);
	KT_EQ(it->memfd.fd, -1);
	kt_free(&nofd, rv.msg.offset);
	/* installed even without ACCEPT_FD, with O_CLOEXEC */
	KT_REQ_OK(kt_recv_wait(&nofd, 1000, &m));
	it = kt_msg_item(m, KDBUS_ITEM_PAYLOAD_MEMFD);
	KT_REQ(it && it->memfd.fd >= 0);
	KT_EQ(it->memfd.start, 4);
	KT_EQ(it->memfd.size, 8);
	KT_CHECK(same_file(it->memfd.fd, fd));
	KT_EQ(fcntl(it->memfd.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	KT_EQ(pread(it->memfd.fd, buf, 8, 4), 8);
	KT_CHECK(!memcmp(buf, "456789ab", 8));
	KT_EQ(fcntl(it->memfd.fd, F_GET_SEALS), SEALS);
	/* a memfd may be broadcast (FDS may not) */
	KT_OK(send_memfd(&a, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 2, fd, 0, 16));
	KT_REQ_OK(kt_recv_wait(&nofd, 1000, &m));
	KT_EQ(m->cookie, 2);
	it = kt_msg_item(m, KDBUS_ITEM_PAYLOAD_MEMFD);
	KT_CHECK(it && it->memfd.fd >= 0);
	/* memfds do not count against the 16 in-flight descriptors */
	KT_REQ(pipe(p) == 0);
	for (int i = 0; i < 16; i++)
		fds[i] = p[0];
	KT_REQ_OK(send_fds(&a, r.id, 3, fds, 16));
	KT_OK(send_memfd(&a, r.id, 0, 4, fd, 0, 16));
	KT_ERR(send_fds(&a, r.id, 5, fds, 1), EMFILE);
}

static void t_count_limits(void)
{
	static const struct kdbus_policy_access talk = { KDBUS_POLICY_ACCESS_WORLD,
							 KDBUS_POLICY_TALK, 0 };
	struct kt_bus b;
	struct kt_conn a, r, ph;
	struct kt_buf ex;
	struct kdbus_msg *m;
	int p[2], fds[17];
	pid_t pid;

	two(&b, &a, &r);
	KT_REQ(pipe(p) == 0);
	for (int i = 0; i < 17; i++)
		fds[i] = p[i % 2];
	KT_ERR(send_fds(&a, r.id, 1, fds, 17), EMFILE);
	KT_OK(send_fds(&a, r.id, 2, fds, 16));
	KT_ERR(send_fds(&a, r.id, 3, fds, 1), EMFILE);
	/* the limit is per sending user: uid 1000 may still pass 16 */
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_POLICY_ACCESS, &talk, sizeof(talk));
	KT_REQ_OK(kt_hello_ep(&ph, &b, NULL, KDBUS_HELLO_POLICY_HOLDER, 0, 0, 4096, "org.kt.fds", &ex));
	KT_REQ_OK(kt_name_acquire(&r, "org.kt.fds", 0, NULL));
	pid = kt_fork();
	if (pid == 0) {
		struct kt_conn u;

		KT_REQ_OK(kt_become(1000, 1000));
		KT_REQ_OK(kt_conn(&u, &b));
		KT_OK(send_fds(&u, r.id, 4, fds, 16));
		KT_ERR(send_fds(&u, r.id, 5, fds, 1), EMFILE);
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
	/* receiving releases the charge */
	KT_REQ_OK(kt_recv_wait(&r, 1000, &m));
	KT_EQ(m->cookie, 2);
	KT_OK(send_fds(&a, r.id, 6, fds, 16));
}

const struct kt_test kt_tests_fds[] = {
	{ "fds", "FDS to a receiver without ACCEPT_FD: ECOMM; empty FDS item and memfds pass", t_accept_fd, 0 },
	{ "fds", "kdbus handles and directories of every kind are refused with EOPNOTSUPP", t_kdbus_handles, 0 },
	{ "fds", "AF_UNIX sockets are refused with EOPNOTSUPP", t_unix_sockets, 0 },
	{ "fds", "O_PATH descriptors are accepted, even of kdbus nodes and sockets", t_o_path, 0 },
	{ "fds", "pipes, eventfds, files, netlink sockets and unsealed memfds pass as FDS", t_other_files, 0 },
	{ "fds", "negative or closed descriptors give EBADF (FDS and memfd)", t_ebadf, 0 },
	{ "fds", "RECV installs new O_CLOEXEC numbers to the same files; -1 before and on PEEK", t_install, 0 },
	{ "fds", "a synchronous reply's FDS and memfds are installed in the caller (O_CLOEXEC)", t_sync_install, 0 },
	{ "fds", "numbers that cannot be allocated stay -1 with INCOMPLETE_FDS", t_incomplete, 0 },
	{ "fds", "memfd needs all four seals: each missing one gives ETXTBSY", t_seals, 0 },
	{ "fds", "a descriptor that is not a memfd gives EMEDIUMTYPE", t_not_memfd, 0 },
	{ "fds", "memfd range beyond the file size gives EFAULT", t_memfd_range, 0 },
	{ "fds", "memfds: installed at RECV (O_CLOEXEC) without ACCEPT_FD, broadcastable, not counted", t_memfd_install, 0 },
	{ "fds", "16 descriptors per message and 16 in flight per sending user (EMFILE)", t_count_limits, 0 },
	KT_TESTS_END
};
