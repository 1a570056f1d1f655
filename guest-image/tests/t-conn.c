// SPDX-License-Identifier: MIT
/* §4.5-4.10, §9 connections: HELLO, BYEBYE, UPDATE, CONN_INFO, BUS_CREATOR_INFO, LIST. */
#define _GNU_SOURCE
#include "kt.h"

#include <sys/mount.h>
#include <sys/stat.h>

static int hello_on(const struct kt_bus *b, const char *ep, u64 flags, const char *name,
		    const struct kt_buf *extra, struct kt_conn *c)
{
	int fd = kt_open_ep(b, ep);
	int r;

	if (fd < 0)
		return errno;
	r = kt_hello_fd(c, fd, flags, _KDBUS_ATTACH_ANY, 0, KT_POOL_SIZE, name, extra);
	if (r)
		close(fd);
	return r;
}

static int ep_make(const struct kt_bus *b, const char *name)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd;
	int fd = kt_open_ep(b, NULL);

	cmd = kt_buf_init(&kb, sizeof(*cmd));
	cmd->flags = KDBUS_MAKE_ACCESS_WORLD;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_finish(&kb);
	if (kt_ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, kb.b))
		return -1;
	return fd;
}

static void t_hello_basic(void)
{
	struct kt_bus b;
	struct kt_conn c1, c2;
	int fd;
	struct kdbus_item *it;
	static const u8 zero[16];

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_REQ_OK(kt_hello_fd(&c1, fd, KDBUS_HELLO_ACCEPT_FD, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_REQ_OK(kt_conn(&c2, &b));
	KT_CHECK(c1.id != 0 && c1.id != ~0ULL);
	KT_CHECK(c2.id > c1.id);
	KT_EQ(c1.bus_flags, KDBUS_MAKE_ACCESS_WORLD);
	KT_CHECK(memcmp(c1.id128, zero, 16) != 0);
	KT_CHECK(memcmp(c1.id128, c2.id128, 16) == 0);
	KT_EQ(c1.id128[6] >> 4, 4);       /* version 4 */
	KT_EQ(c1.id128[8] & 0xc0, 0x80);  /* RFC 4122 variant */
	KT_CHECK(c1.hello_offset < KT_POOL_SIZE);
	KT_EQ(c1.hello_offset % 8, 0);
	KT_EQ(c1.hello_items_size, 32);
	it = (struct kdbus_item *)(c1.pool + c1.hello_offset);
	KT_EQ(it->size, 32);
	KT_EQ(it->type, KDBUS_ITEM_BLOOM_PARAMETER);
	KT_EQ(it->bloom_parameter.size, KT_BLOOM_SIZE);
	KT_EQ(it->bloom_parameter.n_hash, 1);
	KT_OK(kt_free(&c1, c1.hello_offset));
	KT_ERR(kt_free(&c1, c1.hello_offset), ENXIO);
	/* another bus has another UUID */
	{
		struct kt_bus b2;
		struct kt_conn c3;

		KT_REQ_OK(kt_bus_make(&b2));
		KT_REQ_OK(kt_conn(&c3, &b2));
		KT_CHECK(memcmp(c3.id128, c1.id128, 16) != 0);
	}
}

static void t_hello_fields_copied_back(void)
{
	struct kt_bus b;
	struct kdbus_cmd_hello h;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.flags = KDBUS_HELLO_ACCEPT_FD;
	h.attach_flags_send = KDBUS_ATTACH_CREDS;
	h.attach_flags_recv = KDBUS_ATTACH_TIMESTAMP;
	h.pool_size = KT_POOL_SIZE;
	h.bus_flags = 0x1234;
	KT_REQ_OK(kt_ioctl(fd, KDBUS_CMD_HELLO, &h));
	KT_EQ(h.size, sizeof(h));
	KT_EQ(h.flags, KDBUS_HELLO_ACCEPT_FD);
	KT_EQ(h.attach_flags_send, KDBUS_ATTACH_CREDS);
	KT_EQ(h.attach_flags_recv, KDBUS_ATTACH_TIMESTAMP);
	KT_EQ(h.pool_size, KT_POOL_SIZE);
	KT_EQ(h.bus_flags, KDBUS_MAKE_ACCESS_WORLD);
	KT_EQ(h.items_size, 32);
	KT_EQ(h.return_flags, 0);
}

static void t_hello_pool_size(void)
{
	static const u64 bad[] = { 0, 1, 4095, 4097, 8192 + 8, 1ULL << 32, (1ULL << 32) + 4096,
				   ~0ULL & ~4095ULL };
	struct kt_bus b;
	struct kt_conn c;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kdbus_cmd_hello h = { .size = sizeof(h), .pool_size = bad[i] };
		int r = kt_ioctl(fd, KDBUS_CMD_HELLO, &h);

		if (r != EINVAL)
			kt_fail_at(__FILE__, __LINE__, "pool_size %#llx: expected EINVAL, got %s",
				   (unsigned long long)bad[i], kt_errname(r));
	}
	KT_OK(kt_hello_fd(&c, fd, 0, 0, 0, 4096, NULL, NULL));
}

static void t_hello_type_flags(void)
{
	static const u64 bad[] = {
		KDBUS_HELLO_MONITOR | KDBUS_HELLO_ACTIVATOR,
		KDBUS_HELLO_MONITOR | KDBUS_HELLO_POLICY_HOLDER,
		KDBUS_HELLO_ACTIVATOR | KDBUS_HELLO_POLICY_HOLDER,
		KDBUS_HELLO_MONITOR | KDBUS_HELLO_ACTIVATOR | KDBUS_HELLO_POLICY_HOLDER,
	};
	struct kt_bus b;
	struct kt_conn c;

	KT_REQ_OK(kt_bus_make(&b));
	for (size_t i = 0; i < 4; i++)
		KT_ERR(hello_on(&b, NULL, bad[i], "org.example.x", NULL, &c), EINVAL);
}

static void t_hello_name_rules(void)
{
	struct kt_bus b;
	struct kt_conn c;

	KT_REQ_OK(kt_bus_make(&b));
	KT_ERR(hello_on(&b, NULL, 0, "org.example.x", NULL, &c), EINVAL);
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_MONITOR, "org.example.x", NULL, &c), EINVAL);
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_ACTIVATOR, NULL, NULL, &c), EINVAL);
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, NULL, NULL, &c), EINVAL);
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_ACTIVATOR, "noperiod", NULL, &c), EINVAL);
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_ACTIVATOR, "org..x", NULL, &c), EINVAL);
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.1x", NULL, &c), EINVAL);
	/* wildcard: policy holder yes, activator no */
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_ACTIVATOR, "org.example.*", NULL, &c), EINVAL);
	KT_OK(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.*", NULL, &c));
	KT_OK(hello_on(&b, NULL, KDBUS_HELLO_ACTIVATOR, "org.example.act", NULL, &c));
	KT_OK(hello_on(&b, NULL, KDBUS_HELLO_MONITOR, NULL, NULL, &c));
}

