// SPDX-License-Identifier: MIT
/* Shared helpers of the in-guest kdbus test suite. */
#define _GNU_SOURCE
#include "kt.h"
#include "kt-run.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int kt_failed;
struct kt_shared *kt_shm;

/* ---------------------------------------------------------------- results */

static void kt_vdiag(const char *fmt, va_list ap)
{
	char line[2048];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (!kt_shm) {
		printf("# %s\n", line);
		fflush(stdout);
		return;
	}
	if (kt_shm->diag_len + (size_t)n + 2 > sizeof(kt_shm->diag))
		return;
	memcpy(kt_shm->diag + kt_shm->diag_len, line, (size_t)n);
	kt_shm->diag_len += (size_t)n;
	kt_shm->diag[kt_shm->diag_len++] = '\n';
}

void kt_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kt_vdiag(fmt, ap);
	va_end(ap);
}

void kt_fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[1800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kt_failed = 1;
	if (kt_shm)
		kt_shm->failed = 1;
	kt_diag("%s:%d: %s", file, line, msg);
}

void kt_abort(void)
{
	kt_failed = 1;
	if (kt_shm)
		kt_shm->failed = 1;
	_exit(1);
}

void kt_skip(const char *reason)
{
	if (kt_shm) {
		snprintf(kt_shm->skip_reason, sizeof(kt_shm->skip_reason), "%s", reason);
		kt_shm->skipped = 1;
	}
	_exit(KT_EXIT_SKIP);
}

static const struct {
	int err;
	const char *name;
} kt_errnames[] = {
	{ 0, "success" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
	{ EBADF, "EBADF" }, { ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" }, { ENOSPC, "ENOSPC" }, { EROFS, "EROFS" }, { EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" }, { EDOM, "EDOM" }, { ERANGE, "ERANGE" }, { EDEADLK, "EDEADLK" },
	{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ENOMSG, "ENOMSG" }, { EXFULL, "EXFULL" }, { EBADSLT, "EBADSLT" }, { ENODATA, "ENODATA" },
	{ ETIME, "ETIME" }, { ECOMM, "ECOMM" }, { EPROTO, "EPROTO" }, { EBADMSG, "EBADMSG" },
	{ EOVERFLOW, "EOVERFLOW" }, { ENOTUNIQ, "ENOTUNIQ" }, { EBADFD, "EBADFD" },
	{ EREMCHG, "EREMCHG" }, { EDESTADDRREQ, "EDESTADDRREQ" }, { EMSGSIZE, "EMSGSIZE" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ENOBUFS, "ENOBUFS" }, { ESHUTDOWN, "ESHUTDOWN" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { ECONNREFUSED, "ECONNREFUSED" }, { EREMOTEIO, "EREMOTEIO" },
	{ EMEDIUMTYPE, "EMEDIUMTYPE" }, { ECANCELED, "ECANCELED" }, { ESTALE, "ESTALE" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { ENOTCONN, "ENOTCONN" },
	{ EL2HLT, "EL2HLT" }, { ENOTSUP, "ENOTSUP" },
	{ KT_ERR_POSITIVE, "positive-ioctl-return" },
};

const char *kt_errname(int err)
{
	static char buf[8][32];
	static int slot;

	for (size_t i = 0; i < sizeof(kt_errnames) / sizeof(kt_errnames[0]); i++)
		if (kt_errnames[i].err == err)
			return kt_errnames[i].name;
	slot = (slot + 1) % 8;
	snprintf(buf[slot], sizeof(buf[slot]), "errno %d", err);
	return buf[slot];
}

int kt_check_err(const char *file, int line, const char *expr, int got, int expected)
{
	if (got == expected)
		return 1;
	kt_fail_at(file, line, "%s: expected %s, got %s", expr, kt_errname(expected),
		   kt_errname(got));
	return 0;
}

int kt_check_u64(const char *file, int line, const char *a, u64 va, const char *b, u64 vb)
{
	if (va == vb)
		return 1;
	kt_fail_at(file, line, "%s == %s: got %llu (0x%llx), expected %llu (0x%llx)", a, b,
		   (unsigned long long)va, (unsigned long long)va, (unsigned long long)vb,
		   (unsigned long long)vb);
	return 0;
}

/* ---------------------------------------------------------------- generic */

int kt_ioctl(int fd, unsigned long req, void *arg)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		return errno;
	if (r > 0)
		return KT_ERR_POSITIVE;
	return 0;
}

u64 kt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

void kt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int kt_become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) < 0)
		return errno;
	if (setresgid(gid, gid, gid) < 0)
		return errno;
	if (setresuid(uid, uid, uid) < 0)
		return errno;
	return 0;
}

