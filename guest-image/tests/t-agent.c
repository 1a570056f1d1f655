// SPDX-License-Identifier: MIT
/*
 * The trace agent (/sbin/kdbus-agent, guest-image/agent) and what it
 * relies on: kdbusfs reporting nodes to inotify, and the frames of
 * docs/trace-protocol.md written to a file with -o (the boot agent keeps
 * the real channel, /dev/hvc1, to itself).
 */
#define _GNU_SOURCE
#include "kt.h"

#include <dirent.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define AGENT "/sbin/kdbus-agent"

enum { EV_AGENT_START = 1, EV_DOMAIN_ADD, EV_DOMAIN_REMOVE, EV_BUS_ADD, EV_BUS_REMOVE,
       EV_ENDPOINT_ADD, EV_ENDPOINT_REMOVE, EV_CONN_ADD, EV_CONN_REMOVE, EV_NAMES,
       EV_MESSAGE, EV_LOSS, EV_ERROR, EV_SNAPSHOT_BEGIN, EV_SNAPSHOT_END };
enum { LOSS_KERNEL_REASON = 1, LOSS_AGENT_REASON = 2 };
enum { F_DOMAIN = 0x10001, F_BUS, F_PATH, F_NAME, F_STAT, F_ID, F_KDBUS_MSG, F_KDBUS_INFO,
       F_BUS_INFO, F_COUNT, F_REASON, F_TEXT, F_FLAGS, F_PAYLOAD_INLINE };

/* ---- inotify on kdbusfs ---- */

struct ino_ev {
	int wd;
	u32 mask;
	char name[64];
};

/* Collects inotify events for up to ms (stops early once want events came). */
static int ino_collect(int fd, struct ino_ev *evs, int max, int want, int ms)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	u64 end = kt_now_ns() + (u64)ms * KT_MS;
	int n = 0;

	while (n < max && n < want && kt_now_ns() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t len;

		if (poll(&p, 1, 50) <= 0)
			continue;
		len = read(fd, buf, sizeof(buf));
		for (char *q = buf; len > 0 && q < buf + len && n < max;) {
			struct inotify_event *e = (struct inotify_event *)q;

			evs[n].wd = e->wd;
			evs[n].mask = e->mask;
			snprintf(evs[n].name, sizeof(evs[n].name), "%s", e->len ? e->name : "");
			n++;
			q += sizeof(*e) + e->len;
		}
	}
	return n;
}

static int ino_has(const struct ino_ev *evs, int n, int wd, u32 mask, const char *name)
{
	for (int i = 0; i < n; i++)
		if (evs[i].wd == wd && evs[i].mask == mask && !strcmp(evs[i].name, name))
			return 1;
	kt_diag("no inotify event wd %d mask 0x%x name '%s' among %d:", wd, (unsigned int)mask,
		name, n);
	for (int i = 0; i < n; i++)
		kt_diag("  wd %d mask 0x%x name '%s'", evs[i].wd, (unsigned int)evs[i].mask,
			evs[i].name);
	return 0;
}

static void t_inotify(void)
{
	char dir[128];
	struct kt_bus b;
	struct ino_ev evs[16];
	int fd, root, wd, ep, n;

	snprintf(dir, sizeof(dir), "/tmp/kt-agent-ino-%d", (int)getpid());
	mkdir(dir, 0755);
	KT_REQ(mount("kdbusfs", dir, "kdbusfs", 0, NULL) == 0);
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	KT_REQ(fd >= 0);
	root = inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE);
	KT_REQ(root >= 0);

	KT_REQ_OK(kt_bus_make_full(&b, dir, KDBUS_MAKE_ACCESS_WORLD, 64, 1, NULL, 0));
	n = ino_collect(fd, evs, 16, 1, 2000);
	KT_CHECK(ino_has(evs, n, root, IN_CREATE | IN_ISDIR, b.name));
	wd = inotify_add_watch(fd, b.dir, IN_CREATE | IN_DELETE | IN_DELETE_SELF);
	KT_REQ(wd >= 0);

	ep = kt_ep_make(&b, "0-agentep", KDBUS_MAKE_ACCESS_WORLD);
	KT_REQ(ep >= 0);
	n = ino_collect(fd, evs, 16, 1, 2000);
	KT_CHECK(ino_has(evs, n, wd, IN_CREATE, "0-agentep"));
	close(ep);
	n = ino_collect(fd, evs, 16, 1, 2000);
	KT_CHECK(ino_has(evs, n, wd, IN_DELETE, "0-agentep"));

	/* the bus goes: IN_DELETE in the root, and its own watch ends */
	kt_bus_close(&b);
	n = ino_collect(fd, evs, 16, 3, 2000);
	KT_CHECK(ino_has(evs, n, root, IN_DELETE | IN_ISDIR, b.name));
	KT_CHECK(ino_has(evs, n, wd, IN_DELETE_SELF, ""));
	KT_CHECK(ino_has(evs, n, wd, IN_IGNORED, ""));
	close(fd);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

/* ---- frames ---- */

#define TRACE_MAX	(4 << 20)	/* bytes of frames a test reads at most */
#define FRAMES_MAX	8192

struct frame {
	unsigned int type;
	u64 seq;
	u64 gap;	/* sequence numbers skipped just before this frame */
	const u8 *body;
	size_t len;
};

