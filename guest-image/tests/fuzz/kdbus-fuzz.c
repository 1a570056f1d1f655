// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus-fuzz - throws random and mutated-valid commands at every kdbus ioctl
 * of every handle type, from several processes at once.
 *
 *   kdbus-fuzz [-n CALLS] [-s SEED] [-p PROCS] [-t SECONDS] [-S STALL] [-r ROOT] [-v] [-X]
 *
 * -X avoids inputs that trigger known, not yet fixed kernel bugs (so that a
 * run can get past them and find the next one).
 *
 * Each worker process runs "episodes": it makes a bus (in the shared domain
 * at ROOT, default /sys/fs/kdbus, or in a private kdbusfs it mounts when it
 * is root), opens endpoint handles, connects some of them (ordinary,
 * activator, policy holder and monitor connections, also on a custom
 * endpoint and on other workers' buses), forks helpers that share every
 * handle, and then all of them issue ioctls on random handles: control,
 * endpoint before HELLO, bus/endpoint owner, connection, shut-down and
 * closed ones. Arguments are valid commands with one thing mutated, random
 * item chains (types, sizes, alignment), random sizes and flags, and bad
 * pointers (NULL, unaligned, unmapped, kernel, read-only, crossing into a
 * guard page, modified concurrently). Meanwhile the episode's owner tears
 * things down: BYEBYE, close of connections and endpoint owners, close of
 * the bus owner, lazy unmount of the private domain.
 *
 * Deterministic per seed (modulo scheduling). Every kernel call is counted;
 * the run ends when CALLS calls were made (all processes together) or after
 * SECONDS, and prints "fuzz: N calls, seed S". If no call returns for STALL
 * seconds (default 30), it prints "fuzz: STALL", asks the kernel (sysrq w, d,
 * t) where every task is and which locks it holds, and stops. Exit status: 0 if at least
 * CALLS calls were made and no worker died, 1 otherwise, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/kdbus.h>

#define MAX_H		24
#define BUF_WORDS	(40 * 1024 / 8)
#define PAGE		4096UL

/* ---- shared state (all processes) ---- */
struct shared {
	uint32_t calls;
	uint32_t stop;
	uint32_t ok;
	uint32_t episodes;
	uint32_t mangled_ok;	/* ioctls with a mangled number that succeeded */
	uint32_t err[134];
};
static struct shared *sh;

/*
 * What each process is doing in the kernel right now, so that a stall can
 * name the call that does not come back (with the command and message).
 */
#define N_SLOTS 128
struct slot {
	int pid;
	int in_call;
	unsigned long nr;
	int fd;
	uint32_t arg;
	uint8_t cmd[256];
	uint8_t msg[256];
};
static struct slot *slots;
static struct slot *my_slot;
static uint32_t target;
static int verbose;
static int avoid_known;	/* -X: stay clear of known kernel bugs (see below) */

/* ---- per-process random numbers: xorshift64* ---- */
static uint64_t rs;
static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ULL;
}
static uint32_t rn(uint32_t n) { return n ? (uint32_t)(rnd() >> 32) % n : 0; }
static int pct(uint32_t p) { return rn(100) < p; }
static void reseed(uint64_t s)
{
	rs = s * 0x9E3779B97F4A7C15ULL + 0x1234567;
	if (!rs)
		rs = 1;
	for (int i = 0; i < 8; i++)
		rnd();
}

static volatile sig_atomic_t ticks;
static void on_alarm(int sig) { (void)sig; ticks++; }

static int stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&sh->calls, __ATOMIC_RELAXED) >= target;
}

/* Every call into the kernel that the fuzzer makes goes through here. */
static long counted(long r)
{
	int e = errno;

	__atomic_add_fetch(&sh->calls, 1, __ATOMIC_RELAXED);
	if (r < 0)
		__atomic_add_fetch(&sh->err[e > 0 && e < 133 ? e : 133], 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&sh->ok, 1, __ATOMIC_RELAXED);
	errno = e;
	return r;
}
static uint64_t msgbuf_addr(void);
static int mincore_ok(const void *arg);
static void claim_slot(void)
{
	my_slot = NULL;
	for (int i = 0; i < N_SLOTS; i++) {
		if (__sync_bool_compare_and_swap(&slots[i].pid, 0, getpid())) {
			my_slot = &slots[i];
			return;
		}
	}
}
static void release_slot(void)
{
	if (my_slot)
		__atomic_store_n(&my_slot->pid, 0, __ATOMIC_RELEASE);
}

static long kio(int fd, unsigned long cmd, void *arg)
{
	long r;

	if (my_slot) {
		my_slot->nr = cmd;
		my_slot->fd = fd;
		my_slot->arg = (uint32_t)(uintptr_t)arg;
		if ((uintptr_t)arg >= 0x1000 && (uintptr_t)arg < 0xC0000000UL && !((uintptr_t)arg & 7) &&
		    mincore_ok(arg))
			memcpy(my_slot->cmd, arg, sizeof(my_slot->cmd));
		else
			memset(my_slot->cmd, 0xee, sizeof(my_slot->cmd));
		memcpy(my_slot->msg, (void *)(uintptr_t)msgbuf_addr(), sizeof(my_slot->msg));
		__atomic_store_n(&my_slot->in_call, 1, __ATOMIC_RELEASE);
	}
	r = counted(ioctl(fd, cmd, arg));
	if (my_slot)
		__atomic_store_n(&my_slot->in_call, 0, __ATOMIC_RELEASE);
	return r;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- memory for bad pointers ---- */
static uint8_t *guard;		/* page RW, then page PROT_NONE */
static uint8_t *ropage;		/* PROT_READ page holding a copy of the command */
static uint8_t *hole;		/* unmapped */
/* hot: a MAP_SHARED page, written by several processes */
static uint64_t cmdbuf[BUF_WORDS], msgbuf[BUF_WORDS], databuf[BUF_WORDS];
static uint8_t *hot;
static int mincore_ok(const void *arg)
{
	const uint8_t *a = arg;

	return (a >= (uint8_t *)cmdbuf && a + 256 <= (uint8_t *)cmdbuf + sizeof(cmdbuf)) ||
	       (hot && a == hot);
}
static uint64_t msgbuf_addr(void) { return (uintptr_t)msgbuf; }
static int memfd_sealed = -1, memfd_open = -1, pipefd[2] = { -1, -1 }, evfd = -1, sockfd = -1;

static void setup_memory(void)
{
	guard = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ropage = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, 4 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED || ropage == MAP_FAILED || hole == MAP_FAILED) {
		perror("kdbus-fuzz: mmap");
		exit(1);
	}
	mprotect(guard + PAGE, PAGE, PROT_NONE);
	munmap(hole, 4 * PAGE);
	for (size_t i = 0; i < BUF_WORDS; i++)
		databuf[i] = 0x0101010101010101ULL * (i & 0xff);
}

