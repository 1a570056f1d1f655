// SPDX-License-Identifier: MIT
/* §6 messages: unicast, layout, validation, descriptors, replies, sync calls,
 * priorities, PEEK/DROP, dropped messages, poll. */
#define _GNU_SOURCE
#include "kt.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int two_conns(struct kt_bus *b, struct kt_conn *a, struct kt_conn *c)
{
	int r = kt_bus_make(b);

	if (!r)
		r = kt_conn(a, b);
	if (!r)
		r = kt_conn(c, b);
	return r;
}

static int make_memfd(const char *data, size_t len, int seal)
{
	int fd = memfd_create("kt", MFD_ALLOW_SEALING | MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len)
		return -1;
	if (seal && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -1;
	return fd;
}

static void t_unicast_id(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_msg *m;
	static const char text[] = "hello, world";

	KT_REQ_OK(two_conns(&b, &a, &c));
	m = kt_msg_init(&kb, c.id, 0, 0xc00c1e, 0);
	m->priority = -17;
	m->payload_type = 0x1234;
	kt_msg_vec(&kb, text, sizeof(text));
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_recv_wait(&c, 2000, &m));
	KT_EQ(m->src_id, a.id);
	KT_EQ(m->dst_id, c.id);
	KT_EQ(m->cookie, 0xc00c1e);
	KT_EQ(m->priority, (u64)-17);
	KT_EQ(m->payload_type, 0x1234);
	KT_EQ(m->flags, 0);
	KT_EQ(m->cookie_reply, 0);
	KT_CHECK(!strcmp(kt_msg_text(&c, m), text));
	/* src_id: own id is fine, another one is not */
	m = kt_msg_init(&kb, c.id, 0, 2, 0);
	m->src_id = a.id;
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	m = kt_msg_init(&kb, c.id, 0, 3, 0);
	m->src_id = c.id;
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	/* asynchronous sends write the empty marker into the reply field */
	{
		struct kt_buf cb;
		struct kdbus_cmd_send *s;

		kt_msg_init(&kb, c.id, 0, 5, 0);
		kt_buf_finish(&kb);
		s = kt_buf_init(&cb, sizeof(*s));
		s->msg_address = (u64)(uintptr_t)kb.b;
		s->reply = (struct kdbus_msg_info){ 1, 2, 3 };
		kt_buf_finish(&cb);
		KT_OK(kt_ioctl(a.fd, KDBUS_CMD_SEND, s));
		KT_EQ(s->reply.offset, a.pool_size);
		KT_EQ(s->reply.msg_size, 0);
		KT_EQ(s->reply.return_flags, 0);
	}
	/* to itself */
	KT_OK(kt_send(&a, a.id, 4, "self"));
	KT_REQ_OK(kt_recv_wait(&a, 2000, &m));
	KT_EQ(m->src_id, a.id);
}

static void t_unicast_name(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	struct kt_buf kb;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_name_acquire(&c, "org.example.dest", 0, NULL));
	KT_REQ_OK(kt_send_name(&a, "org.example.dest", 9, "by name"));
	KT_REQ_OK(kt_recv_wait(&c, 2000, &m));
	KT_EQ(m->dst_id, 0);
	KT_EQ(m->src_id, a.id);
	it = kt_msg_item(m, KDBUS_ITEM_DST_NAME);
	if (KT_CHECK(it != NULL))
		KT_CHECK(!strcmp(it->str, "org.example.dest"));
	KT_CHECK(!strcmp(kt_msg_text(&c, m), "by name"));
	/* name and matching id */
	kt_msg_init(&kb, c.id, 0, 10, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.dest");
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
}

static void t_dest_errors(void)
{
	struct kt_bus b;
	struct kt_conn a, c, act, mon;
	struct kt_buf kb;
	int fd;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.act"));
	fd = kt_open_ep(&b, NULL);
	KT_REQ_OK(kt_hello_fd(&mon, fd, KDBUS_HELLO_MONITOR, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_name_acquire(&c, "org.example.c", 0, NULL));
	KT_ERR(kt_send(&a, 0x7ffffff0, 1, "x"), ENXIO);
	KT_ERR(kt_send(&a, act.id, 1, "x"), ENXIO);
	KT_ERR(kt_send(&a, mon.id, 1, "x"), ENXIO);
	KT_ERR(kt_send_name(&a, "org.example.nobody", 1, "x"), ESRCH);
	kt_msg_init(&kb, a.id, 0, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.c");
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EREMCHG);
	kt_msg_init(&kb, 0, KDBUS_MSG_NO_AUTO_START, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.act");
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EADDRNOTAVAIL);
	/* NO_AUTO_START to a real owner is fine; to the activator without it queues */
	kt_msg_init(&kb, 0, KDBUS_MSG_NO_AUTO_START, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.c");
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_OK(kt_send_name(&a, "org.example.act", 2, "activate"));
	KT_CHECK(kt_poll_in(&act, 2000));
	KT_EQ(kt_drain(&c), 1);
	KT_EQ(kt_drain(&a), 0);
}

static void t_layout(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_msg *m;
	struct kdbus_cmd_recv r;
	struct kdbus_item *it;
	static const char d1[5] = "ABCDE", d2[11] = "0123456789";
	struct kdbus_vec zero = { 3, { 0 } };
	u64 items_len, P;
	const u8 *base;
	int n;

	KT_REQ_OK(two_conns(&b, &a, &c));
	kt_msg_init(&kb, c.id, 0, 5, 0);
	kt_msg_vec(&kb, d1, 5);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &zero, sizeof(zero));
	kt_msg_vec(&kb, d2, 11);
	items_len = kb.len - 64;
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	m = kt_pool_msg(&c, r.msg.offset);
	base = (const u8 *)m;
	/* no metadata (receive mask 0): size = 64 + sent items */
	KT_EQ(m->size, 64 + items_len);
	P = KT_ALIGN8(m->size);
	KT_EQ(r.msg.msg_size, KT_ALIGN8(P + 5 + 3 + 11));
	n = 0;
	KT_FOREACH_ITEM(it, m->items, m->size - 64) {
		KT_EQ(it->type, KDBUS_ITEM_PAYLOAD_OFF);
		KT_EQ(it->size, 32);
		if (n == 0) {
			KT_EQ(it->vec.size, 5);
			KT_EQ(it->vec.offset, P);
			KT_CHECK(!memcmp(base + it->vec.offset, d1, 5));
		} else if (n == 1) {
			KT_EQ(it->vec.size, 3);
			KT_EQ(it->vec.offset, ~0ULL);
			KT_CHECK(!memcmp(base + P + 5, "\0\0\0", 3));
		} else if (n == 2) {
			KT_EQ(it->vec.size, 11);
			KT_EQ(it->vec.offset, P + 8);
			KT_CHECK(!memcmp(base + it->vec.offset, d2, 11));
		}
		n++;
	}
	KT_EQ(n, 3);
	/* trailing padding is zero */
	for (u64 i = P + 19; i < r.msg.msg_size; i++)
		KT_EQ(base[i], 0);
}

static void t_layout_metadata(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_msg *m;
	struct kdbus_cmd_recv r;
	struct kdbus_item *it, *last = NULL;
	static const char d1[3] = "xyz";
	u64 H, P;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_update_attach(&c, (u64)-2, KDBUS_ATTACH_TIMESTAMP));
	kt_msg_init(&kb, c.id, 0, 5, 0);
	kt_msg_vec(&kb, d1, 3);
	H = kb.len;
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	m = kt_pool_msg(&c, r.msg.offset);
	/* metadata: exactly one TIMESTAMP item after the sent items */
	KT_EQ(m->size, KT_ALIGN8(H) + 16 + 24);
	KT_FOREACH_ITEM(it, m->items, m->size - 64)
		last = it;
	if (KT_CHECK(last != NULL)) {
		KT_EQ(last->type, KDBUS_ITEM_TIMESTAMP);
		KT_EQ(last->size, 40);
		KT_CHECK(last->timestamp.seqnum > 0);
		KT_CHECK(last->timestamp.monotonic_ns > 0 &&
			 last->timestamp.monotonic_ns <= kt_now_ns());
	}
	P = KT_ALIGN8(m->size);
	it = kt_msg_item(m, KDBUS_ITEM_PAYLOAD_OFF);
	if (KT_CHECK(it != NULL))
		KT_EQ(it->vec.offset, P);
	KT_EQ(r.msg.msg_size, KT_ALIGN8(P + 3));
}

