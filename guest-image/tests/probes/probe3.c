// SPDX-License-Identifier: GPL-2.0
#include "common.h"
#include <sys/socket.h>
#include <sys/syscall.h>

static int send_items(struct conn *c, uint64_t dst, struct kdbus_item *items, size_t isz)
{
	static uint64_t mb[256]; struct kdbus_msg *m = (void *)mb; memset(mb, 0, sizeof(mb));
	m->dst_id = dst; m->payload_type = 1; m->cookie = 1;
	memcpy(m->items, items, isz); m->size = sizeof(*m) + isz;
	struct kdbus_cmd_send s = { 0 }; s.size = sizeof(s); s.msg_address = (uintptr_t)m;
	return ioctl(c->fd, KDBUS_CMD_SEND, &s);
}

int main(void)
{
	const char *path = "/sys/fs/kdbus/0-t3/bus";
	struct conn a, b, e1, ph;
	struct kdbus_msg *m;
	static uint64_t ib[128];
	struct kdbus_item *it;
	int bfd = bus_make("0-t3");
	errno = 0;
	CHECK(bfd >= 0, "BUS_MAKE");
	CHECK(hello(&a, path, 0) == 0, "HELLO a (no ACCEPT_FD)");
	CHECK(hello(&b, path, KDBUS_HELLO_ACCEPT_FD) == 0, "HELLO b (ACCEPT_FD)");
	/* mmap rules */
	CHECK(mmap(NULL, POOL, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd, 0) == MAP_FAILED && errno == EPERM, "mmap PROT_WRITE EPERM");
	CHECK(mmap(NULL, POOL * 2, PROT_READ, MAP_SHARED, a.fd, 0) == MAP_FAILED && errno == EFAULT, "mmap too long EFAULT");
	CHECK(mprotect(a.pool, POOL, PROT_READ | PROT_WRITE) < 0, "mprotect RW fails");
	/* fd passing */
	{ int fds[2]; pipe(fds);
	  memset(ib, 0, sizeof(ib)); it = additem((void *)ib, KDBUS_ITEM_FDS, fds, 8);
	  CHECK(send_items(&b, a.id, (void *)ib, (char *)it - (char *)ib) < 0 && errno == ECOMM, "FDS to non-ACCEPT_FD ECOMM");
	  CHECK(send_items(&a, b.id, (void *)ib, (char *)it - (char *)ib) == 0, "FDS to b");
	  CHECK(recv_msg(&b, 0, &m, NULL) == 0, "RECV FDS");
	  int got = m->items[0].fds[0];
	  CHECK(got > 2 && write(got, "x", 1) < 0 && write(m->items[0].fds[1], "y", 1) == 1, "installed fds %d %d", m->items[0].fds[0], m->items[0].fds[1]);
	  char c; CHECK(read(fds[0], &c, 1) == 1 && c == 'y', "passed pipe works");
	  freeoff(&b, m);
	  int sv[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	  memset(ib, 0, sizeof(ib)); it = additem((void *)ib, KDBUS_ITEM_FDS, sv, 4);
	  CHECK(send_items(&a, b.id, (void *)ib, (char *)it - (char *)ib) < 0 && errno == EOPNOTSUPP, "AF_UNIX EOPNOTSUPP");
	  memset(ib, 0, sizeof(ib)); it = additem((void *)ib, KDBUS_ITEM_FDS, &a.fd, 4);
	  CHECK(send_items(&a, b.id, (void *)ib, (char *)it - (char *)ib) < 0 && errno == EOPNOTSUPP, "kdbus fd EOPNOTSUPP");
	  int bad = 999; memset(ib, 0, sizeof(ib)); it = additem((void *)ib, KDBUS_ITEM_FDS, &bad, 4);
	  CHECK(send_items(&a, b.id, (void *)ib, (char *)it - (char *)ib) < 0 && errno == EBADF, "bad fd EBADF");
	}
	/* memfd */
	{ int mfd = syscall(SYS_memfd_create, "x", 2 /* MFD_ALLOW_SEALING */);
	  write(mfd, "memfd-data", 10);
	  struct kdbus_memfd md = { 0, 10, mfd, 0 };
	  memset(ib, 0, sizeof(ib)); it = additem((void *)ib, KDBUS_ITEM_PAYLOAD_MEMFD, &md, sizeof(md));
	  CHECK(send_items(&a, b.id, (void *)ib, (char *)it - (char *)ib) < 0 && errno == ETXTBSY, "unsealed memfd ETXTBSY");
	  fcntl(mfd, 1033 /* F_ADD_SEALS */, 1 | 2 | 4 | 8);
	  CHECK(send_items(&a, b.id, (void *)ib, (char *)it - (char *)ib) == 0, "sealed memfd");
	  CHECK(recv_msg(&b, 0, &m, NULL) == 0, "RECV memfd");
	  char d[16] = { 0 }; int rfd = m->items[0].memfd.fd;
	  CHECK(rfd >= 0 && pread(rfd, d, 10, 0) == 10 && !memcmp(d, "memfd-data", 10), "memfd installed fd=%d", rfd);
	  freeoff(&b, m);
	  int p2[2]; pipe(p2); md.fd = p2[0];
	  memset(ib, 0, sizeof(ib)); it = additem((void *)ib, KDBUS_ITEM_PAYLOAD_MEMFD, &md, sizeof(md));
	  CHECK(send_items(&a, b.id, (void *)ib, (char *)it - (char *)ib) < 0 && errno == EMEDIUMTYPE, "pipe as memfd EMEDIUMTYPE");
	}
	/* zero vec + layout */
	{ struct kdbus_vec v1 = { 3, { 0 } }, v2 = { 5, { (uintptr_t)"abcd" } };
	  memset(ib, 0, sizeof(ib)); it = additem((void *)ib, KDBUS_ITEM_PAYLOAD_VEC, &v1, 16); it = additem(it, KDBUS_ITEM_PAYLOAD_VEC, &v2, 16);
	  CHECK(send_items(&a, b.id, (void *)ib, (char *)it - (char *)ib) == 0, "zero vec + data vec");
	  CHECK(recv_msg(&b, 0, &m, NULL) == 0, "RECV vecs");
	  struct kdbus_item *i2 = KDBUS_ITEM_NEXT(m->items);
	  CHECK(m->items[0].type == KDBUS_ITEM_PAYLOAD_OFF && m->items[0].vec.offset == ~0ULL && i2->vec.offset == KDBUS_ALIGN8(m->size) + 3 && !strcmp((char *)m + i2->vec.offset, "abcd"), "OFF layout: %llx %llu size %llu", (unsigned long long)m->items[0].vec.offset, (unsigned long long)i2->vec.offset, (unsigned long long)m->size);
	  freeoff(&b, m);
	}
	/* custom endpoint with policy */
	{ static uint64_t cb[64]; struct kdbus_cmd *c = (void *)cb; int efd = open(path, O_RDWR);
	  memset(cb, 0, sizeof(cb)); it = additem(c->items, KDBUS_ITEM_MAKE_NAME, "0-custom", 9); c->size = (char *)it - (char *)c; c->flags = KDBUS_MAKE_ACCESS_WORLD;
	  CHECK(ioctl(efd, KDBUS_CMD_ENDPOINT_MAKE, c) == 0, "ENDPOINT_MAKE 0-custom");
	  struct kdbus_policy_access pa = { KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0 };
	  memset(cb, 0, sizeof(cb)); it = additem(c->items, KDBUS_ITEM_NAME, "org.t3.B", 9); it = additem(it, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa)); c->size = (char *)it - (char *)c;
	  CHECK(ioctl(efd, KDBUS_CMD_ENDPOINT_UPDATE, c) == 0, "ENDPOINT_UPDATE");
	  memset(cb, 0, sizeof(cb)); it = additem(c->items, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa)); c->size = (char *)it - (char *)c;
	  CHECK(ioctl(efd, KDBUS_CMD_ENDPOINT_UPDATE, c) < 0 && errno == EINVAL, "ENDPOINT_UPDATE access before name EINVAL");
	  CHECK(name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "org.t3.B", 0, NULL) == 0, "b owns org.t3.B");
	  CHECK(hello(&e1, "/sys/fs/kdbus/0-t3/0-custom", 0) == 0, "HELLO on custom endpoint");
	  CHECK(send_msg(&e1, b.id, NULL, 0, 1, 0, "x", 0, NULL) == 0, "custom -> b (TALK granted)");
	  CHECK(send_msg(&e1, a.id, NULL, 0, 1, 0, "x", 0, NULL) < 0 && errno == EPERM, "custom -> a EPERM");
	  struct kdbus_cmd_info ci = { 0 }; ci.size = sizeof(ci); ci.id = a.id;
	  CHECK(ioctl(e1.fd, KDBUS_CMD_CONN_INFO, &ci) < 0 && errno == ENXIO, "custom CONN_INFO invisible a ENXIO");
	  CHECK(name_op(&e1, KDBUS_CMD_NAME_ACQUIRE, "org.t3.E", 0, NULL) < 0 && errno == EPERM, "custom acquire EPERM");
	  CHECK(hello(&ph, "/sys/fs/kdbus/0-t3/0-custom", KDBUS_HELLO_MONITOR) < 0 && errno == EOPNOTSUPP, "monitor on custom EOPNOTSUPP");
	  close(efd);
	  CHECK(ioctl(e1.fd, KDBUS_CMD_LIST, &ci) < 0 && errno == ESHUTDOWN, "custom endpoint closed -> ESHUTDOWN");
	}
	/* UPDATE */
	{ static uint64_t ub[16]; struct kdbus_cmd *c = (void *)ub; uint64_t v = KDBUS_ATTACH_TIMESTAMP;
	  memset(ub, 0, sizeof(ub)); it = additem(c->items, KDBUS_ITEM_ATTACH_FLAGS_RECV, &v, 8); c->size = (char *)it - (char *)c;
	  CHECK(ioctl(b.fd, KDBUS_CMD_UPDATE, c) == 0, "UPDATE recv mask = TIMESTAMP");
	  while (recv_msg(&b, 0, &m, NULL) == 0) freeoff(&b, m);
	  send_msg(&a, b.id, NULL, 0, 1, 0, NULL, 0, NULL);
	  CHECK(recv_msg(&b, 0, &m, NULL) == 0 && m->size == 64 + 40 && m->items[0].type == KDBUS_ITEM_TIMESTAMP, "only TIMESTAMP attached (size %llu)", (unsigned long long)m->size);
	  freeoff(&b, m);
	  v = 1ULL << 20; memset(ub, 0, sizeof(ub)); it = additem(c->items, KDBUS_ITEM_ATTACH_FLAGS_RECV, &v, 8); c->size = (char *)it - (char *)c;
	  CHECK(ioctl(b.fd, KDBUS_CMD_UPDATE, c) < 0 && errno == EINVAL, "UPDATE bad mask EINVAL");
	}
	printf("fails=%d\n", fails);
	return fails != 0;
}