/* Descriptors other than kdbus handles that messages carry. */
static void setup_fds(void)
{
	char data[256];

	memset(data, 'm', sizeof(data));
	memfd_sealed = memfd_create("fz-sealed", MFD_ALLOW_SEALING);
	if (memfd_sealed >= 0) {
		if (write(memfd_sealed, data, sizeof(data)) < 0)
			perror("kdbus-fuzz: write memfd");
		fcntl(memfd_sealed, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	}
	memfd_open = memfd_create("fz-open", MFD_ALLOW_SEALING);
	if (memfd_open >= 0 && write(memfd_open, data, sizeof(data)) < 0)
		perror("kdbus-fuzz: write memfd");
	if (pipe(pipefd) < 0)
		pipefd[0] = pipefd[1] = -1;
	evfd = eventfd(0, EFD_NONBLOCK);
	sockfd = socket(AF_UNIX, SOCK_DGRAM, 0);
}

/* ---- handles ---- */
enum kind { H_FREE, H_CONTROL, H_BUSOWNER, H_EP, H_EPOWNER, H_CONN, H_DEAD, H_CLOSED };
static const char *const kind_name[] = { "free", "control", "bus-owner", "endpoint",
	"ep-owner", "conn", "dead", "closed" };

struct handle {
	int fd;
	enum kind kind;
	uint64_t id;
	uint64_t hello_flags;
	uint8_t *pool;
	uint64_t pool_size;
	uint64_t offs[8];	/* slices published to us */
	uint64_t cookies[4];	/* cookies of received calls (for replies) */
	uint64_t srcs[4];
};

struct episode {
	struct handle h[MAX_H];
	int nh;
	char root[96];		/* domain */
	char busdir[200];
	char busname[72];
	char epname[72];
	uint64_t bloom_size;
	uint64_t ids[16];	/* connection IDs seen */
	int nids;
	int private_domain;
	int mounted;
};
static struct episode ep;
static char shared_root[96] = "/sys/fs/kdbus";
static int can_mount;
static unsigned worker_no;
static unsigned long episode_no;

static const char *const wk_names[] = {
	"fz.a", "fz.b", "fz.c.d", "org.fz.X", "fz.a.*", "fz.*", "a.b", "com.example.Name",
	"x", "1.bad", ".bad", "bad.", "fz..b", "org.fz.-ok", "",
};

static void note_id(uint64_t id)
{
	if (!id)
		return;
	ep.ids[ep.nids < 16 ? (uint32_t)ep.nids++ : rn(16)] = id;
}

static struct handle *add_handle(int fd, enum kind k)
{
	struct handle *h;

	if (fd < 0 || ep.nh >= MAX_H)
		return NULL;
	h = &ep.h[ep.nh++];
	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->kind = k;
	return h;
}

static int xopen(const char *path)
{
	return (int)counted(open(path, O_RDWR | O_CLOEXEC));
}

static uint64_t pick_id(void)
{
	switch (rn(10)) {
	case 0: return 0;
	case 1: return KDBUS_DST_ID_BROADCAST;
	case 2: return rnd();
	case 3: return rn(64);
	default: return ep.nids ? ep.ids[rn(ep.nids)] : 1;
	}
}

static const char *pick_name(void)
{
	if (pct(85))
		return wk_names[rn(4)];
	return wk_names[rn(sizeof(wk_names) / sizeof(wk_names[0]))];
}

static uint64_t pick_attach(void)
{
	switch (rn(6)) {
	case 0: return 0;
	case 1: return _KDBUS_ATTACH_ALL;
	case 2: return _KDBUS_ATTACH_ANY;
	case 3: return rnd();
	default: return rnd() & _KDBUS_ATTACH_ALL;
	}
}

/* ---- command building ---- */
struct bld {
	uint8_t *base;
	size_t off;
	size_t cap;
};

static struct kdbus_item *item_raw(struct bld *b, uint64_t type, const void *data, size_t len)
{
	struct kdbus_item *it;

	if (b->off + KDBUS_ITEM_SIZE(len) > b->cap)
		return NULL;
	it = (struct kdbus_item *)(b->base + b->off);
	memset(it, 0, KDBUS_ITEM_SIZE(len));
	it->size = KDBUS_ITEM_HEADER_SIZE + len;
	it->type = type;
	if (data)
		memcpy(it->data, data, len);
	b->off += KDBUS_ITEM_SIZE(len);
	return it;
}
static void item_str(struct bld *b, uint64_t type, const char *s)
{
	item_raw(b, type, s, strlen(s) + 1);
}
static void item_u64(struct bld *b, uint64_t type, uint64_t v)
{
	item_raw(b, type, &v, 8);
}

static const uint64_t item_types[] = {
	0, KDBUS_ITEM_NEGOTIATE, KDBUS_ITEM_PAYLOAD_VEC, KDBUS_ITEM_PAYLOAD_OFF,
	KDBUS_ITEM_PAYLOAD_MEMFD, KDBUS_ITEM_FDS, KDBUS_ITEM_CANCEL_FD,
	KDBUS_ITEM_BLOOM_PARAMETER, KDBUS_ITEM_BLOOM_FILTER, KDBUS_ITEM_BLOOM_MASK,
	KDBUS_ITEM_DST_NAME, KDBUS_ITEM_MAKE_NAME, KDBUS_ITEM_ATTACH_FLAGS_SEND,
	KDBUS_ITEM_ATTACH_FLAGS_RECV, KDBUS_ITEM_ID, KDBUS_ITEM_NAME, KDBUS_ITEM_DST_ID,
	KDBUS_ITEM_TIMESTAMP, KDBUS_ITEM_CREDS, KDBUS_ITEM_PIDS, KDBUS_ITEM_AUXGROUPS,
	KDBUS_ITEM_OWNED_NAME, KDBUS_ITEM_TID_COMM, KDBUS_ITEM_PID_COMM, KDBUS_ITEM_EXE,
	KDBUS_ITEM_CMDLINE, KDBUS_ITEM_CGROUP, KDBUS_ITEM_CAPS, KDBUS_ITEM_SECLABEL,
	KDBUS_ITEM_AUDIT, KDBUS_ITEM_CONN_DESCRIPTION, KDBUS_ITEM_POLICY_ACCESS,
	KDBUS_ITEM_NAME_ADD, KDBUS_ITEM_NAME_REMOVE, KDBUS_ITEM_NAME_CHANGE,
	KDBUS_ITEM_ID_ADD, KDBUS_ITEM_ID_REMOVE, KDBUS_ITEM_REPLY_TIMEOUT,
	KDBUS_ITEM_REPLY_DEAD, 17, 0xfff, 0x100e, 0x2001, 0x7fff, 0x8007,
	KDBUS_ITEM_X_TRACE, KDBUS_ITEM_X_RECEIVERS, KDBUS_ITEM_X_HELLO_REFUSED,
	KDBUS_ITEM_X_ENDPOINT_POLICY, KDBUS_ITEM_X_CONN_MASKS, 0xa005,
};
#define N_ITEM_TYPES (sizeof(item_types) / sizeof(item_types[0]))

static uint64_t bad_addr(void)
{
	switch (rn(9)) {
	case 0: return 0;
	case 1: return (uintptr_t)hole + rn(4 * PAGE);
	case 2: return 0xC0000000ULL + (rnd() & 0x3fffffff);
	case 3: return 0xFFFFF000ULL + rn(PAGE);
	case 4: return (uintptr_t)(guard + PAGE - rn(64));
	case 5: return rnd();
	case 6: return 0x100000000ULL + rn(PAGE);
	case 7: return (uintptr_t)ropage;
	default: return (uintptr_t)databuf + rn(64);
	}
}

/* A random item: known or unknown type, any size, sometimes a plausible payload. */
static void item_random(struct bld *b)
{
	uint64_t type = pct(90) ? item_types[rn(N_ITEM_TYPES)] : rnd();
	size_t len;
	struct kdbus_item *it;
	static const size_t lens[] = { 0, 1, 4, 7, 8, 12, 16, 20, 24, 32, 40, 48, 64, 80, 128 };

	len = pct(85) ? lens[rn(sizeof(lens) / sizeof(lens[0]))] : rn(600);
	it = item_raw(b, type, NULL, len);
	if (!it)
		return;
	switch (rn(6)) {
	case 0:
		for (size_t i = 0; i < len; i++)
			it->data[i] = rnd();
		break;
	case 1: /* string */
		for (size_t i = 0; i + 1 < len; i++)
			it->data[i] = "abc.fz-_0123*"[rn(13)];
		break;
	case 2: /* u64 words: ids, addresses, sizes */
		for (size_t i = 0; i + 8 <= len; i += 8) {
			uint64_t v = pct(50) ? bad_addr() : (pct(50) ? rn(0x10000) : rnd());

			memcpy(it->data + i, &v, 8);
		}
		break;
	case 3: /* fds */
		for (size_t i = 0; i + 4 <= len; i += 4) {
			int fd = pct(70) ? (int)rn(40) - 2 : (int)rnd();

			memcpy(it->data + i, &fd, 4);
		}
		break;
	default:
		break;
	}
	if (pct(8)) /* header lies about the size */
		it->size = pct(50) ? rn(16) : (pct(50) ? it->size + 1 + rn(64) : rnd());
}

/* ---- per-command valid builders ---- */
static void make_name_item(struct bld *b, const char *suffix)
{
	char name[96];

	snprintf(name, sizeof(name), "%u-%s", (unsigned)geteuid(), suffix);
	if (pct(5))
		snprintf(name, sizeof(name), "%s", pct(50) ? suffix : "0-");
	if (pct(3)) {
		memset(name, 'n', 90);
		name[rn(90)] = 0;
	}
	item_str(b, KDBUS_ITEM_MAKE_NAME, name);
}

static void policy_items(struct bld *b, int names)
{
	int n = rn(4);

	for (int i = 0; i < n; i++) {
		if (names && (i == 0 || pct(40)))
			item_str(b, KDBUS_ITEM_NAME, pick_name());
		struct kdbus_policy_access pa = {
			.type = pct(90) ? 1 + rn(3) : rn(8),
			.access = pct(90) ? rn(3) : rnd(),
			.id = pct(70) ? rn(2) * 1000 : rnd(),
		};
		item_raw(b, KDBUS_ITEM_POLICY_ACCESS, &pa, sizeof(pa));
	}
}

static void build_bus_make(struct bld *b, struct kdbus_cmd *c)
{
	struct kdbus_bloom_parameter bp = { .size = 8 * (1 + rn(8)), .n_hash = 1 + rn(4) };
	char sfx[48];

	c->flags = rn(4);
	if (pct(5))
		bp.size = rn(5000);
	if (pct(3))
		bp.n_hash = 0;
	snprintf(sfx, sizeof(sfx), "fz%ux%lu-%u", worker_no, episode_no, rn(1000));
	make_name_item(b, sfx);
	item_raw(b, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
	if (pct(50))
		item_u64(b, KDBUS_ITEM_ATTACH_FLAGS_SEND, pick_attach());
	if (pct(20))
		item_u64(b, KDBUS_ITEM_ATTACH_FLAGS_RECV, pct(80) ? 0 : pick_attach());
}

static void negotiate_item(struct bld *b)
{
	uint64_t types[6];

	for (int i = 0; i < 6; i++)
		types[i] = item_types[rn(N_ITEM_TYPES)];
	item_raw(b, KDBUS_ITEM_NEGOTIATE, types, 8 * (1 + rn(6)));
}

static void build_hello(struct bld *b, struct kdbus_cmd_hello *hp)
{
	int role = rn(10);

	hp->flags = pct(60) ? KDBUS_HELLO_ACCEPT_FD : 0;
	hp->attach_flags_send = pct(80) ? _KDBUS_ATTACH_ANY : pick_attach();
	hp->attach_flags_recv = pct(70) ? (rnd() & _KDBUS_ATTACH_ALL) : pick_attach();
	hp->pool_size = PAGE * (4 + rn(13));
	if (pct(4))
		hp->pool_size = pct(50) ? rnd() : PAGE * rn(3) + rn(2);
	if (role == 0) {
		hp->flags |= KDBUS_HELLO_ACTIVATOR;
		item_str(b, KDBUS_ITEM_NAME, pick_name());
		policy_items(b, 0);
	} else if (role == 1) {
		hp->flags |= KDBUS_HELLO_POLICY_HOLDER;
		item_str(b, KDBUS_ITEM_NAME, pick_name());
		policy_items(b, 0);
	} else if (role == 2) {
		hp->flags |= KDBUS_HELLO_MONITOR;
		/* the trace extension: mostly all of it, as the agent asks */
		if (pct(70))
			item_u64(b, KDBUS_ITEM_X_TRACE,
				 pct(80) ? _KDBUS_X_TRACE_ALL : rnd() & 0x1f);
	} else if (pct(2)) {
		item_u64(b, KDBUS_ITEM_X_TRACE, _KDBUS_X_TRACE_ALL);	/* EINVAL */
	}
	if (pct(30)) {
		char d[40];

		snprintf(d, sizeof(d), "fz-w%u.%lu", worker_no, episode_no);
		item_str(b, KDBUS_ITEM_CONN_DESCRIPTION, d);
	}
	if (pct(10)) {
		struct kdbus_creds cr = { 0, 0, 0, 0, 0, 0, 0, 0 };

		if (pct(50))
			cr.uid = cr.euid = rn(2) * 1000;
		item_raw(b, KDBUS_ITEM_CREDS, &cr, sizeof(cr));
	}
	if (pct(10)) {
		struct kdbus_pids p = { .pid = getpid(), .tid = pct(50) ? (uint64_t)getpid() : rnd(), .ppid = 1 };

		item_raw(b, KDBUS_ITEM_PIDS, &p, sizeof(p));
	}
	if (pct(5))
		item_str(b, KDBUS_ITEM_SECLABEL, "fz_label");
}

static void build_match(struct bld *b)
{
	int n = pct(40) ? 0 : 1 + rn(3);

	for (int i = 0; i < n; i++) {
		switch (rn(7)) {
		case 0: {
			size_t len = ep.bloom_size * (pct(80) ? 1 + rn(3) : 0);

			if (pct(10))
				len = rn(80);
			item_raw(b, KDBUS_ITEM_BLOOM_MASK, databuf, len);
			break;
		}
		case 1: item_str(b, KDBUS_ITEM_NAME, pick_name()); break;
		case 2: item_u64(b, KDBUS_ITEM_ID, pct(50) ? KDBUS_MATCH_ID_ANY : pick_id()); break;
		case 3: item_u64(b, KDBUS_ITEM_DST_ID, pct(50) ? KDBUS_MATCH_ID_ANY : pick_id()); break;
		case 4: {
			struct { struct kdbus_notify_name_change nc; char n[24]; } nc;

			memset(&nc, 0, sizeof(nc));
			nc.nc.old_id.id = pct(50) ? KDBUS_MATCH_ID_ANY : pick_id();
			nc.nc.new_id.id = pct(50) ? KDBUS_MATCH_ID_ANY : pick_id();
			strcpy(nc.nc.name, pick_name());
			item_raw(b, KDBUS_ITEM_NAME_ADD + rn(3), &nc,
				 pct(50) ? 32 : 32 + strlen(nc.nc.name) + 1);
			break;
		}
		default: {
			struct kdbus_notify_id_change ic = {
				.id = pct(50) ? KDBUS_MATCH_ID_ANY : pick_id(), .flags = rnd() };

			item_raw(b, KDBUS_ITEM_ID_ADD + rn(2), &ic, sizeof(ic));
			break;
		}
		}
	}
}

/* A message in msgbuf; returns its size. */
static size_t build_msg(struct handle *h, int *sync)
{
	struct kdbus_msg *m = (struct kdbus_msg *)msgbuf;
	struct bld b = { (uint8_t *)msgbuf, sizeof(*m), sizeof(msgbuf) };
	int kind = rn(10);

	memset(m, 0, sizeof(*m));
	m->payload_type = pct(97) ? KDBUS_PAYLOAD_DBUS : rnd() & 1;
	m->cookie = rnd() & 0xffff;
	m->priority = (int64_t)rn(200) - 100;
	m->dst_id = pick_id();
	if (pct(10))
		m->src_id = pct(50) ? h->id : rnd();
	if (m->dst_id == 0 || pct(20))
		item_str(&b, KDBUS_ITEM_DST_NAME, pick_name());
	*sync = 0;
	if (kind < 3) { /* signal / broadcast */
		struct { uint64_t gen; uint64_t d[512]; } bf;

		m->flags = KDBUS_MSG_SIGNAL;
		if (pct(60))
			m->dst_id = KDBUS_DST_ID_BROADCAST;
		memset(&bf, 0, sizeof(bf));
		bf.gen = rn(3);
		for (int i = 0; i < 4; i++)
			bf.d[i] = rnd();
		item_raw(&b, KDBUS_ITEM_BLOOM_FILTER, &bf,
			 8 + (pct(90) ? ep.bloom_size : rn(80)));
	} else if (kind < 6) { /* call */
		m->flags = KDBUS_MSG_EXPECT_REPLY;
		m->timeout_ns = now_ns() + 1000000ULL * (1 + rn(80));
		if (pct(5))
			m->timeout_ns = pct(50) ? 1 : ~0ULL;
		*sync = pct(35);
	} else if (kind < 8 && h->cookies[0]) { /* reply */
		int i = rn(4);

		m->cookie_reply = h->cookies[i] ? h->cookies[i] : h->cookies[0];
		if (h->srcs[i])
			m->dst_id = h->srcs[i];
	}
	if (pct(10))
		m->flags |= KDBUS_MSG_NO_AUTO_START;
	/* payload */
	for (int n = rn(4); n > 0; n--) {
		struct kdbus_vec v = { .size = 1 + rn(pct(90) ? 256 : 8192), .address = (uintptr_t)databuf };

		if (pct(10))
			v.address = pct(30) ? 0 : bad_addr();
		/*
		 * Known bug (-X avoids it): a vector that is readable at its start
		 * but runs into an unreadable page, followed by another vector,
		 * makes SEND loop forever in the kernel with the bus lock held.
		 */
		if (avoid_known && v.address >= (uintptr_t)guard && v.address < (uintptr_t)guard + 2 * PAGE)
			v.address = (uintptr_t)databuf;
		if (pct(3))
			v.size = pct(50) ? 0 : rnd();
		item_raw(&b, KDBUS_ITEM_PAYLOAD_VEC, &v, sizeof(v));
	}
	if (pct(15)) {
		struct kdbus_memfd mf = { .start = rn(64), .size = 1 + rn(128),
			.fd = pct(80) ? memfd_sealed : (pct(50) ? memfd_open : (int)rn(30) - 1) };

		if (pct(5))
			mf.size = rnd();
		item_raw(&b, KDBUS_ITEM_PAYLOAD_MEMFD, &mf, sizeof(mf));
	}
	if (pct(20)) {
		int fds[20], n = pct(90) ? rn(5) : rn(20);

		for (int i = 0; i < n; i++) {
			switch (rn(8)) {
			case 0: fds[i] = ep.nh ? ep.h[rn(ep.nh)].fd : 0; break; /* a kdbus handle */
			case 1: fds[i] = sockfd; break;
			case 2: fds[i] = (int)rn(40) - 1; break;
			case 3: fds[i] = memfd_sealed; break;
			case 4: fds[i] = evfd; break;
			default: fds[i] = pipefd[rn(2)]; break;
			}
		}
		item_raw(&b, KDBUS_ITEM_FDS, fds, 4 * n);
	}
	if (pct(3))
		item_random(&b);
	m->size = b.off;
	return b.off;
}

static void build_send(struct bld *b, struct kdbus_cmd_send *cs, struct handle *h)
{
	int sync;
	size_t msize = build_msg(h, &sync);
	struct kdbus_msg *m = (struct kdbus_msg *)msgbuf;

	cs->msg_address = (uintptr_t)msgbuf;
	if (sync)
		cs->flags |= KDBUS_SEND_SYNC_REPLY;
	if (pct(10)) {
		int cfd = pct(70) ? evfd : (pct(50) ? pipefd[0] : (int)rn(30) - 1);

		item_raw(b, KDBUS_ITEM_CANCEL_FD, &cfd, sizeof(cfd));
	}
	/* one mutation of the message itself */
	if (pct(15)) {
		switch (rn(8)) {
		case 0: m->size = pct(50) ? rn(80) : msize + 8 * rn(10); break;
		case 1: m->flags = rnd(); break;
		case 2: m->flags |= KDBUS_FLAG_NEGOTIATE; break;
		case 3: m->timeout_ns = rnd(); break;
		case 4: cs->msg_address = bad_addr(); break;
		case 5: cs->msg_address = (uintptr_t)msgbuf + 1 + rn(7); break;
		case 6: ((uint8_t *)msgbuf)[rn(msize)] ^= 1 << rn(8); break;
		default: m->dst_id = rnd(); break;
		}
	}
}

/* ---- ioctl table ---- */
struct cmdinfo {
	unsigned long nr;
	size_t fixed;
	const char *name;
};
static const struct cmdinfo cmds[] = {
	{ KDBUS_CMD_BUS_MAKE, sizeof(struct kdbus_cmd), "BUS_MAKE" },
	{ KDBUS_CMD_ENDPOINT_MAKE, sizeof(struct kdbus_cmd), "ENDPOINT_MAKE" },
	{ KDBUS_CMD_ENDPOINT_UPDATE, sizeof(struct kdbus_cmd), "ENDPOINT_UPDATE" },
	{ KDBUS_CMD_HELLO, sizeof(struct kdbus_cmd_hello), "HELLO" },
	{ KDBUS_CMD_UPDATE, sizeof(struct kdbus_cmd), "UPDATE" },
	{ KDBUS_CMD_BYEBYE, sizeof(struct kdbus_cmd), "BYEBYE" },
	{ KDBUS_CMD_FREE, sizeof(struct kdbus_cmd_free), "FREE" },
	{ KDBUS_CMD_CONN_INFO, sizeof(struct kdbus_cmd_info), "CONN_INFO" },
	{ KDBUS_CMD_BUS_CREATOR_INFO, sizeof(struct kdbus_cmd_info), "BUS_CREATOR_INFO" },
	{ KDBUS_CMD_LIST, sizeof(struct kdbus_cmd_list), "LIST" },
	{ KDBUS_CMD_SEND, sizeof(struct kdbus_cmd_send), "SEND" },
	{ KDBUS_CMD_RECV, sizeof(struct kdbus_cmd_recv), "RECV" },
	{ KDBUS_CMD_NAME_ACQUIRE, sizeof(struct kdbus_cmd), "NAME_ACQUIRE" },
	{ KDBUS_CMD_NAME_RELEASE, sizeof(struct kdbus_cmd), "NAME_RELEASE" },
	{ KDBUS_CMD_MATCH_ADD, sizeof(struct kdbus_cmd_match), "MATCH_ADD" },
	{ KDBUS_CMD_MATCH_REMOVE, sizeof(struct kdbus_cmd_match), "MATCH_REMOVE" },
};
#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))
enum { C_BUS_MAKE, C_EP_MAKE, C_EP_UPDATE, C_HELLO, C_UPDATE, C_BYEBYE, C_FREE, C_CONN_INFO,
	C_CREATOR_INFO, C_LIST, C_SEND, C_RECV, C_NAME_ACQUIRE, C_NAME_RELEASE, C_MATCH_ADD,
	C_MATCH_REMOVE };

static void pool_map(struct handle *h)
{
	void *p;

	if (h->pool_size == 0 || h->pool_size > (1 << 20))
		return;
	p = (void *)counted((long)mmap(NULL, h->pool_size, PROT_READ, MAP_SHARED, h->fd, 0));
	h->pool = p == MAP_FAILED ? NULL : p;
}

static void add_off(struct handle *h, uint64_t off)
{
	h->offs[rn(8)] = off;
}

/*
 * Look at a message the kernel put into our pool: remember calls to answer,
 * close descriptors it installed. Only trusted as far as the pool reaches.
 */
static void inspect_msg(struct handle *h, uint64_t off, uint64_t size)
{
	const struct kdbus_msg *m;
	uint64_t pos;

	if (!h->pool || off >= h->pool_size || size < sizeof(*m) || size > h->pool_size - off ||
	    (off & 7))
		return;
	m = (const struct kdbus_msg *)(h->pool + off);
	if (m->size > size || m->size < sizeof(*m))
		return;
	note_id(m->src_id);
	if (m->flags & KDBUS_MSG_EXPECT_REPLY) {
		int i = rn(4);

		h->cookies[i] = m->cookie;
		h->srcs[i] = m->src_id;
	}
	for (pos = sizeof(*m); pos + KDBUS_ITEM_HEADER_SIZE <= m->size;) {
		const struct kdbus_item *it = (const void *)((const uint8_t *)m + pos);

		if (it->size < KDBUS_ITEM_HEADER_SIZE || it->size > m->size - pos)
			break;
		if (it->type == KDBUS_ITEM_FDS) {
			for (uint64_t i = 0; i < (it->size - 16) / 4; i++)
				if (it->fds[i] > 2)
					close(it->fds[i]);
		} else if (it->type == KDBUS_ITEM_PAYLOAD_MEMFD && it->memfd.fd > 2) {
			close(it->memfd.fd);
		}
		pos += KDBUS_ALIGN8(it->size);
	}
}

/* Fill cmdbuf with a valid command for @c (as far as the fuzzer knows it). */
static size_t build_cmd(int c, struct handle *h)
{
	struct kdbus_cmd *cmd = (struct kdbus_cmd *)cmdbuf;
	struct bld b = { (uint8_t *)cmdbuf, cmds[c].fixed, sizeof(cmdbuf) };

	memset(cmdbuf, 0, 512);
	switch (c) {
	case C_BUS_MAKE:
		build_bus_make(&b, cmd);
		break;
	case C_EP_MAKE: {
		char sfx[40];

		cmd->flags = rn(4);
		snprintf(sfx, sizeof(sfx), "ep%u.%u", worker_no, rn(50));
		make_name_item(&b, sfx);
		break;
	}
	case C_EP_UPDATE:
		policy_items(&b, 1);
		break;
	case C_HELLO:
		build_hello(&b, (struct kdbus_cmd_hello *)cmdbuf);
		break;
	case C_UPDATE:
		if (pct(50))
			item_u64(&b, KDBUS_ITEM_ATTACH_FLAGS_SEND, pick_attach());
		if (pct(50))
			item_u64(&b, KDBUS_ITEM_ATTACH_FLAGS_RECV, pick_attach());
		if (pct(30))
			policy_items(&b, 1);
		break;
	case C_BYEBYE:
		break;
	case C_FREE: {
		struct kdbus_cmd_free *f = (void *)cmdbuf;

		f->offset = pct(85) ? h->offs[rn(8)] : (pct(50) ? h->pool_size : rnd());
		break;
	}
	case C_CONN_INFO:
	case C_CREATOR_INFO: {
		struct kdbus_cmd_info *ci = (void *)cmdbuf;

		ci->id = pick_id();
		ci->attach_flags = pick_attach();
		if (c == C_CONN_INFO && (ci->id == 0 || pct(20)))
			item_str(&b, KDBUS_ITEM_NAME, pick_name());
		break;
	}
	case C_LIST:
		cmd->flags = pct(90) ? rn(16) : rnd();
		break;
	case C_SEND:
		build_send(&b, (struct kdbus_cmd_send *)cmdbuf, h);
		break;
	case C_RECV: {
		struct kdbus_cmd_recv *r = (void *)cmdbuf;

		r->flags = pct(50) ? 0 : rn(8);
		r->priority = (int64_t)rn(200) - 100;
		break;
	}
	case C_NAME_ACQUIRE:
		cmd->flags = rn(8);
		item_str(&b, KDBUS_ITEM_NAME, pick_name());
		break;
	case C_NAME_RELEASE:
		item_str(&b, KDBUS_ITEM_NAME, pick_name());
		break;
	case C_MATCH_ADD: {
		struct kdbus_cmd_match *mc = (void *)cmdbuf;

		mc->flags = pct(20);
		mc->cookie = rn(8);
		build_match(&b);
		break;
	}
	case C_MATCH_REMOVE:
		((struct kdbus_cmd_match *)cmdbuf)->cookie = rn(10);
		break;
	}
	if (pct(4))
		negotiate_item(&b);
	if (pct(3))
		cmd->flags |= KDBUS_FLAG_NEGOTIATE;
	cmd->size = b.off;
	return b.off;
}

/* One mutation of a built command (or a wholly random one). */
static size_t mutate_cmd(size_t size, size_t fixed)
{
	struct kdbus_cmd *cmd = (struct kdbus_cmd *)cmdbuf;
	uint8_t *p = (uint8_t *)cmdbuf;
	struct bld b = { p, size, sizeof(cmdbuf) };

	switch (rn(10)) {
	case 0: /* size field */
		switch (rn(6)) {
		case 0: cmd->size = rn(fixed + 1); break;
		case 1: cmd->size = size + 1 + rn(64); break;
		case 2: cmd->size = size - 1 - rn(8 < size ? 8 : size); break;
		case 3: cmd->size = 32768 + rn(3) - 1; break;
		case 4: cmd->size = rnd(); break;
		default: cmd->size = (size & ~7UL) + rn(8); break;
		}
		break;
	case 1: /* flags */
		cmd->flags = pct(50) ? 1ULL << rn(64) : rnd();
		break;
	case 2: /* a bit of the buffer */
		p[rn(size)] ^= 1 << rn(8);
		break;
	case 3: /* a random word */
		if (size >= 8)
			cmdbuf[rn(size / 8)] = pct(50) ? rnd() : bad_addr();
		break;
	case 4: { /* an item header */
		size_t pos = fixed;

		while (pos + 16 <= size && pct(60)) {
			uint64_t isz = ((struct kdbus_item *)(p + pos))->size;

			if (isz < 16 || isz > size - pos)
				break;
			pos += KDBUS_ALIGN8(isz);
		}
		if (pos + 16 <= size) {
			struct kdbus_item *it = (struct kdbus_item *)(p + pos);

			if (pct(50))
				it->size = pct(50) ? rn(40) : it->size + (int)rn(17) - 8;
			else
				it->type = pct(80) ? item_types[rn(N_ITEM_TYPES)] : rnd();
		}
		break;
	}
	case 5: /* random items appended */
	case 6:
		for (int n = 1 + rn(4); n > 0; n--)
			item_random(&b);
		if (pct(20))
			b.off -= rn(8);
		cmd->size = b.off;
		size = b.off;
		break;
	case 7: /* garbage after the fixed part */
		size = fixed + rn(256);
		for (size_t i = fixed; i < size; i++)
			p[i] = pct(50) ? 0 : rnd();
		cmd->size = size;
		break;
	case 8: /* no items at all */
		cmd->size = fixed;
		break;
	default: /* items only random */
		b.off = fixed;
		for (int n = rn(6); n > 0; n--)
			item_random(&b);
		cmd->size = b.off;
		size = b.off;
		break;
	}
	return size;
}

static void *last_arg;

static long issue(struct handle *h, unsigned long nr, size_t size)
{
	void *arg = cmdbuf;
	long r;

	if (pct(6)) {
		switch (rn(8)) {
		case 0: arg = NULL; break;
		case 1: arg = (uint8_t *)cmdbuf + 1 + rn(7); break;
		case 2: arg = hole + rn(PAGE); break;
		case 3: arg = (void *)(uintptr_t)(0xC0000000UL + (rn(0x3fffffff) & ~7U)); break;
		case 4: /* the command ends at a guard page */
			if (size <= PAGE) {
				uint8_t *q = guard + PAGE - (size & ~7UL) - 8 * rn(2);

				if (q >= guard) {
					memmove(q, cmdbuf, PAGE - (q - guard) < size ? PAGE - (q - guard) : size);
					arg = q;
				}
			}
			break;
		case 5: /* read-only: copy-in works, write-back faults */
			mprotect(ropage, PAGE, PROT_READ | PROT_WRITE);
			memcpy(ropage, cmdbuf, size < PAGE ? size : PAGE);
			mprotect(ropage, PAGE, PROT_READ);
			arg = ropage;
			break;
		case 6: /* shared page that other processes scribble on */
			if (hot) {
				memcpy(hot, cmdbuf, size < PAGE ? size : PAGE);
				arg = hot;
			}
			break;
		default: /* size field changes under the kernel's feet */
			if (hot) {
				memcpy(hot, cmdbuf, size < PAGE ? size : PAGE);
				((uint64_t *)hot)[0] = size + 8 * rn(3);
				arg = hot;
			}
			break;
		}
	}
	last_arg = arg;
	if (pct(3)) { /* wrong direction/size bits, right magic and number */
		unsigned long bad = (nr & 0xffff) | ((unsigned long)rn(4) << 30) |
				    ((unsigned long)rn(0x3fff) << 16);

		if (bad != nr) {
			last_arg = NULL;
			r = kio(h->fd, bad, arg);
			if (r == 0 && h->kind != H_CLOSED && __atomic_add_fetch(&sh->mangled_ok, 1, __ATOMIC_RELAXED) <= 3)
				fprintf(stderr, "fuzz: note: ioctl 0x%lx (number of 0x%lx with other "
					"size/direction bits) succeeded on a %s handle\n", bad, nr,
					kind_name[h->kind]);
			return r;
		}
	}
	return kio(h->fd, nr, arg);
}

static struct handle *pick_handle(void)
{
	static struct handle fake;

	if (!ep.nh || pct(2)) {
		memset(&fake, 0, sizeof(fake));
		fake.fd = pct(50) ? -1 : 3 + (int)rn(61); /* never stdio */
		fake.kind = H_CLOSED;
		return &fake;
	}
	return &ep.h[rn(ep.nh)];
}

static int pick_cmd(struct handle *h)
{
	static const int conn_cmds[] = { C_SEND, C_SEND, C_SEND, C_SEND, C_RECV, C_RECV, C_RECV,
		C_FREE, C_FREE, C_MATCH_ADD, C_MATCH_ADD, C_NAME_ACQUIRE, C_NAME_ACQUIRE,
		C_NAME_RELEASE, C_CONN_INFO, C_CREATOR_INFO, C_LIST, C_UPDATE, C_MATCH_REMOVE,
		C_BYEBYE };

	if (pct(15))
		return rn(N_CMDS);
	switch (h->kind) {
	case H_CONTROL: return C_BUS_MAKE;
	case H_EP: return pct(70) ? C_HELLO : C_EP_MAKE;
	case H_EPOWNER: return C_EP_UPDATE;
	case H_CONN:
	case H_DEAD: return conn_cmds[rn(sizeof(conn_cmds) / sizeof(conn_cmds[0]))];
	default: return rn(N_CMDS);
	}
}

/*
 * What a successful command did to the handle. @arg is what the kernel got
 * (only cmdbuf is looked at), @flags the command flags before the call.
 */
static void after_ok(struct handle *h, int c, void *arg, uint64_t flags)
{
	if (flags & KDBUS_FLAG_NEGOTIATE)
		return; /* negotiation only: nothing happened */
	if (c == C_BUS_MAKE && h->kind == H_CONTROL)
		h->kind = H_BUSOWNER;
	else if (c == C_EP_MAKE && h->kind == H_EP)
		h->kind = H_EPOWNER;
	else if (c == C_HELLO && h->kind == H_EP)
		h->kind = H_CONN;
	else if (c == C_BYEBYE && h->kind == H_CONN)
		h->kind = H_DEAD;
	if (arg != cmdbuf)
		return;
	switch (c) {
	case C_HELLO: {
		struct kdbus_cmd_hello *hp = (void *)cmdbuf;

		if (h->kind != H_CONN || h->pool)
			break;
		h->id = hp->id;
		h->hello_flags = hp->flags;
		h->pool_size = hp->pool_size;
		note_id(hp->id);
		add_off(h, hp->offset);
		pool_map(h);
		break;
	}
	case C_RECV: {
		struct kdbus_cmd_recv *r = (void *)cmdbuf;

		if (r->msg.msg_size) {
			add_off(h, r->msg.offset);
			if (!(r->flags & KDBUS_RECV_PEEK))
				inspect_msg(h, r->msg.offset, r->msg.msg_size);
		}
		break;
	}
	case C_SEND: {
		struct kdbus_cmd_send *s = (void *)cmdbuf;

		if (s->reply.msg_size) {
			add_off(h, s->reply.offset);
			inspect_msg(h, s->reply.offset, s->reply.msg_size);
		}
		break;
	}
	case C_CONN_INFO:
	case C_CREATOR_INFO:
		add_off(h, ((struct kdbus_cmd_info *)cmdbuf)->offset);
		break;
	case C_LIST:
		add_off(h, ((struct kdbus_cmd_list *)cmdbuf)->offset);
		break;
	default:
		break;
	}
}

/* Other things a process does with a handle. */
static void side_op(struct handle *h)
{
	switch (rn(5)) {
	case 0: {
		struct pollfd p = { .fd = h->fd, .events = POLLIN | POLLOUT };

		counted(poll(&p, 1, 0));
		break;
	}
	case 1: { /* mmap with odd arguments */
		size_t len = pct(70) ? PAGE * (1 + rn(20)) : rnd() & 0xfffff;
		int prot = pct(70) ? PROT_READ : (int)rn(8);
		int flags = pct(80) ? MAP_SHARED : MAP_PRIVATE;
		void *p = (void *)counted((long)mmap(NULL, len, prot, flags, h->fd,
						     pct(80) ? 0 : PAGE * rn(8)));

		if (p != MAP_FAILED) {
			if (pct(30))
				counted(mprotect(p, len, PROT_READ | PROT_WRITE));
			munmap(p, len);
		}
		break;
	}
	case 2: { /* read what the pool says without trusting it */
		if (h->pool && h->pool_size) {
			uint64_t off = h->offs[rn(8)];

			if (off < h->pool_size)
				inspect_msg(h, off, h->pool_size - off);
		}
		break;
	}
	case 3:
		counted(lseek(h->fd, rnd(), rn(3)));
		break;
	default: { /* reads and writes are not provided */
		char c = 0;

		counted(pct(50) ? read(h->fd, &c, 1) : write(h->fd, &c, 1));
		break;
	}
	}
}

static void fuzz_one(void)
{
	struct handle *h = pick_handle();
	int c = pick_cmd(h);
	size_t size = build_cmd(c, h);
	uint64_t flags;
	long r;

	if (pct(4)) {
		side_op(h);
		return;
	}
	if (pct(45))
		size = mutate_cmd(size, cmds[c].fixed);
	if (pct(1)) {
		/* an unknown ioctl number, on the magic or not */
		kio(h->fd, pct(50) ? _IOWR(KDBUS_IOCTL_MAGIC, rn(256), struct kdbus_cmd) :
			(unsigned long)rnd(), cmdbuf);
		return;
	}
	flags = ((struct kdbus_cmd *)cmdbuf)->flags;
	r = issue(h, cmds[c].nr, size);
	if (r == 0 && last_arg)
		after_ok(h, c, last_arg, flags);
	else if (errno == EINTR && c == C_SEND && pct(50))
		kio(h->fd, cmds[c].nr, cmdbuf); /* resume an interrupted synchronous call */
	if (verbose > 1)
		fprintf(stderr, "[%d] %s on %s fd %d: %ld %s\n", getpid(), cmds[c].name,
			kind_name[h->kind], h->fd, r, r ? strerror(errno) : "");
}

/* ---- episode set-up and teardown ---- */
static int hello(struct handle *h, int plain)
{
	struct kdbus_cmd_hello *hp = (void *)cmdbuf;

	build_cmd(C_HELLO, h);
	if (plain) { /* an ordinary connection, no items */
		hp->size = sizeof(*hp);
		hp->flags &= KDBUS_HELLO_ACCEPT_FD;
		hp->pool_size = PAGE * (4 + rn(13));
	}
	hp->flags &= ~KDBUS_FLAG_NEGOTIATE;
	if (kio(h->fd, KDBUS_CMD_HELLO, cmdbuf) < 0)
		return -1;
	after_ok(h, C_HELLO, cmdbuf, 0);
	return 0;
}

/* Everything-matches entry, so broadcasts and notifications arrive. */
static void match_all(struct handle *h)
{
	struct kdbus_cmd_match m = { .size = sizeof(m), .cookie = 1 };

	kio(h->fd, KDBUS_CMD_MATCH_ADD, &m);
}

static void open_foreign(void)
{
	DIR *d = opendir(ep.root);
	struct dirent *e;
	char path[300], cands[8][80];
	int n = 0;

	if (!d)
		return;
	while ((e = readdir(d)) && n < 8) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "control") || !strcmp(e->d_name, ep.busname))
			continue;
		snprintf(cands[n++], sizeof(cands[0]), "%.79s", e->d_name);
	}
	closedir(d);
	if (!n)
		return;
	snprintf(path, sizeof(path), "%s/%s/bus", ep.root, cands[rn(n)]);
	struct handle *h = add_handle(xopen(path), H_EP);

	if (h && pct(70) && hello(h, 1) == 0)
		match_all(h);
}

