/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus-agent: watches every kdbus bus of the guest and streams bus state
 * and traffic to the host over the trace side channel, in the format of
 * docs/trace-protocol.md (the contract with the host decoder, src/trace/).
 *
 * One thread, one epoll loop (main.c). The pieces:
 *   out.c       frames: fields, CRC-32, the 1 MiB output ring, drop counting
 *   discover.c  kdbusfs mounts (mountinfo), buses and endpoints (inotify)
 *   bus.c       a monitor connection per bus: snapshot, LIST, CONN_INFO, RECV
 *   msg.c       a received message rewritten with its payload inlined
 */
#ifndef KDBUS_AGENT_H
#define KDBUS_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/kdbus.h>

#define AGENT_TEXT		"kdbus-agent 1 (trace protocol 1)"

/* i386 aligns u64 to 4 in structs; the kdbus ABI wants 8 */
#define __aligned(n)		__attribute__((aligned(n)))
#define ALIGNED8		__aligned(8)
#define ALIGN8(x)		(((x) + 7) & ~(size_t)7)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Event types (docs/trace-protocol.md, "Events") */
enum {
	EV_AGENT_START = 1,
	EV_DOMAIN_ADD,
	EV_DOMAIN_REMOVE,
	EV_BUS_ADD,
	EV_BUS_REMOVE,
	EV_ENDPOINT_ADD,
	EV_ENDPOINT_REMOVE,
	EV_CONN_ADD,
	EV_CONN_REMOVE,
	EV_NAMES,
	EV_MESSAGE,
	EV_LOSS,
	EV_ERROR,
	EV_SNAPSHOT_BEGIN,
	EV_SNAPSHOT_END,
};

/* Field types ("Bodies: fields") */
enum {
	F_DOMAIN = 0x10001,
	F_BUS,
	F_PATH,
	F_NAME,
	F_STAT,
	F_ID,
	F_KDBUS_MSG,
	F_KDBUS_INFO,
	F_BUS_INFO,
	F_COUNT,
	F_REASON,
	F_TEXT,
	F_FLAGS,
	F_PAYLOAD_INLINE,
};

enum { LOSS_KERNEL = 1, LOSS_AGENT = 2 };

/* CONN_ADD flags */
#define CONN_FOUND_BY_SNAPSHOT	1ULL

/* payload kept per message, over all its parts */
#define MSG_PAYLOAD_BUDGET	(64 * 1024)

/* out.c: one event at a time is built, then queued as one frame */
void out_init(void);
void out_set_fd(int fd, int is_file);
void ev_begin(unsigned int type);
void ev_put(uint64_t type, const void *data, size_t len);
void ev_u64(uint64_t type, uint64_t v);
void ev_str(uint64_t type, const char *s);
void ev_reason(int reason);
void ev_stat(const char *path);
void ev_open(uint64_t type);
void *ev_grow(size_t len);
void *ev_at(size_t off);
size_t ev_open_len(void);
void ev_trim(size_t len);
void ev_close(void);
int ev_end(void);
void ev_error(uint64_t bus_ref, int err, const char *what, const char *detail);
size_t str_join(char *buf, size_t size, const char *a, const char *sep,
		const char *b);
const char *parse_u32(const char *s, uint32_t *v);
int out_flush(void);
size_t out_pending(void);
int out_congested(void);
int out_relaxed(void);
void out_drain(int timeout_ms);

/* discover.c: domains (kdbusfs mounts) and the bus directories in them */
struct domain {
	struct domain *next;
	uint64_t ref;
	dev_t dev;
	ino_t ino;		/* of the root: unique per domain in a boot */
	char *path;		/* mount point */
	char *alt;		/* another mount point of it, while scanning */
	int wd;			/* inotify watch on the root, -1: none */
	int dirty, seen;
	struct bus *buses;
};

int discover_init(void);
void discover_mounts(void);
void discover_inotify(void);
void discover_rescan(void);
void discover_snapshot(void);
void discover_domain_dirty(uint64_t domain_ref);
void discover_pause(int pause);
void discover_reap(void);
void discover_settle(void);
void discover_tick(void);

/* bus.c: one monitor connection per bus */
struct endpoint {
	struct endpoint *next;
	ino_t ino;
	int seen;
	char name[];
};

enum bus_state {
	BUS_WAITING,		/* the directory has no "bus" file yet */
	BUS_LIVE,		/* monitor connected and announced */
	BUS_FAILED,		/* HELLO failed: reported, not retried */
	BUS_GONE,		/* monitor hung up: waiting for the rescan */
};

struct bus {
	struct bus *next;
	uint64_t ref;
	uint64_t domain_ref;
	char *name;		/* directory name, "<uid>-<name>" */
	char *dir;		/* its path */
	ino_t ino;		/* of the directory: tells a bus made again */
	int wd;			/* inotify watch on the directory, -1: none */
	int dirty, seen, dead;
	enum bus_state state;
	int announced;		/* BUS_ADD sent, so BUS_REMOVE is owed */
	int paused;
	int names_dirty;	/* a NAME_* notification came in */
	int fd;			/* the monitor connection, -1: none */
	uint8_t *pool;
	uint64_t bus_flags;
	uint8_t id128[16];
	uint64_t bloom[2];	/* size, n_hash */
	struct endpoint *eps;
	uint8_t *names;		/* the NAMES table last sent */
	size_t names_len;
};

struct bus *bus_new(struct domain *d, const char *name, ino_t ino);
void bus_scan(struct bus *b);
void bus_remove(struct bus *b, int inotify_fd);
void bus_destroy(struct bus *b);
void bus_snapshot(struct bus *b);
void bus_receive(struct bus *b, unsigned int max, int drain);
void bus_hangup(struct bus *b);
void bus_tick(struct bus *b);
void bus_pause(struct bus *b, int pause);
extern int bus_all_paused;

/*
 * msg.c: the KDBUS_MSG field for the message at @msg (@size bytes of
 * slice); msg_close_fds() closes every descriptor it carries
 */
void msg_field(const struct kdbus_msg *msg, size_t size);
void msg_close_fds(const struct kdbus_msg *msg, size_t size);

/* main.c: the event loop's registry */
enum watch_kind { W_MOUNTS = 1, W_INOTIFY, W_TIMER, W_CHANNEL, W_RETRY,
		  W_FLUSH, W_SIGNAL, W_INPUT, W_BUS, W_OUTPUT };
int loop_add(int fd, unsigned int events, enum watch_kind kind, void *ptr);
void loop_mod(int fd, unsigned int events, enum watch_kind kind, void *ptr);
void loop_del(int fd);
void loop_bus_count(int delta);

#endif