static void t_hello_privileged(void)
{
	struct kt_bus b;
	pid_t pid;
	int epfd;

	KT_REQ_OK(kt_bus_make(&b));
	epfd = ep_make(&b, "0-cust");
	KT_REQ(epfd >= 0);
	/* MONITOR on a custom endpoint: EOPNOTSUPP, even for root */
	{
		struct kt_conn c;

		KT_ERR(hello_on(&b, "0-cust", KDBUS_HELLO_MONITOR, NULL, NULL, &c), EOPNOTSUPP);
		/* activator through a custom endpoint is never owner */
		KT_ERR(hello_on(&b, "0-cust", KDBUS_HELLO_ACTIVATOR, "org.example.a", NULL, &c), EPERM);
	}
	pid = kt_fork();
	if (pid == 0) {
		struct kt_conn c;
		struct kt_buf ex;
		struct kdbus_creds cr = { 0, 0, 0, 0, 0, 0, 0, 0 };
		struct kdbus_pids pi = { 0, 0, 0 };

		if (kt_become(1000, 1000))
			_exit(3);
		KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_MONITOR, NULL, NULL, &c), EPERM);
		KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_ACTIVATOR, "org.example.a", NULL, &c), EPERM);
		KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.a", NULL, &c), EPERM);
		/* step 7 (custom endpoint) before step 8 (privilege) */
		KT_ERR(hello_on(&b, "0-cust", KDBUS_HELLO_MONITOR, NULL, NULL, &c), EOPNOTSUPP);
		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
		KT_ERR(hello_on(&b, NULL, 0, NULL, &ex, &c), EPERM);
		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
		KT_ERR(hello_on(&b, NULL, 0, NULL, &ex, &c), EPERM);
		kt_buf_init(&ex, 0);
		kt_buf_str(&ex, KDBUS_ITEM_SECLABEL, "label");
		KT_ERR(hello_on(&b, NULL, 0, NULL, &ex, &c), EPERM);
		KT_OK(hello_on(&b, NULL, 0, NULL, NULL, &c));
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static int count_unique(const struct kt_conn *c)
{
	u64 off, size, pos;
	int n = 0;

	if (kt_list(c, KDBUS_LIST_UNIQUE, &off, &size))
		return -1;
	for (pos = 0; off < c->pool_size && pos < size; n++)
		pos += KT_ALIGN8(((struct kdbus_info *)(c->pool + off + pos))->size);
	kt_free(c, off);
	return n;
}

