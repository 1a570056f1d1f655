// SPDX-License-Identifier: MIT
/* §4.2 BUS_MAKE, §4.3 ENDPOINT_MAKE, §4.4 ENDPOINT_UPDATE, §2.3 sysnames. */
#define _GNU_SOURCE
#include "kt.h"

#include <sys/stat.h>

/* BUS_MAKE with a raw MAKE_NAME payload (len bytes, may lack a NUL). */
static int bus_make_raw_name(int fd, const void *name, size_t len, u64 bloom, u64 n_hash)
{
	struct kt_buf kb;
	struct kdbus_bloom_parameter bp = { bloom, n_hash };

	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_item(&kb, KDBUS_ITEM_MAKE_NAME, name, len);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_finish(&kb);
	return kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b);
}

static int bus_make_name(const char *name)
{
	int fd = kt_open_control(NULL);
	int r;

	if (fd < 0)
		return errno;
	r = kt_bus_cmd(fd, 0, name, 64, 1);
	close(fd);
	return r;
}

static void t_basic(void)
{
	struct kt_bus b;
	struct stat st;

	KT_REQ_OK(kt_bus_make(&b));
	KT_CHECK(stat(b.dir, &st) == 0 && S_ISDIR(st.st_mode));
	KT_CHECK(stat(b.ep, &st) == 0 && S_ISREG(st.st_mode));
}

static void t_name_length(void)
{
	char name[80];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	/* item of 17 bytes: only the NUL */
	KT_ERR(bus_make_raw_name(fd, "", 1, 64, 1), EINVAL);
	/* 64 characters + NUL: too long (checked before the prefix) */
	memset(name, 'a', 64);
	memcpy(name, "0-", 2);
	name[64] = 0;
	KT_ERR(kt_bus_cmd(fd, 0, name, 64, 1), ENAMETOOLONG);
	memset(name, 'x', 70);
	name[70] = 0;
	KT_ERR(kt_bus_cmd(fd, 0, name, 64, 1), ENAMETOOLONG);
	/* 63 characters is fine */
	snprintf(name, sizeof(name), "%u-", (unsigned int)geteuid());
	for (size_t i = strlen(name); i < 63; i++)
		name[i] = 'a' + (char)(getpid() % 26);
	name[63] = 0;
	KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
}

static void t_name_nul_rules(void)
{
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	KT_ERR(bus_make_raw_name(fd, "0-abc", 5, 64, 1), EINVAL);       /* no NUL */
	KT_ERR(bus_make_raw_name(fd, "0-ab\0c", 7, 64, 1), EINVAL);     /* two NULs */
	KT_ERR(bus_make_raw_name(fd, "0-a\0bc\0", 7, 64, 1), EINVAL);   /* NUL not last */
}

static void t_name_chars(void)
{
	static const char *bad[] = { "0-foo bar", "0-foo/bar", "0-foo:bar",
				     "0-foo-", "0-foo.", "-0-foo", ".0-foo", "0-foo*", "0-a+b" };
	char name[80];

	if (geteuid() != 0)
		kt_skip("needs euid 0 for the 0- prefix");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = bus_make_name(bad[i]);

		if (r != EINVAL)
			kt_fail_at(__FILE__, __LINE__, "bus name \"%s\": expected EINVAL, got %s",
				   bad[i], kt_errname(r));
	}
	snprintf(name, sizeof(name), "0-a.b-c_D9-%d", (int)getpid());
	KT_OK(bus_make_name(name));
}