/*
 * The frames read so far, from a file (-o FILE) or from a pipe (fd >= 0).
 * Bytes are only appended (the buffer never moves), and frames are parsed
 * once, as they complete.
 */
struct trace {
	u8 *data;
	size_t size;
	size_t parsed;	/* bytes of complete frames checked */
	u64 next;	/* the sequence number expected next */
	struct frame f[FRAMES_MAX];
	int n;
	int bad;	/* the first broken frame was reported */
	int gaps;	/* sequence gaps allowed (only before LOSS reason 2) */
	int fd;		/* read end of the pipe the agent writes, -1: a file */
	int eof;	/* the pipe's writer is gone */
};

static void trace_init(struct trace *t, int fd, int gaps)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->gaps = gaps;
	t->next = 1;
}

static void trace_free(struct trace *t)
{
	free(t->data);
	t->data = NULL;
}

static u32 crc32_of(u32 crc, const u8 *p, size_t n)
{
	static u32 table[256];

	if (!table[1]) {
		for (u32 i = 0; i < 256; i++) {
			u32 c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static u64 le(const u8 *p, int n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Checks the frames completed since the last call (magic, version, CRC, padding, seq). */
static int trace_parse(struct trace *t)
{
	while (t->parsed + 32 <= t->size) {
		const u8 *h = t->data + t->parsed;
		size_t len = le(h + 8, 4), pad = (8 - len % 8) % 8;
		u64 seq;
		u32 crc;

		if (len > TRACE_MAX || t->parsed + 32 + len + pad > t->size)
			break;	/* still being written */
		if (t->n == FRAMES_MAX) {
			if (!t->bad)
				kt_fail_at(__FILE__, __LINE__, "more than %d frames", FRAMES_MAX);
			t->bad = 1;
			return E2BIG;
		}
		crc = crc32_of(crc32_of(0, h, 12), h + 16, 16 + len);
		seq = le(h + 16, 8);
		if (memcmp(h, "KPTR", 4) || le(h + 4, 2) != 1 || crc != le(h + 12, 4) ||
		    seq < t->next || (seq > t->next && !t->gaps)) {
			if (!t->bad)
				kt_fail_at(__FILE__, __LINE__, "bad frame %d at %zu: magic %.4s "
					   "version %u crc %s seq %llu (expected %llu)", t->n,
					   t->parsed, h, (unsigned int)le(h + 4, 2),
					   crc == le(h + 12, 4) ? "ok" : "WRONG",
					   (unsigned long long)seq, (unsigned long long)t->next);
			t->bad = 1;
			return EBADMSG;
		}
		for (size_t i = 0; i < pad; i++)
			if (h[32 + len + i])
				return EBADMSG;
		t->f[t->n].type = le(h + 6, 2);
		t->f[t->n].seq = seq;
		t->f[t->n].gap = seq - t->next;
		t->f[t->n].body = h + 32;
		t->f[t->n].len = len;
		t->n++;
		t->next = seq + 1;
		t->parsed += 32 + len + pad;
	}
	return 0;
}

/* Appends what the agent wrote since the last call and checks it. */
static int trace_read(struct trace *t, const char *path)
{
	if (t->bad)
		return EBADMSG;
	if (!t->data) {
		t->data = malloc(TRACE_MAX);
		if (!t->data)
			return ENOMEM;
		if (!t->next)
			t->next = 1;	/* a trace zeroed by its initializer */
	}
	if (path) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t r;

		if (fd < 0)
			return errno;
		while ((r = pread(fd, t->data + t->size, TRACE_MAX - t->size, t->size)) > 0)
			t->size += r;
		close(fd);
	} else {
		ssize_t r;

		while ((r = read(t->fd, t->data + t->size, TRACE_MAX - t->size)) > 0)
			t->size += r;
		if (r == 0 && t->size < TRACE_MAX)
			t->eof = 1;
	}
	if (t->size == TRACE_MAX && !t->bad) {
		kt_fail_at(__FILE__, __LINE__, "more than %d bytes of frames", TRACE_MAX);
		t->bad = 1;
	}
	return t->bad ? EBADMSG : trace_parse(t);
}

/* The data of the first field of @type (and its length), or NULL */
static const u8 *field(const struct frame *f, u64 type, size_t *len)
{
	size_t off = 0;

	while (off + 16 <= f->len) {
		u64 size = le(f->body + off, 8);

		if (size < 16 || off + size > f->len)
			return NULL;
		if (le(f->body + off + 8, 8) == type) {
			if (len)
				*len = size - 16;
			return f->body + off + 16;
		}
		off += KT_ALIGN8(size);
	}
	return NULL;
}

static u64 field_u64(const struct frame *f, u64 type)
{
	const u8 *p = field(f, type, NULL);

	return p ? le(p, 8) : ~0ULL;
}

static const char *field_str(const struct frame *f, u64 type)
{
	size_t len;
	const char *p = (const char *)field(f, type, &len);

	return p && len && !p[len - 1] ? p : "";
}

/* Index of the first frame from @from on of @type whose @ftype is @v (~0: any) */
static int find(const struct trace *t, int from, unsigned int type, u64 ftype, u64 v)
{
	for (int i = from; i < t->n; i++)
		if (t->f[i].type == type && (v == ~0ULL || field_u64(&t->f[i], ftype) == v))
			return i;
	return -1;
}

static int find_bus(const struct trace *t, int from, const char *name)
{
	for (int i = from; i < t->n; i++)
		if (t->f[i].type == EV_BUS_ADD && !strcmp(field_str(&t->f[i], F_NAME), name))
			return i;
	return -1;
}

/* Does the NAMES frame list @name for connection @id? */
static int names_has(const struct frame *f, u64 id, const char *name)
{
	size_t off = 0;

	while (off + 16 <= f->len) {
		u64 size = le(f->body + off, 8);
		const u8 *info = f->body + off + 16;

		if (size < 16 || off + size > f->len)
			return 0;
		if (le(f->body + off + 8, 8) == F_KDBUS_INFO && size >= 16 + 24 &&
		    le(info + 8, 8) == id && size >= 16 + 24 + 16 + 8 + strlen(name) + 1 &&
		    le(info + 32, 8) == KDBUS_ITEM_OWNED_NAME &&
		    !strcmp((const char *)info + 48, name))
			return 1;
		off += KT_ALIGN8(size);
	}
	return 0;
}

static pid_t agent_start(const char *out, int *cmd_fd, int once)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[0], 0);
		close(p[0]);
		close(p[1]);
		if (once)
			execl(AGENT, AGENT, "--once", "-o", out, (char *)NULL);
		else
			execl(AGENT, AGENT, "-o", out, "-i", "-", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*cmd_fd = p[1];
	return pid;
}

/* Reads the trace (@path, or the pipe: NULL) until @pred holds (or 10 s passed). */
static int trace_wait(struct trace *t, const char *path, int (*pred)(const struct trace *, const void *),
		      const void *arg)
{
	for (int i = 0; i < 200; i++) {
		struct pollfd p = { .fd = t->fd, .events = POLLIN };

		if (trace_read(t, path) == 0 && pred(t, arg))
			return 1;
		if (t->bad)
			return 0;
		if (path || t->eof)
			kt_sleep_ms(50);
		else
			poll(&p, 1, 50);
	}
	kt_diag("timed out waiting; the trace has %d events", t->n);
	return 0;
}

static int has_end(const struct trace *t, const void *token)
{
	return find(t, 0, EV_SNAPSHOT_END, F_COUNT, *(const u64 *)token) >= 0;
}

static int has_bus(const struct trace *t, const void *name)
{
	return find_bus(t, 0, name) >= 0;
}

static int has_cookie(const struct trace *t, const void *cookie)
{
	for (int i = 0; i < t->n; i++) {
		const struct kdbus_msg *m = (const void *)field(&t->f[i], F_KDBUS_MSG, NULL);

		if (t->f[i].type == EV_MESSAGE && m && m->cookie == *(const u64 *)cookie)
			return 1;
	}
	return 0;
}

static int has_bus_remove(const struct trace *t, const void *ref)
{
	return find(t, 0, EV_BUS_REMOVE, F_BUS, *(const u64 *)ref) >= 0;
}

static void t_once(void)
{
	char path[64];
	struct kt_bus b;
	struct kt_conn c;
	struct trace t = { 0 };
	int cmd, status, i, bus;
	u64 ref;
	pid_t pid;
	size_t len;
	const u8 *p;

	snprintf(path, sizeof(path), "/tmp/kt-agent-once-%d", (int)getpid());
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ_OK(kt_conn(&c, &b));
	KT_REQ_OK(kt_name_acquire(&c, "org.example.AgentTest", 0, NULL));
	pid = agent_start(path, &cmd, 1);
	KT_REQ(pid > 0);
	KT_REQ(waitpid(pid, &status, 0) == pid);
	KT_EQ(status, 0);
	close(cmd);
	KT_REQ_OK(trace_read(&t, path));
	KT_REQ(t.n >= 4);
	KT_EQ(t.f[0].type, EV_AGENT_START);
	KT_EQ(field_u64(&t.f[0], F_ID), pid);
	KT_CHECK(strstr(field_str(&t.f[0], F_TEXT), "kdbus-agent") != NULL);
	KT_CHECK(*field_str(&t.f[0], F_NAME) != 0);
	KT_EQ(t.f[1].type, EV_SNAPSHOT_BEGIN);
	KT_EQ(field_u64(&t.f[1], F_COUNT), 0);
	KT_EQ(t.f[t.n - 1].type, EV_SNAPSHOT_END);
	KT_EQ(field_u64(&t.f[t.n - 1], F_COUNT), 0);
	KT_EQ(find(&t, 0, EV_MESSAGE, 0, ~0ULL), -1);
	i = find(&t, 0, EV_DOMAIN_ADD, 0, ~0ULL);
	KT_REQ(i > 0);
	KT_CHECK(!strcmp(field_str(&t.f[i], F_PATH), KT_ROOT));

	bus = find_bus(&t, 0, b.name);
	KT_REQ(bus > i);
	ref = field_u64(&t.f[bus], F_BUS);
	KT_EQ(field_u64(&t.f[bus], F_DOMAIN), field_u64(&t.f[i], F_DOMAIN));
	p = field(&t.f[bus], F_BUS_INFO, &len);
	KT_REQ(p && len == 40);
	KT_CHECK(!memcmp(p + 8, c.id128, 16));
	KT_EQ(le(p + 24, 8), 64);
	p = field(&t.f[bus], F_STAT, &len);
	KT_REQ(p && len == 16);
	KT_EQ(le(p, 4), S_IFREG | 0666);
	/* BUS_CREATOR_INFO: its first item is the bus name (spec 4.10) */
	p = field(&t.f[bus], F_KDBUS_INFO, &len);
	KT_REQ(p && len >= 24 + 16 + strlen(b.name) + 1);
	KT_EQ(le(p + 32, 8), KDBUS_ITEM_MAKE_NAME);
	KT_CHECK(!strcmp((const char *)p + 40, b.name));

	i = find(&t, bus, EV_ENDPOINT_ADD, F_BUS, ref);
	KT_REQ(i > bus);
	KT_CHECK(!strcmp(field_str(&t.f[i], F_NAME), "bus"));
	i = find(&t, bus, EV_CONN_ADD, F_ID, c.id);
	KT_REQ(i > bus);
	KT_EQ(field_u64(&t.f[i], F_BUS), ref);
	KT_EQ(field_u64(&t.f[i], F_FLAGS), 1);
	p = field(&t.f[i], F_KDBUS_INFO, &len);
	KT_CHECK(p && len >= 24 && le(p + 8, 8) == c.id);
	i = find(&t, bus, EV_NAMES, F_BUS, ref);
	KT_REQ(i > bus);
	KT_CHECK(names_has(&t.f[i], c.id, "org.example.AgentTest"));
	unlink(path);
	free(t.data);
}

static int memfd_with(const char *data)
{
	int fd = memfd_create("kt-agent", MFD_ALLOW_SEALING | MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -1;
	return fd;
}

/* The PAYLOAD_INLINE items of a MESSAGE, in order: full size, source, kept bytes */
struct part {
	u64 full, src;
	const u8 *data;
	size_t kept;
};

static int parts(const struct frame *f, struct part *out, int max, int *memfd_items)
{
	size_t len;
	const u8 *m = field(f, F_KDBUS_MSG, &len);
	size_t off = 64, size;
	int n = 0;

	*memfd_items = 0;
	if (!m || len < 64)
		return -1;
	size = le(m, 8);
	if (size != len)
		kt_fail_at(__FILE__, __LINE__, "msg.size %zu, field data %zu", size, len);
	while (off + 16 <= size) {
		u64 isize = le(m + off, 8), type = le(m + off + 8, 8);

		if (isize < 16 || off + isize > size)
			return -1;
		if (type == KDBUS_ITEM_PAYLOAD_MEMFD)
			++*memfd_items;
		if (type == KDBUS_ITEM_PAYLOAD_OFF)
			kt_fail_at(__FILE__, __LINE__, "PAYLOAD_OFF left in a MESSAGE");
		if (type == F_PAYLOAD_INLINE && isize >= 32 && n < max) {
			out[n].full = le(m + off + 16, 8);
			out[n].src = le(m + off + 24, 8);
			out[n].data = m + off + 32;
			out[n].kept = isize - 32;
			n++;
		}
		off += KT_ALIGN8(isize);
	}
	if (KT_ALIGN8(off) != KT_ALIGN8(size))
		kt_fail_at(__FILE__, __LINE__, "items end at %zu, msg.size %zu", off, size);
	return n;
}

static const struct frame *message(const struct trace *t, u64 cookie)
{
	for (int i = 0; i < t->n; i++) {
		const struct kdbus_msg *m = (const void *)field(&t->f[i], F_KDBUS_MSG, NULL);

		if (t->f[i].type == EV_MESSAGE && m && m->cookie == cookie)
			return &t->f[i];
	}
	return NULL;
}

/* The agent's open descriptors that are memfds */
static int agent_memfds(pid_t pid)
{
	char dir[64], link[400], target[128];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		ssize_t len;

		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len > 0 && (target[len] = 0, strstr(target, "memfd:")))
			n++;
	}
	closedir(d);
	return n;
}

static void t_live(void)
{
	static char big[70000];
	const u64 start = 0, token = 77, cookie = 4242, cookie_big = 4243;
	char path[64];
	struct kt_bus b;
	struct kt_conn a, r;
	struct kt_buf kb;
	struct trace t = { 0 };
	struct part pt[4];
	const struct frame *f;
	const struct kdbus_msg *m;
	int cmd, mfd, status, n, memfds, bus, i;
	u64 ref;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/kt-agent-live-%d", (int)getpid());
	pid = agent_start(path, &cmd, 0);
	KT_REQ(pid > 0);
	KT_REQ(trace_wait(&t, path, has_end, &start));

	/* a bus made now is announced before anything happens on it */
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ(trace_wait(&t, path, has_bus, b.name));
	bus = find_bus(&t, 0, b.name);
	ref = field_u64(&t.f[bus], F_BUS);
	KT_REQ_OK(kt_conn(&a, &b));
	KT_REQ_OK(kt_conn(&r, &b));

	mfd = memfd_with("memfd bytes");
	KT_REQ(mfd >= 0);
	kt_msg_init(&kb, r.id, 0, cookie, 0);
	kt_msg_vec(&kb, "hello agent", 12);
	{
		struct kdbus_memfd mf = { 0, 11, mfd, 0 };

		kt_buf_item(&kb, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	}
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	memset(big, 'x', sizeof(big));
	kt_msg_init(&kb, r.id, 0, cookie_big, 0);
	kt_msg_vec(&kb, big, sizeof(big));
	KT_REQ_OK(kt_send_buf(&a, &kb, 0, -1, NULL));
	KT_REQ(trace_wait(&t, path, has_cookie, &cookie_big));

	/* what the snapshot reports, after the live events */
	KT_REQ(write(cmd, "sync 77\n", 8) == 8);
	KT_REQ(trace_wait(&t, path, has_end, &token));
	memfds = agent_memfds(pid);
	kt_bus_close(&b);
	KT_CHECK(trace_wait(&t, path, has_bus_remove, &ref));
	kill(pid, SIGTERM);
	KT_REQ(waitpid(pid, &status, 0) == pid);
	KT_EQ(status, 0);
	close(cmd);
	KT_REQ_OK(trace_read(&t, path));

	KT_EQ(memfds, 0);
	i = find(&t, bus, EV_CONN_ADD, F_ID, a.id);
	KT_REQ(i > bus);
	KT_EQ(field_u64(&t.f[i], F_FLAGS), 0);
	f = message(&t, cookie);
	KT_REQ(f != NULL);
	KT_CHECK(f > &t.f[i]);
	KT_EQ(field_u64(f, F_BUS), ref);
	m = (const void *)field(f, F_KDBUS_MSG, NULL);
	KT_EQ(m->src_id, a.id);
	KT_EQ(m->dst_id, r.id);
	n = parts(f, pt, 4, &memfds);
	KT_REQ_EQ(n, 2);
	KT_EQ(memfds, 1);
	KT_EQ(pt[0].full, 12);
	KT_EQ(pt[0].src, 0);
	KT_CHECK(pt[0].kept == 12 && !memcmp(pt[0].data, "hello agent", 12));
	KT_EQ(pt[1].full, 11);
	KT_EQ(pt[1].src, 1);
	KT_CHECK(pt[1].kept == 11 && !memcmp(pt[1].data, "memfd bytes", 11));

	/* 64 KiB of payload per message are kept */
	f = message(&t, cookie_big);
	KT_REQ(f != NULL);
	n = parts(f, pt, 4, &memfds);
	KT_REQ_EQ(n, 1);
	KT_EQ(pt[0].full, sizeof(big));
	KT_EQ(pt[0].kept, 65536);
	KT_CHECK(pt[0].data[0] == 'x' && pt[0].data[65535] == 'x');

	/* the sync snapshot: both connections, found by snapshot */
	i = find(&t, 0, EV_SNAPSHOT_BEGIN, F_COUNT, token);
	KT_REQ(i > 0);
	n = find(&t, i, EV_SNAPSHOT_END, F_COUNT, token);
	KT_REQ(n > i);
	for (int k = i; k < n; k++)
		KT_CHECK(t.f[k].type != EV_MESSAGE);
	bus = find_bus(&t, i, b.name);
	KT_REQ(bus < n);
	KT_REQ(bus > i);
	KT_EQ(field_u64(&t.f[bus], F_BUS), ref);
	i = find(&t, bus, EV_CONN_ADD, F_ID, r.id);
	KT_REQ(i > bus);
	KT_EQ(field_u64(&t.f[i], F_FLAGS), 1);
	KT_CHECK(find(&t, bus, EV_BUS_REMOVE, F_BUS, ref) > bus);
	kt_conn_close(&a);
	kt_conn_close(&r);
	unlink(path);
	free(t.data);
}

/* ---- loss accounting ---- */

#define LOSS1_N		300	/* signals sent while the agent is stopped */
#define LOSS1_QUEUED	256	/* messages per sending user on a receiver (spec 14.1) */
#define LOSS2_N		48	/* big signals received in one batch */
#define LOSS2_PAYLOAD	32768	/* bytes per big signal, all inlined (< 64 KiB) */
#define LOSS2_PEERS	24	/* idle connections that make a snapshot big */
#define LATER		4	/* signals sent once the agent caught up */
#define LATER_COOKIE	1000	/* cookies LATER_COOKIE + 1 ... */

static int has_conn(const struct trace *t, const void *id)
{
	return find(t, 0, EV_CONN_ADD, F_ID, *(const u64 *)id) >= 0;
}

/* SIGSTOP, and wait until it took effect (state T in /proc/PID/stat). */
static int agent_stop(pid_t pid)
{
	char path[64], buf[256], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (kill(pid, SIGSTOP) < 0)
		return 0;
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = 0;
		/* "pid (comm) S ...": the state follows the last ')' */
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'T')
			return 1;
		kt_sleep_ms(10);
	}
	kt_diag("the agent did not stop");
	return 0;
}