static void t_hello_late_failures(void)
{
	struct kt_bus b;
	struct kt_conn c, act, ph, x;
	struct kt_buf ex;
	struct kdbus_policy_access pa = { KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_SEE, 0 };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.dup"));
	kt_buf_init(&ex, 0);
	kt_buf_item(&ex, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.pol", &ex, &ph));
	KT_EQ(count_unique(&c), 3);
	KT_ERR(kt_activator(&x, &b, "org.example.dup"), EEXIST);
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.pol", &ex, &x), EEXIST);
	/* an activator uploads policy for its name too: clashes with the holder */
	KT_ERR(hello_on(&b, NULL, KDBUS_HELLO_ACTIVATOR, "org.example.pol", &ex, &x), EEXIST);
	/* exact and wildcard entries of the same prefix do not conflict */
	KT_OK(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.pol.*", &ex, &x));
	/* the failed connections were torn down again */
	KT_EQ(count_unique(&c), 4);
}

static void t_hello_check_order(void)
{
	struct kt_bus b;
	struct kt_conn c;
	pid_t pid;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ(ep_make(&b, "0-order") >= 0);
	/* pool size (2) before the custom-endpoint monitor rule (7) */
	fd = kt_open_ep(&b, "0-order");
	KT_ERR(kt_hello_fd(&c, fd, KDBUS_HELLO_MONITOR, 0, 0, 0, NULL, NULL), EINVAL);
	/* NAME rules (4) before it too */
	KT_ERR(kt_hello_fd(&c, fd, KDBUS_HELLO_MONITOR, 0, 0, KT_POOL_SIZE, "org.example.m", NULL), EINVAL);
	KT_ERR(kt_hello_fd(&c, fd, KDBUS_HELLO_MONITOR, 0, 0, KT_POOL_SIZE, NULL, NULL), EOPNOTSUPP);
	pid = kt_fork();
	if (pid == 0) {
		struct kt_buf ex;
		struct kdbus_pids pi = { 0, 0, 0 };
		int ufd;

		if (kt_become(1000, 1000))
			_exit(3);
		ufd = kt_open_ep(&b, NULL);
		/* privilege (8, 9) before attach masks (10) */
		KT_ERR(kt_hello_fd(&c, ufd, KDBUS_HELLO_MONITOR, 1ULL << 20, 0, KT_POOL_SIZE, NULL, NULL), EPERM);
		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_PIDS, &pi, sizeof(pi));
		KT_ERR(kt_hello_fd(&c, ufd, 0, 0, 1ULL << 20, KT_POOL_SIZE, NULL, &ex), EPERM);
		/* but pool size (2) before privilege */
		KT_ERR(kt_hello_fd(&c, ufd, KDBUS_HELLO_MONITOR, 0, 0, 100, NULL, NULL), EINVAL);
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_hello_attach_flags(void)
{
	struct kt_bus b;
	struct kt_conn c;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_ERR(kt_hello_fd(&c, fd, 0, 1ULL << 14, 0, KT_POOL_SIZE, NULL, NULL), EINVAL);
	KT_ERR(kt_hello_fd(&c, fd, 0, 0, 1ULL << 63, KT_POOL_SIZE, NULL, NULL), EINVAL);
	KT_ERR(kt_hello_fd(&c, fd, 0, ~0ULL - 1, 0, KT_POOL_SIZE, NULL, NULL), EINVAL);
	KT_OK(kt_hello_fd(&c, fd, 0, ~0ULL, ~0ULL, KT_POOL_SIZE, NULL, NULL));
}

static void t_hello_description(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kt_buf ex;
	struct kdbus_info *info;
	struct kdbus_item *it;
	char longname[80];

	KT_REQ_OK(kt_bus_make(&b));
	kt_buf_init(&ex, 0);
	kt_buf_str(&ex, KDBUS_ITEM_CONN_DESCRIPTION, "bad desc");
	KT_ERR(hello_on(&b, NULL, 0, NULL, &ex, &c), EINVAL);
	memset(longname, 'd', 64);
	longname[64] = 0;
	kt_buf_init(&ex, 0);
	kt_buf_str(&ex, KDBUS_ITEM_CONN_DESCRIPTION, longname);
	KT_ERR(hello_on(&b, NULL, 0, NULL, &ex, &c), ENAMETOOLONG);
	kt_buf_init(&ex, 0);
	kt_buf_str(&ex, KDBUS_ITEM_CONN_DESCRIPTION, "-leading");
	KT_ERR(hello_on(&b, NULL, 0, NULL, &ex, &c), EINVAL);
	kt_buf_init(&ex, 0);
	kt_buf_str(&ex, KDBUS_ITEM_CONN_DESCRIPTION, "my-conn.1");
	KT_REQ_OK(hello_on(&b, NULL, 0, NULL, &ex, &c));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_REQ_OK(kt_conn_info(&peer, c.id, NULL, KDBUS_ATTACH_CONN_DESCRIPTION, &info));
	it = kt_info_item(info, KDBUS_ITEM_CONN_DESCRIPTION);
	if (KT_CHECK(it != NULL)) {
		KT_CHECK(!strcmp(it->str, "my-conn.1"));
		KT_EQ(it->size, 16 + 10);
		for (int i = 26; i < 32; i++) /* kernel items have zeroed padding */
			KT_EQ(((u8 *)it)[i], 0);
	}
}

static void t_required_mask(void)
{
	struct kt_bus b;
	struct kt_buf kb;
	struct kt_conn c;
	struct kdbus_bloom_parameter bp = { 64, 1 };
	int fd;

	memset(&b, 0, sizeof(b));
	b.fd = kt_open_control(NULL);
	KT_REQ(b.fd >= 0);
	kt_bus_name(b.name, sizeof(b.name));
	snprintf(b.dir, sizeof(b.dir), KT_ROOT "/%s", b.name);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	((struct kdbus_cmd *)(void *)kb.b)->flags = KDBUS_MAKE_ACCESS_WORLD;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, b.name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_RECV, KDBUS_ATTACH_CREDS);
	kt_buf_finish(&kb);
	KT_REQ_OK(kt_ioctl(b.fd, KDBUS_CMD_BUS_MAKE, kb.b));
	fd = kt_open_ep(&b, NULL);
	KT_ERR(kt_hello_fd(&c, fd, 0, KDBUS_ATTACH_PIDS, 0, KT_POOL_SIZE, NULL, NULL), ECONNREFUSED);
	KT_REQ_OK(kt_hello_fd(&c, fd, 0, KDBUS_ATTACH_CREDS, 0, KT_POOL_SIZE, NULL, NULL));
	KT_ERR(kt_update_attach(&c, KDBUS_ATTACH_PIDS, (u64)-2), EINVAL);
	KT_OK(kt_update_attach(&c, ~0ULL, (u64)-2));
	{
		struct kdbus_cmd_info ci = { .size = sizeof(ci) };
		struct kdbus_info *info;
		struct kdbus_item *it;

		KT_REQ_OK(kt_ioctl(c.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci));
		info = (struct kdbus_info *)(c.pool + ci.offset);
		it = info->items;
		KT_EQ(it->type, KDBUS_ITEM_MAKE_NAME);
		it = KDBUS_ITEM_NEXT(it);
		if (KT_CHECK((u8 *)it < (u8 *)info + info->size)) {
			KT_EQ(it->type, KDBUS_ITEM_ATTACH_FLAGS_RECV);
			KT_EQ(it->size, 24);
			KT_EQ(it->data64[0], KDBUS_ATTACH_CREDS);
		}
	}
}

static void t_ids_domain_wide(void)
{
	char dir[128];
	struct kt_bus b1, b2;
	struct kt_conn c1, c2, c3;
	struct kdbus_cmd_info ci = { .size = sizeof(ci) };
	struct kdbus_info *info;
	u64 b1_id, b2_id, old_c3;

	snprintf(dir, sizeof(dir), "/tmp/kt-ids-%d", (int)getpid());
	mkdir(dir, 0755);
	KT_REQ(mount("kdbusfs", dir, "kdbusfs", 0, NULL) == 0);
	KT_REQ_OK(kt_bus_make_full(&b1, dir, 0, 64, 1, NULL, 0));
	KT_REQ_OK(kt_conn(&c1, &b1));
	KT_REQ_OK(kt_conn(&c2, &b1));
	KT_REQ_OK(kt_bus_make_full(&b2, dir, 0, 64, 1, NULL, 0));
	KT_REQ_OK(kt_conn(&c3, &b2));
	/*
	 * Strictly increasing, in the order made, across both buses: one
	 * counter. Not exact values: the trace agent's monitor joins every new
	 * bus at once and takes IDs from the same counter (guest-image/agent/).
	 */
	KT_REQ_OK(kt_ioctl(c1.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci));
	info = (struct kdbus_info *)(c1.pool + ci.offset);
	b1_id = info->id;
	ci.offset = 0;
	KT_REQ_OK(kt_ioctl(c3.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci));
	info = (struct kdbus_info *)(c3.pool + ci.offset);
	b2_id = info->id;
	KT_CHECK(b1_id >= 1);
	KT_CHECK(c1.id > b1_id);
	KT_CHECK(c2.id > c1.id);
	KT_CHECK(b2_id > c2.id);
	KT_CHECK(c3.id > b2_id);
	/* never reused */
	old_c3 = c3.id;
	kt_conn_close(&c2);
	KT_REQ_OK(kt_conn(&c2, &b1));
	KT_CHECK(c2.id > old_c3);
	umount2(dir, MNT_DETACH);
}

static void t_byebye(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	u64 off, size;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_OK(kt_byebye(&c));
	KT_ERR(kt_byebye(&c), ESHUTDOWN);
	KT_ERR(kt_list(&c, KDBUS_LIST_UNIQUE, &off, &size), ESHUTDOWN);
	KT_ERR(kt_send(&c, peer.id, 1, "x"), ESHUTDOWN);
	KT_ERR(kt_free(&c, 0), ESHUTDOWN);
	KT_EQ(kt_poll_events(c.fd) & (POLLERR | POLLHUP), POLLERR | POLLHUP);
	/* gone for the peer too */
	KT_ERR(kt_send(&peer, c.id, 1, "x"), ENXIO);
	KT_ERR(kt_conn_info(&peer, c.id, NULL, 0, NULL), ENXIO);
}

static void t_byebye_busy(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_msg *m;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_REQ_OK(kt_send(&peer, c.id, 1, "queued"));
	KT_ERR(kt_byebye(&c), EBUSY);
	/* nothing changed: still connected, message still there */
	KT_OK(kt_send(&peer, c.id, 2, "second"));
	KT_REQ_OK(kt_recv_wait(&c, 1000, &m));
	KT_EQ(m->cookie, 1);
	KT_ERR(kt_byebye(&c), EBUSY);
	KT_REQ_OK(kt_recv_wait(&c, 1000, &m));
	KT_EQ(m->cookie, 2);
	/* received but unfreed slices do not count */
	KT_OK(kt_byebye(&c));
}

static void t_byebye_special(void)
{
	struct kt_bus b;
	struct kt_conn act, mon, ph;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.byebye"));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_MONITOR, NULL, NULL, &mon));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.ph", NULL, &ph));
	KT_ERR(kt_byebye(&act), EOPNOTSUPP);
	KT_ERR(kt_byebye(&mon), EOPNOTSUPP);
	KT_ERR(kt_byebye(&ph), EOPNOTSUPP);
	/* checked before parsing */
	{
		u64 junk[3] KT_ALIGNED = { 8, 1ULL << 40, 0 };

		KT_ERR(kt_ioctl(act.fd, KDBUS_CMD_BYEBYE, junk), EOPNOTSUPP);
	}
}