pid_t kt_fork(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		kt_fail_at(__FILE__, __LINE__, "fork: %s", kt_errname(errno));
		kt_abort();
	}
	return pid;
}

int kt_wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* ---------------------------------------------------------------- buffers */

void *kt_buf_init(struct kt_buf *kb, size_t fixed_size)
{
	memset(kb->b, 0, KT_ALIGN8(fixed_size) + 64 < KT_BUF_SIZE ? KT_ALIGN8(fixed_size) + 64 : KT_BUF_SIZE);
	kb->len = fixed_size;
	return kb->b;
}

struct kdbus_item *kt_buf_item(struct kt_buf *kb, u64 type, const void *payload, size_t plen)
{
	size_t off = KT_ALIGN8(kb->len);
	struct kdbus_item *it;

	if (off + KT_ALIGN8(16 + plen) > KT_BUF_SIZE) {
		kt_fail_at(__FILE__, __LINE__, "test bug: command buffer overflow");
		kt_abort();
	}
	memset(kb->b + kb->len, 0, off + KT_ALIGN8(16 + plen) - kb->len);
	it = (struct kdbus_item *)(kb->b + off);
	it->size = 16 + plen;
	it->type = type;
	if (payload && plen)
		memcpy(it->data, payload, plen);
	kb->len = off + KT_ALIGN8(16 + plen);
	return it;
}

struct kdbus_item *kt_buf_str(struct kt_buf *kb, u64 type, const char *s)
{
	return kt_buf_item(kb, type, s, strlen(s) + 1);
}

struct kdbus_item *kt_buf_u64(struct kt_buf *kb, u64 type, u64 v)
{
	return kt_buf_item(kb, type, &v, 8);
}

void kt_buf_finish(struct kt_buf *kb)
{
	*(u64 *)kb->b = kb->len;
}

/* ---------------------------------------------------------------- items */

struct kdbus_item *kt_find_item(struct kdbus_item *first, size_t bytes, u64 type)
{
	struct kdbus_item *it;

	KT_FOREACH_ITEM(it, first, bytes)
		if (it->type == type)
			return it;
	return NULL;
}

struct kdbus_item *kt_msg_item(struct kdbus_msg *m, u64 type)
{
	if (m->size < sizeof(*m))
		return NULL;
	return kt_find_item(m->items, m->size - sizeof(*m), type);
}

struct kdbus_item *kt_info_item(struct kdbus_info *info, u64 type)
{
	if (info->size < sizeof(*info))
		return NULL;
	return kt_find_item(info->items, info->size - sizeof(*info), type);
}

/* ---------------------------------------------------------------- buses */

int kt_open_control(const char *root)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/control", root ? root : KT_ROOT);
	return open(path, O_RDWR | O_CLOEXEC);
}

void kt_bus_name(char *out, size_t n)
{
	static unsigned int counter;

	snprintf(out, n, "%u-test-%u", (unsigned int)geteuid(),
		 (unsigned int)getpid() * 100 + counter++);
}

int kt_bus_cmd(int fd, u64 flags, const char *name, u64 bloom_size, u64 n_hash)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd = kt_buf_init(&kb, sizeof(*cmd));
	struct kdbus_bloom_parameter bp = { bloom_size, n_hash };

	cmd->flags = flags;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	kt_buf_finish(&kb);
	return kt_ioctl(fd, KDBUS_CMD_BUS_MAKE, kb.b);
}

