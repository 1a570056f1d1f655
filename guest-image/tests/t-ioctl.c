// SPDX-License-Identifier: MIT
/* §3 common ioctl rules: parsing, items, flags, negotiation, handle states. */
#define _GNU_SOURCE
#include "kt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

struct conn_cmd {
	const char *name;
	unsigned long req;
	size_t fixed;
	u64 flags; /* accepted flags without NEGOTIATE */
};

static const struct conn_cmd conn_cmds[] = {
	{ "UPDATE", KDBUS_CMD_UPDATE, 24, 0 },
	{ "BYEBYE", KDBUS_CMD_BYEBYE, 24, 0 },
	{ "FREE", KDBUS_CMD_FREE, 32, 0 },
	{ "CONN_INFO", KDBUS_CMD_CONN_INFO, 56, 0 },
	{ "BUS_CREATOR_INFO", KDBUS_CMD_BUS_CREATOR_INFO, 56, 0 },
	{ "LIST", KDBUS_CMD_LIST, 40, 0xf },
	{ "SEND", KDBUS_CMD_SEND, 56, 1 },
	{ "RECV", KDBUS_CMD_RECV, 64, 7 },
	{ "NAME_ACQUIRE", KDBUS_CMD_NAME_ACQUIRE, 24, 7 },
	{ "NAME_RELEASE", KDBUS_CMD_NAME_RELEASE, 24, 0 },
	{ "MATCH_ADD", KDBUS_CMD_MATCH_ADD, 32, 1 },
	{ "MATCH_REMOVE", KDBUS_CMD_MATCH_REMOVE, 32, 0 },
};
#define N_CONN_CMDS (sizeof(conn_cmds) / sizeof(conn_cmds[0]))

/* A zeroed command of `size` bytes with the given flags. */
static int raw_cmd(int fd, unsigned long req, size_t size, u64 flags)
{
	u64 buf[128] KT_ALIGNED = { 0 };

	buf[0] = size;
	buf[1] = flags;
	return kt_ioctl(fd, req, buf);
}

#define CHECK_ERR_NAMED(name, expr, err) \
	do { \
		int got_ = (expr); \
		if (got_ != (err)) \
			kt_fail_at(__FILE__, __LINE__, "%s: expected %s, got %s", name, \
				   kt_errname(err), kt_errname(got_)); \
	} while (0)

/* ------------------------------------------------------------------ header */

static void t_header_numbers(void)
{
	KT_EQ(KDBUS_CMD_BUS_MAKE, 0x40189500);
	KT_EQ(KDBUS_CMD_ENDPOINT_MAKE, 0x40189510);
	KT_EQ(KDBUS_CMD_ENDPOINT_UPDATE, 0x40189511);
	KT_EQ(KDBUS_CMD_HELLO, 0xC0609580);
	KT_EQ(KDBUS_CMD_UPDATE, 0x40189581);
	KT_EQ(KDBUS_CMD_BYEBYE, 0x40189582);
	KT_EQ(KDBUS_CMD_FREE, 0x40209583);
	KT_EQ(KDBUS_CMD_CONN_INFO, 0x80389584);
	KT_EQ(KDBUS_CMD_BUS_CREATOR_INFO, 0x80389585);
	KT_EQ(KDBUS_CMD_LIST, 0x80289586);
	KT_EQ(KDBUS_CMD_SEND, 0x40389590);
	KT_EQ(KDBUS_CMD_RECV, 0x80409591);
	KT_EQ(KDBUS_CMD_NAME_ACQUIRE, 0x401895A0);
	KT_EQ(KDBUS_CMD_NAME_RELEASE, 0x401895A1);
	KT_EQ(KDBUS_CMD_MATCH_ADD, 0x402095B0);
	KT_EQ(KDBUS_CMD_MATCH_REMOVE, 0x402095B1);
	KT_EQ(KDBUS_IOCTL_MAGIC, 0x95);
	KT_EQ(KDBUS_DST_ID_BROADCAST, ~0ULL);
	KT_EQ(KDBUS_MATCH_ID_ANY, ~0ULL);
	KT_EQ(KDBUS_FLAG_NEGOTIATE, 1ULL << 63);
	KT_EQ(KDBUS_PAYLOAD_DBUS, 0x4442757344427573ULL);
	KT_EQ(KDBUS_PAYLOAD_KERNEL, 0);
}

static void t_header_layout(void)
{
	KT_EQ(sizeof(struct kdbus_cmd), 24);
	KT_EQ(sizeof(struct kdbus_cmd_hello), 96);
	KT_EQ(offsetof(struct kdbus_cmd_hello, attach_flags_send), 24);
	KT_EQ(offsetof(struct kdbus_cmd_hello, bus_flags), 40);
	KT_EQ(offsetof(struct kdbus_cmd_hello, id), 48);
	KT_EQ(offsetof(struct kdbus_cmd_hello, pool_size), 56);
	KT_EQ(offsetof(struct kdbus_cmd_hello, offset), 64);
	KT_EQ(offsetof(struct kdbus_cmd_hello, items_size), 72);
	KT_EQ(offsetof(struct kdbus_cmd_hello, id128), 80);
	KT_EQ(sizeof(struct kdbus_cmd_free), 32);
	KT_EQ(sizeof(struct kdbus_cmd_info), 56);
	KT_EQ(offsetof(struct kdbus_cmd_info, id), 24);
	KT_EQ(offsetof(struct kdbus_cmd_info, attach_flags), 32);
	KT_EQ(offsetof(struct kdbus_cmd_info, offset), 40);
	KT_EQ(offsetof(struct kdbus_cmd_info, info_size), 48);
	KT_EQ(sizeof(struct kdbus_cmd_list), 40);
	KT_EQ(sizeof(struct kdbus_cmd_send), 56);
	KT_EQ(offsetof(struct kdbus_cmd_send, msg_address), 24);
	KT_EQ(offsetof(struct kdbus_cmd_send, reply), 32);
	KT_EQ(sizeof(struct kdbus_cmd_recv), 64);
	KT_EQ(offsetof(struct kdbus_cmd_recv, priority), 24);
	KT_EQ(offsetof(struct kdbus_cmd_recv, dropped_msgs), 32);
	KT_EQ(offsetof(struct kdbus_cmd_recv, msg), 40);
	KT_EQ(sizeof(struct kdbus_cmd_match), 32);
	KT_EQ(sizeof(struct kdbus_msg_info), 24);
	KT_EQ(sizeof(struct kdbus_msg), 64);
	KT_EQ(offsetof(struct kdbus_msg, priority), 16);
	KT_EQ(offsetof(struct kdbus_msg, dst_id), 24);
	KT_EQ(offsetof(struct kdbus_msg, src_id), 32);
	KT_EQ(offsetof(struct kdbus_msg, payload_type), 40);
	KT_EQ(offsetof(struct kdbus_msg, cookie), 48);
	KT_EQ(offsetof(struct kdbus_msg, timeout_ns), 56);
	KT_EQ(offsetof(struct kdbus_msg, cookie_reply), 56);
	KT_EQ(sizeof(struct kdbus_info), 24);
	KT_EQ(offsetof(struct kdbus_item, data), 16);
	KT_EQ(sizeof(struct kdbus_vec), 16);
	KT_EQ(sizeof(struct kdbus_memfd), 24);
	KT_EQ(offsetof(struct kdbus_memfd, fd), 16);
	KT_EQ(sizeof(struct kdbus_bloom_parameter), 16);
	KT_EQ(sizeof(struct kdbus_creds), 64);
	KT_EQ(sizeof(struct kdbus_pids), 24);
	KT_EQ(sizeof(struct kdbus_audit), 8);
	KT_EQ(sizeof(struct kdbus_timestamp), 24);
	KT_EQ(sizeof(struct kdbus_notify_id_change), 16);
	KT_EQ(sizeof(struct kdbus_notify_name_change), 32);
	KT_EQ(sizeof(struct kdbus_policy_access), 24);
	KT_EQ(offsetof(struct kdbus_name, name), 8);
}