static int send_signals(const struct kt_conn *s, u64 first, u64 n, size_t payload)
{
	static char data[LOSS2_PAYLOAD];
	u64 bloom[KT_BLOOM_SIZE / 8] = { 0 };
	struct kt_buf kb;
	int r;

	memset(data, 's', sizeof(data));
	for (u64 k = first; k < first + n; k++) {
		kt_msg_init(&kb, KDBUS_DST_ID_BROADCAST, KDBUS_MSG_SIGNAL, k, 0);
		kt_msg_bloom(&kb, 0, bloom, sizeof(bloom));
		if (payload)
			kt_msg_vec(&kb, data, payload);
		r = kt_send_buf(s, &kb, 0, -1, NULL);
		if (r) {
			kt_diag("signal %llu: %s", (unsigned long long)k, kt_errname(r));
			return r;
		}
	}
	return 0;
}

static u64 msg_cookie(const struct frame *f)
{
	const struct kdbus_msg *m = (const void *)field(f, F_KDBUS_MSG, NULL);

	return f->type == EV_MESSAGE && m ? m->cookie : ~0ULL;
}

/* What a trace says about signals 1..@n (and the later ones) on bus @ref */
struct tally {
	u64 ref, n;			/* in */
	u64 msgs, later;		/* MESSAGEs of signals 1..n, later ones */
	u64 loss1, loss2;		/* sums of COUNT: reason 1 (this bus), reason 2 */
	u64 gaps;			/* sum of sequence gaps */
	int last_loss, first_later;	/* frame indices, -1: none */
	int misplaced;			/* diagnosed problems */
};