static int setup_episode(void)
{
	char path[300];
	struct handle *ctl, *h;
	struct kdbus_cmd *cmd = (struct kdbus_cmd *)cmdbuf;

	memset(&ep, 0, sizeof(ep));
	snprintf(ep.root, sizeof(ep.root), "%s", shared_root);
	if (can_mount && pct(30)) {
		snprintf(path, sizeof(path), "/tmp/kdbus-fuzz-%d", getpid());
		mkdir(path, 0755);
		if (counted(mount("fz", path, "kdbusfs", 0, NULL)) == 0) {
			snprintf(ep.root, sizeof(ep.root), "%.95s", path);
			ep.private_domain = ep.mounted = 1;
		}
	}
	snprintf(path, sizeof(path), "%s/control", ep.root);
	ctl = add_handle(xopen(path), H_CONTROL);
	if (!ctl)
		return -1;
	/* the episode's bus, from a valid BUS_MAKE */
	for (int tries = 0; tries < 20; tries++) {
		struct bld b = { (uint8_t *)cmdbuf, sizeof(*cmd), sizeof(cmdbuf) };
		struct kdbus_bloom_parameter bp = { .size = 8 * (1 + rn(8)), .n_hash = 1 + rn(4) };

		memset(cmdbuf, 0, 256);
		cmd->flags = rn(4);
		snprintf(ep.busname, sizeof(ep.busname), "%u-fz%ux%lu", (unsigned)geteuid(),
			 worker_no, episode_no);
		item_str(&b, KDBUS_ITEM_MAKE_NAME, ep.busname);
		item_raw(&b, KDBUS_ITEM_BLOOM_PARAMETER, &bp, sizeof(bp));
		if (pct(50))
			item_u64(&b, KDBUS_ITEM_ATTACH_FLAGS_SEND, pick_attach() & _KDBUS_ATTACH_ALL);
		cmd->size = b.off;
		if (kio(ctl->fd, KDBUS_CMD_BUS_MAKE, cmdbuf) == 0) {
			ctl->kind = H_BUSOWNER;
			ep.bloom_size = bp.size;
			break;
		}
		if (errno == EEXIST)
			episode_no += 1000;
		else if (errno != EMFILE && errno != EINVAL)
			break;
		if (stopping())
			break;
		usleep(1000);
	}
	if (ctl->kind != H_BUSOWNER) {
		ep.bloom_size = 8;
		return 0; /* fuzz the control handle alone */
	}
	snprintf(ep.busdir, sizeof(ep.busdir), "%s/%s", ep.root, ep.busname);
	snprintf(path, sizeof(path), "%s/bus", ep.busdir);
	for (int n = 2 + rn(5); n > 0; n--) {
		h = add_handle(xopen(path), H_EP);
		if (!h)
			break;
		if (pct(80) && hello(h, pct(70)) == 0 && pct(80))
			match_all(h);
	}
	if (pct(50)) { /* a custom endpoint with a policy, and connections on it */
		h = add_handle(xopen(path), H_EP);
		if (h) {
			struct bld b = { (uint8_t *)cmdbuf, sizeof(*cmd), sizeof(cmdbuf) };

			memset(cmdbuf, 0, 256);
			cmd->flags = rn(4);
			snprintf(ep.epname, sizeof(ep.epname), "%u-ep%lu", (unsigned)geteuid(), episode_no);
			item_str(&b, KDBUS_ITEM_MAKE_NAME, ep.epname);
			cmd->size = b.off;
			if (kio(h->fd, KDBUS_CMD_ENDPOINT_MAKE, cmdbuf) == 0) {
				char epath[300];

				h->kind = H_EPOWNER;
				build_cmd(C_EP_UPDATE, h);
				kio(h->fd, KDBUS_CMD_ENDPOINT_UPDATE, cmdbuf);
				snprintf(epath, sizeof(epath), "%s/%s", ep.busdir, ep.epname);
				for (int n = 1 + rn(2); n > 0; n--) {
					struct handle *c = add_handle(xopen(epath), H_EP);

					if (c && pct(85) && hello(c, 1) == 0)
						match_all(c);
				}
			}
		}
	}
	/* fresh handles of each kind */
	add_handle(xopen(path), H_EP);
	snprintf(path, sizeof(path), "%s/control", ep.root);
	add_handle(xopen(path), H_CONTROL);
	if (pct(30))
		open_foreign();
	return 0;
}