static void t_header_values(void)
{
	static const u64 items[][2] = {
		{ KDBUS_ITEM_NEGOTIATE, 1 }, { KDBUS_ITEM_PAYLOAD_VEC, 2 },
		{ KDBUS_ITEM_PAYLOAD_OFF, 3 }, { KDBUS_ITEM_PAYLOAD_MEMFD, 4 },
		{ KDBUS_ITEM_FDS, 5 }, { KDBUS_ITEM_CANCEL_FD, 6 },
		{ KDBUS_ITEM_BLOOM_PARAMETER, 7 }, { KDBUS_ITEM_BLOOM_FILTER, 8 },
		{ KDBUS_ITEM_BLOOM_MASK, 9 }, { KDBUS_ITEM_DST_NAME, 10 },
		{ KDBUS_ITEM_MAKE_NAME, 11 }, { KDBUS_ITEM_ATTACH_FLAGS_SEND, 12 },
		{ KDBUS_ITEM_ATTACH_FLAGS_RECV, 13 }, { KDBUS_ITEM_ID, 14 },
		{ KDBUS_ITEM_NAME, 15 }, { KDBUS_ITEM_DST_ID, 16 },
		{ KDBUS_ITEM_TIMESTAMP, 0x1000 }, { KDBUS_ITEM_CREDS, 0x1001 },
		{ KDBUS_ITEM_PIDS, 0x1002 }, { KDBUS_ITEM_AUXGROUPS, 0x1003 },
		{ KDBUS_ITEM_OWNED_NAME, 0x1004 }, { KDBUS_ITEM_TID_COMM, 0x1005 },
		{ KDBUS_ITEM_PID_COMM, 0x1006 }, { KDBUS_ITEM_EXE, 0x1007 },
		{ KDBUS_ITEM_CMDLINE, 0x1008 }, { KDBUS_ITEM_CGROUP, 0x1009 },
		{ KDBUS_ITEM_CAPS, 0x100A }, { KDBUS_ITEM_SECLABEL, 0x100B },
		{ KDBUS_ITEM_AUDIT, 0x100C }, { KDBUS_ITEM_CONN_DESCRIPTION, 0x100D },
		{ KDBUS_ITEM_POLICY_ACCESS, 0x2000 }, { KDBUS_ITEM_NAME_ADD, 0x8000 },
		{ KDBUS_ITEM_NAME_REMOVE, 0x8001 }, { KDBUS_ITEM_NAME_CHANGE, 0x8002 },
		{ KDBUS_ITEM_ID_ADD, 0x8003 }, { KDBUS_ITEM_ID_REMOVE, 0x8004 },
		{ KDBUS_ITEM_REPLY_TIMEOUT, 0x8005 }, { KDBUS_ITEM_REPLY_DEAD, 0x8006 },
	};

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		if (items[i][0] != items[i][1])
			kt_fail_at(__FILE__, __LINE__, "item type %#llx should be %#llx",
				   (unsigned long long)items[i][0], (unsigned long long)items[i][1]);
	KT_EQ(KDBUS_HELLO_ACCEPT_FD, 1);
	KT_EQ(KDBUS_HELLO_ACTIVATOR, 2);
	KT_EQ(KDBUS_HELLO_POLICY_HOLDER, 4);
	KT_EQ(KDBUS_HELLO_MONITOR, 8);
	KT_EQ(KDBUS_MAKE_ACCESS_GROUP, 1);
	KT_EQ(KDBUS_MAKE_ACCESS_WORLD, 2);
	KT_EQ(KDBUS_MSG_EXPECT_REPLY, 1);
	KT_EQ(KDBUS_MSG_NO_AUTO_START, 2);
	KT_EQ(KDBUS_MSG_SIGNAL, 4);
	KT_EQ(KDBUS_SEND_SYNC_REPLY, 1);
	KT_EQ(KDBUS_RECV_PEEK, 1);
	KT_EQ(KDBUS_RECV_DROP, 2);
	KT_EQ(KDBUS_RECV_USE_PRIORITY, 4);
	KT_EQ(KDBUS_RECV_RETURN_INCOMPLETE_FDS, 1);
	KT_EQ(KDBUS_RECV_RETURN_DROPPED_MSGS, 2);
	KT_EQ(KDBUS_LIST_UNIQUE, 1);
	KT_EQ(KDBUS_LIST_NAMES, 2);
	KT_EQ(KDBUS_LIST_ACTIVATORS, 4);
	KT_EQ(KDBUS_LIST_QUEUED, 8);
	KT_EQ(KDBUS_MATCH_REPLACE, 1);
	KT_EQ(KDBUS_NAME_REPLACE_EXISTING, 1);
	KT_EQ(KDBUS_NAME_ALLOW_REPLACEMENT, 2);
	KT_EQ(KDBUS_NAME_QUEUE, 4);
	KT_EQ(KDBUS_NAME_IN_QUEUE, 8);
	KT_EQ(KDBUS_NAME_ACTIVATOR, 0x10);
	KT_EQ(KDBUS_NAME_PRIMARY, 0x20);
	KT_EQ(KDBUS_NAME_ACQUIRED, 0x40);
	KT_EQ(KDBUS_ATTACH_TIMESTAMP, 1);
	KT_EQ(KDBUS_ATTACH_CONN_DESCRIPTION, 0x2000);
	KT_EQ(_KDBUS_ATTACH_ALL, 0x3fff);
	KT_EQ(_KDBUS_ATTACH_ANY, ~0ULL);
	KT_EQ(KDBUS_POLICY_ACCESS_USER, 1);
	KT_EQ(KDBUS_POLICY_ACCESS_GROUP, 2);
	KT_EQ(KDBUS_POLICY_ACCESS_WORLD, 3);
	KT_EQ(KDBUS_POLICY_SEE, 0);
	KT_EQ(KDBUS_POLICY_TALK, 1);
	KT_EQ(KDBUS_POLICY_OWN, 2);
}