static void t_layout_unaligned(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_msg *m;
	struct kdbus_cmd_recv r;
	struct kdbus_item *it;
	static const char d[4] = "abc";
	u64 H, P;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_name_acquire(&c, "org.example.oddname", 0, NULL));
	/* DST_NAME last, 16 + 20 = 36 bytes: the sent items end unaligned */
	kt_msg_init(&kb, 0, 0, 1, 0);
	kt_msg_vec(&kb, d, 4);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.oddname");
	H = 64 + 32 + 16 + 20;
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	m = kt_pool_msg(&c, r.msg.offset);
	KT_EQ(m->size, H); /* no metadata: not rounded up */
	P = KT_ALIGN8(H);
	it = kt_msg_item(m, KDBUS_ITEM_PAYLOAD_OFF);
	if (KT_CHECK(it != NULL)) {
		KT_EQ(it->vec.offset, P);
		KT_CHECK(!memcmp((u8 *)m + P, d, 4));
	}
	KT_EQ(r.msg.msg_size, KT_ALIGN8(P + 4));
	for (u64 i = H; i < P; i++)
		KT_EQ(((u8 *)m)[i], 0);
	kt_free(&c, r.msg.offset);
	/* with metadata: items at ALIGN8(H), size = ALIGN8(H) + M */
	KT_REQ_OK(kt_update_attach(&c, (u64)-2, KDBUS_ATTACH_TIMESTAMP));
	kt_msg_init(&kb, 0, 0, 2, 0);
	kt_msg_vec(&kb, d, 4);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.oddname");
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	m = kt_pool_msg(&c, r.msg.offset);
	KT_EQ(m->size, KT_ALIGN8(H) + 40);
	it = (struct kdbus_item *)((u8 *)m + KT_ALIGN8(H));
	KT_EQ(it->type, KDBUS_ITEM_TIMESTAMP);
	P = KT_ALIGN8(m->size);
	it = kt_msg_item(m, KDBUS_ITEM_PAYLOAD_OFF);
	if (KT_CHECK(it != NULL))
		KT_EQ(it->vec.offset, P);
	KT_EQ(r.msg.msg_size, KT_ALIGN8(P + 4));
}

static void t_validation_header(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_msg *m;
	u64 later = kt_now_ns() + 10000 * KT_MS;

	KT_REQ_OK(two_conns(&b, &a, &c));
	m = kt_msg_init(&kb, c.id, 0, 1, 0);
	m->payload_type = 0;
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	/* payload_type before the broadcast rules */
	m = kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, 0, 1, 0);
	m->payload_type = 0;
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, 0, 1, 0);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADMSG);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, 0, 1, 5); /* no SIGNAL beats cookie_reply */
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADMSG);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 5);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ENOTUNIQ);
	kt_msg_init(&kb, c.id, KDBUS_MSG_EXPECT_REPLY, 1, 0);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	kt_msg_init(&kb, c.id, KDBUS_MSG_EXPECT_REPLY | KDBUS_MSG_SIGNAL, 1, 0);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL); /* timeout 0 first */
	kt_msg_init(&kb, c.id, KDBUS_MSG_EXPECT_REPLY | KDBUS_MSG_SIGNAL, 1, later);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ENOTUNIQ);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	KT_ERR(kt_send_buf(&a, &kb, KDBUS_SEND_SYNC_REPLY, -1, NULL), EINVAL);
	kt_msg_init(&kb, c.id, KDBUS_MSG_SIGNAL, 1, 5);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	/* EXPECT_REPLY with cookie 0 is fine */
	kt_msg_init(&kb, c.id, KDBUS_MSG_EXPECT_REPLY, 0, later);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_EQ(kt_drain(&c), 1);
}

static void t_validation_vec(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	static const char data[8] = "data";
	struct kdbus_vec v = { 1024 * 1024, { 0 } };

	KT_REQ_OK(two_conns(&b, &a, &c));
	/* VEC total above 2 MiB (address 0 vectors carry no data) */
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
	v.size = 1;
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMSGSIZE);
	/* unreadable address, kernel address, address above 4 GiB */
	v = (struct kdbus_vec){ 8, { 4096 } };
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EFAULT);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	v.address = 0xc0001000ULL;
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EFAULT);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	v.address = (u64)(uintptr_t)data | (1ULL << 32);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EFAULT);
	KT_EQ(kt_drain(&c), 0);
}

/*
 * Found by the fuzzer: a vector that starts readable and runs into an
 * unmapped page, followed by another vector, used to spin in the kernel
 * for ever with the bus lock held. It must fail with EFAULT, queue
 * nothing, and leave the bus usable.
 */
static void t_validation_vec_partial(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_vec v;
	char *pg;

	KT_REQ_OK(two_conns(&b, &a, &c));
	pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KT_REQ(pg != MAP_FAILED);
	memset(pg, 'x', 4096);
	KT_REQ_OK(mprotect(pg + 4096, 4096, PROT_NONE));
	for (int readable = 1; readable <= 9; readable += 8) {
		kt_msg_init(&kb, c.id, 0, 1, 0);
		v = (struct kdbus_vec){ 169, { (uintptr_t)(pg + 4096 - readable) } };
		kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
		v = (struct kdbus_vec){ 26, { 0 } };
		kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
		KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EFAULT);
	}
	KT_EQ(kt_drain(&c), 0);
	/* the bus still works */
	v = (struct kdbus_vec){ 8, { (uintptr_t)pg } };
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_EQ(kt_drain(&c), 1);
	munmap(pg, 8192);
}

static void t_validation_memfd(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	static const char data[8] = "data";
	int mfd;
	struct kdbus_memfd mf;

	KT_REQ_OK(two_conns(&b, &a, &c));
	mfd = make_memfd(data, sizeof(data), 1);
	KT_REQ(mfd >= 0);
	/* memfd range overflow → EMSGSIZE */
	mf = (struct kdbus_memfd){ ~0ULL - 2, 8, mfd, 0 };
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMSGSIZE);
	KT_EQ(kt_drain(&c), 0);
}