static void t_name_prefix(void)
{
	pid_t pid;

	KT_ERR(bus_make_name("foo"), EINVAL);
	KT_ERR(bus_make_name("1000-foo"), EINVAL);
	KT_ERR(bus_make_name("0foo"), EINVAL);
	KT_ERR(bus_make_name("00-foo"), EINVAL);
	KT_ERR(bus_make_name("0_foo"), EINVAL);
	pid = kt_fork();
	if (pid == 0) {
		char name[64];

		if (kt_become(1000, 1000))
			_exit(3);
		KT_ERR(bus_make_name("0-foo"), EINVAL);
		KT_ERR(bus_make_name("10000-foo"), EINVAL);
		snprintf(name, sizeof(name), "1000-foo%d", (int)getpid());
		KT_OK(bus_make_name(name));
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_bloom_params(void)
{
	static const u64 bad[][2] = { { 0, 1 }, { 4, 1 }, { 12, 1 }, { 4097, 1 }, { 4104, 1 },
				      { 64, 0 }, { 1ULL << 40, 1 } };
	char name[64];
	int fd = kt_open_control(NULL);

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = kt_bus_cmd(fd, 0, name, bad[i][0], bad[i][1]);

		if (r != EINVAL)
			kt_fail_at(__FILE__, __LINE__, "bloom size %llu n_hash %llu: expected EINVAL, got %s",
				   (unsigned long long)bad[i][0], (unsigned long long)bad[i][1],
				   kt_errname(r));
	}
	KT_OK(kt_bus_cmd(fd, 0, name, 8, 1));
	close(fd);
	fd = kt_open_control(NULL);
	kt_bus_name(name, sizeof(name));
	KT_OK(kt_bus_cmd(fd, 0, name, 4096, 1000));
}

static void t_bloom_returned(void)
{
	struct kt_bus b;
	struct kt_conn c;
	int fd;
	struct kdbus_item *it;

	KT_REQ_OK(kt_bus_make_full(&b, NULL, KDBUS_MAKE_ACCESS_WORLD, 256, 7, NULL, 0));
	fd = kt_open_ep(&b, NULL);
	KT_REQ_OK(kt_hello_fd(&c, fd, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	KT_EQ(c.hello_items_size, 32);
	it = (struct kdbus_item *)(c.pool + c.hello_offset);
	KT_EQ(it->size, 32);
	KT_EQ(it->type, KDBUS_ITEM_BLOOM_PARAMETER);
	KT_EQ(it->bloom_parameter.size, 256);
	KT_EQ(it->bloom_parameter.n_hash, 7);
}

static void t_attach_mask(void)
{
	struct kt_buf kb;
	char name[64];
	int fd = kt_open_control(NULL);
	struct kdbus_bloom_parameter bp = { 64, 1 };

	KT_REQ(fd >= 0);
	kt_bus_name(name, sizeof(name));
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, 0x4000);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_RECV, 1ULL << 50);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, ~0ULL);
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b));
}

static void t_check_order(void)
{
	struct kt_bus b;
	struct kt_buf kb;
	struct kdbus_bloom_parameter bp = { 7, 1 };
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_control(NULL);
	/* bloom (1) before EEXIST (5) */
	KT_ERR(kt_bus_cmd(fd, 0, b.name, 7, 1), EINVAL);
	/* attach mask (2) before EEXIST */
	bp.size = 64;
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, b.name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, 1ULL << 14);
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b), EINVAL);
	/* name length (parsing) before bloom */
	KT_ERR(kt_bus_cmd(fd, 0, "0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 7, 1),
	       ENAMETOOLONG);
	/* bloom before the prefix rule */
	KT_ERR(kt_bus_cmd(fd, 0, "12345-x", 7, 1), EINVAL);
	KT_ERR(kt_bus_cmd(fd, 0, b.name, 64, 1), EEXIST);
}

static void t_eexist(void)
{
	struct kt_bus b;
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_control(NULL);
	KT_ERR(kt_bus_cmd(fd, 0, b.name, 64, 1), EEXIST);
	KT_ERR(kt_bus_cmd(fd, KDBUS_MAKE_ACCESS_WORLD, b.name, 128, 2), EEXIST);
	/* the failed attempt left the handle FRESH */
	{
		char name[64];

		kt_bus_name(name, sizeof(name));
		KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
	}
}

static void t_flags_stored(void)
{
	static const u64 flags[] = { 0, KDBUS_MAKE_ACCESS_GROUP, KDBUS_MAKE_ACCESS_WORLD,
				     KDBUS_MAKE_ACCESS_GROUP | KDBUS_MAKE_ACCESS_WORLD };

	for (size_t i = 0; i < 4; i++) {
		struct kt_bus b;
		struct kt_conn c;

		if (!KT_OK(kt_bus_make_full(&b, NULL, flags[i], 64, 1, NULL, 0)))
			continue;
		if (KT_OK(kt_hello(&c, &b, 0, KT_POOL_SIZE)))
			KT_EQ(c.bus_flags, flags[i]);
		kt_conn_close(&c);
		kt_bus_close(&b);
	}
}