static void t_special_ops(void)
{
	struct kt_bus b;
	struct kt_conn act, mon, ph, c;
	const struct kt_conn *spec[3] = { &act, &mon, &ph };
	static const char *names[3] = { "activator", "monitor", "policy holder" };
	struct kdbus_cmd_recv r;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.special"));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.ph", NULL, &ph));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_MONITOR, NULL, NULL, &mon)); /* last: sees no ID_ADD */
	for (int i = 0; i < 3; i++) {
		const struct kt_conn *s = spec[i];
		u64 off, size;

		kt_diag("checking the %s", names[i]);
		KT_ERR(kt_send(s, c.id, 1, "x"), EOPNOTSUPP);
		KT_ERR(kt_name_acquire(s, "org.example.other", 0, NULL), EOPNOTSUPP);
		KT_ERR(kt_name_release(s, "org.example.special"), EOPNOTSUPP);
		KT_ERR(kt_match_all(s, 1), EOPNOTSUPP);
		KT_ERR(kt_match_remove(s, 1), EOPNOTSUPP);
		KT_OK(kt_list(s, KDBUS_LIST_UNIQUE, &off, &size));
		KT_OK(kt_conn_info(s, c.id, NULL, 0, NULL));
		{
			struct kdbus_cmd_info ci = { .size = sizeof(ci) };

			KT_OK(kt_ioctl(s->fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci));
		}
		if (s == &ph) {
			KT_ERR(kt_recv(s, 0, 0, &r), EOPNOTSUPP);
			KT_ERR(kt_free(s, 0), EOPNOTSUPP);
		} else {
			KT_ERR(kt_recv(s, 0, 0, &r), EAGAIN);
			KT_ERR(kt_free(s, s->pool_size / 2), ENXIO);
		}
	}
}