static void t_validation_memfd_count(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	static const char data[8] = "data";
	int mfd;
	struct kdbus_memfd mf;

	KT_REQ_OK(two_conns(&b, &a, &c));
	mfd = make_memfd(data, sizeof(data), 1);
	KT_REQ(mfd >= 0);
	/* 17 memfds → E2BIG (validation, before any import) */
	mf = (struct kdbus_memfd){ 0, 8, mfd, 0 };
	kt_msg_init(&kb, c.id, 0, 1, 0);
	for (int i = 0; i < 17; i++)
		kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), E2BIG);
	KT_EQ(kt_drain(&c), 0);
}

static void t_validation_fds_bloom(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	int fds[17];
	u8 bf[8 + 68] = { 0 };

	KT_REQ_OK(two_conns(&b, &a, &c));
	/* 17 descriptors → EMFILE */
	for (int i = 0; i < 17; i++)
		fds[i] = 0;
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, fds, 17);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMFILE);
	/* bloom filter: odd length → EFAULT, wrong size → EDOM */
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_FILTER, bf, 8 + 12);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EFAULT);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_FILTER, bf, 8 + 32);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EDOM);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_FILTER, bf, 8);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EDOM);
	KT_EQ(kt_drain(&c), 0);
}

static void t_validation_dst_name(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	int fds[1] = { 0 };

	KT_REQ_OK(two_conns(&b, &a, &c));
	/* DST_NAME invalid → EINVAL; with broadcast → EBADMSG */
	kt_msg_init(&kb, 0, 0, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "invalid");
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	kt_msg_init(&kb, 0, 0, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.*");
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.x");
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADMSG);
	/* repeated FDS / BLOOM_FILTER / DST_NAME → EINVAL */
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, fds, 0);
	kt_msg_fds(&kb, fds, 0);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	kt_msg_init(&kb, c.id, KDBUS_MSG_SIGNAL, 1, 0);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	kt_msg_init(&kb, 0, 0, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.x");
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.x");
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	KT_EQ(kt_drain(&c), 0);
}

static void t_send_check_order(void)
{
	struct kt_bus b;
	struct kt_conn a, c, act;
	struct kt_buf kb;
	struct kdbus_msg *m;
	int fds[17], closed, p[2];

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.order"));
	KT_REQ(pipe(p) == 0);
	closed = dup(0);
	close(closed);
	/* 1: special connections before parsing */
	{
		u64 junk[2] KT_ALIGNED = { 8, 1ULL << 40 };

		KT_ERR(kt_ioctl(act.fd, KDBUS_CMD_SEND, junk), EOPNOTSUPP);
	}
	/* 4: CANCEL_FD before 5: src_id */
	m = kt_msg_init(&kb, c.id, 0, 1, 0);
	m->src_id = c.id;
	KT_ERR(kt_send_buf(&a, &kb, 0, closed, NULL), EBADF);
	/* 5: src_id before 6: message validation */
	m = kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, 0, 1, 0);
	m->src_id = c.id;
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	/* 6: validation (17 fds) before 7: import (closed fd) */
	for (int i = 0; i < 17; i++)
		fds[i] = closed;
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, fds, 17);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMFILE);
	/* 7: import before 8: destination */
	kt_msg_init(&kb, 0x7ffffff0, 0, 1, 0);
	kt_msg_fds(&kb, &closed, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADF);
	kt_msg_init(&kb, 0x7ffffff0, 0, 1, 0);
	kt_msg_fds(&kb, p, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ENXIO);
	/* destination: EREMCHG before EADDRNOTAVAIL */
	kt_msg_init(&kb, c.id, KDBUS_MSG_NO_AUTO_START, 1, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "org.example.order");
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EREMCHG);
	KT_EQ(kt_drain(&c), 0);
}

static void t_validation_final(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	int fds[1] = { 0 };

	KT_REQ_OK(two_conns(&b, &a, &c));
	kt_msg_init(&kb, c.id, KDBUS_MSG_SIGNAL, 1, 0);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADMSG);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADMSG);
	kt_msg_init(&kb, 0, 0, 1, 0);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EDESTADDRREQ);
	kt_msg_init(&kb, 0, KDBUS_MSG_SIGNAL, 1, 0); /* EBADMSG (6) before EDESTADDRREQ (7) */
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADMSG);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 0);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	kt_msg_fds(&kb, fds, 0);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ENOTUNIQ);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 0);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	kt_msg_fds(&kb, fds, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ENOTUNIQ);
	/* items (step 5) before SIGNAL/bloom pairing (step 6) */
	kt_msg_init(&kb, 0, 0, 1, 0);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, "bad");
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EINVAL);
	/* a valid broadcast */
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 0);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
}

static void t_fds(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_cmd_recv r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	int p[2];
	char buf[8] = { 0 };

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ(pipe(p) == 0);
	KT_REQ(write(p[1], "pipe", 5) == 5);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, &p[0], 1);
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	/* PEEK installs nothing */
	KT_REQ_OK(kt_recv(&c, KDBUS_RECV_PEEK, 0, &r));
	m = kt_pool_msg(&c, r.msg.offset);
	it = kt_msg_item(m, KDBUS_ITEM_FDS);
	KT_REQ(it != NULL);
	KT_EQ(it->size, 20);
	KT_EQ(it->fds[0], -1);
	KT_OK(kt_free(&c, r.msg.offset));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	m = kt_pool_msg(&c, r.msg.offset);
	it = kt_msg_item(m, KDBUS_ITEM_FDS);
	KT_REQ(it != NULL);
	KT_CHECK(it->fds[0] >= 0 && it->fds[0] != p[0]);
	KT_EQ(r.msg.return_flags, 0);
	if (it->fds[0] >= 0) {
		KT_EQ(read(it->fds[0], buf, 5), 5);
		KT_CHECK(!strcmp(buf, "pipe"));
		KT_CHECK(fcntl(it->fds[0], F_GETFD) & FD_CLOEXEC);
	}
}

static void t_fds_errors(void)
{
	struct kt_bus b;
	struct kt_conn a, c, nofd;
	struct kt_buf kb;
	int sv[2], fd, closed;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_hello(&nofd, &b, 0, KT_POOL_SIZE));
	KT_REQ(pipe(sv) == 0);
	fd = sv[0];
	kt_msg_init(&kb, nofd.id, 0, 1, 0);
	kt_msg_fds(&kb, &fd, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ECOMM);
	/* an empty FDS item is fine even without ACCEPT_FD */
	kt_msg_init(&kb, nofd.id, 0, 1, 0);
	kt_msg_fds(&kb, &fd, 0);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	fd = -1;
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, &fd, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADF);
	closed = dup(0);
	close(closed);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, &closed, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADF);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, &a.fd, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EOPNOTSUPP);
	fd = kt_open_control(NULL);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, &fd, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EOPNOTSUPP);
	KT_REQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, &sv[0], 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EOPNOTSUPP);
	fd = open("/", O_PATH);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, &fd, 1);
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_EQ(kt_drain(&c), 1);
}