/* ------------------------------------------------------------------ endpoints */

static int ep_make(int fd, u64 flags, const char *name)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd = kt_buf_init(&kb, sizeof(*cmd));

	cmd->flags = flags;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_finish(&kb);
	return kt_ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, kb.b);
}

static void t_ep_make(void)
{
	struct kt_bus b;
	struct kt_conn c;
	char name[64], path[400];
	struct stat st;
	int fd, cfd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	snprintf(name, sizeof(name), "%u-custom", (unsigned int)geteuid());
	KT_REQ_OK(ep_make(fd, KDBUS_MAKE_ACCESS_WORLD, name));
	snprintf(path, sizeof(path), "%s/%s", b.dir, name);
	KT_CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode));
	/* connections can be made through it */
	cfd = open(path, O_RDWR | O_CLOEXEC);
	KT_REQ(cfd >= 0);
	KT_OK(kt_hello_fd(&c, cfd, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	/* same name again → EEXIST */
	KT_ERR(ep_make(kt_open_ep(&b, NULL), 0, name), EEXIST);
	/* unknown flag, unaccepted item */
	KT_ERR(ep_make(kt_open_ep(&b, NULL), 1ULL << 2, "0-zz"), EINVAL);
	{
		struct kt_buf kb;
		struct kdbus_bloom_parameter bp = { 64, 1 };

		kt_buf_init(&kb, sizeof(struct kdbus_cmd));
		kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, "0-zz");
		kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
		kt_buf_finish(&kb);
		KT_ERR(kt_ioctl(kt_open_ep(&b, NULL), KDBUS_CMD_ENDPOINT_MAKE, kb.b), EINVAL);
	}
}

static void t_ep_names(void)
{
	struct kt_bus b;
	char name[80];

	KT_REQ_OK(kt_bus_make(&b));
	KT_ERR(ep_make(kt_open_ep(&b, NULL), 0, "foo"), EINVAL);
	KT_ERR(ep_make(kt_open_ep(&b, NULL), 0, "1000-foo"), EINVAL);
	KT_ERR(ep_make(kt_open_ep(&b, NULL), 0, "0-fo o"), EINVAL);
	KT_ERR(ep_make(kt_open_ep(&b, NULL), 0, "0-foo."), EINVAL);
	memset(name, 'e', 64);
	memcpy(name, "0-", 2);
	name[64] = 0;
	KT_ERR(ep_make(kt_open_ep(&b, NULL), 0, name), ENAMETOOLONG);
	name[63] = 0;
	KT_OK(ep_make(kt_open_ep(&b, NULL), 0, name));
}