/* ------------------------------------------------------------------ parsing */

static void make_bus_cmd(struct kt_buf *kb, const char *name, u64 flags)
{
	struct kdbus_cmd *cmd = kt_buf_init(kb, sizeof(*cmd));
	struct kdbus_bloom_parameter bp = { 64, 1 };

	cmd->flags = flags;
	kt_buf_str(kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_item(kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_finish(kb);
}

static void t_misaligned(void)
{
	static u64 store[64] KT_ALIGNED;
	struct kt_bus b;
	struct kt_conn c;
	char name[64];
	u8 *p = (u8 *)store + 4;
	int fd;

	fd = kt_open_control(NULL);
	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	{
		struct kt_buf kb;

		make_bus_cmd(&kb, name, 0);
		memcpy(p, kb.b, kb.len);
	}
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, p), EFAULT);
	/* the failed call left the handle usable */
	KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
	close(fd);

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	memset(store, 0, sizeof(store));
	*(u64 *)(void *)p = 40; /* unaligned store, fine on x86 */
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_LIST, p), EFAULT);
	fd = kt_open_ep(&b, NULL);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_HELLO, (u8 *)store + 2), EFAULT);
}

static void t_unmapped(void)
{
	struct kt_bus b;
	struct kt_conn c;
	void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd;

	KT_REQ(page != MAP_FAILED);
	fd = kt_open_control(NULL);
	KT_REQ(fd >= 0);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, page), EFAULT);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, NULL), EFAULT);
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_RECV, page), EFAULT);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_SEND, NULL), EFAULT);
}

/* size field says more than is mapped: the copy faults */
static void t_copy_fault(void)
{
	u8 *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kt_bus b;
	struct kt_conn c;
	u64 *cmd;

	KT_REQ(two != MAP_FAILED);
	KT_REQ(mprotect(two + 4096, 4096, PROT_NONE) == 0);
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	cmd = (u64 *)(void *)(two + 4096 - 40);
	memset(cmd, 0, 40);
	cmd[0] = 40 + 64; /* runs into the PROT_NONE page */
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_LIST, cmd), EFAULT);
	cmd[0] = 40;
	KT_OK(kt_ioctl(c.fd, KDBUS_CMD_LIST, cmd));
}

static void t_size_too_small(void)
{
	struct kt_bus b;
	struct kt_conn c;
	int fd;

	fd = kt_open_control(NULL);
	KT_REQ(fd >= 0);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_BUS_MAKE, 16, 0), EINVAL);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_BUS_MAKE, 0, 0), EINVAL);
	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_HELLO, 88, 0), EINVAL);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_ENDPOINT_MAKE, 16, 0), EINVAL);
	KT_REQ_OK(kt_conn(&c, &b));
	for (size_t i = 0; i < N_CONN_CMDS; i++)
		CHECK_ERR_NAMED(conn_cmds[i].name,
				raw_cmd(c.fd, conn_cmds[i].req, conn_cmds[i].fixed - 8, 0), EINVAL);
	/* a message below 64 bytes */
	{
		u64 msg[8] KT_ALIGNED = { 56, 0, 0, c.id, 0, KDBUS_PAYLOAD_DBUS, 1, 0 };
		struct kdbus_cmd_send s = { sizeof(s), 0, 0, (u64)(uintptr_t)msg, { 0, 0, 0 } };

		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_SEND, &s), EINVAL);
	}
}

static void t_size_too_big(void)
{
	static struct kt_buf kb;
	struct kt_bus b;
	struct kt_conn c;
	char name[64];
	static u64 neg[32768 / 8] KT_ALIGNED;
	int fd;

	fd = kt_open_control(NULL);
	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	make_bus_cmd(&kb, name, 0);
	*(u64 *)kb.b = 32768 + 8;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EMSGSIZE);
	*(u64 *)kb.b = 1ULL << 40;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EMSGSIZE);
	/* exactly 32768 bytes is fine: pad with a NEGOTIATE item */
	make_bus_cmd(&kb, name, 0);
	kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, neg, 32768 - kb.len - 16);
	kt_buf_finish(&kb);
	KT_EQ(kb.len, 32768);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b));
	close(fd);

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	for (size_t i = 0; i < N_CONN_CMDS; i++) {
		memset(kb.b, 0, 40000);
		*(u64 *)kb.b = 32776;
		CHECK_ERR_NAMED(conn_cmds[i].name, kt_ioctl(c.fd, conn_cmds[i].req, kb.b), EMSGSIZE);
	}
	/* a message above 32 KiB */
	{
		struct kdbus_msg *m = kt_msg_init(&kb, c.id, 0, 1, 0);
		struct kdbus_cmd_send s = { sizeof(s), 0, 0, (u64)(uintptr_t)m, { 0, 0, 0 } };

		m->size = 32776;
		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_SEND, &s), EMSGSIZE);
	}
}

static void t_unknown_flags(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;
	char name[64];
	int fd;

	fd = kt_open_control(NULL);
	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	make_bus_cmd(&kb, name, 1ULL << 2);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	make_bus_cmd(&kb, name, 1ULL << 62);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	{
		struct kdbus_cmd_hello h = { .size = sizeof(h), .flags = 1ULL << 4,
					     .pool_size = KT_POOL_SIZE };

		KT_ERR(kt_ioctl(fd, KDBUS_CMD_HELLO, &h), EINVAL);
	}
	KT_REQ_OK(kt_conn(&c, &b));
	for (size_t i = 0; i < N_CONN_CMDS; i++) {
		u64 bad = (conn_cmds[i].flags + 1) | (1ULL << 40);

		CHECK_ERR_NAMED(conn_cmds[i].name,
				raw_cmd(c.fd, conn_cmds[i].req, conn_cmds[i].fixed, bad), EINVAL);
		CHECK_ERR_NAMED(conn_cmds[i].name,
				raw_cmd(c.fd, conn_cmds[i].req, conn_cmds[i].fixed,
					conn_cmds[i].flags + 1), EINVAL);
	}
	/* unknown message flag */
	kt_msg_init(&kb, c.id, 1ULL << 3, 1, 0);
	KT_ERR(kt_send_buf(&c, &kb, 0, -1, NULL), EINVAL);
}