int kt_bus_make_full(struct kt_bus *b, const char *root, u64 flags, u64 bloom_size,
		     u64 n_hash, const char *name, u64 owner_mask)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd = kt_buf_init(&kb, sizeof(*cmd));
	struct kdbus_bloom_parameter bp = { bloom_size, n_hash };
	int r;

	memset(b, 0, sizeof(*b));
	snprintf(b->root, sizeof(b->root), "%s", root ? root : KT_ROOT);
	if (name)
		snprintf(b->name, sizeof(b->name), "%s", name);
	else
		kt_bus_name(b->name, sizeof(b->name));
	snprintf(b->dir, sizeof(b->dir), "%s/%s", b->root, b->name);
	snprintf(b->ep, sizeof(b->ep), "%s/bus", b->dir);
	b->fd = kt_open_control(b->root);
	if (b->fd < 0) {
		r = errno;
		kt_diag("open %s/control: %s", b->root, kt_errname(r));
		return r;
	}
	cmd->flags = flags;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, b->name);
	kt_buf_item(&kb, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	if (owner_mask)
		kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, owner_mask);
	kt_buf_finish(&kb);
	r = kt_ioctl(b->fd, KDBUS_CMD_BUS_MAKE, kb.b);
	if (r) {
		kt_diag("BUS_MAKE %s: %s", b->name, kt_errname(r));
		close(b->fd);
		b->fd = -1;
	}
	return r;
}

int kt_bus_make(struct kt_bus *b)
{
	return kt_bus_make_full(b, NULL, KDBUS_MAKE_ACCESS_WORLD, KT_BLOOM_SIZE, 1, NULL, 0);
}

void kt_bus_close(struct kt_bus *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

/* ---------------------------------------------------------------- connections */

int kt_open_ep(const struct kt_bus *b, const char *ep)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/%s", b->dir, ep ? ep : "bus");
	return open(path, O_RDWR | O_CLOEXEC);
}

int kt_hello_fd(struct kt_conn *c, int fd, u64 flags, u64 attach_send, u64 attach_recv,
		size_t pool_size, const char *name, const struct kt_buf *extra)
{
	struct kt_buf kb;
	struct kdbus_cmd_hello *h = kt_buf_init(&kb, sizeof(*h));
	void *p;
	int r;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	h->flags = flags;
	h->attach_flags_send = attach_send;
	h->attach_flags_recv = attach_recv;
	h->pool_size = pool_size;
	if (name)
		kt_buf_str(&kb, KDBUS_ITEM_NAME, name);
	if (extra && extra->len) {
		memcpy(kb.b + KT_ALIGN8(kb.len), extra->b, extra->len);
		kb.len = KT_ALIGN8(kb.len) + extra->len;
	}
	kt_buf_finish(&kb);
	r = kt_ioctl(fd, KDBUS_CMD_HELLO, kb.b);
	if (r)
		return r;
	c->id = h->id;
	c->flags = flags;
	c->bus_flags = h->bus_flags;
	c->hello_offset = h->offset;
	c->hello_items_size = h->items_size;
	memcpy(c->id128, h->id128, 16);
	c->pool_size = pool_size;
	p = mmap(NULL, pool_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		r = errno;
		kt_diag("mmap of the pool failed: %s", kt_errname(r));
		return r;
	}
	c->pool = p;
	return 0;
}

int kt_hello(struct kt_conn *c, const struct kt_bus *b, u64 flags, size_t pool_size)
{
	int fd = kt_open_ep(b, NULL);
	int r;

	if (fd < 0) {
		r = errno;
		kt_diag("open %s: %s", b->ep, kt_errname(r));
		return r;
	}
	r = kt_hello_fd(c, fd, flags, _KDBUS_ATTACH_ANY, 0, pool_size, NULL, NULL);
	if (r) {
		kt_diag("HELLO on %s: %s", b->ep, kt_errname(r));
		close(fd);
		return r;
	}
	kt_free(c, c->hello_offset);
	return 0;
}

int kt_conn(struct kt_conn *c, const struct kt_bus *b)
{
	return kt_hello(c, b, KDBUS_HELLO_ACCEPT_FD, KT_POOL_SIZE);
}

