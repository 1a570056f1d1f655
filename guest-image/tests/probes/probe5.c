// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "common.h"
#include <signal.h>
#include <sys/wait.h>

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
	const char *path = "/sys/fs/kdbus/0-t5/bus";
	struct conn a, b, ph, u;
	struct kdbus_msg *m;
	int bfd = bus_make("0-t5");
	errno = 0;
	CHECK(bfd >= 0, "BUS_MAKE");
	CHECK(hello(&a, path, 0) == 0, "HELLO a (root, owner)");
	CHECK(hello(&b, path, 0) == 0, "HELLO b (root, owner)");
	/* policy holder: uid 1000 may OWN org.p.Svc */
	{ static uint64_t hb[64]; struct kdbus_cmd_hello *h = (void *)hb; memset(hb, 0, sizeof(hb));
	  struct kdbus_policy_access pa = { KDBUS_POLICY_ACCESS_USER, KDBUS_POLICY_OWN, 1000 };
	  struct kdbus_item *it = additem(h->items, KDBUS_ITEM_NAME, "org.p.*", 8); it = additem(it, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	  h->size = (char *)it - (char *)h; h->flags = KDBUS_HELLO_POLICY_HOLDER; h->pool_size = POOL;
	  ph.fd = open(path, O_RDWR); CHECK(ioctl(ph.fd, KDBUS_CMD_HELLO, h) == 0, "HELLO policy holder org.p.*");
	  int fd2 = open(path, O_RDWR); CHECK(ioctl(fd2, KDBUS_CMD_HELLO, h) < 0 && errno == EEXIST, "second holder same wildcard EEXIST"); close(fd2);
	  struct kdbus_cmd_free f = { sizeof(f), 0, 0, 0 }; CHECK(ioctl(ph.fd, KDBUS_CMD_FREE, &f) < 0 && errno == EOPNOTSUPP, "holder FREE EOPNOTSUPP"); }
	/* unprivileged uid 1000 child */
	int pfd[2]; pipe(pfd);
	pid_t pid = fork();
	if (pid == 0) {
		if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000)) _exit(99);
		fails = 0;
		CHECK(hello(&u, path, 0) == 0, "[1000] HELLO");
		CHECK(hello(&b, path, KDBUS_HELLO_MONITOR) < 0 && errno == EPERM, "[1000] monitor EPERM");
		CHECK(name_op(&u, KDBUS_CMD_NAME_ACQUIRE, "org.q.Svc", 0, NULL) < 0 && errno == EPERM, "[1000] acquire w/o policy EPERM");
		CHECK(name_op(&u, KDBUS_CMD_NAME_ACQUIRE, "org.p.Svc", 0, NULL) == 0, "[1000] acquire org.p.Svc via wildcard policy");
		CHECK(send_msg(&u, a.id, NULL, 0, 1, 0, "x", 0, NULL) < 0 && errno == EPERM, "[1000] talk to root conn EPERM");
		write(pfd[1], &u.id, 8);
		struct pollfd p = { u.fd, POLLIN, 0 }; poll(&p, 1, 3000);
		CHECK(recv_msg(&u, 0, &m, NULL) == 0 && m->src_id == a.id, "[1000] got message from owner a");
		_exit(fails);
	}
	uint64_t uid_conn; read(pfd[0], &uid_conn, 8);
	CHECK(send_msg(&a, uid_conn, NULL, 0, 9, 0, "from-owner", 0, NULL) == 0, "owner a -> uid1000 allowed");
	int st; waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child checks passed (status %d)", WEXITSTATUS(st));

	/* interrupted sync call; reply arrives while interrupted; resumed call gets it */
	{ struct sigaction sa; memset(&sa, 0, sizeof(sa)); sa.sa_handler = on_alarm; sigaction(SIGALRM, &sa, NULL);
	  static uint64_t mb[16]; struct kdbus_msg *mm = (void *)mb; memset(mb, 0, sizeof(mb));
	  struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
	  mm->size = sizeof(*mm); mm->flags = KDBUS_MSG_EXPECT_REPLY; mm->dst_id = b.id; mm->payload_type = 1; mm->cookie = 4242;
	  mm->timeout_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec + 5000000000ULL;
	  struct kdbus_cmd_send s = { 0 }; s.size = sizeof(s); s.flags = KDBUS_SEND_SYNC_REPLY; s.msg_address = (uintptr_t)mm;
	  alarm(1);
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) < 0 && errno == EINTR, "sync call interrupted");
	  CHECK(recv_msg(&b, 0, &m, NULL) == 0 && m->cookie == 4242, "b got the call"); freeoff(&b, m);
	  CHECK(send_msg(&b, a.id, NULL, 0, 1, 4242, "late-reply", 0, NULL) == 0, "b replies while a is interrupted");
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) == 0 && s.reply.offset != POOL, "resumed call returns the kept reply");
	  m = (void *)((char *)a.pool + s.reply.offset);
	  CHECK(m->cookie_reply == 4242, "reply cookie_reply=%llu", (unsigned long long)m->cookie_reply);
	  freeoff(&a, m);
	  mm->cookie = 4243; CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) < 0 && errno == ETIMEDOUT, "");
	}
	printf("fails=%d\n", fails);
	return fails != 0;
}