static void t_check_order(void)
{
	static u64 store[4200] KT_ALIGNED;
	struct kt_bus b;
	struct kt_conn c;
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	/* alignment before size */
	store[0] = 0;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, (u8 *)store + 4), EFAULT);
	/* size bounds before flags */
	KT_ERR(raw_cmd(fd, KDBUS_CMD_BUS_MAKE, 8, 1ULL << 20), EINVAL);
	memset(store, 0, sizeof(store));
	store[0] = 32776;
	store[1] = 1ULL << 20;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, store), EMSGSIZE);
	/* flags before items: a bad flag with a broken item still gives EINVAL,
	 * and a valid-flag command with a broken item too */
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	memset(store, 0, sizeof(store));
	store[0] = 32 + 8; /* item header does not fit */
	store[1] = 1ULL << 30;
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_MATCH_ADD, store), EINVAL);
}

static void t_return_flags_zeroed(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;
	struct kdbus_cmd *cmd;
	char name[64];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	cmd = kt_buf_init(&kb, sizeof(*cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	{
		struct kdbus_bloom_parameter bp = { 7, 1 }; /* invalid size */

		kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	}
	kt_buf_finish(&kb);
	cmd->return_flags = 0xdeadbeef;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	KT_EQ(cmd->return_flags, 0);
	make_bus_cmd(&kb, name, 0);
	((struct kdbus_cmd *)(void *)kb.b)->return_flags = 0xdeadbeef;
	KT_OK(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b));
	KT_EQ(((struct kdbus_cmd *)(void *)kb.b)->return_flags, 0);

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	{
		struct kdbus_cmd_hello h = { .size = sizeof(h), .return_flags = 77,
					     .pool_size = KT_POOL_SIZE };

		KT_OK(kt_ioctl(fd, KDBUS_CMD_HELLO, &h));
		KT_EQ(h.return_flags, 0);
	}
	KT_REQ_OK(kt_conn(&c, &b));
	{
		struct kdbus_cmd_recv r = { .size = sizeof(r), .return_flags = 55 };

		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_RECV, &r), EAGAIN);
		KT_EQ(r.return_flags, 0);
	}
	{
		struct kdbus_cmd_free f = { sizeof(f), 0, 99, 12345 * 8 };

		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_FREE, &f), ENXIO);
		KT_EQ(f.return_flags, 0);
	}
}

static void t_return_flags_fault(void)
{
	struct kt_bus b;
	struct kt_conn c;
	u64 *cmd;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	cmd = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KT_REQ(cmd != MAP_FAILED);
	cmd[0] = 24;
	KT_REQ(mprotect(cmd, 4096, PROT_READ) == 0);
	/* readable but not writable: return_flags cannot be written back */
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, cmd), EFAULT);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_MATCH_REMOVE, cmd), EINVAL); /* size 24 < 32 first */
}

/* ------------------------------------------------------------------ negotiation */

static void t_negotiate_bus_make(void)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd;
	struct kdbus_item *neg;
	char name[64], path[256];
	u64 types[] = { KDBUS_ITEM_MAKE_NAME, 0x1234, KDBUS_ITEM_BLOOM_PARAMETER,
			KDBUS_ITEM_PAYLOAD_VEC, KDBUS_ITEM_ATTACH_FLAGS_SEND,
			KDBUS_ITEM_ATTACH_FLAGS_RECV, KDBUS_ITEM_NEGOTIATE, KDBUS_ITEM_NAME };
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	cmd = kt_buf_init(&kb, sizeof(*cmd));
	cmd->flags = KDBUS_FLAG_NEGOTIATE;
	neg = kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, sizeof(types));
	kt_buf_finish(&kb);
	/* no MAKE_NAME / BLOOM_PARAMETER: mandatory checks are skipped */
	KT_OK(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b));
	KT_EQ(cmd->flags, KDBUS_MAKE_ACCESS_GROUP | KDBUS_MAKE_ACCESS_WORLD);
	KT_EQ(neg->data64[0], KDBUS_ITEM_MAKE_NAME);
	KT_EQ(neg->data64[1], 0);
	KT_EQ(neg->data64[2], KDBUS_ITEM_BLOOM_PARAMETER);
	KT_EQ(neg->data64[3], 0);
	KT_EQ(neg->data64[4], KDBUS_ITEM_ATTACH_FLAGS_SEND);
	KT_EQ(neg->data64[5], KDBUS_ITEM_ATTACH_FLAGS_RECV);
	KT_EQ(neg->data64[6], KDBUS_ITEM_NEGOTIATE);
	KT_EQ(neg->data64[7], 0);

	/* with a full valid command: still no bus, handle stays FRESH */
	make_bus_cmd(&kb, name, KDBUS_FLAG_NEGOTIATE);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b));
	snprintf(path, sizeof(path), KT_ROOT "/%s", name);
	KT_CHECK(access(path, F_OK) != 0);
	KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
	KT_CHECK(access(path, F_OK) == 0);
}