int kt_activator(struct kt_conn *c, const struct kt_bus *b, const char *name)
{
	int fd = kt_open_ep(b, NULL);
	int r;

	if (fd < 0)
		return errno;
	r = kt_hello_fd(c, fd, KDBUS_HELLO_ACTIVATOR, _KDBUS_ATTACH_ANY, 0, KT_POOL_SIZE,
			name, NULL);
	if (r) {
		kt_diag("HELLO(activator %s): %s", name, kt_errname(r));
		close(fd);
		return r;
	}
	kt_free(c, c->hello_offset);
	return 0;
}

void kt_conn_close(struct kt_conn *c)
{
	if (c->pool)
		munmap(c->pool, c->pool_size);
	c->pool = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int kt_free(const struct kt_conn *c, u64 offset)
{
	struct kdbus_cmd_free f = { sizeof(f), 0, 0, offset };

	return kt_ioctl(c->fd, KDBUS_CMD_FREE, &f);
}

int kt_update_attach(const struct kt_conn *c, u64 send, u64 recv)
{
	struct kt_buf kb;

	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	if (send != (u64)-2)
		kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_SEND, send);
	if (recv != (u64)-2)
		kt_buf_u64(&kb, KDBUS_ITEM_ATTACH_FLAGS_RECV, recv);
	kt_buf_finish(&kb);
	return kt_ioctl(c->fd, KDBUS_CMD_UPDATE, kb.b);
}

int kt_byebye(const struct kt_conn *c)
{
	struct kdbus_cmd cmd = { sizeof(cmd), 0, 0 };

	return kt_ioctl(c->fd, KDBUS_CMD_BYEBYE, &cmd);
}

/* ---------------------------------------------------------------- messages */

struct kdbus_msg *kt_msg_init(struct kt_buf *kb, u64 dst, u64 flags, u64 cookie, u64 t_or_reply)
{
	struct kdbus_msg *m = kt_buf_init(kb, sizeof(*m));

	m->dst_id = dst;
	m->flags = flags;
	m->cookie = cookie;
	m->payload_type = KDBUS_PAYLOAD_DBUS;
	m->timeout_ns = t_or_reply;
	return m;
}