static void t_update(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_msg *m;
	struct kdbus_item *it;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	/* receive mask TIMESTAMP: the item is attached (last) */
	KT_REQ_OK(kt_update_attach(&c, (u64)-2, KDBUS_ATTACH_TIMESTAMP));
	KT_REQ_OK(kt_send(&peer, c.id, 1, "hi"));
	KT_REQ_OK(kt_recv_wait(&c, 1000, &m));
	KT_CHECK(kt_msg_item(m, KDBUS_ITEM_TIMESTAMP) != NULL);
	kt_free_msg(&c, m);
	/* back to 0: no metadata */
	KT_REQ_OK(kt_update_attach(&c, (u64)-2, 0));
	KT_REQ_OK(kt_send(&peer, c.id, 2, "hi"));
	KT_REQ_OK(kt_recv_wait(&c, 1000, &m));
	KT_CHECK(kt_msg_item(m, KDBUS_ITEM_TIMESTAMP) == NULL);
	kt_free_msg(&c, m);
	/* sanitizing; a failed UPDATE changes nothing */
	KT_REQ_OK(kt_update_attach(&c, 0, (u64)-2));
	KT_ERR(kt_update_attach(&c, ~0ULL, 1ULL << 20), EINVAL);
	KT_ERR(kt_update_attach(&c, 1ULL << 20, (u64)-2), EINVAL);
	{
		struct kdbus_info *info;

		KT_REQ_OK(kt_conn_info(&peer, c.id, NULL, _KDBUS_ATTACH_ALL, &info));
		it = kt_info_item(info, KDBUS_ITEM_CREDS);
		KT_CHECK(it == NULL); /* send mask is still 0 */
	}
	/* NAME / POLICY_ACCESS on an ordinary connection */
	{
		struct kt_buf kb;
		struct kdbus_policy_access pa = { KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_SEE, 0 };

		kt_buf_init(&kb, sizeof(struct kdbus_cmd));
		kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.x");
		kt_buf_finish(&kb);
		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EOPNOTSUPP);
		kt_buf_init(&kb, sizeof(struct kdbus_cmd));
		kt_buf_item(&kb, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
		kt_buf_finish(&kb);
		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EOPNOTSUPP);
	}
}