static void t_negotiate_hello(void)
{
	struct kt_bus b;
	struct kt_buf kb;
	struct kdbus_cmd_hello *h;
	struct kdbus_item *neg;
	struct kt_conn c;
	u64 types[] = { KDBUS_ITEM_NAME, KDBUS_ITEM_CREDS, KDBUS_ITEM_PIDS, KDBUS_ITEM_SECLABEL,
			KDBUS_ITEM_CONN_DESCRIPTION, KDBUS_ITEM_POLICY_ACCESS,
			KDBUS_ITEM_MAKE_NAME, KDBUS_ITEM_PAYLOAD_VEC, KDBUS_ITEM_NEGOTIATE };
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_REQ(fd >= 0);
	h = kt_buf_init(&kb, sizeof(*h));
	h->flags = KDBUS_FLAG_NEGOTIATE;
	h->pool_size = 0; /* would be EINVAL without negotiation */
	neg = kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, sizeof(types));
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_HELLO, kb.b));
	KT_EQ(h->flags, 0xf);
	KT_EQ(h->id, 0);
	for (int i = 0; i < 6; i++)
		KT_EQ(neg->data64[i], types[i]);
	KT_EQ(neg->data64[6], 0);
	KT_EQ(neg->data64[7], 0);
	KT_EQ(neg->data64[8], KDBUS_ITEM_NEGOTIATE);
	/* still FRESH: a real HELLO works */
	KT_OK(kt_hello_fd(&c, fd, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
}

static void t_negotiate_conn_cmds(void)
{
	struct kt_bus b;
	struct kt_conn c;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	for (size_t i = 0; i < N_CONN_CMDS; i++) {
		u64 buf[16] KT_ALIGNED = { conn_cmds[i].fixed, KDBUS_FLAG_NEGOTIATE };
		int r = kt_ioctl(c.fd, conn_cmds[i].req, buf);

		if (r) {
			kt_fail_at(__FILE__, __LINE__, "%s with NEGOTIATE: expected success, got %s",
				   conn_cmds[i].name, kt_errname(r));
			continue;
		}
		if (buf[1] != conn_cmds[i].flags)
			kt_fail_at(__FILE__, __LINE__, "%s negotiated flags %#llx, expected %#llx",
				   conn_cmds[i].name, (unsigned long long)buf[1],
				   (unsigned long long)conn_cmds[i].flags);
	}
	/* BYEBYE negotiation did not disconnect, FREE did not free, etc. */
	KT_OK(kt_send(&c, c.id, 1, "still alive"));
	KT_EQ(kt_drain(&c), 1);
}

static void t_negotiate_send_msg(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;
	struct kdbus_msg *m;
	struct kdbus_cmd_send s = { sizeof(s), KDBUS_FLAG_NEGOTIATE, 0, 0, { 0, 0, 0 } };
	u64 types[] = { KDBUS_ITEM_PAYLOAD_VEC, KDBUS_ITEM_PAYLOAD_MEMFD, KDBUS_ITEM_FDS,
			KDBUS_ITEM_BLOOM_FILTER, KDBUS_ITEM_DST_NAME, KDBUS_ITEM_NAME,
			KDBUS_ITEM_CANCEL_FD };
	struct kdbus_item *neg;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	/* command only */
	KT_OK(kt_ioctl(c.fd, KDBUS_CMD_SEND, &s));
	KT_EQ(s.flags, KDBUS_SEND_SYNC_REPLY);
	/* command and message */
	m = kt_msg_init(&kb, c.id, KDBUS_FLAG_NEGOTIATE, 1, 0);
	neg = kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, sizeof(types));
	kt_buf_finish(&kb);
	s.flags = KDBUS_FLAG_NEGOTIATE;
	s.msg_address = (u64)(uintptr_t)m;
	KT_OK(kt_ioctl(c.fd, KDBUS_CMD_SEND, &s));
	KT_EQ(s.flags, KDBUS_SEND_SYNC_REPLY);
	KT_EQ(m->flags, 7);
	for (int i = 0; i < 5; i++)
		KT_EQ(neg->data64[i], types[i]);
	KT_EQ(neg->data64[5], 0);
	KT_EQ(neg->data64[6], 0); /* CANCEL_FD belongs to the command, not the message */
	KT_EQ(kt_drain(&c), 0);   /* nothing was sent */
	/* message negotiation while the command lacks it */
	m = kt_msg_init(&kb, c.id, KDBUS_FLAG_NEGOTIATE, 1, 0);
	kt_buf_finish(&kb);
	s.flags = 0;
	s.msg_address = (u64)(uintptr_t)m;
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_SEND, &s), EINVAL);
}

static void t_negotiate_item_without_flag(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;
	struct kdbus_cmd *cmd;
	struct kdbus_item *neg;
	u64 types[] = { KDBUS_ITEM_NAME, KDBUS_ITEM_PAYLOAD_VEC, 0x777 };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	cmd = kt_buf_init(&kb, sizeof(*cmd));
	neg = kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, sizeof(types));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.negotiate");
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(c.fd, KDBUS_CMD_NAME_ACQUIRE, kb.b));
	KT_EQ(cmd->return_flags, KDBUS_NAME_PRIMARY | KDBUS_NAME_ACQUIRED);
	KT_EQ(neg->data64[0], KDBUS_ITEM_NAME);
	KT_EQ(neg->data64[1], 0);
	KT_EQ(neg->data64[2], 0);
	KT_EQ(cmd->flags, 0);
}

static void t_negotiate_item_rules(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;
	u64 types[2] = { KDBUS_ITEM_NAME, 0 };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, 12);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, 8);
	kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, 8);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, NULL, 0); /* empty array is fine */
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b));
	/* NEGOTIATE item inside a message → EINVAL */
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_NEGOTIATE, types, 8);
	KT_ERR(kt_send_buf(&c, &kb, 0, -1, NULL), EINVAL);
}

/* ------------------------------------------------------------------ item framing */

static void t_item_too_small(void)
{
	struct kt_buf kb;
	struct kdbus_item *it;
	char name[64];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	make_bus_cmd(&kb, name, 0);
	it = (struct kdbus_item *)(void *)(kb.b + 24);
	it->size = 8;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	it->size = 0;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	it->size = 15;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	/* a header that does not fit in the command */
	make_bus_cmd(&kb, name, 0);
	*(u64 *)(void *)kb.b = kb.len + 8;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
}

static void t_item_overrun(void)
{
	struct kt_buf kb;
	struct kdbus_item *it;
	char name[64];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	make_bus_cmd(&kb, name, 0);
	/* the last item (bloom, 32 bytes) claims 40 bytes */
	it = (struct kdbus_item *)(void *)(kb.b + kb.len - 32);
	KT_REQ_EQ(it->type, KDBUS_ITEM_BLOOM_PARAMETER);
	it->size = 40;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	it->size = 1ULL << 33;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	it->size = 32;
	*(u64 *)(void *)kb.b = kb.len - 8; /* command cut inside the item data */
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
}

static void t_item_unknown_type(void)
{
	struct kt_buf kb;
	struct kdbus_vec v = { 1, { 0 } };
	char name[64];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	make_bus_cmd(&kb, name, 0);
	kt_buf_u64(&kb, 0x9999, 1);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	make_bus_cmd(&kb, name, 0);
	kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v)); /* known, not accepted */
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	make_bus_cmd(&kb, name, 0);
	kt_buf_item(&kb, 0, NULL, 0); /* _KDBUS_ITEM_NULL */
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
}

static void t_item_duplicate(void)
{
	struct kt_buf kb;
	struct kdbus_bloom_parameter bp = { 64, 1 };
	char name[64];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	make_bus_cmd(&kb, name, 0);
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	make_bus_cmd(&kb, name, 0);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	make_bus_cmd(&kb, name, 0);
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, 0);
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, 0);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
}

