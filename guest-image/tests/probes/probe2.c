// SPDX-License-Identifier: GPL-2.0
#include "common.h"
#include <signal.h>
#include <sys/mount.h>
#include <sys/eventfd.h>


static int hello_act(struct conn *c, const char *path, const char *name)
{
	static uint64_t hb[64]; struct kdbus_cmd_hello *h = (void *)hb; memset(hb, 0, sizeof(hb));
	struct kdbus_item *it = additem(h->items, KDBUS_ITEM_NAME, name, strlen(name) + 1);
	h->size = (char *)it - (char *)h; h->flags = KDBUS_HELLO_ACTIVATOR; h->pool_size = POOL;
	c->fd = open(path, O_RDWR);
	if (ioctl(c->fd, KDBUS_CMD_HELLO, h) < 0) return -1;
	c->id = h->id; c->pool = mmap(NULL, POOL, PROT_READ, MAP_SHARED, c->fd, 0);
	return 0;
}

static int send_prio(struct conn *c, uint64_t dst, int64_t prio)
{
	static uint64_t mb[16]; struct kdbus_msg *m = (void *)mb; memset(mb, 0, sizeof(mb));
	m->size = sizeof(*m); m->dst_id = dst; m->payload_type = 1; m->priority = prio; m->cookie = prio;
	struct kdbus_cmd_send s = { 0 }; s.size = sizeof(s); s.msg_address = (uintptr_t)m;
	return ioctl(c->fd, KDBUS_CMD_SEND, &s);
}

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
	const char *path = "/sys/fs/kdbus/0-t2/bus";
	struct conn a = { 0 }, b = { 0 }, act = { 0 }, mon = { 0 };
	struct kdbus_msg *m;
	uint64_t rf, dropped;
	int bfd = bus_make("0-t2");
	errno = 0;
	CHECK(bfd >= 0, "BUS_MAKE 0-t2");
	CHECK(hello(&a, path, 0) == 0, "HELLO a");
	CHECK(hello(&b, path, 0) == 0, "HELLO b");

	/* activator */
	CHECK(hello_act(&act, path, "org.act.Svc") == 0, "HELLO activator");
	CHECK(send_msg(&a, 0, "org.act.Svc", 0, 1, 0, "to-activator", 0, NULL) == 0, "SEND to activator name");
	CHECK(send_msg(&a, 0, "org.act.Svc", KDBUS_MSG_NO_AUTO_START, 2, 0, "x", 0, NULL) < 0 && errno == EADDRNOTAVAIL, "NO_AUTO_START EADDRNOTAVAIL");
	CHECK(send_msg(&a, act.id, NULL, 0, 3, 0, "x", 0, NULL) < 0 && errno == ENXIO, "activator by id ENXIO");
	{ struct pollfd p = { act.fd, POLLIN, 0 }; CHECK(poll(&p, 1, 0) == 1, "activator POLLIN"); }
	{ struct kdbus_cmd_list l = { 0 }; l.size = sizeof(l); l.flags = KDBUS_LIST_ACTIVATORS;
	  CHECK(ioctl(a.fd, KDBUS_CMD_LIST, &l) == 0 && l.list_size == 24 + 16 + 8 + 16, "LIST activators size=%llu", (unsigned long long)l.list_size);
	  struct kdbus_info *inf = (void *)((char *)a.pool + l.offset);
	  CHECK(inf->id == act.id && inf->items[0].name.flags == (KDBUS_NAME_ACTIVATOR | KDBUS_NAME_PRIMARY), "LIST activator flags=%llx", (unsigned long long)inf->items[0].name.flags);
	  freeoff(&a, inf); }
	CHECK(name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "org.act.Svc", 0, &rf) == 0 && rf == 0x60, "acquire over activator rf=%llx", (unsigned long long)rf);
	CHECK(recv_msg(&b, 0, &m, NULL) == 0 && m->cookie == 1, "message moved to new owner"); if (!errno) freeoff(&b, m);
	CHECK(recv_msg(&act, 0, &m, NULL) < 0 && errno == EAGAIN, "activator queue empty");
	CHECK(send_msg(&a, 0, "org.act.Svc", 0, 4, 0, "to-b", 0, NULL) == 0, "SEND to b by name");
	CHECK(name_op(&b, KDBUS_CMD_NAME_RELEASE, "org.act.Svc", 0, NULL) == 0, "release back to activator");
	CHECK(recv_msg(&act, 0, &m, NULL) == 0 && m->cookie == 4, "message moved back to activator"); if (!errno) freeoff(&act, m);
	{ struct kdbus_cmd cmd = { sizeof(cmd), 0, 0 }; CHECK(ioctl(act.fd, KDBUS_CMD_BYEBYE, &cmd) < 0 && errno == EOPNOTSUPP, "activator BYEBYE EOPNOTSUPP"); }

	/* replacement and queue */
	CHECK(name_op(&a, KDBUS_CMD_NAME_ACQUIRE, "org.x.Y", KDBUS_NAME_ALLOW_REPLACEMENT | KDBUS_NAME_QUEUE, &rf) == 0 && rf == 0x66, "a acquire AR|Q rf=%llx", (unsigned long long)rf);
	CHECK(name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "org.x.Y", 0, &rf) < 0 && errno == EEXIST, "b acquire EEXIST");
	CHECK(name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "org.x.Y", KDBUS_NAME_REPLACE_EXISTING, &rf) == 0 && rf == 0x60, "b replace rf=%llx", (unsigned long long)rf);
	{ struct kdbus_cmd_list l = { 0 }; l.size = sizeof(l); l.flags = KDBUS_LIST_QUEUED;
	  CHECK(ioctl(a.fd, KDBUS_CMD_LIST, &l) == 0 && l.list_size > 0, "LIST queued");
	  struct kdbus_info *inf = (void *)((char *)a.pool + l.offset);
	  CHECK(inf->id == a.id && inf->items[0].name.flags == (KDBUS_NAME_ALLOW_REPLACEMENT | KDBUS_NAME_QUEUE | KDBUS_NAME_IN_QUEUE), "a now in queue flags=%llx", (unsigned long long)inf->items[0].name.flags);
	  freeoff(&a, inf); }
	CHECK(name_op(&a, KDBUS_CMD_NAME_RELEASE, "org.nope.X", 0, NULL) < 0 && errno == ESRCH, "release unknown ESRCH");
	CHECK(name_op(&act, KDBUS_CMD_NAME_RELEASE, "org.x.Y", 0, NULL) < 0 && errno == EOPNOTSUPP, "activator release EOPNOTSUPP");

	/* priorities */
	{ int64_t pr[] = { 25, -600, 10, -35, -100, 20, -15, -800, -150, 10, -800, -10 };
	  int64_t th[] = { -200, -100, -400, -400, 10, 10 };
	  int64_t want[] = { -800, -800, -600, 1, -150, -100 };
	  unsigned i; int okk = 1;
	  while (recv_msg(&b, 0, &m, NULL) == 0) freeoff(&b, m);
	  for (i = 0; i < 12; i++) send_prio(&a, b.id, pr[i]);
	  for (i = 0; i < 6; i++) {
		struct kdbus_cmd_recv r = { 0 }; r.size = sizeof(r); r.flags = KDBUS_RECV_USE_PRIORITY; r.priority = th[i];
		int ret = ioctl(b.fd, KDBUS_CMD_RECV, &r);
		if (want[i] == 1) { if (!(ret < 0 && errno == EAGAIN)) okk = 0; continue; }
		m = (void *)((char *)b.pool + r.msg.offset);
		if (ret < 0 || m->priority != want[i]) okk = 0;
		freeoff(&b, m);
	  }
	  CHECK(okk, "priority example of spec 7.4");
	  CHECK(recv_msg(&b, KDBUS_RECV_PEEK, &m, NULL) == 0 && m->priority == 25, "PEEK gives 25");
	  uint64_t off1 = (char *)m - (char *)b.pool; freeoff(&b, m);
	  CHECK(recv_msg(&b, 0, &m, NULL) == 0 && (uint64_t)((char *)m - (char *)b.pool) == off1, "RECV after PEEK same offset"); freeoff(&b, m);
	  struct kdbus_cmd_recv r = { 0 }; r.size = sizeof(r); r.flags = KDBUS_RECV_DROP;
	  CHECK(ioctl(b.fd, KDBUS_CMD_RECV, &r) == 0 && r.msg.offset == POOL, "DROP");
	  r.flags = KDBUS_RECV_DROP | KDBUS_RECV_USE_PRIORITY; CHECK(ioctl(b.fd, KDBUS_CMD_RECV, &r) < 0 && errno == EINVAL, "DROP|USE_PRIORITY EINVAL");
	  while (recv_msg(&b, 0, &m, NULL) == 0) freeoff(&b, m);
	}
	/* dropped messages: fill b with broadcasts */
	{ struct kdbus_cmd_match mm = { sizeof(mm), 0, 0, 5 }; ioctl(b.fd, KDBUS_CMD_MATCH_ADD, &mm);
	  int i, n = 0;
	  for (i = 0; i < 300; i++) if (send_msg(&a, KDBUS_DST_ID_BROADCAST, NULL, KDBUS_MSG_SIGNAL, i, 0, "b", 0, NULL) == 0) n++;
	  CHECK(n == 300, "300 broadcasts sent");
	  struct pollfd p = { b.fd, POLLIN, 0 }; CHECK(poll(&p, 1, 0) == 1, "b readable");
	  CHECK(recv_msg(&b, 0, &m, &dropped) == 0 && dropped > 0, "dropped_msgs=%llu", (unsigned long long)dropped);
	  freeoff(&b, m);
	  while (recv_msg(&b, 0, &m, NULL) == 0) freeoff(&b, m);
	  mm.cookie = 5; CHECK(ioctl(b.fd, KDBUS_CMD_MATCH_REMOVE, &mm) == 0, "MATCH_REMOVE");
	  CHECK(ioctl(b.fd, KDBUS_CMD_MATCH_REMOVE, &mm) < 0 && errno == EBADSLT, "MATCH_REMOVE again EBADSLT");
	}
	/* bloom match */
	{ static uint64_t mb[64]; struct kdbus_cmd_match *mm = (void *)mb; memset(mb, 0, sizeof(mb));
	  uint64_t mask[8] = { 0 }; mask[0] = 0x0f;
	  struct kdbus_item *it = additem(mm->items, KDBUS_ITEM_BLOOM_MASK, mask, 64);
	  mm->size = (char *)it - (char *)mm; mm->cookie = 9;
	  CHECK(ioctl(b.fd, KDBUS_CMD_MATCH_ADD, mm) == 0, "MATCH_ADD bloom");
	  CHECK(send_msg(&a, KDBUS_DST_ID_BROADCAST, NULL, KDBUS_MSG_SIGNAL, 1, 0, "b", 0, NULL) == 0, "bcast bloom[1]=0xff");
	  CHECK(recv_msg(&b, 0, &m, NULL) == 0, "bloom subset matched"); if (!errno) freeoff(&b, m);
	  mask[0] = 0x100; memset(mb, 0, sizeof(mb)); it = additem(mm->items, KDBUS_ITEM_BLOOM_MASK, mask, 64); mm->size = (char *)it - (char *)mm; mm->flags = KDBUS_MATCH_REPLACE; mm->cookie = 9;
	  CHECK(ioctl(b.fd, KDBUS_CMD_MATCH_ADD, mm) == 0, "MATCH_ADD replace");
	  send_msg(&a, KDBUS_DST_ID_BROADCAST, NULL, KDBUS_MSG_SIGNAL, 1, 0, "b", 0, NULL);
	  CHECK(recv_msg(&b, 0, &m, NULL) < 0 && errno == EAGAIN, "bloom non-subset not matched");
	  memset(mb, 0, sizeof(mb)); it = additem(mm->items, KDBUS_ITEM_BLOOM_MASK, mask, 60); mm->size = (char *)it - (char *)mm; mm->flags = 0;
	  CHECK(ioctl(b.fd, KDBUS_CMD_MATCH_ADD, mm) < 0 && errno == EDOM, "bloom mask size EDOM");
	  ioctl(b.fd, KDBUS_CMD_MATCH_REMOVE, mm);
	}
	/* negotiation item */
	{ static uint64_t nb[16]; struct kdbus_cmd *c = (void *)nb; memset(nb, 0, sizeof(nb));
	  uint64_t types[3] = { KDBUS_ITEM_NAME, KDBUS_ITEM_BLOOM_MASK, KDBUS_ITEM_NEGOTIATE };
	  struct kdbus_item *it = additem(c->items, KDBUS_ITEM_NEGOTIATE, types, 24);
	  c->size = (char *)it - (char *)c; c->flags = KDBUS_FLAG_NEGOTIATE;
	  CHECK(ioctl(a.fd, KDBUS_CMD_NAME_ACQUIRE, c) == 0 && c->flags == 7 && c->items[0].data64[0] == KDBUS_ITEM_NAME && c->items[0].data64[1] == 0 && c->items[0].data64[2] == 1, "NEGOTIATE item/flags flags=%llx", (unsigned long long)c->flags);
	  c->size = 25; c->flags = 0; CHECK(ioctl(a.fd, KDBUS_CMD_NAME_ACQUIRE, c) < 0 && errno == EINVAL, "framing EINVAL");
	  c->size = 40000; CHECK(ioctl(a.fd, KDBUS_CMD_NAME_ACQUIRE, c) < 0 && errno == EMSGSIZE, "EMSGSIZE");
	  c->size = 16; CHECK(ioctl(a.fd, KDBUS_CMD_NAME_ACQUIRE, c) < 0 && errno == EINVAL, "size < fixed EINVAL");
	  CHECK(ioctl(a.fd, KDBUS_CMD_NAME_ACQUIRE, (char *)c + 4) < 0 && errno == EFAULT, "unaligned EFAULT");
	  c->size = 24; c->flags = 1ULL << 40; CHECK(ioctl(a.fd, KDBUS_CMD_NAME_ACQUIRE, c) < 0 && errno == EINVAL, "bad flag EINVAL");
	  c->flags = 0; CHECK(ioctl(a.fd, KDBUS_CMD_NAME_ACQUIRE, c) < 0 && errno == EINVAL, "missing mandatory EINVAL");
	}
	/* EMLINK */
	{ int i, ok1 = 1; struct conn c;
	  CHECK(hello(&c, path, 0) == 0, "HELLO c");
	  for (i = 0; i < 128; i++) {
		if (send_msg(&a, c.id, NULL, KDBUS_MSG_EXPECT_REPLY, 1000 + i, 0, "q", 0, NULL) < 0) ok1 = 0;
		if (recv_msg(&c, 0, &m, NULL) == 0) freeoff(&c, m); else ok1 = 0;
	  }
	  CHECK(ok1 && send_msg(&a, c.id, NULL, KDBUS_MSG_EXPECT_REPLY, 2000, 0, "q", 0, NULL) < 0 && errno == EMLINK, "EMLINK after 128");
	  close(c.fd);
	  i = 0; while (recv_msg(&a, 0, &m, NULL) == 0) { if (m->items[0].type == KDBUS_ITEM_REPLY_DEAD) i++; freeoff(&a, m); }
	  CHECK(i > 64, "REPLY_DEAD after replier died (%d of 128; the rest exceed a's kernel-user quota)", i);
	  send_msg(&a, b.id, NULL, KDBUS_MSG_EXPECT_REPLY, 3000, 0, "q", 0, NULL);
	  CHECK(recv_msg(&b, KDBUS_RECV_DROP, NULL, NULL) == 0, "DROP call");
	  CHECK(recv_msg(&a, 0, &m, NULL) == 0 && m->items[0].type == KDBUS_ITEM_REPLY_DEAD && m->cookie_reply == 3000, "REPLY_DEAD after DROP"); freeoff(&a, m);
	}
	/* CANCEL_FD and signal restart */
	{ int efd = eventfd(0, 0); static uint64_t sb[32]; struct kdbus_cmd_send *s = (void *)sb; static uint64_t mb[16]; struct kdbus_msg *mm = (void *)mb;
	  struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
	  memset(mb, 0, sizeof(mb)); mm->size = sizeof(*mm); mm->flags = KDBUS_MSG_EXPECT_REPLY; mm->dst_id = b.id; mm->payload_type = 1; mm->cookie = 5000; mm->timeout_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec + 3000000000ULL;
	  memset(sb, 0, sizeof(sb)); s->flags = KDBUS_SEND_SYNC_REPLY; s->msg_address = (uintptr_t)mm;
	  struct kdbus_item *it = additem(s->items, KDBUS_ITEM_CANCEL_FD, &efd, 4); s->size = (char *)it - (char *)s;
	  if (fork() == 0) { uint64_t one = 1; usleep(200000); write(efd, &one, 8); _exit(0); }
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, s) < 0 && errno == ECANCELED, "CANCEL_FD ECANCELED");
	  wait(NULL);
	  struct sigaction sa; memset(&sa, 0, sizeof(sa)); sa.sa_handler = on_alarm; sigaction(SIGALRM, &sa, NULL);
	  s->size = sizeof(*s); mm->cookie = 5001; clock_gettime(CLOCK_MONOTONIC, &ts); mm->timeout_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec + 600000000ULL;
	  alarm(1);
	  mm->timeout_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec + 2000000000ULL;
	  int r = ioctl(a.fd, KDBUS_CMD_SEND, s);
	  CHECK(r < 0 && errno == EINTR, "signal without SA_RESTART: EINTR");
	  r = ioctl(a.fd, KDBUS_CMD_SEND, s);
	  CHECK(r < 0 && errno == ETIMEDOUT, "resumed call ETIMEDOUT");
	  while (recv_msg(&b, KDBUS_RECV_DROP, NULL, NULL) == 0) ;
	}
	/* monitor */
	{ CHECK(hello(&mon, path, KDBUS_HELLO_MONITOR) == 0, "HELLO monitor");
	  send_msg(&a, b.id, NULL, 0, 31337, 0, "spy", 0, NULL);
	  CHECK(recv_msg(&mon, 0, &m, NULL) == 0 && m->cookie == 31337, "monitor got copy");
	  CHECK(send_msg(&a, mon.id, NULL, 0, 1, 0, "x", 0, NULL) < 0 && errno == ENXIO, "monitor unaddressable");
	}
	/* lazy umount: ESHUTDOWN */
	CHECK(umount2("/sys/fs/kdbus", MNT_DETACH) == 0, "umount -l");
	{ struct kdbus_cmd_list l = { 0 }; l.size = sizeof(l);
	  int r = ioctl(a.fd, KDBUS_CMD_LIST, &l); CHECK(r == 0, "still works while fds open (domain alive)"); }
	close(bfd);
	{ struct kdbus_cmd_list l = { 0 }; l.size = sizeof(l);
	  CHECK(ioctl(a.fd, KDBUS_CMD_LIST, &l) < 0 && errno == ESHUTDOWN, "ESHUTDOWN after bus fd closed"); }
	CHECK(mount("kdbusfs", "/sys/fs/kdbus", "kdbusfs", 0, NULL) == 0, "remount");
	CHECK(access("/sys/fs/kdbus/0-t2", F_OK) < 0, "new domain is empty");
	printf("fails=%d\n", fails);
	return fails != 0;
}