static void t_ep_perm(void)
{
	struct kt_bus b;
	char name[64], path[400];
	pid_t pid;
	int fd;

	KT_REQ_OK(kt_bus_make(&b)); /* world-accessible, created by root */
	pid = kt_fork();
	if (pid == 0) {
		int ufd;

		if (kt_become(1000, 1000))
			_exit(3);
		ufd = kt_open_ep(&b, NULL);
		KT_REQ(ufd >= 0);
		KT_ERR(ep_make(ufd, 0, "1000-mine"), EPERM);
		/* checked before parsing: garbage gets EPERM too */
		{
			u64 junk[4] KT_ALIGNED = { 8, 1ULL << 40, 0, 0 };

			KT_ERR(kt_ioctl(ufd, KDBUS_CMD_ENDPOINT_MAKE, junk), EPERM);
		}
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
	/* a handle on a custom endpoint never qualifies */
	fd = kt_open_ep(&b, NULL);
	snprintf(name, sizeof(name), "%u-ep", (unsigned int)geteuid());
	KT_REQ_OK(ep_make(fd, KDBUS_MAKE_ACCESS_WORLD, name));
	snprintf(path, sizeof(path), "%s/%s", b.dir, name);
	KT_ERR(ep_make(open(path, O_RDWR), 0, "0-other"), EPERM);
}

static void t_ep_user_owner(void)
{
	pid_t pid = kt_fork();

	if (pid == 0) {
		struct kt_bus b;
		char path[400];
		struct stat st;

		if (kt_become(1000, 1000))
			_exit(3);
		KT_REQ_OK(kt_bus_make(&b));
		KT_OK(ep_make(kt_open_ep(&b, NULL), KDBUS_MAKE_ACCESS_GROUP, "1000-ep"));
		KT_ERR(ep_make(kt_open_ep(&b, NULL), 0, "0-ep"), EINVAL);
		snprintf(path, sizeof(path), "%s/1000-ep", b.dir);
		if (KT_CHECK(stat(path, &st) == 0)) {
			KT_EQ(st.st_mode & 07777, 0660);
			KT_EQ(st.st_uid, 1000);
			KT_EQ(st.st_gid, 1000);
		}
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_ep_update(void)
{
	struct kt_bus b;
	struct kt_buf kb;
	struct kdbus_policy_access pa = { KDBUS_POLICY_ACCESS_WORLD, KDBUS_POLICY_TALK, 0 };
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = kt_open_ep(&b, NULL);
	KT_REQ_OK(ep_make(fd, 0, "0-upd"));
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, kb.b));
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.a");
	kt_buf_item(&kb, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.b.*");
	kt_buf_item(&kb, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	kt_buf_finish(&kb);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, kb.b));
	/* POLICY_ACCESS before any NAME */
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_item(&kb, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, kb.b), EINVAL);
	/* bad access / type */
	pa.access = 3;
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.a");
	kt_buf_item(&kb, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, kb.b), EINVAL);
	pa.access = 1;
	pa.type = 0;
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.a");
	kt_buf_item(&kb, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, kb.b), EINVAL);
	/* invalid name, duplicate entry */
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "invalid");
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, kb.b), EINVAL);
	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.a");
	kt_buf_str(&kb, KDBUS_ITEM_NAME, "org.example.a");
	kt_buf_finish(&kb);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, kb.b), EEXIST);
	/* unknown flag */
	{
		u64 c[3] KT_ALIGNED = { 24, 1, 0 };

		KT_ERR(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, c), EINVAL);
	}
}

const struct kt_test kt_tests_bus[] = {
	{ "bus", "BUS_MAKE creates the bus directory with its bus endpoint", t_basic, 0 },
	{ "bus", "name length: empty EINVAL, 64 chars ENAMETOOLONG, 63 chars ok", t_name_length, 0 },
	{ "bus", "name must hold exactly one NUL, as its last byte (EINVAL)", t_name_nul_rules, 0 },
	{ "bus", "name characters: alnum, _, inner - and . only (EINVAL)", t_name_chars, 0 },
	{ "bus", "name must start with <euid>- (EINVAL), for root and uid 1000", t_name_prefix, 0 },
	{ "bus", "bloom parameters: size 8..4096 multiple of 8, n_hash >= 1 (EINVAL)", t_bloom_params, 0 },
	{ "bus", "HELLO returns the bus bloom parameters in a 32-byte item", t_bloom_returned, 0 },
	{ "bus", "owner and required attach masks are sanitized (EINVAL), ~0 accepted", t_attach_mask, 0 },
	{ "bus", "BUS_MAKE check order: parse, bloom, mask, prefix, EEXIST", t_check_order, 0 },
	{ "bus", "a second bus with the same name gives EEXIST", t_eexist, 0 },
	{ "bus", "bus flags are stored verbatim and returned by HELLO", t_flags_stored, 0 },
	{ "bus", "ENDPOINT_MAKE creates a usable endpoint; EEXIST, bad flags/items EINVAL", t_ep_make, 0 },
	{ "bus", "ENDPOINT_MAKE name rules (prefix, characters, length)", t_ep_names, 0 },
	{ "bus", "ENDPOINT_MAKE needs the bus owner on the default endpoint (EPERM before parsing)", t_ep_perm, 0 },
	{ "bus", "ENDPOINT_MAKE by uid 1000: 1000- prefix, owner and mode", t_ep_user_owner, 0 },
	{ "bus", "ENDPOINT_UPDATE: policy upload format and errors", t_ep_update, 0 },
	KT_TESTS_END
};