static void t_item_padding(void)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd;
	struct kdbus_bloom_parameter bp = { 64, 1 };
	char name[64];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	/* the name item comes last and the command ends right after its NUL */
	kt_bus_name(name, sizeof(name));
	if (strlen(name) % 8 == 7)
		strcat(name, "x");
	cmd = kt_buf_init(&kb, sizeof(*cmd));
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	cmd->size = 24 + 32 + 16 + strlen(name) + 1;
	KT_CHECK(cmd->size % 8 != 0);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b));
	close(fd);

	/* stray bytes after the last item */
	fd = kt_open_control(NULL);
	kt_bus_name(name, sizeof(name));
	make_bus_cmd(&kb, name, 0);
	*(u64 *)(void *)kb.b = kb.len + 8;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	*(u64 *)(void *)kb.b = kb.len + 4;
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	*(u64 *)(void *)kb.b = kb.len;
	KT_OK(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b));
}

static void t_mandatory_items(void)
{
	struct kt_buf kb;
	struct kt_bus b;
	struct kt_conn c;
	struct kdbus_bloom_parameter bp = { 64, 1 };
	char name[64];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_ERR(raw_cmd(c.fd, KDBUS_CMD_NAME_ACQUIRE, 24, 0), EINVAL);
	KT_ERR(raw_cmd(c.fd, KDBUS_CMD_NAME_RELEASE, 24, 0), EINVAL);
	fd = kt_open_ep(&b, NULL);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_ENDPOINT_MAKE, 24, 0), EINVAL);
}

/* ------------------------------------------------------------------ §3.4 per-type */

static int send_with_item(const struct kt_conn *c, u64 type, const void *p, size_t len)
{
	struct kt_buf kb;

	kt_msg_init(&kb, c->id, 0, 1, 0);
	kt_buf_item(&kb, type, p, len);
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

static void t_item_payload_validation(void)
{
	struct kt_bus b;
	struct kt_conn c;
	static const char data[16] = "0123456789abcde";
	struct kdbus_vec v = { 4, { (u64)(uintptr_t)data } };
	struct kdbus_memfd mf = { 0, 4, 0, 0 };
	int fds[2] = { 0, 1 };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_ERR(send_with_item(&c, KDBUS_ITEM_PAYLOAD_VEC, &v, 8), EINVAL);
	KT_ERR(send_with_item(&c, KDBUS_ITEM_PAYLOAD_VEC, &v, 24), EINVAL);
	v.size = 0;
	KT_ERR(send_with_item(&c, KDBUS_ITEM_PAYLOAD_VEC, &v, 16), EINVAL);
	v.size = 0x100000000ULL;
	KT_ERR(send_with_item(&c, KDBUS_ITEM_PAYLOAD_VEC, &v, 16), EINVAL);
	KT_ERR(send_with_item(&c, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, 16), EINVAL);
	mf.size = 0;
	KT_ERR(send_with_item(&c, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, 24), EINVAL);
	mf.size = 0x100000000ULL;
	KT_ERR(send_with_item(&c, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, 24), EINVAL);
	mf.size = 4;
	mf.fd = -1;
	KT_ERR(send_with_item(&c, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, 24), EBADF);
	KT_ERR(send_with_item(&c, KDBUS_ITEM_FDS, fds, 6), EINVAL);
	{
		u8 bf[12] = { 0 };

		KT_ERR(send_with_item(&c, KDBUS_ITEM_BLOOM_FILTER, bf, 4), EINVAL);
	}
	KT_ERR(send_with_item(&c, KDBUS_ITEM_DST_NAME, "", 0), EINVAL);
	KT_ERR(send_with_item(&c, KDBUS_ITEM_DST_NAME, "a.b", 3), EINVAL);
	KT_ERR(send_with_item(&c, KDBUS_ITEM_DST_NAME, "a.b\0c.d", 8), EINVAL);
	/* the valid forms go through */
	v.size = 4;
	KT_OK(send_with_item(&c, KDBUS_ITEM_PAYLOAD_VEC, &v, 16));
	KT_EQ(kt_drain(&c), 1);
}

static void t_item_cancel_fd_validation(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb, cb;
	struct kdbus_cmd_send *s;
	u64 fd64 = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	kt_msg_init(&kb, c.id, 0, 1, 0);
	kt_buf_finish(&kb);
	s = kt_buf_init(&cb, sizeof(*s));
	s->msg_address = (u64)(uintptr_t)kb.b;
	kt_buf_item(&cb, KDBUS_ITEM_CANCEL_FD, &fd64, 8);
	kt_buf_finish(&cb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_SEND, cb.b), EINVAL);
	s = kt_buf_init(&cb, sizeof(*s));
	s->msg_address = (u64)(uintptr_t)kb.b;
	kt_buf_item(&cb, KDBUS_ITEM_CANCEL_FD, &fd64, 4);
	kt_buf_item(&cb, KDBUS_ITEM_CANCEL_FD, &fd64, 4);
	kt_buf_finish(&cb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_SEND, cb.b), EINVAL);
	KT_EQ(kt_drain(&c), 0);
}

