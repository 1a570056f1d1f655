// SPDX-License-Identifier: MIT
/* §7 pool: mmap rules, slices, FREE, EXFULL. */
#define _GNU_SOURCE
#include "kt.h"

#include <sys/mman.h>

static void t_mmap_readonly(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_msg *m;
	struct kdbus_cmd_recv r;
	u8 *second;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	/* a second read-only mapping of the same pool sees the same bytes */
	second = mmap(NULL, c.pool_size, PROT_READ, MAP_SHARED, c.fd, 0);
	KT_REQ(second != MAP_FAILED);
	KT_REQ_OK(kt_send(&peer, c.id, 42, "visible"));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	KT_EQ(r.msg.offset % 8, 0);
	m = kt_pool_msg(&c, r.msg.offset);
	KT_EQ(m->cookie, 42);
	KT_EQ(((struct kdbus_msg *)(second + r.msg.offset))->cookie, 42);
	KT_CHECK(!strcmp(kt_msg_text(&c, m), "visible"));
	/* a partial mapping from offset 0 works too */
	KT_CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, c.fd, 0) != MAP_FAILED);
}

static void t_mmap_write_refused(void)
{
	struct kt_bus b;
	struct kt_conn c;
	void *p;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	p = mmap(NULL, c.pool_size, PROT_READ | PROT_WRITE, MAP_SHARED, c.fd, 0);
	KT_CHECK(p == MAP_FAILED);
	if (p == MAP_FAILED)
		KT_ERR(errno, EPERM);
	p = mmap(NULL, c.pool_size, PROT_WRITE, MAP_SHARED, c.fd, 0);
	KT_CHECK(p == MAP_FAILED && errno == EPERM);
	p = mmap(NULL, c.pool_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, c.fd, 0);
	KT_CHECK(p == MAP_FAILED);
	if (p == MAP_FAILED)
		KT_ERR(errno, EPERM);
}

static void t_mprotect_refused(void)
{
	struct kt_bus b;
	struct kt_conn c;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	if (!KT_CHECK(mprotect(c.pool, c.pool_size, PROT_READ | PROT_WRITE) < 0))
		return;
	kt_diag("info: mprotect(PROT_WRITE) failed with %s", kt_errname(errno));
	KT_CHECK(mprotect(c.pool, 4096, PROT_WRITE) < 0);
}

static void t_mmap_too_long(void)
{
	struct kt_bus b;
	struct kt_conn c;
	void *p;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	p = mmap(NULL, c.pool_size + 4096, PROT_READ, MAP_SHARED, c.fd, 0);
	KT_CHECK(p == MAP_FAILED);
	if (p == MAP_FAILED)
		KT_ERR(errno, EFAULT);
}

static void t_mmap_not_connected(void)
{
	struct kt_bus b;
	int fds[3];
	struct kt_buf kb;

	KT_REQ_OK(kt_bus_make(&b));
	fds[0] = kt_open_control(NULL);
	fds[1] = kt_open_ep(&b, NULL);
	fds[2] = b.fd;
	for (int i = 0; i < 3; i++) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[i], 0);

		KT_CHECK(p == MAP_FAILED);
		if (p == MAP_FAILED)
			KT_ERR(errno, EBADFD);
	}
	/* EP-OWNER handle */
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, "0-mm");
	kt_buf_finish(&kb);
	KT_REQ_OK(kt_ioctl(fds[1], KDBUS_CMD_ENDPOINT_MAKE, kb.b));
	{
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[1], 0);

		KT_CHECK(p == MAP_FAILED && errno == EBADFD);
	}
}

static void t_free_errors(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_cmd_recv r;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_ERR(kt_free(&c, 4096 * 7), ENXIO);
	KT_ERR(kt_free(&c, 12345), ENXIO);
	KT_ERR(kt_free(&c, ~0ULL), ENXIO);
	KT_OK(kt_free(&c, c.pool_size)); /* empty marker */
	KT_OK(kt_free(&c, c.pool_size));
	KT_REQ_OK(kt_send(&peer, c.id, 1, "free me"));
	KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	KT_ERR(kt_free(&c, r.msg.offset + 8), ENXIO);
	KT_OK(kt_free(&c, r.msg.offset));
	KT_ERR(kt_free(&c, r.msg.offset), ENXIO);
	/* unknown flag, size */
	{
		struct kdbus_cmd_free f = { sizeof(f), 2, 0, c.pool_size };

		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_FREE, &f), EINVAL);
	}
}