static void tally(const struct trace *t, struct tally *ty)
{
	u64 prev = 0;

	ty->msgs = ty->later = ty->loss1 = ty->loss2 = ty->gaps = 0;
	ty->misplaced = 0;
	ty->last_loss = ty->first_later = -1;
	for (int i = 0; i < t->n; i++) {
		const struct frame *f = &t->f[i];
		u64 cookie = msg_cookie(f), reason = field_u64(f, F_REASON) & 0xffffffff;

		ty->gaps += f->gap;
		if (f->type == EV_LOSS && reason == LOSS_KERNEL_REASON &&
		    field_u64(f, F_BUS) == ty->ref) {
			ty->loss1 += field_u64(f, F_COUNT);
			ty->last_loss = i;
		} else if (f->type == EV_LOSS && reason == LOSS_AGENT_REASON) {
			ty->loss2 += field_u64(f, F_COUNT);
			ty->last_loss = i;
		} else if (f->type == EV_LOSS) {
			kt_diag("LOSS %d: bus %llu reason %llu", i,
				(unsigned long long)field_u64(f, F_BUS), (unsigned long long)reason);
			ty->misplaced++;
		}
		if (f->type != EV_MESSAGE || field_u64(f, F_BUS) != ty->ref)
			continue;
		if (cookie >= 1 && cookie <= ty->n) {
			/* each signal once, in the order sent */
			if (cookie <= prev || ty->later) {
				kt_diag("frame %d: signal %llu after signal %llu%s", i,
					(unsigned long long)cookie, (unsigned long long)prev,
					ty->later ? " and a later one" : "");
				ty->misplaced++;
			}
			prev = cookie;
			ty->msgs++;
		} else if (cookie > LATER_COOKIE && cookie <= LATER_COOKIE + LATER) {
			if (cookie != LATER_COOKIE + 1 + ty->later) {
				kt_diag("frame %d: later signal %llu out of order", i,
					(unsigned long long)cookie);
				ty->misplaced++;
			}
			if (ty->first_later < 0)
				ty->first_later = i;
			ty->later++;
		}
	}
}