static void t_memfd(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_cmd_recv r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	static const char data[] = "memfd payload!!";
	int mfd, unsealed, reg;
	char buf[32] = { 0 };
	struct kdbus_memfd mf;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_hello(&c, &b, 0, KT_POOL_SIZE)); /* no ACCEPT_FD: memfds still arrive */
	mfd = make_memfd(data, sizeof(data), 1);
	KT_REQ(mfd >= 0);
	mf = (struct kdbus_memfd){ 2, 10, mfd, 0 };
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	m = kt_pool_msg(&c, r.msg.offset);
	it = kt_msg_item(m, KDBUS_ITEM_PAYLOAD_MEMFD);
	KT_REQ(it != NULL);
	KT_EQ(it->memfd.start, 2);
	KT_EQ(it->memfd.size, 10);
	KT_EQ(it->memfd.__pad, 0);
	KT_CHECK(it->memfd.fd >= 0);
	if (it->memfd.fd >= 0) {
		KT_EQ(pread(it->memfd.fd, buf, 10, 2), 10);
		KT_CHECK(!memcmp(buf, data + 2, 10));
	}
	/* unsealed → ETXTBSY, not a memfd → EMEDIUMTYPE, beyond the end → EFAULT */
	unsealed = make_memfd(data, sizeof(data), 0);
	mf.fd = unsealed;
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ETXTBSY);
	{
		int p[2];

		KT_REQ(pipe(p) == 0); /* not a shmem file at all */
		reg = p[0];
	}
	mf.fd = reg;
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EMEDIUMTYPE);
	mf.fd = mfd;
	mf.start = 10;
	mf.size = sizeof(data);
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EFAULT);
	close(unsealed);
	mf.fd = unsealed; /* now closed */
	mf.start = 0;
	mf.size = 1;
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), EBADF);
}

static void t_memfd_layout(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_cmd_recv r;
	struct kdbus_msg *m;
	struct kdbus_item *it;
	static const char d1[] = "abc", d2[] = "0123456";
	int mfd = make_memfd("xxxxxxxxxxxxxxxx", 16, 1);
	struct kdbus_memfd mf = { 0, 5, mfd, 0 };
	u64 P;
	int n = 0;

	KT_REQ(mfd >= 0);
	KT_REQ_OK(two_conns(&b, &a, &c));
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_vec(&kb, d1, 3);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	kt_msg_vec(&kb, d2, 7);
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	m = kt_pool_msg(&c, r.msg.offset);
	P = KT_ALIGN8(m->size);
	KT_FOREACH_ITEM(it, m->items, m->size - 64) {
		if (n == 0) {
			KT_EQ(it->type, KDBUS_ITEM_PAYLOAD_OFF);
			KT_EQ(it->vec.offset, P);
		} else if (n == 1) {
			KT_EQ(it->type, KDBUS_ITEM_PAYLOAD_MEMFD);
		} else if (n == 2) {
			KT_EQ(it->type, KDBUS_ITEM_PAYLOAD_OFF);
			KT_EQ(it->vec.offset, P + 3 + 5); /* memfd: size mod 8 zero bytes */
			KT_CHECK(!memcmp((u8 *)m + it->vec.offset, d2, 7));
		}
		n++;
	}
	KT_EQ(n, 3);
	KT_EQ(r.msg.msg_size, KT_ALIGN8(P + 3 + 5 + 7));
}

/* ------------------------------------------------------------------ replies */

static void t_reply(void)
{
	struct kt_bus b;
	struct kt_conn a, c, other;
	struct kdbus_msg *m;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_conn(&other, &b));
	KT_REQ_OK(kt_send_call(&a, c.id, 0xabc, kt_now_ns() + 10000 * KT_MS));
	KT_REQ_OK(kt_recv_wait(&c, 2000, &m));
	KT_EQ(m->flags, KDBUS_MSG_EXPECT_REPLY);
	KT_EQ(m->cookie, 0xabc);
	/* only c may reply */
	KT_ERR(kt_send_reply(&other, a.id, 0xabc, "imposter"), EBADSLT);
	KT_ERR(kt_send_reply(&c, a.id, 0xabd, "wrong cookie"), EBADSLT);
	KT_OK(kt_send_reply(&c, a.id, 0xabc, "answer"));
	KT_ERR(kt_send_reply(&c, a.id, 0xabc, "again"), EBADSLT);
	KT_REQ_OK(kt_recv_wait(&a, 2000, &m));
	KT_EQ(m->cookie_reply, 0xabc);
	KT_EQ(m->src_id, c.id);
	KT_CHECK(!strcmp(kt_msg_text(&a, m), "answer"));
	/* a reply without any expectation */
	KT_ERR(kt_send_reply(&a, c.id, 0x999, "unsolicited"), EBADSLT);
}

static void t_reply_queue_error(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_msg *m;
	int p[2];

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_hello(&a, &b, 0, KT_POOL_SIZE)); /* caller lacks ACCEPT_FD */
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ(pipe(p) == 0);
	KT_REQ_OK(kt_send_call(&a, c.id, 0x44, kt_now_ns() + 30000 * KT_MS));
	KT_REQ_OK(kt_recv_wait(&c, 2000, &m));
	kt_msg_init(&kb, a.id, 0, 0, 0x44);
	kt_msg_fds(&kb, p, 1);
	KT_ERR(kt_send_buf(&c, &kb, 0, -1, NULL), ECOMM);
	/* the expectation was consumed by the failed reply */
	KT_ERR(kt_send_reply(&c, a.id, 0x44, "again"), EBADSLT);
	KT_EQ(kt_drain(&a), 0);
}

static void check_reply_notify(struct kdbus_msg *m, u64 type, u64 requester, u64 cookie)
{
	struct kdbus_item *it;

	KT_EQ(m->src_id, 0);
	KT_EQ(m->payload_type, KDBUS_PAYLOAD_KERNEL);
	KT_EQ(m->dst_id, requester);
	KT_EQ(m->cookie_reply, cookie);
	KT_EQ(m->cookie, 0);
	KT_EQ(m->flags, 0);
	KT_EQ(m->priority, 0);
	it = m->items;
	KT_EQ(it->type, type);
	KT_EQ(it->size, 16);
	it = KDBUS_ITEM_NEXT(it);
	if (KT_CHECK((u8 *)it < (u8 *)m + m->size)) {
		KT_EQ(it->type, KDBUS_ITEM_TIMESTAMP);
		KT_CHECK((u8 *)KDBUS_ITEM_NEXT(it) == (u8 *)m + KT_ALIGN8(m->size));
	}
}

static void t_reply_timeout(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg *m;
	u64 start = kt_now_ns();

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_send_call(&a, c.id, 0x77, start + 200 * KT_MS));
	KT_REQ_OK(kt_recv_wait(&c, 2000, &m));
	/* not yet */
	KT_CHECK(!kt_poll_in(&a, 100) || kt_now_ns() >= start + 200 * KT_MS);
	KT_REQ_OK(kt_recv_notify(&a, KDBUS_ITEM_REPLY_TIMEOUT, 5000, &m));
	KT_CHECK(kt_now_ns() >= start + 200 * KT_MS);
	check_reply_notify(m, KDBUS_ITEM_REPLY_TIMEOUT, a.id, 0x77);
	KT_ERR(kt_send_reply(&c, a.id, 0x77, "late"), EBADSLT);
}

static void t_reply_timeout_past(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg *m;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_send_call(&a, c.id, 0x78, 1)); /* long past */
	KT_REQ_OK(kt_recv_notify(&a, KDBUS_ITEM_REPLY_TIMEOUT, 3000, &m));
	check_reply_notify(m, KDBUS_ITEM_REPLY_TIMEOUT, a.id, 0x78);
	KT_EQ(kt_drain(&c), 1); /* the call itself was delivered */
}

