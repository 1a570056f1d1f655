// SPDX-License-Identifier: MIT
/* §2 kdbusfs: domains, nodes, modes, owners, lifetimes. */
#define _GNU_SOURCE
#include "kt.h"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char mnt_dir[128];

/* Mounts a fresh kdbusfs instance on a private directory. */
static int mount_domain(char *dir, size_t n, const char *tag)
{
	snprintf(dir, n, "/tmp/kt-mnt-%s-%d", tag, (int)getpid());
	mkdir(dir, 0755);
	if (mount("kdbusfs", dir, "kdbusfs", 0, NULL) < 0) {
		int e = errno;

		kt_diag("mount -t kdbusfs %s: %s", dir, kt_errname(e));
		return e;
	}
	return 0;
}

static int count_entries(const char *dir, const char *must_have)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0, found = !must_have;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		if (must_have && !strcmp(de->d_name, must_have))
			found = 1;
	}
	closedir(d);
	return found ? n : -2;
}

static int check_mode(const char *path, mode_t type, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		kt_fail_at(__FILE__, __LINE__, "stat %s: %s", path, kt_errname(errno));
		return 0;
	}
	if ((st.st_mode & S_IFMT) != type || (st.st_mode & 07777) != mode || st.st_uid != uid ||
	    st.st_gid != gid) {
		kt_fail_at(__FILE__, __LINE__,
			   "%s: mode %06o owner %u:%u, expected %06o owner %u:%u", path,
			   (unsigned int)st.st_mode, (unsigned int)st.st_uid,
			   (unsigned int)st.st_gid, (unsigned int)(type | mode), (unsigned int)uid,
			   (unsigned int)gid);
		return 0;
	}
	return 1;
}

static void t_registered(void)
{
	FILE *f = fopen("/proc/filesystems", "r");
	char line[256];
	int found = 0;
	struct stat st;

	KT_REQ(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "kdbusfs"))
			found = 1;
	fclose(f);
	KT_CHECK(found);
	KT_CHECK(stat(KT_ROOT "/control", &st) == 0);
}

static void t_new_domain(void)
{
	char a[128], b2[128], bind[160];
	struct kt_bus b;

	KT_REQ_OK(mount_domain(a, sizeof(a), "a"));
	KT_REQ_OK(mount_domain(b2, sizeof(b2), "b"));
	KT_EQ(count_entries(a, "control"), 1);
	KT_REQ_OK(kt_bus_make_full(&b, a, 0, 64, 1, NULL, 0));
	KT_EQ(count_entries(a, b.name), 2);
	KT_EQ(count_entries(b2, "control"), 1);
	KT_EQ(count_entries(KT_ROOT, b.name), -2);
	/* the same name can be made in the other domain */
	{
		struct kt_bus b3;

		KT_OK(kt_bus_make_full(&b3, b2, 0, 64, 1, b.name, 0));
	}
	/* a bind mount shares the domain */
	snprintf(bind, sizeof(bind), "%s-bind", a);
	mkdir(bind, 0755);
	if (KT_CHECK(mount(a, bind, NULL, MS_BIND, NULL) == 0)) {
		KT_EQ(count_entries(bind, b.name), 2);
		umount2(bind, MNT_DETACH);
	}
	umount2(a, MNT_DETACH);
	umount2(b2, MNT_DETACH);
}

static void t_root_control_modes(void)
{
	char a[128], path[200];

	KT_REQ_OK(mount_domain(a, sizeof(a), "m"));
	check_mode(a, S_IFDIR, 0555, 0, 0);
	snprintf(path, sizeof(path), "%s/control", a);
	check_mode(path, S_IFREG, 0666, 0, 0);
	check_mode(KT_ROOT "/control", S_IFREG, 0666, 0, 0);
	umount2(a, MNT_DETACH);
}