/* The episode owner's disruptive moves while helpers keep going. */
static void disrupt(void)
{
	struct handle *h = &ep.h[rn(ep.nh)];
	struct kdbus_cmd bye = { .size = sizeof(bye) };

	switch (rn(6)) {
	case 0:
	case 1:
		if (h->kind == H_CONN && kio(h->fd, KDBUS_CMD_BYEBYE, &bye) == 0)
			h->kind = H_DEAD;
		break;
	case 2: /* close: the bus, an endpoint owner, a connection ... */
	case 3:
		if (h->kind != H_CLOSED) {
			counted(close(h->fd));
			h->kind = H_CLOSED;
		}
		break;
	case 4:
		for (int i = 0; i < ep.nh; i++)
			if (ep.h[i].kind == H_BUSOWNER || (ep.h[i].kind == H_EPOWNER && pct(50))) {
				counted(close(ep.h[i].fd));
				ep.h[i].kind = H_CLOSED;
			}
		break;
	default:
		if (ep.mounted) {
			counted(umount2(ep.root, MNT_DETACH));
			ep.mounted = 0;
		}
		break;
	}
}

static void close_all_fds(void)
{
	for (int i = 0; i < ep.nh; i++) {
		if (ep.h[i].pool)
			munmap(ep.h[i].pool, ep.h[i].pool_size);
		ep.h[i].pool = NULL;
	}
	/* also whatever RECV installed that we did not see */
	for (int fd = 3; fd < 256; fd++) {
		if (fd == memfd_sealed || fd == memfd_open || fd == pipefd[0] || fd == pipefd[1] ||
		    fd == evfd || fd == sockfd)
			continue;
		close(fd);
	}
}

