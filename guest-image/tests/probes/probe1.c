// SPDX-License-Identifier: GPL-2.0
/* probe1: part 1 end to end (spec 2-10); helpers in common.h */
#include "common.h"

int main(void)
{
	char path[128];
	struct conn a, b, c;
	struct kdbus_msg *m;
	uint64_t rf, dropped;
	int bfd;

	errno = 0;
	bfd = bus_make("0-test");
	CHECK(bfd >= 0, "BUS_MAKE");
	CHECK(bus_make("0-test") < 0 && errno == EEXIST, "BUS_MAKE dup EEXIST");
	CHECK(bus_make("1000-x") < 0 && errno == EINVAL, "BUS_MAKE wrong uid EINVAL");
	CHECK(access("/sys/fs/kdbus/0-test/bus", F_OK) == 0, "bus file exists");
	snprintf(path, sizeof(path), "/sys/fs/kdbus/0-test/bus");
	CHECK(hello(&a, path, 0) == 0, "HELLO a");
	CHECK(hello(&b, path, KDBUS_HELLO_ACCEPT_FD) == 0, "HELLO b");
	{ int x = ioctl(a.fd, 0x12345678, 0); CHECK(x < 0 && errno == ENOTTY, "ENOTTY"); }
	{ struct kdbus_cmd_hello h = { 0 }; h.size = sizeof(h); h.pool_size = POOL; CHECK(ioctl(a.fd, KDBUS_CMD_HELLO, &h) < 0 && errno == EBADFD, "second HELLO EBADFD"); }
	{ struct kdbus_cmd cmd = { sizeof(cmd), KDBUS_FLAG_NEGOTIATE, 0 }; CHECK(ioctl(a.fd, KDBUS_CMD_BYEBYE, &cmd) == 0 && cmd.flags == 0, "BYEBYE negotiate"); }

	CHECK(match_all(&b) == 0, "MATCH_ADD b");
	/* unicast a->b */
	CHECK(send_msg(&a, b.id, NULL, 0, 42, 0, "hello world", 0, NULL) == 0, "SEND a->b");
	struct pollfd p = { b.fd, POLLIN, 0 };
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "poll b readable");
	CHECK(recv_msg(&b, 0, &m, &dropped) == 0, "RECV b");
	dump(m);
	freeoff(&b, m);
	CHECK(recv_msg(&b, 0, &m, NULL) < 0 && errno == EAGAIN, "RECV empty EAGAIN");

	/* names */
	CHECK(name_op(&a, KDBUS_CMD_NAME_ACQUIRE, "com.example.a", 0, &rf) == 0 && rf == 0x60, "ACQUIRE rf=%llx", (unsigned long long)rf);
	CHECK(name_op(&a, KDBUS_CMD_NAME_ACQUIRE, "com.example.a", 0, &rf) == 0 && rf == 0x20, "re-ACQUIRE rf=%llx", (unsigned long long)rf);
	CHECK(name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "com.example.a", KDBUS_NAME_QUEUE, &rf) == 0 && rf == 0x4c, "queue ACQUIRE rf=%llx", (unsigned long long)rf);
	CHECK(name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "com..x", 0, &rf) < 0 && errno == EINVAL, "bad name EINVAL");
	/* b got NAME_ADD notification */
	while (recv_msg(&b, 0, &m, NULL) == 0) { dump(m); freeoff(&b, m); }
	/* send by name to a */
	CHECK(send_msg(&b, 0, "com.example.a", KDBUS_MSG_EXPECT_REPLY, 7, 0, "call", 0, NULL) == 0 || (printf("x\n"), 0), "SEND by name");
	CHECK(recv_msg(&a, 0, &m, NULL) == 0, "RECV a"); dump(m);
	if (m) freeoff(&a, m);
	CHECK(send_msg(&a, b.id, NULL, 0, 8, 7, "reply", 0, NULL) == 0, "SEND reply");
	CHECK(send_msg(&a, b.id, NULL, 0, 9, 7, "reply2", 0, NULL) < 0 && errno == EBADSLT, "second reply EBADSLT");
	CHECK(recv_msg(&b, 0, &m, NULL) == 0, "RECV reply"); { dump(m); freeoff(&b, m); }
	CHECK(name_op(&a, KDBUS_CMD_NAME_RELEASE, "com.example.a", 0, NULL) == 0, "RELEASE");
	while (recv_msg(&b, 0, &m, NULL) == 0) { dump(m); freeoff(&b, m); }
	/* broadcast */
	CHECK(send_msg(&a, KDBUS_DST_ID_BROADCAST, NULL, KDBUS_MSG_SIGNAL, 10, 0, "bcast", 0, NULL) == 0, "broadcast");
	CHECK(recv_msg(&b, 0, &m, NULL) == 0, "RECV broadcast"); { dump(m); freeoff(&b, m); }
	/* timeout */
	{ struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); uint64_t now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	  static uint64_t mb[64]; struct kdbus_msg *mm = (void *)mb; memset(mb, 0, sizeof(mb));
	  mm->size = sizeof(*mm); mm->flags = KDBUS_MSG_EXPECT_REPLY; mm->dst_id = b.id; mm->payload_type = 1; mm->cookie = 99; mm->timeout_ns = now + 100000000ULL;
	  struct kdbus_cmd_send s = { 0 }; s.size = sizeof(s); s.msg_address = (uintptr_t)mm;
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) == 0, "SEND expect reply 100ms");
	  usleep(300000);
	  { struct pollfd pp = { a.fd, POLLIN, 0 }; printf("   poll a: %d\n", poll(&pp, 1, 2000)); }
	  CHECK(recv_msg(&a, 0, &m, NULL) == 0, "RECV REPLY_TIMEOUT"); { dump(m); freeoff(&a, m); }
	  mm->cookie = 100; mm->timeout_ns = now + 200000000ULL; s.flags = KDBUS_SEND_SYNC_REPLY;
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) < 0 && errno == ETIMEDOUT, "SYNC call ETIMEDOUT");
	}
	CHECK(hello(&c, path, 0) == 0, "HELLO c");
	{ struct kdbus_cmd cmd = { sizeof(cmd), 0, 0 }; CHECK(ioctl(c.fd, KDBUS_CMD_BYEBYE, &cmd) == 0, "BYEBYE c");
	  CHECK(ioctl(c.fd, KDBUS_CMD_BYEBYE, &cmd) < 0 && errno == ESHUTDOWN, "BYEBYE c again ESHUTDOWN"); }
	{ struct kdbus_cmd_list l = { 0 }; l.size = sizeof(l); l.flags = KDBUS_LIST_UNIQUE | KDBUS_LIST_NAMES;
	  CHECK(ioctl(a.fd, KDBUS_CMD_LIST, &l) == 0, "LIST size=%llu", (unsigned long long)l.list_size); }
	{ struct kdbus_cmd_info ci = { 0 }; ci.size = sizeof(ci); ci.id = b.id; ci.attach_flags = _KDBUS_ATTACH_ANY;
	  CHECK(ioctl(a.fd, KDBUS_CMD_CONN_INFO, &ci) == 0, "CONN_INFO size=%llu", (unsigned long long)ci.info_size);
	  ci.id = 9999; CHECK(ioctl(a.fd, KDBUS_CMD_CONN_INFO, &ci) < 0 && errno == ENXIO, "CONN_INFO ENXIO");
	  ci.id = 0; CHECK(ioctl(a.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci) == 0, "BUS_CREATOR_INFO size=%llu", (unsigned long long)ci.info_size); }
	{ /* sync call b -> a, answered by a child process */
	  while (recv_msg(&a, 0, &m, NULL) == 0) freeoff(&a, m);
	  pid_t pid = fork();
	  if (pid == 0) {
		struct pollfd pp = { a.fd, POLLIN, 0 };
		poll(&pp, 1, 5000);
		if (recv_msg(&a, 0, &m, NULL) == 0)
			send_msg(&a, m->src_id, NULL, 0, 500, m->cookie, "sync-answer", 0, NULL);
		_exit(0);
	  }
	  struct kdbus_msg_info ri;
	  CHECK(send_msg(&b, a.id, NULL, KDBUS_MSG_EXPECT_REPLY, 77, 0, "sync-call", KDBUS_SEND_SYNC_REPLY, &ri) == 0, "SYNC call answered");
	  m = (void *)((char *)b.pool + ri.offset); dump(m); freeoff(&b, m);
	  { struct kdbus_cmd cmd = { sizeof(cmd), 0, 0 };
	    send_msg(&a, b.id, NULL, 0, 600, 0, "pending", 0, NULL);
	    CHECK(ioctl(b.fd, KDBUS_CMD_BYEBYE, &cmd) < 0 && errno == EBUSY, "BYEBYE EBUSY"); }
	  { struct kdbus_cmd *cmd = (void *)buf; struct kdbus_item *it; int efd = open(path, O_RDWR);
	    memset(buf, 0, 512); it = additem(cmd->items, KDBUS_ITEM_MAKE_NAME, "0-ep", 5); cmd->size = (char *)it - (char *)cmd;
	    CHECK(ioctl(efd, KDBUS_CMD_ENDPOINT_MAKE, cmd) == 0 && access("/sys/fs/kdbus/0-test/0-ep", F_OK) == 0, "ENDPOINT_MAKE");
	    close(efd); CHECK(access("/sys/fs/kdbus/0-test/0-ep", F_OK) < 0, "endpoint gone after close"); }
	}
	while (wait(NULL) > 0) ;
	close(bfd);
	CHECK(access("/sys/fs/kdbus/0-test", F_OK) < 0, "bus gone after close");
	{ struct kdbus_cmd_list l = { 0 }; l.size = sizeof(l); CHECK(ioctl(a.fd, KDBUS_CMD_LIST, &l) < 0 && errno == ESHUTDOWN, "ESHUTDOWN after bus close"); }
	p.fd = a.fd; p.events = POLLIN; CHECK(poll(&p, 1, 0) == 1 && (p.revents & (POLLERR|POLLHUP)), "poll ERR|HUP");
	printf("fails=%d\n", fails);
	return fails != 0;
}