static void t_expectation_discarded_on_error(void)
{
	struct kt_bus b;
	struct kt_conn a, nofd;
	struct kt_buf kb;
	int p[2];
	u64 start = kt_now_ns();

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_hello(&nofd, &b, 0, KT_POOL_SIZE));
	KT_REQ(pipe(p) == 0);
	kt_msg_init(&kb, nofd.id, KDBUS_MSG_EXPECT_REPLY, 0x33, start + 200 * KT_MS);
	kt_msg_fds(&kb, p, 1);
	KT_ERR(kt_send_buf(&a, &kb, 0, -1, NULL), ECOMM);
	/* no expectation was kept: no REPLY_TIMEOUT, a reply is refused */
	KT_CHECK(!kt_poll_in(&a, 800));
	KT_ERR(kt_send_reply(&nofd, a.id, 0x33, "x"), EBADSLT);
}

static void t_reply_dead(void)
{
	struct kt_bus b;
	struct kt_conn a, c, d, e;
	struct kdbus_msg *m;
	struct kdbus_cmd_recv r;
	u64 later = kt_now_ns() + 30000 * KT_MS;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_conn(&d, &b));
	KT_REQ_OK(kt_conn(&e, &b));
	/* queued call, replier disconnects */
	KT_REQ_OK(kt_send_call(&a, c.id, 1, later));
	kt_conn_close(&c);
	KT_REQ_OK(kt_recv_notify(&a, KDBUS_ITEM_REPLY_DEAD, 3000, &m));
	check_reply_notify(m, KDBUS_ITEM_REPLY_DEAD, a.id, 1);
	kt_free_msg(&a, m);
	/* received call, replier disconnects without answering */
	KT_REQ_OK(kt_send_call(&a, d.id, 2, later));
	KT_REQ_OK(kt_recv_wait(&d, 2000, &m));
	kt_conn_close(&d);
	KT_REQ_OK(kt_recv_notify(&a, KDBUS_ITEM_REPLY_DEAD, 3000, &m));
	check_reply_notify(m, KDBUS_ITEM_REPLY_DEAD, a.id, 2);
	kt_free_msg(&a, m);
	/* the replier drops the call */
	KT_REQ_OK(kt_send_call(&a, e.id, 3, later));
	KT_REQ_OK(kt_recv(&e, KDBUS_RECV_DROP, 0, &r));
	KT_EQ(r.msg.offset, e.pool_size);
	KT_REQ_OK(kt_recv_notify(&a, KDBUS_ITEM_REPLY_DEAD, 3000, &m));
	check_reply_notify(m, KDBUS_ITEM_REPLY_DEAD, a.id, 3);
	kt_free_msg(&a, m);
	/* exactly one notification each */
	KT_CHECK(!kt_poll_in(&a, 300));
}

/* ------------------------------------------------------------------ sync calls */

static int sync_call(const struct kt_conn *c, u64 dst, u64 cookie, u64 deadline, int cancel_fd,
		     struct kdbus_msg_info *reply)
{
	struct kt_buf kb;
	static const char text[] = "sync";

	kt_msg_init(&kb, dst, KDBUS_MSG_EXPECT_REPLY, cookie, deadline);
	kt_msg_vec(&kb, text, sizeof(text));
	return kt_send_buf(c, &kb, KDBUS_SEND_SYNC_REPLY, cancel_fd, reply);
}

enum { R_REPLY, R_BYEBYE, R_DROP, R_NOTHING, R_REPLY_FDS };

/* Child: waits for one call on srv, then acts; exit status = number of
 * extra messages seen within 300 ms afterwards (10 + n), or 1 on error. */
static pid_t spawn_replier(const struct kt_conn *srv, unsigned int delay_ms, int mode)
{
	pid_t pid = kt_fork();

	if (pid == 0) {
		struct kdbus_msg *m;
		struct kdbus_cmd_recv r;
		int n = 0, e;

		if (mode == R_DROP) {
			if (!kt_poll_in(srv, 5000))
				_exit(2);
			kt_sleep_ms(delay_ms);
			_exit(kt_recv(srv, KDBUS_RECV_DROP, 0, &r) ? 3 : 10);
		}
		if (kt_recv_wait(srv, 5000, &m))
			_exit(2);
		kt_sleep_ms(delay_ms);
		if (mode == R_REPLY) {
			e = kt_send_reply(srv, m->src_id, m->cookie, "sync answer");
			if (e)
				_exit(3);
		} else if (mode == R_REPLY_FDS) {
			struct kt_buf kb;
			int fd, p[2];

			if (pipe(p))
				_exit(5);
			fd = p[0];

			kt_msg_init(&kb, m->src_id, 0, 0, m->cookie);
			kt_msg_fds(&kb, &fd, 1);
			e = kt_send_buf(srv, &kb, 0, -1, NULL);
			_exit(e == ECOMM ? 10 : 4);
		} else if (mode == R_BYEBYE) {
			kt_free_msg(srv, m);
			if (kt_byebye(srv))
				_exit(4);
			_exit(10);
		}
		while (kt_recv_wait(srv, 300, &m) == 0)
			n++;
		_exit(10 + n);
	}
	return pid;
}

static void t_sync_reply(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg_info reply;
	struct kdbus_msg *m;
	pid_t pid;

	KT_REQ_OK(two_conns(&b, &a, &c));
	pid = spawn_replier(&c, 100, R_REPLY);
	KT_REQ_OK(sync_call(&a, c.id, 0x5c, kt_now_ns() + 10000 * KT_MS, -1, &reply));
	KT_REQ(reply.offset < a.pool_size);
	m = kt_pool_msg(&a, reply.offset);
	KT_EQ(reply.msg_size % 8, 0);
	KT_CHECK(reply.msg_size >= m->size);
	KT_EQ(reply.return_flags, 0);
	KT_EQ(m->cookie_reply, 0x5c);
	KT_EQ(m->src_id, c.id);
	KT_CHECK(!strcmp(kt_msg_text(&a, m), "sync answer"));
	KT_OK(kt_free(&a, reply.offset));
	KT_EQ(kt_wait_child(pid), 10);
	/* nothing was queued on the caller */
	KT_EQ(kt_drain(&a), 0);
}

static void t_sync_past_deadline(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg_info reply = { 1, 1, 1 };

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_ERR(sync_call(&a, c.id, 1, kt_now_ns() - 1, -1, &reply), ETIMEDOUT);
	KT_EQ(kt_drain(&c), 0); /* nothing sent */
}

static void t_sync_timeout(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg *m;
	u64 start, took;

	KT_REQ_OK(two_conns(&b, &a, &c));
	start = kt_now_ns();
	KT_ERR(sync_call(&a, c.id, 0x99, start + 200 * KT_MS, -1, NULL), ETIMEDOUT);
	took = kt_now_ns() - start;
	KT_CHECK(took >= 190 * KT_MS);
	KT_CHECK(took < 5000 * KT_MS);
	kt_diag("info: sync call timed out after %llu ms", (unsigned long long)(took / KT_MS));
	KT_REQ_OK(kt_recv_wait(&c, 1000, &m));
	KT_ERR(kt_send_reply(&c, a.id, 0x99, "late"), EBADSLT);
	/* synchronous calls never produce REPLY_TIMEOUT */
	KT_CHECK(!kt_poll_in(&a, 400));
}