static void t_item_fixed_sizes(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;
	u64 z[16] = { 0 };
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	/* ATTACH_FLAGS_* payload exactly 8 */
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_item(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, z, 4);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_item(&kb, KDBUS_ITEM_ATTACH_FLAGS_RECV, z, 16);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_UPDATE, kb.b), EINVAL);
	/* ID / DST_ID payload exactly 8 */
	kt_match_init(&kb, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_ID, z, 16);
	KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	kt_match_init(&kb, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_DST_ID, z, 4);
	KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	/* ID_ADD / ID_REMOVE payload exactly 16 */
	kt_match_init(&kb, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_ID_ADD, z, 8);
	KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	kt_match_init(&kb, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_ID_REMOVE, z, 24);
	KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	/* NAME_* payload >= 32, remainder a NUL-terminated string */
	kt_match_init(&kb, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_NAME_ADD, z, 24);
	KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	{
		u8 nc[48];

		memset(nc, 0, sizeof(nc));
		memcpy(nc + 32, "a.bc", 4); /* no NUL */
		kt_match_init(&kb, 1, 0);
		kt_buf_item(&kb, KDBUS_ITEM_NAME_CHANGE, nc, 36);
		KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
		memcpy(nc + 32, "a.b\0c.d", 8); /* two NULs */
		kt_match_init(&kb, 1, 0);
		kt_buf_item(&kb, KDBUS_ITEM_NAME_REMOVE, nc, 40);
		KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
		kt_match_init(&kb, 1, 0);
		kt_buf_item(&kb, KDBUS_ITEM_NAME_REMOVE, nc, 36); /* "a.b\0" */
		KT_OK(kt_match_add_buf(&c, &kb));
	}
	/* NAME string rules */
	kt_match_init(&kb, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_NAME, "a.b", 3);
	KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	kt_match_init(&kb, 1, 0);
	kt_buf_item(&kb, KDBUS_ITEM_NAME, NULL, 0);
	KT_ERR(kt_match_add_buf(&c, &kb), EINVAL);
	/* CREDS exactly 64, PIDS exactly 24, POLICY_ACCESS exactly 24 (HELLO) */
	fd = kt_open_ep(&b, NULL);
	{
		struct kt_conn c2;
		struct kt_buf ex;

		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_CREDS, z, 32);
		KT_ERR(kt_hello_fd(&c2, fd, 0, 0, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_PIDS, z, 16);
		KT_ERR(kt_hello_fd(&c2, fd, 0, 0, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_POLICY_ACCESS, z, 16);
		KT_ERR(kt_hello_fd(&c2, fd, 0, 0, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
		kt_buf_init(&ex, 0);
		kt_buf_item(&ex, KDBUS_ITEM_SECLABEL, "abc", 3);
		KT_ERR(kt_hello_fd(&c2, fd, 0, 0, 0, KT_POOL_SIZE, NULL, &ex), EINVAL);
	}
}

/* ------------------------------------------------------------------ handle states */

static void check_conn_cmds(int fd, int expected, const char *state)
{
	for (size_t i = 0; i < N_CONN_CMDS; i++) {
		int r = raw_cmd(fd, conn_cmds[i].req, conn_cmds[i].fixed, 0);

		if (r != expected)
			kt_fail_at(__FILE__, __LINE__, "%s on %s handle: expected %s, got %s",
				   conn_cmds[i].name, state, kt_errname(expected), kt_errname(r));
	}
}

static void t_state_fresh_control(void)
{
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_HELLO, 96, 0), EBADFD);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_ENDPOINT_MAKE, 24, 0), EBADFD);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_ENDPOINT_UPDATE, 24, 0), EBADFD);
	check_conn_cmds(fd, EBADFD, "FRESH control");
}

static void t_state_fresh_endpoint(void)
{
	struct kt_bus b;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_REQ(fd >= 0);
	KT_ERR(kt_bus_cmd(fd, 0, "0-other", 64, 1), EBADFD);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_ENDPOINT_UPDATE, 24, 0), EBADFD);
	check_conn_cmds(fd, EBADFD, "FRESH endpoint");
}

static void t_state_bus_owner(void)
{
	struct kt_bus b;
	char name[64];

	KT_REQ_OK(kt_bus_make(&b));
	kt_bus_name(name, sizeof(name));
	KT_ERR(kt_bus_cmd(b.fd, 0, name, 64, 1), EBADFD);
	KT_ERR(kt_bus_cmd(b.fd, 0, b.name, 64, 1), EBADFD);
	KT_ERR(raw_cmd(b.fd, KDBUS_CMD_HELLO, 96, 0), EBADFD);
	KT_ERR(raw_cmd(b.fd, KDBUS_CMD_ENDPOINT_MAKE, 24, 0), EBADFD);
	KT_ERR(raw_cmd(b.fd, KDBUS_CMD_ENDPOINT_UPDATE, 24, 0), EBADFD);
	check_conn_cmds(b.fd, EBADFD, "BUS-OWNER");
	/* negotiation is no exception */
	KT_ERR(raw_cmd(b.fd, KDBUS_CMD_BUS_MAKE, 24, KDBUS_FLAG_NEGOTIATE), EBADFD);
}

static void t_state_connected(void)
{
	struct kt_bus b;
	struct kt_conn c;
	char name[64];

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	kt_bus_name(name, sizeof(name));
	KT_ERR(kt_bus_cmd(c.fd, 0, name, 64, 1), EBADFD);
	{
		struct kdbus_cmd_hello h = { .size = sizeof(h), .pool_size = KT_POOL_SIZE };

		KT_ERR(kt_ioctl(c.fd, KDBUS_CMD_HELLO, &h), EBADFD);
	}
	KT_ERR(raw_cmd(c.fd, KDBUS_CMD_ENDPOINT_MAKE, 24, 0), EBADFD);
	KT_ERR(raw_cmd(c.fd, KDBUS_CMD_ENDPOINT_UPDATE, 24, 0), EBADFD);
}

static void t_state_ep_owner(void)
{
	struct kt_bus b;
	struct kt_buf kb;
	char name[80];
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_REQ(fd >= 0);
	snprintf(name, sizeof(name), "%u-ep", (unsigned int)geteuid());
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_finish(&kb);
	KT_REQ_OK(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, kb.b));
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, kb.b), EBADFD);
	KT_ERR(raw_cmd(fd, KDBUS_CMD_HELLO, 96, 0), EBADFD);
	KT_ERR(kt_bus_cmd(fd, 0, "0-x", 64, 1), EBADFD);
	check_conn_cmds(fd, EBADFD, "EP-OWNER");
	KT_OK(raw_cmd(fd, KDBUS_CMD_ENDPOINT_UPDATE, 24, 0));
}

static void t_unknown_ioctl(void)
{
	struct kt_bus b;
	struct kt_conn c;
	struct kt_buf kb;
	unsigned long bad[] = { _IOW(KDBUS_IOCTL_MAGIC, 0x7f, struct kdbus_cmd),
				_IOW(KDBUS_IOCTL_MAGIC, 0x01, struct kdbus_cmd),
				_IOW(0x42, 0x80, struct kdbus_cmd_hello), 0x5401 /* TCGETS */ };
	char name[80];
	int fds[5];
	u64 buf[32] KT_ALIGNED = { 24 };

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	fds[0] = kt_open_control(NULL);
	fds[1] = kt_open_ep(&b, NULL);
	fds[2] = b.fd;
	fds[3] = c.fd;
	fds[4] = kt_open_ep(&b, NULL);
	snprintf(name, sizeof(name), "%u-epx", (unsigned int)geteuid());
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(fds[4], KDBUS_CMD_ENDPOINT_MAKE, kb.b));
	for (int i = 0; i < 5; i++)
		for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			int r = kt_ioctl(fds[i], bad[j], buf);

			if (r != ENOTTY)
				kt_fail_at(__FILE__, __LINE__,
					   "ioctl %#lx on handle %d: expected ENOTTY, got %s", bad[j], i,
					   kt_errname(r));
		}
}