static void t_peek_free(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_cmd_recv r1, r2;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_REQ_OK(kt_send(&peer, c.id, 7, "peeked"));
	KT_REQ_OK(kt_recv(&c, KDBUS_RECV_PEEK, 0, &r1));
	KT_EQ(kt_pool_msg(&c, r1.msg.offset)->cookie, 7);
	KT_OK(kt_free(&c, r1.msg.offset));
	/* still queued: the next RECV publishes the same offset again */
	KT_REQ_OK(kt_recv(&c, 0, 0, &r2));
	KT_EQ(r2.msg.offset, r1.msg.offset);
	KT_EQ(kt_pool_msg(&c, r2.msg.offset)->cookie, 7);
	KT_OK(kt_free(&c, r2.msg.offset));
	KT_ERR(kt_recv(&c, 0, 0, &r2), EAGAIN);
}

static int send_payload(const struct kt_conn *from, u64 dst, size_t len)
{
	static u8 payload[65536];
	struct kt_buf kb;

	memset(payload, 0x5a, sizeof(payload));
	kt_msg_init(&kb, dst, 0, 1, 0);
	if (len)
		kt_msg_vec(&kb, payload, len);
	return kt_send_buf(from, &kb, 0, -1, NULL);
}

static void t_exfull(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_cmd_recv r;
	u64 first = 0;
	int n = 0, e = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_hello(&c, &b, 0, 8192));
	KT_REQ_OK(kt_conn(&peer, &b));
	/* receive without freeing: received slices keep occupying the pool */
	for (n = 0; n < 20; n++) {
		e = send_payload(&peer, c.id, 1000); /* 64 + 32 + 1000 = 1096 bytes */
		if (e)
			break;
		KT_REQ_OK(kt_recv(&c, 0, 0, &r));
		if (n == 0)
			first = r.msg.offset;
		KT_EQ(r.msg.msg_size, 1096);
	}
	KT_ERR(e, EXFULL);
	KT_EQ(n, 7);
	/* fill up with header-only messages, then ask for info that needs space */
	while (!send_payload(&peer, c.id, 0))
		KT_REQ_OK(kt_recv(&c, 0, 0, &r));
	KT_ERR(kt_conn_info(&c, c.id, NULL, KDBUS_ATTACH_CREDS, NULL), EXFULL);
	/* freeing makes room again */
	KT_OK(kt_free(&c, first));
	KT_OK(send_payload(&peer, c.id, 1000));
}

static void t_slices_aligned(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_cmd_recv r;
	u64 offs[5];

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	for (int i = 0; i < 5; i++) {
		KT_REQ_OK(send_payload(&peer, c.id, (size_t)(1 + i * 3)));
		KT_REQ_OK(kt_recv(&c, 0, 0, &r));
		offs[i] = r.msg.offset;
		KT_EQ(r.msg.offset % 8, 0);
		KT_EQ(r.msg.msg_size % 8, 0);
		for (int j = 0; j < i; j++)
			KT_CHECK(offs[j] != offs[i]);
	}
}

const struct kt_test kt_tests_pool[] = {
	{ "pool", "read-only mmap shows the messages the kernel writes", t_mmap_readonly, 0 },
	{ "pool", "a writable mapping gives EPERM", t_mmap_write_refused, 0 },
	{ "pool", "a read-only mapping cannot be mprotect()ed writable", t_mprotect_refused, 0 },
	{ "pool", "a mapping longer than the pool gives EFAULT", t_mmap_too_long, 0 },
	{ "pool", "mmap on control, fresh endpoint, bus-owner, ep-owner handles gives EBADFD", t_mmap_not_connected, 0 },
	{ "pool", "FREE: unknown, inner or freed offsets ENXIO; pool_size no-op", t_free_errors, 0 },
	{ "pool", "FREE of a PEEKed slice keeps the message; RECV republishes the offset", t_peek_free, 0 },
	{ "pool", "received but unfreed slices fill the pool: EXFULL for SEND and CONN_INFO", t_exfull, 0 },
	{ "pool", "slices are 8-aligned and distinct", t_slices_aligned, 0 },
	KT_TESTS_END
};