static void t_sync_epipe(void)
{
	struct kt_bus b;
	struct kt_conn a, c, d;
	pid_t pid;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ_OK(kt_conn(&d, &b));
	pid = spawn_replier(&c, 100, R_BYEBYE);
	KT_ERR(sync_call(&a, c.id, 1, kt_now_ns() + 10000 * KT_MS, -1, NULL), EPIPE);
	KT_EQ(kt_wait_child(pid), 10);
	pid = spawn_replier(&d, 100, R_DROP);
	KT_ERR(sync_call(&a, d.id, 2, kt_now_ns() + 10000 * KT_MS, -1, NULL), EPIPE);
	KT_EQ(kt_wait_child(pid), 10);
	/* no REPLY_DEAD for synchronous calls */
	KT_CHECK(!kt_poll_in(&a, 300));
}

static void t_sync_cancel(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	int efd = eventfd(0, EFD_CLOEXEC);
	pid_t pid;
	u64 start;
	char path[64];
	int reg;

	KT_REQ(efd >= 0);
	KT_REQ_OK(two_conns(&b, &a, &c));
	pid = kt_fork();
	if (pid == 0) {
		u64 one = 1;

		if (!kt_poll_in(&c, 10000)) /* the call is queued: the caller waits */
			_exit(2);
		kt_sleep_ms(100);
		_exit(write(efd, &one, 8) == 8 ? 0 : 1);
	}
	start = kt_now_ns();
	KT_ERR(sync_call(&a, c.id, 1, start + 15000 * KT_MS, efd, NULL), ECANCELED);
	/* the call may only end once the cancel fd is readable */
	if (!KT_CHECK(kt_poll_events(efd) & POLLIN))
		kt_diag("returned after %llu ms, before the eventfd was written",
			(unsigned long long)((kt_now_ns() - start) / KT_MS));
	KT_EQ(kt_wait_child(pid), 0);
	KT_EQ(kt_drain(&c), 1);
	/* an already readable cancel fd cancels at once (after sending) */
	KT_ERR(sync_call(&a, c.id, 2, kt_now_ns() + 10000 * KT_MS, efd, NULL), ECANCELED);
	/* validation, also for asynchronous sends */
	close(efd);
	KT_ERR(sync_call(&a, c.id, 3, kt_now_ns() + 10000 * KT_MS, efd, NULL), EBADF);
	KT_ERR(kt_send_call(&a, c.id, 4, kt_now_ns() + 10000 * KT_MS), 0);
	{
		struct kt_buf kb;

		kt_msg_init(&kb, c.id, 0, 5, 0);
		KT_ERR(kt_send_buf(&a, &kb, 0, efd, NULL), EBADF);
		snprintf(path, sizeof(path), "/tmp/kt-cancel-%d", (int)getpid());
		reg = open(path, O_RDWR | O_CREAT, 0600);
		unlink(path);
		kt_msg_init(&kb, c.id, 0, 6, 0);
		KT_ERR(kt_send_buf(&a, &kb, 0, reg, NULL), EINVAL);
	}
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

/*
 * Child: waits until the call is queued on srv (so the caller is inside its
 * SEND), then signals the caller; with reply_ms >= 0 it replies that long
 * after the signal. Exit status 10 + number of further calls seen in 300 ms.
 * Ordering never depends on timing: the signal always follows the queueing.
 */
static pid_t spawn_signaller(const struct kt_conn *srv, pid_t target, int reply_ms)
{
	pid_t pid = kt_fork();

	if (pid == 0) {
		struct kdbus_msg *m;
		int n = 0;

		if (!kt_poll_in(srv, 10000))
			_exit(2);
		kt_sleep_ms(50);
		kill(target, SIGUSR1);
		if (reply_ms < 0)
			_exit(10);
		kt_sleep_ms((unsigned int)reply_ms);
		if (kt_recv_wait(srv, 1000, &m))
			_exit(4);
		if (kt_send_reply(srv, m->src_id, m->cookie, "after the signal"))
			_exit(3);
		while (kt_recv_wait(srv, 300, &m) == 0)
			n++;
		_exit(10 + n);
	}
	return pid;
}

static void catch_usr1(int restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
}

static void t_sync_signal_resume(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg_info reply;
	u64 deadline;
	pid_t sig, replier;

	KT_REQ_OK(two_conns(&b, &a, &c));
	catch_usr1(0);
	deadline = kt_now_ns() + 15000 * KT_MS;
	sig = spawn_signaller(&c, getpid(), -1);
	KT_ERR(sync_call(&a, c.id, 0x51, deadline, -1, &reply), EINTR);
	KT_CHECK(got_signal);
	KT_EQ(kt_wait_child(sig), 10);
	/* the call reached the destination once; the retry resumes waiting */
	replier = spawn_replier(&c, 200, R_REPLY);
	KT_REQ_OK(sync_call(&a, c.id, 0x51, deadline, -1, &reply));
	KT_EQ(kt_pool_msg(&a, reply.offset)->cookie_reply, 0x51);
	KT_EQ(kt_wait_child(replier), 10); /* exactly one call seen */
}

static void t_sync_signal_reply_kept(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg_info reply;
	u64 deadline;
	pid_t sig;

	KT_REQ_OK(two_conns(&b, &a, &c));
	catch_usr1(0);
	deadline = kt_now_ns() + 15000 * KT_MS;
	sig = spawn_signaller(&c, getpid(), 300);
	KT_ERR(sync_call(&a, c.id, 0x52, deadline, -1, &reply), EINTR);
	/* the reply arrives while the caller is not waiting */
	KT_EQ(kt_wait_child(sig), 10);
	KT_EQ(kt_drain(&a), 0); /* not queued as an ordinary message */
	KT_REQ_OK(sync_call(&a, c.id, 0x52, deadline, -1, &reply));
	KT_EQ(kt_pool_msg(&a, reply.offset)->cookie_reply, 0x52);
}

static void t_sync_signal_restart(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg_info reply;
	pid_t sig;

	KT_REQ_OK(two_conns(&b, &a, &c));
	catch_usr1(1);
	sig = spawn_signaller(&c, getpid(), 500);
	KT_REQ_OK(sync_call(&a, c.id, 0x53, kt_now_ns() + 15000 * KT_MS, -1, &reply));
	KT_CHECK(got_signal);
	KT_EQ(kt_pool_msg(&a, reply.offset)->cookie_reply, 0x53);
	KT_EQ(kt_wait_child(sig), 10);
}

static void t_sync_signal_deadline(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_msg *m;
	u64 deadline;
	pid_t sig;

	KT_REQ_OK(two_conns(&b, &a, &c));
	catch_usr1(0);
	deadline = kt_now_ns() + 2000 * KT_MS;
	sig = spawn_signaller(&c, getpid(), -1);
	KT_ERR(sync_call(&a, c.id, 0x54, deadline, -1, NULL), EINTR);
	kt_wait_child(sig);
	while (kt_now_ns() < deadline + 300 * KT_MS)
		kt_sleep_ms(50);
	/* discarded silently: no REPLY_TIMEOUT, a late reply finds nothing */
	KT_CHECK(!kt_poll_in(&a, 300));
	KT_REQ_OK(kt_recv_wait(&c, 1000, &m));
	KT_EQ(m->cookie, 0x54);
	KT_ERR(kt_send_reply(&c, a.id, 0x54, "late"), EBADSLT);
	/* retrying now is a new call whose deadline has passed: nothing is sent */
	KT_ERR(sync_call(&a, c.id, 0x54, deadline, -1, NULL), ETIMEDOUT);
	KT_EQ(kt_drain(&c), 0);
}

static void t_sync_caller_byebye(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	pid_t pid;
	u64 start;

	KT_REQ_OK(two_conns(&b, &a, &c));
	pid = kt_fork();
	if (pid == 0) {
		if (!kt_poll_in(&c, 10000)) /* the call is queued: the caller waits */
			_exit(2);
		kt_sleep_ms(50);
		_exit(kt_byebye(&a) ? 1 : 0); /* same connection, another process */
	}
	start = kt_now_ns();
	KT_ERR(sync_call(&a, c.id, 1, start + 15000 * KT_MS, -1, NULL), ESHUTDOWN);
	KT_CHECK(kt_now_ns() - start < 10000 * KT_MS);
	KT_EQ(kt_wait_child(pid), 0);
	KT_ERR(kt_send(&a, c.id, 2, "x"), ESHUTDOWN);
}

static void t_incomplete_fds(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_cmd_recv r;
	struct kdbus_item *it;
	struct rlimit old, tight;
	int p[2], fds[2], lowest, e;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_REQ(pipe(p) == 0);
	fds[0] = p[0];
	fds[1] = p[1];
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_msg_fds(&kb, fds, 2);
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	/* no descriptor number can be allocated any more */
	lowest = dup(0);
	KT_REQ(lowest >= 0);
	close(lowest);
	KT_REQ(getrlimit(RLIMIT_NOFILE, &old) == 0);
	tight = old;
	tight.rlim_cur = (rlim_t)lowest;
	KT_REQ(setrlimit(RLIMIT_NOFILE, &tight) == 0);
	e = kt_recv(&c, 0, 0, &r);
	setrlimit(RLIMIT_NOFILE, &old);
	KT_REQ_OK(e);
	KT_EQ(r.msg.return_flags, KDBUS_RECV_RETURN_INCOMPLETE_FDS);
	it = kt_msg_item(kt_pool_msg(&c, r.msg.offset), KDBUS_ITEM_FDS);
	if (KT_CHECK(it != NULL)) {
		KT_EQ(it->fds[0], -1);
		KT_EQ(it->fds[1], -1);
	}
	KT_ERR(kt_recv(&c, 0, 0, &r), EAGAIN); /* delivered all the same */
}

static void t_sync_reply_fds_no_accept(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	pid_t pid;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_hello(&a, &b, 0, KT_POOL_SIZE)); /* caller lacks ACCEPT_FD */
	KT_REQ_OK(kt_conn(&c, &b));
	pid = spawn_replier(&c, 100, R_REPLY_FDS);
	KT_ERR(sync_call(&a, c.id, 1, kt_now_ns() + 10000 * KT_MS, -1, NULL), EREMOTEIO);
	KT_EQ(kt_wait_child(pid), 10); /* the replier saw ECOMM */
}