static void run_ops(unsigned n, int owner)
{
	for (unsigned i = 0; i < n && !stopping(); i++) {
		if (owner && ep.nh && pct(2))
			disrupt();
		else
			fuzz_one();
	}
}

static void episode(void)
{
	pid_t helpers[3];
	int nhelp = 0;
	unsigned ops = 150 + rn(500);

	episode_no++;
	__atomic_add_fetch(&sh->episodes, 1, __ATOMIC_RELAXED);
	setup_episode();
	hot = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (hot == MAP_FAILED)
		hot = NULL;
	for (int n = rn(3); n > 0; n--) {
		uint64_t s = rnd();
		pid_t p = fork();

		if (p == 0) {
			/* interval timers are not inherited: re-arm the 50 ms SIGALRM */
			struct itimerval it = { { 0, 50000 }, { 0, 50000 } };

			setitimer(ITIMER_REAL, &it, NULL);
			reseed(s);
			claim_slot();
			/* let the owner alone hold the bus and endpoint owner handles */
			for (int i = 0; i < ep.nh; i++)
				if ((ep.h[i].kind == H_BUSOWNER || ep.h[i].kind == H_EPOWNER) && pct(80)) {
					close(ep.h[i].fd);
					ep.h[i].kind = H_CLOSED;
				}
			run_ops(ops / 2 + rn(ops), 0);
			release_slot();
			_exit(0);
		}
		if (p > 0)
			helpers[nhelp++] = p;
	}
	run_ops(ops, 1);
	if (pct(50)) /* tear down in a random order while the helpers still run */
		for (int i = 0; i < 4; i++)
			disrupt();
	close_all_fds();
	for (int i = 0; i < nhelp; i++) {
		int st;

		while (waitpid(helpers[i], &st, 0) < 0 && errno == EINTR)
			if (__atomic_load_n(&sh->stop, __ATOMIC_RELAXED))
				kill(helpers[i], SIGKILL);
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) {
			fprintf(stderr, "fuzz: helper %d died of signal %d\n", helpers[i], WTERMSIG(st));
			__atomic_store_n(&sh->stop, 2, __ATOMIC_RELAXED);
		}
	}
	if (hot)
		munmap(hot, PAGE);
	hot = NULL;
	if (ep.private_domain) {
		if (ep.mounted)
			counted(umount2(ep.root, MNT_DETACH));
		rmdir(ep.root);
	}
}