/* Every signal 1..n is a MESSAGE or counted in a LOSS */
static int accounted(const struct trace *t, const void *arg)
{
	struct tally ty = *(const struct tally *)arg;

	tally(t, &ty);
	return ty.msgs + ty.loss1 + ty.loss2 >= ty.n;
}

static int has_later(const struct trace *t, const void *arg)
{
	struct tally ty = *(const struct tally *)arg;

	tally(t, &ty);
	return ty.later >= LATER;
}

/*
 * LOSS reason 1: the agent is stopped while a sender broadcasts LOSS1_N
 * signals, more than the LOSS1_QUEUED one sending user may have queued on
 * the agent's monitor, so the kernel queues the first ones and counts the
 * rest in dropped_msgs. Once the agent runs again, every signal is a
 * MESSAGE or counted by a LOSS (reason 1) of that bus, exactly: none
 * twice, none missing, no sequence gap; signals sent later come after the
 * LOSS.
 */
static void t_loss_kernel(void)
{
	const u64 start = 0;
	char path[64];
	struct kt_bus b;
	struct kt_conn s;
	struct trace t = { 0 };
	struct tally ty = { 0 };
	int cmd, status;
	pid_t pid;
	u64 t0;

	snprintf(path, sizeof(path), "/tmp/kt-agent-loss1-%d", (int)getpid());
	pid = agent_start(path, &cmd, 0);
	KT_REQ(pid > 0);
	KT_REQ(trace_wait(&t, path, has_end, &start));
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ(trace_wait(&t, path, has_bus, b.name));
	ty.ref = field_u64(&t.f[find_bus(&t, 0, b.name)], F_BUS);
	ty.n = LOSS1_N;
	KT_REQ_OK(kt_conn(&s, &b));
	KT_REQ(trace_wait(&t, path, has_conn, &s.id));

	KT_REQ(agent_stop(pid));
	t0 = kt_now_ns();
	KT_REQ_OK(send_signals(&s, 1, LOSS1_N, 0));
	kt_diag("%d signals sent in %llu ms", LOSS1_N,
		(unsigned long long)((kt_now_ns() - t0) / KT_MS));
	KT_REQ(kill(pid, SIGCONT) == 0);
	KT_REQ(trace_wait(&t, path, accounted, &ty));
	KT_REQ_OK(send_signals(&s, LATER_COOKIE + 1, LATER, 0));
	KT_REQ(trace_wait(&t, path, has_later, &ty));
	kt_diag("all %d signals and %d later ones traced %llu ms after the first was sent",
		LOSS1_N, LATER, (unsigned long long)((kt_now_ns() - t0) / KT_MS));
	kill(pid, SIGTERM);
	KT_REQ(waitpid(pid, &status, 0) == pid);
	KT_EQ(status, 0);
	close(cmd);
	KT_REQ_OK(trace_read(&t, path));	/* no sequence gap anywhere */

	tally(&t, &ty);
	KT_EQ(ty.misplaced, 0);
	KT_EQ(ty.msgs + ty.loss1, LOSS1_N);
	/* the kernel kept the oldest: signals 1..256 came, 257..300 were counted */
	KT_EQ(ty.msgs, LOSS1_QUEUED);
	KT_EQ(ty.loss1, LOSS1_N - LOSS1_QUEUED);
	KT_EQ(ty.loss2, 0);
	KT_EQ(ty.gaps, 0);
	KT_EQ(ty.later, LATER);
	KT_CHECK(ty.last_loss >= 0 && ty.last_loss < ty.first_later);
	kt_conn_close(&s);
	kt_bus_close(&b);
	unlink(path);
	trace_free(&t);
}