/* ------------------------------------------------------------------ receiving */

static void t_priorities(void)
{
	static const s64 prios[] = { 25, -600, 10, -35, -100, 20, -15, -800, -150, 10, -800, -10 };
	static const s64 thresholds[] = { -200, -100, -400, -400, 10, 10 };
	static const s64 expect[] = { -800, -800, -600, 1, -150, -100 };
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_cmd_recv r;

	KT_REQ_OK(two_conns(&b, &a, &c));
	for (size_t i = 0; i < 12; i++) {
		struct kdbus_msg *m = kt_msg_init(&kb, c.id, 0, i + 1, 0);

		m->priority = prios[i];
		KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	}
	for (size_t i = 0; i < 6; i++) {
		int e = kt_recv(&c, KDBUS_RECV_USE_PRIORITY, thresholds[i], &r);

		if (expect[i] == 1) {
			KT_ERR(e, EAGAIN);
			continue;
		}
		if (!KT_OK(e))
			continue;
		KT_EQ(kt_pool_msg(&c, r.msg.offset)->priority, (u64)expect[i]);
		kt_free(&c, r.msg.offset);
	}
	/* the two -800 came in order: cookies 8 then 11 were taken; plain RECV: 25 */
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	KT_EQ(kt_pool_msg(&c, r.msg.offset)->priority, 25);
	KT_EQ(kt_pool_msg(&c, r.msg.offset)->cookie, 1);
}

static void t_fifo_peek_drop(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_cmd_recv r;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_ERR(kt_recv(&c, 0, 0, &r), EAGAIN);
	KT_EQ(r.msg.offset, c.pool_size);
	for (u64 i = 1; i <= 3; i++)
		KT_REQ_OK(kt_send(&a, c.id, i, "x"));
	KT_REQ_OK(kt_recv(&c, KDBUS_RECV_PEEK, 0, &r));
	KT_EQ(kt_pool_msg(&c, r.msg.offset)->cookie, 1);
	kt_free(&c, r.msg.offset);
	KT_REQ_OK(kt_recv(&c, KDBUS_RECV_DROP, 0, &r));
	KT_EQ(r.msg.offset, c.pool_size);
	KT_EQ(r.msg.msg_size, 0);
	KT_ERR(kt_recv(&c, KDBUS_RECV_DROP | KDBUS_RECV_USE_PRIORITY, 0, &r), EINVAL);
	{
		struct kt_conn idle;

		KT_REQ_OK(kt_conn(&idle, &b)); /* flag check before the empty queue */
		KT_ERR(kt_recv(&idle, KDBUS_RECV_DROP | KDBUS_RECV_USE_PRIORITY, 0, &r), EINVAL);
	}
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	KT_EQ(kt_pool_msg(&c, r.msg.offset)->cookie, 2);
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	KT_EQ(kt_pool_msg(&c, r.msg.offset)->cookie, 3);
	KT_ERR(kt_recv(&c, 0, 0, &r), EAGAIN);
	KT_ERR(kt_recv(&c, KDBUS_RECV_PEEK, 0, &r), EAGAIN);
}

static void t_dropped_msgs(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kt_buf kb;
	struct kdbus_cmd_recv r;
	static u8 big[1500];

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_hello(&c, &b, 0, 4096)); /* quota: (2048 - 0 + 0) / 3 = 682 bytes */
	KT_REQ_OK(kt_match_all(&c, 1));
	KT_EQ(kt_poll_events(c.fd) & POLLIN, 0);
	kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, 1, 0);
	kt_msg_bloom(&kb, 0, NULL, KT_BLOOM_SIZE);
	kt_msg_vec(&kb, big, sizeof(big));
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL)); /* broadcasts always succeed */
	KT_CHECK(kt_poll_in(&c, 2000));          /* readable by the dropped counter alone */
	KT_ERR(kt_recv(&c, 0, 0, &r), EAGAIN);
	KT_EQ(r.dropped_msgs, 1);
	KT_EQ(r.return_flags, KDBUS_RECV_RETURN_DROPPED_MSGS);
	KT_EQ(kt_poll_events(c.fd) & POLLIN, 0);
	KT_ERR(kt_recv(&c, 0, 0, &r), EAGAIN);
	KT_EQ(r.dropped_msgs, 0);
	KT_EQ(r.return_flags, 0);
	/* with a message: counter reported by the successful RECV */
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ_OK(kt_send(&a, c.id, 5, "small"));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	KT_EQ(r.dropped_msgs, 2);
	KT_EQ(r.return_flags, KDBUS_RECV_RETURN_DROPPED_MSGS);
	KT_EQ(kt_pool_msg(&c, r.msg.offset)->cookie, 5);
}