static void t_update_any_holder(void)
{
	struct kt_bus b;
	struct kt_conn c;
	pid_t pid;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	pid = kt_fork();
	if (pid == 0) {
		if (kt_become(65534, 65534))
			_exit(3);
		KT_OK(kt_update_attach(&c, KDBUS_ATTACH_CREDS, KDBUS_ATTACH_TIMESTAMP));
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_update_special(void)
{
	struct kt_bus b;
	struct kt_conn act, ph, mon;
	struct kt_buf kb;
	struct kdbus_policy_access pa = { KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0 };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.upd"));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.ph", NULL, &ph));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_MONITOR, NULL, NULL, &mon));
	KT_ERR(kt_update_attach(&act, 0, (u64)-2), EOPNOTSUPP);
	KT_OK(kt_update_attach(&act, (u64)-2, KDBUS_ATTACH_TIMESTAMP));
	KT_ERR(kt_update_attach(&ph, 0, (u64)-2), EOPNOTSUPP);
	KT_ERR(kt_update_attach(&ph, (u64)-2, 0), EOPNOTSUPP);
	KT_OK(kt_update_attach(&mon, 0, 0));
	/* policy holder replaces its entries */
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.ph2");
	kt_buf_item(&kb, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(ph.fd, KDBUS_CMD_UPDATE, kb.b));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.ph3");
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(ph.fd, KDBUS_CMD_UPDATE, kb.b), E2BIG);
	/* NAME on the activator */
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.upd");
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(act.fd, KDBUS_CMD_UPDATE, kb.b), EOPNOTSUPP);
}

static void t_conn_info(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_info *info;
	struct kdbus_item *it;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_REQ_OK(kt_name_acquire(&peer, "org.example.info", 0, NULL));
	KT_REQ_OK(kt_conn_info(&c, peer.id, NULL, _KDBUS_ATTACH_ANY, &info));
	KT_EQ(info->id, peer.id);
	KT_EQ(info->flags, KDBUS_HELLO_ACCEPT_FD);
	KT_EQ(info->size % 8, 0);
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_TIMESTAMP) == NULL);
	it = kt_info_item(info, KDBUS_ITEM_OWNED_NAME);
	if (KT_CHECK(it != NULL)) {
		KT_CHECK(!strcmp(it->name.name, "org.example.info"));
		KT_EQ(it->name.flags, KDBUS_NAME_PRIMARY);
	}
	it = kt_info_item(info, KDBUS_ITEM_CREDS);
	if (KT_CHECK(it != NULL)) {
		KT_EQ(it->creds.uid, getuid());
		KT_EQ(it->creds.euid, geteuid());
	}
	KT_OK(kt_free(&c, (u64)((u8 *)info - c.pool)));
	/* by name */
	KT_REQ_OK(kt_conn_info(&c, 0, "org.example.info", 0, &info));
	KT_EQ(info->id, peer.id);
	KT_EQ(info->size, 24);
	KT_OK(kt_conn_info(&c, peer.id, "org.example.info", 0, &info));
	/* own id works too */
	KT_OK(kt_conn_info(&c, c.id, NULL, 0, &info));
}

static void t_conn_info_errors(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_REQ_OK(kt_name_acquire(&peer, "org.example.info", 0, NULL));
	KT_ERR(kt_conn_info(&c, 0x7fffffff, NULL, 0, NULL), ENXIO);
	KT_ERR(kt_conn_info(&c, 0, NULL, 0, NULL), EINVAL);
	KT_ERR(kt_conn_info(&c, peer.id, NULL, 1ULL << 14, NULL), EINVAL);
	KT_ERR(kt_conn_info(&c, 0, "org.example.nobody", 0, NULL), ESRCH);
	KT_ERR(kt_conn_info(&c, c.id, "org.example.info", 0, NULL), ESRCH);
	KT_ERR(kt_conn_info(&c, 0, "not-a-valid-name", 0, NULL), ESRCH);
	/* attach flags are checked before the lookup */
	KT_ERR(kt_conn_info(&c, 0x7fffffff, NULL, 1ULL << 14, NULL), EINVAL);
}

static void t_conn_info_masks(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	struct kdbus_info *info;
	struct kt_buf ex;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	fd = kt_open_ep(&b, NULL);
	kt_buf_init(&ex, 0);
	kt_buf_str(&ex, KDBUS_ITEM_CONN_DESCRIPTION, "masked");
	KT_REQ_OK(kt_hello_fd(&peer, fd, 0, KDBUS_ATTACH_NAMES, 0, KT_POOL_SIZE, NULL, &ex));
	KT_REQ_OK(kt_name_acquire(&peer, "org.example.masked", 0, NULL));
	KT_REQ_OK(kt_conn_info(&c, peer.id, NULL, _KDBUS_ATTACH_ANY, &info));
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_OWNED_NAME) != NULL);
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_CONN_DESCRIPTION) == NULL);
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_CREDS) == NULL);
	KT_REQ_OK(kt_conn_info(&c, peer.id, NULL, KDBUS_ATTACH_CREDS, &info));
	KT_EQ(info->size, 24);
	/* the target widens its send mask */
	KT_REQ_OK(kt_update_attach(&peer, KDBUS_ATTACH_CONN_DESCRIPTION, (u64)-2));
	KT_REQ_OK(kt_conn_info(&c, peer.id, NULL, _KDBUS_ATTACH_ANY, &info));
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_CONN_DESCRIPTION) != NULL);
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_OWNED_NAME) == NULL);
}