/* Is @f one of the events a snapshot is made of? */
static int snapshot_event(const struct frame *f)
{
	switch (f->type) {
	case EV_SNAPSHOT_BEGIN:
	case EV_SNAPSHOT_END:
	case EV_DOMAIN_ADD:
	case EV_BUS_ADD:
	case EV_ENDPOINT_ADD:
	case EV_NAMES:
		return 1;
	case EV_CONN_ADD:
		return field_u64(f, F_FLAGS) == 1;
	}
	return 0;
}

/*
 * LOSS reason 2. The agent's output is a pipe the test stops reading.
 * First a burst: the agent, stopped, gets LOSS2_N big signals queued
 * (LOSS2_N * LOSS2_PAYLOAD: more than the agent's 1 MiB output ring,
 * less than its monitor's quota) and, running again, receives until the
 * ring is congested; the rest must wait in the monitor's pool, not be
 * dropped. Then, still unread, K "sync" commands in one write: K
 * snapshots of a world measured before (E events, S bytes each; K * S >
 * 1 MiB) are made in one go, and what does not fit in the ring is
 * dropped. Then the pipe is read. Every sequence gap must be right before
 * a LOSS (reason 2) whose COUNT is the gap, every such LOSS after its
 * gap; every signal comes; and the snapshot events seen plus the gaps are
 * exactly K * E. (LOSS2_PEERS idle connections make a snapshot big, so
 * K, and the time the syncs take, stay small.)
 */