void kt_msg_vec(struct kt_buf *kb, const void *data, size_t len)
{
	struct kdbus_vec v = { len, { (u64)(uintptr_t)data } };

	kt_buf_item(kb, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
}

void kt_msg_bloom(struct kt_buf *kb, u64 generation, const void *data, size_t len)
{
	u8 tmp[4096 + 8];

	memcpy(tmp, &generation, 8);
	memset(tmp + 8, 0, len);
	if (data)
		memcpy(tmp + 8, data, len);
	kt_buf_item(kb, KDBUS_ITEM_BLOOM_FILTER, tmp, 8 + len);
}

void kt_msg_fds(struct kt_buf *kb, const int *fds, unsigned int n)
{
	kt_buf_item(kb, KDBUS_ITEM_FDS, fds, n * sizeof(int));
}

int kt_send_buf(const struct kt_conn *c, struct kt_buf *kb, u64 cmd_flags, int cancel_fd,
		struct kdbus_msg_info *reply)
{
	struct kt_buf cb;
	struct kdbus_cmd_send *s = kt_buf_init(&cb, sizeof(*s));
	int r;

	kt_buf_finish(kb);
	s->flags = cmd_flags;
	s->msg_address = (u64)(uintptr_t)kb->b;
	if (cancel_fd >= 0) {
		int32_t fd = cancel_fd;

		kt_buf_item(&cb, KDBUS_ITEM_CANCEL_FD, &fd, 4);
	}
	kt_buf_finish(&cb);
	r = kt_ioctl(c->fd, KDBUS_CMD_SEND, cb.b);
	if (reply)
		*reply = s->reply;
	return r;
}

int kt_send(const struct kt_conn *c, u64 dst, u64 cookie, const char *text)
{
	struct kt_buf kb;

	kt_msg_init(&kb, dst, 0, cookie, 0);
	if (text)
		kt_msg_vec(&kb, text, strlen(text) + 1);
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

int kt_send_name(const struct kt_conn *c, const char *name, u64 cookie, const char *text)
{
	struct kt_buf kb;

	kt_msg_init(&kb, KDBUS_DST_ID_NAME, 0, cookie, 0);
	kt_buf_str(&kb, KDBUS_ITEM_DST_NAME, name);
	if (text)
		kt_msg_vec(&kb, text, strlen(text) + 1);
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

int kt_send_call(const struct kt_conn *c, u64 dst, u64 cookie, u64 timeout_ns)
{
	struct kt_buf kb;
	static const char text[] = "call";

	kt_msg_init(&kb, dst, KDBUS_MSG_EXPECT_REPLY, cookie, timeout_ns);
	kt_msg_vec(&kb, text, sizeof(text));
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

int kt_send_reply(const struct kt_conn *c, u64 dst, u64 cookie_reply, const char *text)
{
	struct kt_buf kb;

	kt_msg_init(&kb, dst, 0, 0, cookie_reply);
	if (text)
		kt_msg_vec(&kb, text, strlen(text) + 1);
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

int kt_send_signal(const struct kt_conn *c, u64 dst, u64 cookie, u64 bloom_word0)
{
	struct kt_buf kb;
	u64 bloom[KT_BLOOM_SIZE / 8] = { bloom_word0 };

	kt_msg_init(&kb, dst, KDBUS_MSG_SIGNAL, cookie, 0);
	kt_msg_bloom(&kb, 0, bloom, sizeof(bloom));
	return kt_send_buf(c, &kb, 0, -1, NULL);
}

int kt_recv(const struct kt_conn *c, u64 flags, s64 prio, struct kdbus_cmd_recv *r)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->flags = flags;
	r->priority = prio;
	return kt_ioctl(c->fd, KDBUS_CMD_RECV, r);
}

short kt_poll_events(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM, 0 };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

int kt_poll_in(const struct kt_conn *c, int ms)
{
	struct pollfd p = { c->fd, POLLIN, 0 };
	u64 end = kt_now_ns() + (u64)ms * KT_MS;

	for (;;) {
		u64 now = kt_now_ns();
		int left = now >= end ? 0 : (int)((end - now) / KT_MS);
		int r = poll(&p, 1, left);

		if (r > 0)
			return (p.revents & POLLIN) ? 1 : 0;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return 0;
	}
}

struct kdbus_msg *kt_pool_msg(const struct kt_conn *c, u64 offset)
{
	return (struct kdbus_msg *)(c->pool + offset);
}

u64 kt_msg_offset(const struct kt_conn *c, const struct kdbus_msg *m)
{
	return (u64)((const u8 *)m - c->pool);
}

int kt_free_msg(const struct kt_conn *c, struct kdbus_msg *m)
{
	return kt_free(c, kt_msg_offset(c, m));
}

int kt_recv_wait(const struct kt_conn *c, int ms, struct kdbus_msg **m)
{
	struct kdbus_cmd_recv r;
	int e;

	kt_poll_in(c, ms);
	e = kt_recv(c, 0, 0, &r);
	if (e)
		return e;
	if (r.msg.offset >= c->pool_size) {
		kt_diag("RECV succeeded but returned the empty marker");
		return EAGAIN;
	}
	*m = kt_pool_msg(c, r.msg.offset);
	return 0;
}

int kt_recv_notify(const struct kt_conn *c, u64 type, int ms, struct kdbus_msg **m)
{
	u64 end = kt_now_ns() + (u64)ms * KT_MS;

	for (;;) {
		u64 now = kt_now_ns();
		struct kdbus_msg *msg;
		int e;

		e = kt_recv_wait(c, now >= end ? 0 : (int)((end - now) / KT_MS), &msg);
		if (e)
			return e;
		if (msg->src_id == KDBUS_SRC_ID_KERNEL && msg->size >= sizeof(*msg) + 16 &&
		    msg->items[0].type == type) {
			*m = msg;
			return 0;
		}
		kt_free_msg(c, msg);
	}
}

int kt_drain(const struct kt_conn *c)
{
	struct kdbus_cmd_recv r;
	int n = 0;

	while (kt_recv(c, 0, 0, &r) == 0) {
		if (r.msg.offset < c->pool_size)
			kt_free(c, r.msg.offset);
		n++;
		if (n > 100000)
			break;
	}
	return n;
}

const char *kt_msg_text(const struct kt_conn *c, struct kdbus_msg *m)
{
	struct kdbus_item *it = kt_msg_item(m, KDBUS_ITEM_PAYLOAD_OFF);

	(void)c;
	if (!it || it->vec.offset == (u64)-1 || it->vec.offset > 1 << 30)
		return "";
	return (const char *)m + it->vec.offset;
}

/* ---------------------------------------------------------------- names, matches, info */

int kt_name_acquire(const struct kt_conn *c, const char *name, u64 flags, u64 *ret_flags)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd = kt_buf_init(&kb, sizeof(*cmd));
	int r;

	cmd->flags = flags;
	kt_buf_str(&kb, KDBUS_ITEM_NAME, name);
	kt_buf_finish(&kb);
	r = kt_ioctl(c->fd, KDBUS_CMD_NAME_ACQUIRE, kb.b);
	if (ret_flags)
		*ret_flags = cmd->return_flags;
	return r;
}

int kt_name_release(const struct kt_conn *c, const char *name)
{
	struct kt_buf kb;

	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	kt_buf_str(&kb, KDBUS_ITEM_NAME, name);
	kt_buf_finish(&kb);
	return kt_ioctl(c->fd, KDBUS_CMD_NAME_RELEASE, kb.b);
}

struct kdbus_cmd_match *kt_match_init(struct kt_buf *kb, u64 cookie, u64 flags)
{
	struct kdbus_cmd_match *m = kt_buf_init(kb, sizeof(*m));

	m->cookie = cookie;
	m->flags = flags;
	return m;
}

int kt_match_add_buf(const struct kt_conn *c, struct kt_buf *kb)
{
	kt_buf_finish(kb);
	return kt_ioctl(c->fd, KDBUS_CMD_MATCH_ADD, kb->b);
}

int kt_match_all(const struct kt_conn *c, u64 cookie)
{
	struct kt_buf kb;

	kt_match_init(&kb, cookie, 0);
	return kt_match_add_buf(c, &kb);
}

int kt_match_remove(const struct kt_conn *c, u64 cookie)
{
	struct kdbus_cmd_match m = { sizeof(m), 0, 0, cookie };

	return kt_ioctl(c->fd, KDBUS_CMD_MATCH_REMOVE, &m);
}

int kt_conn_info(const struct kt_conn *c, u64 id, const char *name, u64 attach,
		 struct kdbus_info **info)
{
	struct kt_buf kb;
	struct kdbus_cmd_info *ci = kt_buf_init(&kb, sizeof(*ci));
	int r;

	ci->id = id;
	ci->attach_flags = attach;
	if (name)
		kt_buf_str(&kb, KDBUS_ITEM_NAME, name);
	kt_buf_finish(&kb);
	r = kt_ioctl(c->fd, KDBUS_CMD_CONN_INFO, kb.b);
	if (!r && info) {
		if (ci->offset >= c->pool_size) {
			kt_diag("CONN_INFO returned offset %llu outside the pool",
				(unsigned long long)ci->offset);
			return EL2HLT;
		}
		*info = (struct kdbus_info *)(c->pool + ci->offset);
		if ((*info)->size != ci->info_size)
			kt_fail_at(__FILE__, __LINE__, "CONN_INFO: info.size %llu != info_size %llu",
				   (unsigned long long)(*info)->size,
				   (unsigned long long)ci->info_size);
	}
	return r;
}

int kt_list(const struct kt_conn *c, u64 flags, u64 *offset, u64 *size)
{
	struct kdbus_cmd_list l = { sizeof(l), flags, 0, 0, 0 };
	int r = kt_ioctl(c->fd, KDBUS_CMD_LIST, &l);

	*offset = l.offset;
	*size = l.list_size;
	return r;
}

int kt_list_has(const struct kt_conn *c, u64 flags, u64 id, const char *name, u64 *name_flags)
{
	u64 off, size, pos;
	int found = 0;

	if (kt_list(c, flags, &off, &size))
		return -1;
	if (off >= c->pool_size)
		return 0;
	for (pos = 0; pos + sizeof(struct kdbus_info) <= size;) {
		struct kdbus_info *info = (struct kdbus_info *)(c->pool + off + pos);
		struct kdbus_item *it;

		if (info->size < sizeof(*info))
			break;
		if (info->id == id || id == 0) {
			if (!name) {
				found = 1;
			} else {
				it = kt_info_item(info, KDBUS_ITEM_OWNED_NAME);
				if (it && !strcmp(it->name.name, name)) {
					found = 1;
					if (name_flags)
						*name_flags = it->name.flags;
				}
			}
		}
		pos += KT_ALIGN8(info->size);
	}
	kt_free(c, off);
	return found;
}

/* ---------------------------------------------------------------- part 2 helpers */

int kt_ep_make(const struct kt_bus *b, const char *name, u64 flags)
{
	struct kt_buf kb;
	struct kdbus_cmd *cmd = kt_buf_init(&kb, sizeof(*cmd));
	int fd = kt_open_ep(b, NULL);
	int r;

	if (fd < 0)
		return -errno;
	cmd->flags = flags;
	kt_buf_str(&kb, KDBUS_ITEM_MAKE_NAME, name);
	kt_buf_finish(&kb);
	r = kt_ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, kb.b);
	if (r) {
		close(fd);
		return -r;
	}
	return fd;
}

int kt_ep_update(int ep_fd, const struct kt_buf *items)
{
	struct kt_buf kb;

	kt_buf_init(&kb, sizeof(struct kdbus_cmd));
	if (items && items->len) {
		memcpy(kb.b + kb.len, items->b, items->len);
		kb.len += items->len;
	}
	kt_buf_finish(&kb);
	return kt_ioctl(ep_fd, KDBUS_CMD_ENDPOINT_UPDATE, kb.b);
}

void kt_policy_item(struct kt_buf *kb, u64 type, u64 access, u64 id)
{
	struct kdbus_policy_access pa = { type, access, id };

	kt_buf_item(kb, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
}

int kt_hello_ep(struct kt_conn *c, const struct kt_bus *b, const char *ep, u64 flags,
		u64 send, u64 recv, size_t pool_size, const char *name,
		const struct kt_buf *extra)
{
	int fd = kt_open_ep(b, ep);
	int r;

	if (fd < 0) {
		memset(c, 0, sizeof(*c));
		c->fd = -1;
		return errno;
	}
	r = kt_hello_fd(c, fd, flags, send, recv, pool_size, name, extra);
	if (r) {
		close(fd);
		c->fd = -1;
		return r;
	}
	if (!(flags & KDBUS_HELLO_POLICY_HOLDER))
		kt_free(c, c->hello_offset);
	return 0;
}

int kt_policy_holder(struct kt_conn *ph, const struct kt_bus *b, const char *name, u64 type,
		     u64 access, u64 id)
{
	struct kt_buf ex;

	kt_buf_init(&ex, 0);
	kt_policy_item(&ex, type, access, id);
	return kt_hello_ep(ph, b, NULL, KDBUS_HELLO_POLICY_HOLDER, 0, 0, 4096, name, &ex);
}

const char *kt_meta_types(struct kdbus_item *first, size_t bytes)
{
	static char s[512];
	struct kdbus_item *it;
	size_t n = 0;

	s[0] = 0;
	KT_FOREACH_ITEM(it, first, bytes)
		if (it->type >= _KDBUS_ITEM_ATTACH_BASE && it->type < _KDBUS_ITEM_POLICY_BASE &&
		    n + 8 < sizeof(s))
			n += (size_t)snprintf(s + n, sizeof(s) - n, "%s%llx", n ? "," : "",
					      (unsigned long long)(it->type - _KDBUS_ITEM_ATTACH_BASE));
	return s;
}

const char *kt_msg_meta(struct kdbus_msg *m)
{
	return kt_meta_types(m->items, m->size - sizeof(*m));
}

const char *kt_info_meta(struct kdbus_info *info)
{
	return kt_meta_types(info->items, info->size - sizeof(*info));
}

int kt_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		r = errno ? errno : EIO;
	close(fd);
	return r;
}