static void t_conn_info_special(void)
{
	struct kt_bus b;
	struct kt_conn c, act, mon, ph;
	struct kdbus_info *info;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.act"));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_MONITOR, NULL, NULL, &mon));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.ph", NULL, &ph));
	if (KT_OK(kt_conn_info(&c, act.id, NULL, 0, &info)))
		KT_EQ(info->flags, KDBUS_HELLO_ACTIVATOR);
	if (KT_OK(kt_conn_info(&c, mon.id, NULL, 0, &info)))
		KT_EQ(info->flags, KDBUS_HELLO_MONITOR);
	if (KT_OK(kt_conn_info(&c, ph.id, NULL, 0, &info)))
		KT_EQ(info->flags, KDBUS_HELLO_POLICY_HOLDER);
	/* by name: the activator is the owner while nobody else is */
	if (KT_OK(kt_conn_info(&c, 0, "org.example.act", 0, &info)))
		KT_EQ(info->id, act.id);
	/* the policy holder's name is not registered */
	KT_ERR(kt_conn_info(&c, 0, "org.example.ph", 0, NULL), ESRCH);
}

static void t_bus_creator_info(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kdbus_cmd_info ci;
	struct kdbus_info *info;
	struct kdbus_item *it;

	KT_REQ_OK(kt_bus_make_full(&b, NULL, KDBUS_MAKE_ACCESS_WORLD, 64, 1, NULL,
				   KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS));
	KT_REQ_OK(kt_conn(&c, &b));
	memset(&ci, 0, sizeof(ci));
	ci.size = sizeof(ci);
	ci.attach_flags = KDBUS_ATTACH_CREDS | KDBUS_ATTACH_TIMESTAMP | KDBUS_ATTACH_NAMES;
	KT_REQ_OK(kt_ioctl(c.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci));
	info = (struct kdbus_info *)(c.pool + ci.offset);
	KT_EQ(info->size, ci.info_size);
	KT_EQ(info->flags, KDBUS_MAKE_ACCESS_WORLD);
	KT_CHECK(info->id != 0 && info->id < c.id);
	it = info->items;
	KT_EQ(it->type, KDBUS_ITEM_MAKE_NAME);
	KT_CHECK(!strcmp(it->str, b.name));
	KT_EQ(it->size, 16 + strlen(b.name) + 1);
	it = kt_info_item(info, KDBUS_ITEM_CREDS);
	if (KT_CHECK(it != NULL)) {
		KT_EQ(it->creds.uid, getuid());
		KT_EQ(it->creds.gid, getgid());
	}
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_PIDS) == NULL); /* not requested */
	KT_CHECK(kt_info_item(info, KDBUS_ITEM_TIMESTAMP) == NULL);
	KT_OK(kt_free(&c, ci.offset));
	/* NAME item, bad attach flags, unknown flag */
	{
		struct kt_buf kb;
		struct kdbus_cmd_info *p = kt_buf_init(&kb, sizeof(*p));

		kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.x");
		kt_buf_finish(&kb);
		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_BUS_CREATOR_INFO, p), EINVAL);
	}
	ci.attach_flags = 1ULL << 30;
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci), EINVAL);
}

static void t_bus_creator_info_nomask(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kdbus_cmd_info ci = { .size = sizeof(ci), .attach_flags = _KDBUS_ATTACH_ANY };
	struct kdbus_info *info;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_ioctl(c.fd, KDBUS_CMD_BUS_CREATOR_INFO, &ci));
	info = (struct kdbus_info *)(c.pool + ci.offset);
	KT_EQ(info->size, ci.info_size);
	KT_EQ(info->size, 24 + KT_ALIGN8(16 + strlen(b.name) + 1));
	KT_EQ(info->items[0].type, KDBUS_ITEM_MAKE_NAME);
}

static void t_list_unique(void)
{
	struct kt_bus b;
	struct kt_conn c, peer, act, mon, ph;
	u64 off, size, pos;
	int seen_self = 0, seen_peer = 0, seen_act = 0, seen_ph = 0, seen_mon = 0, n = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_REQ_OK(kt_activator(&act, &b, "org.example.act"));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_MONITOR, NULL, NULL, &mon));
	KT_REQ_OK(hello_on(&b, NULL, KDBUS_HELLO_POLICY_HOLDER, "org.example.ph", NULL, &ph));
	KT_REQ_OK(kt_list(&c, KDBUS_LIST_UNIQUE, &off, &size));
	KT_REQ(off < c.pool_size);
	for (pos = 0; pos < size;) {
		struct kdbus_info *info = (struct kdbus_info *)(c.pool + off + pos);

		KT_REQ(info->size >= 24);
		KT_EQ(info->size, 24);
		if (info->id == c.id)
			seen_self++;
		if (info->id == peer.id)
			seen_peer++;
		if (info->id == act.id) {
			seen_act++;
			KT_EQ(info->flags, KDBUS_HELLO_ACTIVATOR);
		}
		if (info->id == ph.id) {
			seen_ph++;
			KT_EQ(info->flags, KDBUS_HELLO_POLICY_HOLDER);
		}
		if (info->id == mon.id)
			seen_mon++;
		pos += KT_ALIGN8(info->size);
		n++;
	}
	KT_EQ(pos, size);
	KT_EQ(n, 4);
	KT_EQ(seen_self, 1);
	KT_EQ(seen_peer, 1);
	KT_EQ(seen_act, 1);
	KT_EQ(seen_ph, 1);
	KT_EQ(seen_mon, 0);
	KT_OK(kt_free(&c, off));
	/* monitors and policy holders may list as well */
	KT_OK(kt_list(&mon, KDBUS_LIST_UNIQUE, &off, &size));
	KT_OK(kt_list(&ph, KDBUS_LIST_UNIQUE, &off, &size));
}