static void t_poll(void)
{
	struct kt_bus b;
	struct kt_conn a, c;
	struct kdbus_cmd_recv r;
	pid_t pid;

	KT_REQ_OK(two_conns(&b, &a, &c));
	KT_EQ(kt_poll_events(c.fd), POLLOUT | POLLWRNORM);
	KT_REQ_OK(kt_send(&a, c.id, 1, "x"));
	KT_EQ(kt_poll_events(c.fd), POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
	KT_REQ_OK(kt_recv(&c, KDBUS_RECV_PEEK, 0, &r));
	KT_EQ(kt_poll_events(c.fd) & POLLIN, POLLIN); /* still queued */
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	KT_EQ(kt_poll_events(c.fd), POLLOUT | POLLWRNORM);
	/* a blocked poll is woken by a message */
	pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(200);
		_exit(kt_send(&a, c.id, 2, "wake") ? 1 : 0);
	}
	KT_CHECK(kt_poll_in(&c, 5000));
	KT_EQ(kt_wait_child(pid), 0);
	/* and by a disconnect */
	pid = kt_fork();
	if (pid == 0) {
		kt_sleep_ms(200);
		kt_drain(&c);
		_exit(kt_byebye(&c) ? 1 : 0);
	}
	{
		struct pollfd p = { c.fd, POLLIN, 0 };

		kt_drain(&c);
		KT_CHECK(poll(&p, 1, 5000) == 1);
		KT_CHECK(p.revents & (POLLERR | POLLHUP));
	}
	kt_wait_child(pid);
}

const struct kt_test kt_tests_msg[] = {
	{ "msg", "unicast by id: header fields as sent, src_id set, src_id checks", t_unicast_id, 0 },
	{ "msg", "unicast by name: dst_id 0 on receipt, DST_NAME kept", t_unicast_name, 0 },
	{ "msg", "destination errors: ENXIO, ESRCH, EREMCHG, EADDRNOTAVAIL", t_dest_errors, 0 },
	{ "msg", "pool layout of §6.13: PAYLOAD_OFF offsets, zero vectors, padding", t_layout, 0 },
	{ "msg", "pool layout with metadata: size = ALIGN8(H) + M, TIMESTAMP last", t_layout_metadata, 0 },
	{ "msg", "pool layout when the sent items end unaligned (DST_NAME last)", t_layout_unaligned, 0 },
	{ "msg", "header validation errnos in order (§6.3 steps 1-4)", t_validation_header, 0 },
	{ "msg", "PAYLOAD_VEC validation: 2 MiB total EMSGSIZE, bad addresses EFAULT", t_validation_vec, 0 },
	{ "msg", "a VEC running into an unmapped page gives EFAULT and leaves the bus usable", t_validation_vec_partial, 0 },
	{ "msg", "PAYLOAD_MEMFD range overflow gives EMSGSIZE", t_validation_memfd, 0 },
	{ "msg", "17 PAYLOAD_MEMFD items give E2BIG", t_validation_memfd_count, 0 },
	{ "msg", "17 FDS give EMFILE; bloom filter length EFAULT, size EDOM", t_validation_fds_bloom, 0 },
	{ "msg", "DST_NAME validation EINVAL/EBADMSG; repeated FDS/BLOOM_FILTER/DST_NAME EINVAL", t_validation_dst_name, 0 },
	{ "msg", "SEND check order: kind, CANCEL_FD, src_id, validation, import, destination", t_send_check_order, 0 },
	{ "msg", "SIGNAL/bloom pairing EBADMSG, EDESTADDRREQ, broadcast FDS ENOTUNIQ", t_validation_final, 0 },
	{ "msg", "FDS: installed by RECV (O_CLOEXEC), -1 on PEEK", t_fds, 0 },
	{ "msg", "FDS: ECOMM without ACCEPT_FD, EBADF, EOPNOTSUPP for kdbus and unix fds", t_fds_errors, 0 },
	{ "msg", "memfd payload: installed at RECV; ETXTBSY, EMEDIUMTYPE, EFAULT, EBADF", t_memfd, 0 },
	{ "msg", "memfd in the payload stream takes size mod 8 bytes", t_memfd_layout, 0 },
	{ "msg", "replies: matched by cookie and replier, consumed once, EBADSLT otherwise", t_reply, 0 },
	{ "msg", "a reply that cannot be queued fails for the replier and consumes the expectation", t_reply_queue_error, 0 },
	{ "msg", "EXPECT_REPLY deadline passes: REPLY_TIMEOUT notification, late reply EBADSLT", t_reply_timeout, 10 },
	{ "msg", "EXPECT_REPLY with a past deadline times out promptly", t_reply_timeout_past, 0 },
	{ "msg", "a call that cannot be queued leaves no reply expectation", t_expectation_discarded_on_error, 0 },
	{ "msg", "REPLY_DEAD when the replier disconnects (queued or received) or drops the call", t_reply_dead, 0 },
	{ "msg", "SYNC_REPLY returns the reply in the caller's pool", t_sync_reply, 0 },
	{ "msg", "SYNC_REPLY with a past deadline gives ETIMEDOUT without sending", t_sync_past_deadline, 0 },
	{ "msg", "SYNC_REPLY timeout: ETIMEDOUT after the deadline, no REPLY_TIMEOUT", t_sync_timeout, 0 },
	{ "msg", "SYNC_REPLY gives EPIPE when the replier disconnects or drops the call", t_sync_epipe, 0 },
	{ "msg", "SYNC_REPLY CANCEL_FD: ECANCELED when readable; EBADF/EINVAL validation", t_sync_cancel, 0 },
	{ "msg", "SYNC_REPLY interrupted by a signal: EINTR, the retry resumes without re-sending", t_sync_signal_resume, 0 },
	{ "msg", "SYNC_REPLY: a reply arriving while interrupted is kept for the resumed call", t_sync_signal_reply_kept, 0 },
	{ "msg", "SYNC_REPLY with SA_RESTART survives a signal transparently", t_sync_signal_restart, 0 },
	{ "msg", "SYNC_REPLY: an interrupted call past its deadline is dropped silently", t_sync_signal_deadline, 0 },
	{ "msg", "SYNC_REPLY: BYEBYE of the caller's connection elsewhere gives ESHUTDOWN", t_sync_caller_byebye, 0 },
	{ "msg", "RECV: descriptors that cannot be installed stay -1 with INCOMPLETE_FDS", t_incomplete_fds, 0 },
	{ "msg", "SYNC_REPLY reply with FDS to a caller without ACCEPT_FD: EREMOTEIO / ECOMM", t_sync_reply_fds_no_accept, 0 },
	{ "msg", "RECV USE_PRIORITY follows the §7.4 example", t_priorities, 0 },
	{ "msg", "RECV is FIFO; PEEK keeps, DROP discards; DROP|USE_PRIORITY EINVAL; EAGAIN", t_fifo_peek_drop, 0 },
	{ "msg", "dropped broadcasts: POLLIN, dropped_msgs and DROPPED_MSGS, reset on read", t_dropped_msgs, 0 },
	{ "msg", "poll: POLLOUT always, POLLIN while queued, woken by messages and disconnect", t_poll, 0 },
	KT_TESTS_END
};