static void worker(unsigned no, uint64_t seed)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } };

	worker_no = no;
	reseed(seed ^ (0x5851F42D4C957F2DULL * (no + 1)));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: blocking calls come back with EINTR */
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	setup_fds();
	claim_slot();
	while (!stopping())
		episode();
	release_slot();
	_exit(0);
}

static void usage(void)
{
	fprintf(stderr, "usage: kdbus-fuzz [-n CALLS] [-s SEED] [-p PROCS] [-t SECONDS] [-S STALL_SECONDS] [-r ROOT] [-v] [-X]\n");
	exit(2);
}

static void hexdump(const char *what, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 32) {
		printf("fuzz:   %s %03zx:", what, i);
		for (size_t j = i; j < i + 32 && j < n; j += 8) {
			uint64_t v;

			memcpy(&v, p + j, 8);
			printf(" %016" PRIx64, v);
		}
		printf("\n");
	}
}

/* The calls that are in the kernel now. */
static void dump_slots(void)
{
	for (int i = 0; i < N_SLOTS; i++) {
		struct slot *sl = &slots[i];
		const char *name = "?";

		if (!sl->pid || !sl->in_call)
			continue;
		for (size_t c = 0; c < N_CMDS; c++)
			if (cmds[c].nr == sl->nr)
				name = cmds[c].name;
		printf("fuzz: pid %d is in ioctl(%d, 0x%lx %s, 0x%x):\n", sl->pid, sl->fd, sl->nr, name,
		       sl->arg);
		hexdump("arg", sl->cmd, sizeof(sl->cmd));
		if (sl->nr == KDBUS_CMD_SEND)
			hexdump("msg", sl->msg, sizeof(sl->msg));
	}
}