static void t_bus_modes(void)
{
	static const struct {
		u64 flags;
		mode_t dir, ep;
	} cases[] = {
		{ 0, 0500, 0600 },
		{ KDBUS_MAKE_ACCESS_GROUP, 0550, 0660 },
		{ KDBUS_MAKE_ACCESS_WORLD, 0555, 0666 },
		{ KDBUS_MAKE_ACCESS_GROUP | KDBUS_MAKE_ACCESS_WORLD, 0555, 0666 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kt_bus b;

		if (!KT_OK(kt_bus_make_full(&b, NULL, cases[i].flags, 64, 1, NULL, 0)))
			continue;
		check_mode(b.dir, S_IFDIR, cases[i].dir, geteuid(), getegid());
		check_mode(b.ep, S_IFREG, cases[i].ep, geteuid(), getegid());
		kt_bus_close(&b);
	}
}

static void t_bus_owner_user(void)
{
	pid_t pid = kt_fork();

	if (pid == 0) {
		struct kt_bus b;

		if (kt_become(1000, 1000))
			_exit(3);
		if (!KT_OK(kt_bus_make_full(&b, NULL, KDBUS_MAKE_ACCESS_GROUP, 64, 1, NULL, 0)))
			_exit(1);
		KT_CHECK(!strncmp(b.name, "1000-", 5));
		check_mode(b.dir, S_IFDIR, 0550, 1000, 1000);
		check_mode(b.ep, S_IFREG, 0660, 1000, 1000);
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static int make_endpoint(const struct kt_bus *b, u64 flags, char *name, size_t n)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd;
	int fd = kt_open_ep(b, NULL);
	static int counter;
	int r;

	if (fd < 0)
		return -errno;
	snprintf(name, n, "%u-ep%d", (unsigned int)geteuid(), counter++);
	cmd = kt_buf_init(&kb, sizeof(*cmd));
	cmd->flags = flags;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_finish(&kb);
	r = kt_ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, kb.b);
	if (r) {
		kt_diag("ENDPOINT_MAKE %s: %s", name, kt_errname(r));
		close(fd);
		return -r;
	}
	return fd;
}

static void t_endpoint_modes(void)
{
	static const struct {
		u64 flags;
		mode_t mode;
	} cases[] = { { 0, 0600 }, { KDBUS_MAKE_ACCESS_GROUP, 0660 }, { KDBUS_MAKE_ACCESS_WORLD, 0666 } };
	struct kt_bus b;
	char name[64], path[400];

	KT_REQ_OK(kt_bus_make(&b));
	for (size_t i = 0; i < 3; i++) {
		int fd = make_endpoint(&b, cases[i].flags, name, sizeof(name));

		if (!KT_CHECK(fd >= 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", b.dir, name);
		check_mode(path, S_IFREG, cases[i].mode, geteuid(), getegid());
	}
}

static void t_readdir(void)
{
	struct kt_bus b;
	char name[64];
	DIR *d;
	struct dirent *de;
	int n = 0, saw_bus = 0, saw_ep = 0, saw_control = 0, saw_busdir = 0;
	char a[128];

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ(make_endpoint(&b, 0, name, sizeof(name)) >= 0);
	d = opendir(b.dir);
	KT_REQ(d != NULL);
	while ((de = readdir(d))) {
		if (n == 0)
			KT_CHECK(!strcmp(de->d_name, "."));
		if (n == 1)
			KT_CHECK(!strcmp(de->d_name, ".."));
		if (!strcmp(de->d_name, "bus")) {
			saw_bus = 1;
			KT_EQ(de->d_type, DT_REG);
		}
		if (!strcmp(de->d_name, name)) {
			saw_ep = 1;
			KT_EQ(de->d_type, DT_REG);
		}
		n++;
	}
	closedir(d);
	KT_EQ(n, 4);
	KT_CHECK(saw_bus && saw_ep);
	{
		struct stat s1, s2, s3, s4;
		char path[400];

		snprintf(path, sizeof(path), "%s/%s", b.dir, name);
		if (KT_CHECK(stat(b.dir, &s1) == 0 && stat(b.ep, &s2) == 0 && stat(path, &s3) == 0 &&
			     stat(KT_ROOT "/control", &s4) == 0)) {
			KT_CHECK(s1.st_ino != s2.st_ino && s1.st_ino != s3.st_ino && s2.st_ino != s3.st_ino);
			KT_CHECK(s4.st_ino != s1.st_ino && s4.st_ino != s2.st_ino && s4.st_ino != s3.st_ino);
		}
	}

	KT_REQ_OK(mount_domain(a, sizeof(a), "rd"));
	{
		struct kt_bus b2;

		KT_REQ_OK(kt_bus_make_full(&b2, a, 0, 64, 1, NULL, 0));
		d = opendir(a);
		KT_REQ(d != NULL);
		n = 0;
		while ((de = readdir(d))) {
			if (n == 0)
				KT_CHECK(!strcmp(de->d_name, "."));
			if (n == 1)
				KT_CHECK(!strcmp(de->d_name, ".."));
			if (!strcmp(de->d_name, "control")) {
				saw_control = 1;
				KT_EQ(de->d_type, DT_REG);
			}
			if (!strcmp(de->d_name, b2.name)) {
				saw_busdir = 1;
				KT_EQ(de->d_type, DT_DIR);
			}
			n++;
		}
		closedir(d);
		KT_EQ(n, 4);
		KT_CHECK(saw_control && saw_busdir);
	}
	umount2(a, MNT_DETACH);
}

static void t_bus_removed_on_close(void)
{
	struct kt_bus b;
	struct stat st;
	char name[64];
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	snprintf(name, sizeof(name), "%s", b.name);
	KT_CHECK(stat(b.dir, &st) == 0);
	kt_bus_close(&b);
	KT_CHECK(stat(b.dir, &st) < 0 && errno == ENOENT);
	/* the name is reusable at once */
	fd = kt_open_control(NULL);
	KT_OK(kt_bus_cmd(fd, 0, name, 64, 1));
	KT_CHECK(stat(b.dir, &st) == 0);
}

static void t_bus_kept_by_fork(void)
{
	struct kt_bus b;
	struct stat st;
	int pipefd[2];
	pid_t pid;
	char c = 0;

	KT_REQ(pipe(pipefd) == 0);
	KT_REQ_OK(kt_bus_make(&b));
	pid = kt_fork();
	if (pid == 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(pipefd[0]);
	kt_bus_close(&b);
	KT_CHECK(stat(b.dir, &st) == 0); /* the child still holds the description */
	close(pipefd[1]);
	kt_wait_child(pid);
	KT_CHECK(stat(b.dir, &st) < 0 && errno == ENOENT);
}

static void t_conn_kept_by_fork(void)
{
	struct kt_bus b;
	struct kt_conn c, peer;
	int pipefd[2];
	pid_t pid;
	char ch = 0;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_conn(&peer, &b));
	KT_REQ(pipe(pipefd) == 0);
	pid = kt_fork();
	if (pid == 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &ch, 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(pipefd[0]);
	kt_conn_close(&c);
	KT_OK(kt_send(&peer, c.id, 1, "still there")); /* the child holds the description */
	close(pipefd[1]);
	kt_wait_child(pid);
	KT_ERR(kt_send(&peer, c.id, 2, "gone"), ENXIO);
}

static void t_bus_close_disconnects(void)
{
	struct kt_bus b;
	struct kt_conn c;
	int fresh;
	short ev;

	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	fresh = kt_open_ep(&b, NULL);
	KT_REQ(fresh >= 0);
	kt_bus_close(&b);
	KT_ERR(kt_send(&c, c.id, 1, "x"), ESHUTDOWN);
	{
		u64 off, size;

		KT_ERR(kt_list(&c, KDBUS_LIST_UNIQUE, &off, &size), ESHUTDOWN);
	}
	ev = kt_poll_events(c.fd);
	KT_EQ(ev & (POLLERR | POLLHUP), POLLERR | POLLHUP);
	{
		struct kt_conn c2;

		KT_ERR(kt_hello_fd(&c2, fresh, 0, 0, 0, KT_POOL_SIZE, NULL, NULL), ESHUTDOWN);
	}
	{
		struct kt_buf kb;

		kt_buf_init(&kb, sizeof(struct kdbus_cmd));
		kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, "0-late");
		kt_buf_finish(&kb);
		KT_ERR(kt_ioctl(fresh, KDBUS_CMD_ENDPOINT_MAKE, kb.b), ESHUTDOWN);
	}
	KT_CHECK(kt_open_ep(&b, NULL) < 0 && errno == ENOENT);
}

static void t_endpoint_lifetime(void)
{
	struct kt_bus b;
	struct kt_conn c;
	char name[64], path[400];
	struct stat st;
	int fd, cfd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = make_endpoint(&b, KDBUS_MAKE_ACCESS_WORLD, name, sizeof(name));
	KT_REQ(fd >= 0);
	snprintf(path, sizeof(path), "%s/%s", b.dir, name);
	cfd = open(path, O_RDWR | O_CLOEXEC);
	KT_REQ(cfd >= 0);
	KT_REQ_OK(kt_hello_fd(&c, cfd, 0, 0, 0, KT_POOL_SIZE, NULL, NULL));
	close(fd);
	KT_CHECK(stat(path, &st) < 0 && errno == ENOENT);
	KT_ERR(kt_send(&c, c.id, 1, "x"), ESHUTDOWN);
	/* the name can be made again at once */
	{
		struct kt_buf kb;
		int fd2 = kt_open_ep(&b, NULL);

		kt_buf_init(&kb, sizeof(struct kdbus_cmd));
		kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
		kt_buf_finish(&kb);
		KT_OK(kt_ioctl(fd2, KDBUS_CMD_ENDPOINT_MAKE, kb.b));
	}
}

static void t_ep_owner_after_bus(void)
{
	struct kt_bus b;
	char name[64];
	u64 cmd[3] KT_ALIGNED = { 24, 0, 0 };
	int fd;

	KT_REQ_OK(kt_bus_make(&b));
	fd = make_endpoint(&b, 0, name, sizeof(name));
	KT_REQ(fd >= 0);
	KT_OK(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, cmd));
	kt_bus_close(&b);
	KT_ERR(kt_ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, cmd), ESHUTDOWN);
	KT_EQ(kt_poll_events(fd) & (POLLERR | POLLHUP), POLLERR | POLLHUP);
}

static void t_access_control(void)
{
	struct kt_bus priv, pub;
	pid_t pid;

	KT_REQ_OK(kt_bus_make_full(&priv, NULL, 0, 64, 1, NULL, 0));
	KT_REQ_OK(kt_bus_make_full(&pub, NULL, KDBUS_MAKE_ACCESS_WORLD, 64, 1, NULL, 0));
	pid = kt_fork();
	if (pid == 0) {
		struct kt_conn c;
		int fd;

		if (kt_become(1000, 1000))
			_exit(3);
		fd = open(priv.ep, O_RDWR);
		if (!(fd < 0 && errno == EACCES))
			kt_fail_at(__FILE__, __LINE__, "open 0600 endpoint as uid 1000: %s",
				   fd < 0 ? kt_errname(errno) : "succeeded");
		KT_OK(kt_hello(&c, &pub, 0, KT_POOL_SIZE));
		_exit(kt_failed);
	}
	KT_EQ(kt_wait_child(pid), 0);
}

static void t_lazy_unmount(void)
{
	struct kt_bus b;
	struct kt_conn c;
	u64 off, size;
	int r1, r2, fresh;
	short ev;

	KT_REQ_OK(mount_domain(mnt_dir, sizeof(mnt_dir), "lazy"));
	KT_REQ_OK(kt_bus_make_full(&b, mnt_dir, KDBUS_MAKE_ACCESS_WORLD, 64, 1, NULL, 0));
	KT_REQ_OK(kt_conn(&c, &b));
	fresh = kt_open_ep(&b, NULL);
	KT_REQ(fresh >= 0);
	KT_REQ(umount2(mnt_dir, MNT_DETACH) == 0);
	KT_EQ(count_entries(mnt_dir, NULL), 0);
	/* Surviving handles behave consistently: the domain is either still
	 * alive (pinned by the open files) or shut down (ESHUTDOWN, POLLERR). */
	r1 = kt_list(&c, KDBUS_LIST_UNIQUE, &off, &size);
	ev = kt_poll_events(c.fd);
	if (r1 == 0) {
		kt_free(&c, off);
		KT_EQ(ev & (POLLERR | POLLHUP), 0);
	} else {
		KT_ERR(r1, ESHUTDOWN);
		KT_EQ(ev & (POLLERR | POLLHUP), POLLERR | POLLHUP);
	}
	/* Shutting the bus down through its surviving handle still works. */
	kt_bus_close(&b);
	r2 = kt_list(&c, KDBUS_LIST_UNIQUE, &off, &size);
	KT_ERR(r2, ESHUTDOWN);
	ev = kt_poll_events(c.fd);
	KT_EQ(ev & (POLLERR | POLLHUP), POLLERR | POLLHUP);
	{
		struct kt_conn c2;

		KT_ERR(kt_hello_fd(&c2, fresh, 0, 0, 0, KT_POOL_SIZE, NULL, NULL), ESHUTDOWN);
	}
	kt_diag("info: LIST right after the lazy unmount gave %s", kt_errname(r1));
}

const struct kt_test kt_tests_fs[] = {
	{ "fs", "kdbusfs is registered and mounted at /sys/fs/kdbus", t_registered, 0 },
	{ "fs", "every mount is a new empty domain, bind mounts share it", t_new_domain, 0 },
	{ "fs", "domain root is 0555 and control is 0666, both 0:0", t_root_control_modes, 0 },
	{ "fs", "bus directory 0500/0550/0555 and bus endpoint 0600/0660/0666 by access flags", t_bus_modes, 0 },
	{ "fs", "bus directory and endpoint belong to the creator's euid:egid", t_bus_owner_user, 0 },
	{ "fs", "custom endpoint modes 0600/0660/0666 and owner", t_endpoint_modes, 0 },
	{ "fs", "readdir lists . and .. first, then the children with DT_DIR/DT_REG", t_readdir, 0 },
	{ "fs", "bus is removed when its control fd closes, name reusable at once", t_bus_removed_on_close, 0 },
	{ "fs", "bus lives while a forked copy of the control fd is open", t_bus_kept_by_fork, 0 },
	{ "fs", "a connection lives while a forked copy of its fd is open", t_conn_kept_by_fork, 0 },
	{ "fs", "closing the bus disconnects connections (ESHUTDOWN, POLLERR|POLLHUP)", t_bus_close_disconnects, 0 },
	{ "fs", "custom endpoint lives as long as its handle; its connections get ESHUTDOWN", t_endpoint_lifetime, 0 },
	{ "fs", "an endpoint owner handle gives ESHUTDOWN once the bus is gone", t_ep_owner_after_bus, 0 },
	{ "fs", "VFS permission checks: 0600 endpoint gives EACCES to another user", t_access_control, 0 },
	{ "fs", "lazy unmount: surviving handles consistent, ESHUTDOWN once the bus is gone", t_lazy_unmount, 0 },
	KT_TESTS_END
};