static void t_list_empty(void)
{
	struct kt_bus b;
	struct kt_conn c;
	u64 off = 1, size = 1;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_OK(kt_list(&c, 0, &off, &size));
	KT_EQ(off, c.pool_size);
	KT_EQ(size, 0);
	KT_OK(kt_free(&c, off));
	KT_OK(kt_list(&c, KDBUS_LIST_NAMES, &off, &size));
	KT_EQ(off, c.pool_size);
	KT_EQ(size, 0);
	KT_ERR(kt_list(&c, 1ULL << 4, &off, &size), EINVAL);
}

const struct kt_test kt_tests_conn[] = {
	{ "conn", "HELLO: id, bus flags, v4 UUID shared per bus, bloom item in a freeable slice", t_hello_basic, 0 },
	{ "conn", "HELLO copies the 96-byte struct back with the outputs filled", t_hello_fields_copied_back, 0 },
	{ "conn", "HELLO pool_size: 0, unaligned or beyond 32 bits give EINVAL", t_hello_pool_size, 0 },
	{ "conn", "HELLO: more than one of MONITOR/ACTIVATOR/POLICY_HOLDER gives EINVAL", t_hello_type_flags, 0 },
	{ "conn", "HELLO NAME rules: only and always for activator/policy holder, valid, wildcards", t_hello_name_rules, 0 },
	{ "conn", "HELLO: monitor on custom endpoint EOPNOTSUPP; privileged kinds/fake creds need owner (EPERM)", t_hello_privileged, 0 },
	{ "conn", "HELLO: activator/policy holder name clashes give EEXIST and leave no connection", t_hello_late_failures, 0 },
	{ "conn", "HELLO check order: pool size, names, endpoint kind, privilege, masks", t_hello_check_order, 0 },
	{ "conn", "HELLO attach masks are sanitized (EINVAL), ~0 accepted", t_hello_attach_flags, 0 },
	{ "conn", "HELLO CONN_DESCRIPTION: sysname rules, reported by CONN_INFO", t_hello_description, 0 },
	{ "conn", "required send mask (extension): ECONNREFUSED, UPDATE EINVAL, BUS_CREATOR_INFO item", t_required_mask, 0 },
	{ "conn", "IDs come from one domain counter shared by buses and connections, never reused", t_ids_domain_wide, 0 },
	{ "conn", "BYEBYE disconnects: ESHUTDOWN afterwards, POLLERR|POLLHUP, peers see ENXIO", t_byebye, 0 },
	{ "conn", "BYEBYE gives EBUSY while messages are queued", t_byebye_busy, 0 },
	{ "conn", "BYEBYE on activator, monitor, policy holder gives EOPNOTSUPP before parsing", t_byebye_special, 0 },
	{ "conn", "special connections: EOPNOTSUPP for SEND/NAME/MATCH ops, RECV/FREE per type", t_special_ops, 0 },
	{ "conn", "UPDATE changes attach masks (atomically), NAME/POLICY on ordinary EOPNOTSUPP", t_update, 0 },
	{ "conn", "UPDATE needs no credentials: any holder of the handle may update", t_update_any_holder, 0 },
	{ "conn", "UPDATE on activator, policy holder and monitor", t_update_special, 0 },
	{ "conn", "CONN_INFO by id and by name: id, flags, names, creds, no timestamp", t_conn_info, 0 },
	{ "conn", "CONN_INFO errors: ENXIO, EINVAL, ESRCH", t_conn_info_errors, 0 },
	{ "conn", "CONN_INFO items are limited by the target's send mask", t_conn_info_masks, 0 },
	{ "conn", "CONN_INFO finds activators, monitors and policy holders by id", t_conn_info_special, 0 },
	{ "conn", "BUS_CREATOR_INFO: bus id, flags, MAKE_NAME first, creator metadata by owner mask", t_bus_creator_info, 0 },
	{ "conn", "BUS_CREATOR_INFO without owner mask has only MAKE_NAME", t_bus_creator_info_nomask, 0 },
	{ "conn", "LIST UNIQUE lists every connection but monitors, 24-byte records", t_list_unique, 0 },
	{ "conn", "LIST with nothing to list returns the empty marker; unknown flags EINVAL", t_list_empty, 0 },
	KT_TESTS_END
};