static volatile sig_atomic_t deadline;
static void on_deadline(int sig) { (void)sig; deadline = 1; }

int main(int argc, char **argv)
{
	uint64_t seed = 0;
	unsigned procs = 4, secs = 600, stall = 30;
	int opt, seeded = 0, bad = 0;
	pid_t pids[64];
	struct sigaction sa;
	time_t t0 = time(NULL);

	target = 200000;
	while ((opt = getopt(argc, argv, "n:s:p:t:S:r:vXh")) != -1) {
		switch (opt) {
		case 'n': target = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); seeded = 1; break;
		case 'p': procs = strtoul(optarg, NULL, 0); break;
		case 't': secs = strtoul(optarg, NULL, 0); break;
		case 'S': stall = strtoul(optarg, NULL, 0); break;
		case 'r': snprintf(shared_root, sizeof(shared_root), "%s", optarg); break;
		case 'v': verbose++; break;
		case 'X': avoid_known = 1; break;
		default: usage();
		}
	}
	if (optind != argc || procs < 1 || procs > 64 || !target)
		usage();
	if (!seeded)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("fuzz: seed %" PRIu64 ", %u calls, %u processes, %u s at most, domain %s\n",
	       seed, target, procs, secs, shared_root);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	slots = mmap(NULL, N_SLOTS * sizeof(*slots), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || slots == MAP_FAILED) {
		perror("kdbus-fuzz: mmap");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	can_mount = geteuid() == 0;
	setup_memory();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_deadline;
	sigaction(SIGALRM, &sa, NULL);
	for (unsigned i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(i, seed);
		if (pids[i] < 0) {
			perror("kdbus-fuzz: fork");
			procs = i;
			bad = 1;
			break;
		}
	}
	/* Once a second: deadline, stall and stuck-worker checks. */
	struct itimerval tick = { { 1, 0 }, { 1, 0 } };
	uint32_t last_calls = 0;
	time_t last_progress = t0, give_up = 0;

	setitimer(ITIMER_REAL, &tick, NULL);
	for (unsigned left = procs; left;) {
		int st;
		pid_t p = waitpid(-1, &st, 0);

		if (p < 0 && errno == EINTR) {
			time_t now = time(NULL);
			uint32_t calls = __atomic_load_n(&sh->calls, __ATOMIC_RELAXED);

			deadline = 0;
			if (calls != last_calls) {
				last_calls = calls;
				last_progress = now;
			}
			if (give_up && now >= give_up) {
				fprintf(stderr, "fuzz: %u workers do not exit (stuck in the kernel?)\n", left);
				for (unsigned i = 0; i < procs; i++)
					kill(pids[i], SIGKILL);
				bad = 1;
				break;
			}
			if (give_up)
				continue;
			if (now - last_progress >= (time_t)stall) {
				/* nobody returned from the kernel for a while: show where they are */
				int fd = open("/proc/sysrq-trigger", O_WRONLY);

				printf("fuzz: STALL: no call returned for %u s (after %u calls)\n", stall, calls);
				dump_slots();
				if (fd >= 0) {
					if (write(fd, "w", 1) < 0 || write(fd, "d", 1) < 0 || write(fd, "t", 1) < 0)
						perror("kdbus-fuzz: sysrq");
					close(fd);
				}
				bad = 1;
			} else if (now - t0 >= (time_t)secs) {
				fprintf(stderr, "fuzz: deadline of %u s reached with %u calls, stopping\n",
					secs, calls);
			} else {
				continue;
			}
			__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
			give_up = now + 20;
			continue;
		}
		if (p < 0)
			break;
		for (unsigned i = 0; i < procs; i++)
			if (pids[i] == p) {
				left--;
				if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) {
					fprintf(stderr, "fuzz: worker %u died of signal %d\n", i, WTERMSIG(st));
					bad = 1;
				}
			}
	}
	if (sh->stop == 2)
		bad = 1;
	printf("fuzz: errno histogram:");
	for (int e = 0; e < 134; e++)
		if (sh->err[e])
			printf(" %s=%u", e == 133 ? "other" : strerrorname_np(e) ? strerrorname_np(e) : "?",
			       sh->err[e]);
	printf(" ok=%u\n", sh->ok);
	if (sh->mangled_ok)
		printf("fuzz: %u ioctls with a mangled number (size/direction bits) succeeded\n",
		       sh->mangled_ok);
	printf("fuzz: %u episodes, %ld s, %.0f calls/s\n", sh->episodes, (long)(time(NULL) - t0),
	       (double)sh->calls / (time(NULL) - t0 ? time(NULL) - t0 : 1));
	printf("fuzz: %u calls, seed %" PRIu64 "\n", sh->calls, seed);
	if (sh->calls < target) {
		printf("fuzz: FAILED: only %u of %u calls\n", sh->calls, target);
		bad = 1;
	}
	return bad;
}