static void t_loss_agent(void)
{
	static char cmds[65536];
	const u64 start = 0, ref_token = 1;
	char path[64];
	struct kt_bus b;
	struct kt_conn s, peers[LOSS2_PEERS];
	struct trace t;
	struct tally ty = { 0 };
	int cmd, status, rfd, gap_loss = 0, other = 0, i0, i1, win;
	u64 e = 0, bytes = 0, k, snap = 0, gaps = 0, last, t0 = kt_now_ns();
	size_t len = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "/tmp/kt-agent-loss2-%d", (int)getpid());
	unlink(path);
	KT_REQ(mkfifo(path, 0600) == 0);
	/* the read end first, so the agent's open() does not wait */
	rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	KT_REQ(rfd >= 0);
	trace_init(&t, rfd, 1);
	pid = agent_start(path, &cmd, 0);
	KT_REQ(pid > 0);
	KT_REQ(trace_wait(&t, NULL, has_end, &start));
	KT_REQ_OK(kt_bus_make(&b));
	KT_REQ(trace_wait(&t, NULL, has_bus, b.name));
	ty.ref = field_u64(&t.f[find_bus(&t, 0, b.name)], F_BUS);
	ty.n = LOSS2_N;
	KT_REQ_OK(kt_conn(&s, &b));
	KT_REQ(trace_wait(&t, NULL, has_conn, &s.id));
	for (int i = 0; i < LOSS2_PEERS; i++)
		KT_REQ_OK(kt_conn(&peers[i], &b));
	KT_REQ(trace_wait(&t, NULL, has_conn, &peers[LOSS2_PEERS - 1].id));

	/* one snapshot read in full: its events and bytes */
	KT_REQ(write(cmd, "sync 1\n", 7) == 7);
	KT_REQ(trace_wait(&t, NULL, has_end, &ref_token));
	i0 = find(&t, 0, EV_SNAPSHOT_BEGIN, F_COUNT, ref_token);
	i1 = find(&t, 0, EV_SNAPSHOT_END, F_COUNT, ref_token);
	KT_REQ(i0 >= 0 && i1 > i0);
	for (int i = i0; i <= i1; i++) {
		KT_CHECK(snapshot_event(&t.f[i]) && !t.f[i].gap);
		e++;
		bytes += 32 + KT_ALIGN8(t.f[i].len);
	}
	k = (1 << 20) / bytes + 1;
	if (k > 4000)
		k = 4000;
	KT_REQ(k * bytes > 1 << 20);
	win = t.n;
	KT_EQ(win, i1 + 1);

	KT_REQ(agent_stop(pid));
	KT_REQ_OK(trace_read(&t, NULL));	/* the pipe is empty now */
	KT_REQ_OK(send_signals(&s, 1, LOSS2_N, LOSS2_PAYLOAD));
	KT_REQ(kill(pid, SIGCONT) == 0);
	kt_sleep_ms(300);	/* not read: the pipe fills, the ring is congested */
	for (u64 i = 0; i < k; i++)
		len += snprintf(cmds + len, sizeof(cmds) - len, "sync %llu\n",
				(unsigned long long)i + 2);
	KT_REQ(len < sizeof(cmds));
	KT_REQ(write(cmd, cmds, len) == (ssize_t)len);
	kt_sleep_ms(100);
	KT_REQ(trace_wait(&t, NULL, accounted, &ty));
	KT_REQ_OK(send_signals(&s, LATER_COOKIE + 1, LATER, 0));
	KT_REQ(trace_wait(&t, NULL, has_later, &ty));
	kill(pid, SIGTERM);
	while (!t.eof && !t.bad) {
		struct pollfd p = { .fd = rfd, .events = POLLIN };

		poll(&p, 1, 100);
		trace_read(&t, NULL);
	}
	KT_REQ(waitpid(pid, &status, 0) == pid);
	KT_EQ(status, 0);
	close(cmd);
	KT_REQ(!t.bad);
	KT_EQ(t.parsed, t.size);	/* no torn frame at the end */

	/* gaps come only right before a LOSS reason 2 that counts them */
	for (int i = 0; i < t.n; i++) {
		const struct frame *f = &t.f[i];
		int loss2 = f->type == EV_LOSS &&
			    (field_u64(f, F_REASON) & 0xffffffff) == LOSS_AGENT_REASON;

		if (!f->gap && !loss2)
			continue;
		if (!loss2 || field_u64(f, F_COUNT) != f->gap || field_u64(f, F_BUS) != 0)
			kt_fail_at(__FILE__, __LINE__, "frame %d (seq %llu, type %u): gap %llu, "
				   "COUNT %llu", i, (unsigned long long)f->seq, f->type,
				   (unsigned long long)f->gap,
				   (unsigned long long)field_u64(f, F_COUNT));
		gap_loss++;
	}
	/* what the agent made after the reference snapshot, up to the later signals */
	tally(&t, &ty);
	KT_REQ(ty.first_later > win);
	for (int i = win; i < ty.first_later; i++) {
		const struct frame *f = &t.f[i];

		gaps += f->gap;
		if (snapshot_event(f))
			snap++;
		else if (f->type != EV_LOSS &&
			 !(f->type == EV_MESSAGE && field_u64(f, F_BUS) == ty.ref) && other++ < 5)
			kt_diag("frame %d: unexpected event type %u", i, f->type);
	}
	last = t.f[t.n - 1].seq;
	kt_diag("%llu snapshots of %llu events (%llu bytes): %llu events came, %llu dropped "
		"in %d LOSS; %llu of %d signals came; %d frames, last seq %llu; %llu ms",
		(unsigned long long)k, (unsigned long long)e, (unsigned long long)bytes,
		(unsigned long long)snap, (unsigned long long)gaps, gap_loss,
		(unsigned long long)ty.msgs, LOSS2_N, t.n, (unsigned long long)last,
		(unsigned long long)((kt_now_ns() - t0) / KT_MS));
	KT_CHECK(gap_loss > 0);		/* the ring did overflow */
	KT_EQ(other, 0);
	KT_EQ(ty.misplaced, 0);
	/* no signal was dropped: the monitor's pool kept them while the ring was full */
	KT_EQ(ty.msgs, LOSS2_N);
	KT_EQ(ty.loss1, 0);
	KT_EQ(ty.gaps, ty.loss2);
	KT_EQ(gaps, ty.loss2);
	/* exact: every snapshot event made is seen or in a gap */
	KT_EQ(snap + gaps, k * e);
	KT_EQ(ty.later, LATER);
	KT_CHECK(ty.last_loss >= 0 && ty.last_loss < ty.first_later);
	/* every sequence number is a frame or in a gap */
	KT_EQ(t.n + ty.gaps, last);
	kt_conn_close(&s);
	for (int i = 0; i < LOSS2_PEERS; i++)
		kt_conn_close(&peers[i]);
	kt_bus_close(&b);
	close(rfd);
	unlink(path);
	trace_free(&t);
}

const struct kt_test kt_tests_agent[] = {
	{ "agent", "kdbusfs: inotify sees buses and endpoints made and removed", t_inotify, 0 },
	{ "agent", "kdbus-agent --once -o: well-formed frames, a bus, its connection and name",
	  t_once, 0 },
	{ "agent", "kdbus-agent: live bus, message payloads inlined (vector, memfd, 64 KiB cut), "
	  "memfds closed, sync", t_live, 30 },
	{ "agent", "kdbus-agent: LOSS reason 1 counts exactly what the kernel dropped for a "
	  "stopped agent's monitor", t_loss_kernel, 30 },
	{ "agent", "kdbus-agent -o pipe left unread: a burst waits in the monitor's pool; "
	  "LOSS reason 2 counts exactly the snapshot events dropped, right after their "
	  "sequence gap", t_loss_agent, 30 },
	KT_TESTS_END
};