static void t_failed_setup_stays_fresh(void)
{
	struct kt_bus b;
	struct kt_conn c;
	char name[64];
	int fd;

	fd = kt_open_control(NULL);
	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	KT_ERR(kt_bus_cmd(fd, 0, name, 7, 1), EINVAL);
	KT_ERR(kt_bus_cmd(fd, 0, "999999-x", 64, 1), EINVAL);
	KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_ERR(kt_hello_fd(&c, fd, 0, 0, 0, 4095, NULL, NULL), EINVAL);
	KT_ERR(kt_hello_fd(&c, fd, 0, 1ULL << 20, 0, KT_POOL_SIZE, NULL, NULL), EINVAL);
	KT_OK(kt_hello_fd(&c, fd, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
}

static void t_no_read_write(void)
{
	struct kt_bus b;
	struct kt_conn c;
	char buf[16] = { 0 };
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	KT_CHECK(read(fd, buf, sizeof(buf)) < 0);
	KT_CHECK(write(fd, buf, sizeof(buf)) < 0);
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_CHECK(read(c.fd, buf, sizeof(buf)) < 0);
	KT_CHECK(write(c.fd, buf, sizeof(buf)) < 0);
}

static void t_poll_not_connected(void)
{
	struct kt_bus b;
	struct kt_conn c;
	short ev;
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	ev = kt_poll_events(fd);
	KT_EQ(ev & (POLLERR | POLLHUP), POLLERR | POLLHUP);
	KT_REQ_OK(kt_bus_make(&b));
	ev = kt_poll_events(kt_open_ep(&b, NULL));
	KT_EQ(ev & (POLLERR | POLLHUP), POLLERR | POLLHUP);
	ev = kt_poll_events(b.fd);
	KT_EQ(ev & (POLLERR | POLLHUP), POLLERR | POLLHUP);
	KT_REQ_OK(kt_conn(&c, &b));
	ev = kt_poll_events(c.fd);
	KT_EQ(ev, POLLOUT | POLLWRNORM);
}

const struct kt_test kt_tests_ioctl[] = {
	{ "ioctl", "header ioctl numbers and constants match the spec", t_header_numbers, 0 },
	{ "ioctl", "header struct sizes and offsets match the spec", t_header_layout, 0 },
	{ "ioctl", "header item types and flag values match the spec", t_header_values, 0 },
	{ "ioctl", "misaligned command pointer gives EFAULT", t_misaligned, 0 },
	{ "ioctl", "unmapped or NULL command pointer gives EFAULT", t_unmapped, 0 },
	{ "ioctl", "size reaching into unmapped memory gives EFAULT", t_copy_fault, 0 },
	{ "ioctl", "size below the fixed struct gives EINVAL (every command, message)", t_size_too_small, 0 },
	{ "ioctl", "size above 32 KiB gives EMSGSIZE, exactly 32 KiB is accepted", t_size_too_big, 0 },
	{ "ioctl", "unknown flag bits give EINVAL (every command, message)", t_unknown_flags, 0 },
	{ "ioctl", "check order: alignment, size, flags, items", t_check_order, 0 },
	{ "ioctl", "return_flags is written back as 0 on success and failure", t_return_flags_zeroed, 0 },
	{ "ioctl", "return_flags that cannot be written back give EFAULT", t_return_flags_fault, 0 },
	{ "ioctl", "NEGOTIATE on BUS_MAKE reports flags, zeroes unknown item types, creates nothing", t_negotiate_bus_make, 0 },
	{ "ioctl", "NEGOTIATE on HELLO reports 0xf, skips checks, handle stays FRESH", t_negotiate_hello, 0 },
	{ "ioctl", "NEGOTIATE on connection commands reports each command's flags, no action", t_negotiate_conn_cmds, 0 },
	{ "ioctl", "NEGOTIATE on SEND: command alone, with message (flags 7), message-only EINVAL", t_negotiate_send_msg, 0 },
	{ "ioctl", "NEGOTIATE item without the flag zeroes entries and the command runs", t_negotiate_item_without_flag, 0 },
	{ "ioctl", "NEGOTIATE item: length multiple of 8, at most once, not in messages", t_negotiate_item_rules, 0 },
	{ "ioctl", "item with size below 16 or header outside the command gives EINVAL", t_item_too_small, 0 },
	{ "ioctl", "item running past the command end gives EINVAL", t_item_overrun, 0 },
	{ "ioctl", "unknown or unaccepted item type gives EINVAL", t_item_unknown_type, 0 },
	{ "ioctl", "repeated once-only item gives EINVAL", t_item_duplicate, 0 },
	{ "ioctl", "command may end in the last item's padding; stray bytes give EINVAL", t_item_padding, 0 },
	{ "ioctl", "missing mandatory items give EINVAL", t_mandatory_items, 0 },
	{ "ioctl", "PAYLOAD_VEC/MEMFD/FDS/BLOOM_FILTER/string item validation", t_item_payload_validation, 0 },
	{ "ioctl", "CANCEL_FD item must be exactly 20 bytes and appear once", t_item_cancel_fd_validation, 0 },
	{ "ioctl", "fixed-size items (ATTACH_FLAGS, ID, ID_ADD, NAME_*, CREDS, PIDS, POLICY_ACCESS)", t_item_fixed_sizes, 0 },
	{ "ioctl", "FRESH control handle: only BUS_MAKE runs (EBADFD)", t_state_fresh_control, 0 },
	{ "ioctl", "FRESH endpoint handle: only ENDPOINT_MAKE and HELLO run (EBADFD)", t_state_fresh_endpoint, 0 },
	{ "ioctl", "BUS-OWNER handle accepts no ioctl at all (EBADFD)", t_state_bus_owner, 0 },
	{ "ioctl", "CONNECTED handle: setup ioctls give EBADFD", t_state_connected, 0 },
	{ "ioctl", "EP-OWNER handle: only ENDPOINT_UPDATE runs (EBADFD)", t_state_ep_owner, 0 },
	{ "ioctl", "unknown ioctl numbers give ENOTTY in every state", t_unknown_ioctl, 0 },
	{ "ioctl", "a failed setup ioctl leaves the handle FRESH", t_failed_setup_stays_fresh, 0 },
	{ "ioctl", "read and write are not supported", t_no_read_write, 0 },
	{ "ioctl", "poll: non-connected handles POLLERR|POLLHUP, idle connection POLLOUT", t_poll_not_connected, 0 },
	KT_TESTS_END
};
