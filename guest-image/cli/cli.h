/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - the command line for kdbus: shared declarations.
 *
 * One file per concept: main.c (dispatch, options), conn.c (HELLO, pool,
 * items, send/receive), names.c (own), list.c (ls, list, status), make.c
 * (bus/endpoint/domain), call.c (call, emit, bloom), serve.c, monitor.c,
 * activate.c, policy.c, meta-flags.c (attach flags, metadata items),
 * errors.c (errno names and their kdbus meanings), message.c (D-Bus
 * messages over kdbus), dbus-wire.c (D-Bus wire format).
 */
#ifndef KDBUS_CLI_H
#define KDBUS_CLI_H

#include <linux/kdbus.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dbus-wire.h"

#define PROG		"kdbus"
#define DEFAULT_ROOT	"/sys/fs/kdbus"
#define POOL_SIZE	(4u * 1024 * 1024)

/* Exit codes: 1 = the operation failed, 2 = bad usage. */
#define EXIT_USAGE	2

/* ---- main.c: options ---- */

/* Options shared by the commands; each command picks what it accepts. */
struct opts {
	const char *root;	/* kdbusfs mount (domain) */
	const char *bus;	/* bus name, bus/endpoint, or endpoint path */
	uint64_t send_meta, recv_meta;
	const char *description;
	int help;
};

struct opt {
	const char *name;	/* "--queue" */
	const char **value;	/* non-NULL: the option takes a value */
	int *flag;		/* set to 1 when present */
	const char ***list;	/* repeatable value, NULL-terminated array */
};

extern struct opts g;

/*
 * Parses argv (after the command words): the command's own options, the
 * common ones (--root, --bus, --send-meta, --recv-meta, --description,
 * --help) when `common` allows them, and positional words, which are
 * moved to the front of argv; returns their count. `--` ends options.
 * Bad usage prints the command's usage and exits 2.
 */
#define COMMON_ROOT	1	/* --root */
#define COMMON_CONN	2	/* --bus, --send-meta, --recv-meta, --description */
int parse_opts(int argc, char **argv, const struct opt *own, int common, const char *usage);
void usage_exit(const char *usage, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void maybe_help(const char *usage);

/* ---- errors.c ---- */

const char *errno_name(int err);
/* What an errno means for a kdbus ioctl (op is the command name). */
const char *kdbus_meaning(const char *op, int err);
/* "kdbus: OP: ENAME: meaning" (+ detail), returns 1 (an exit status). */
int report(const char *op, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void die(const char *op, int err, const char *fmt, ...) __attribute__((noreturn, format(printf, 3, 4)));
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- meta-flags.c ---- */

/* "creds,pids,comm" → mask; -1 and a message on an unknown word. */
int meta_parse(const char *list, uint64_t *mask, char *err, size_t errlen);
/* Mask → "creds,pids" (static buffer). */
const char *meta_format(uint64_t mask);
const char *meta_item_name(uint64_t type);
/* Prints one metadata item "  label: value" (returns 0 if not metadata). */
int meta_print_item(FILE *out, const struct kdbus_item *item, const char *indent);
const char *hello_flags_text(uint64_t flags);
const char *name_flags_text(uint64_t flags);
const char *bus_make_flags_text(uint64_t flags);

/* ---- conn.c ---- */

struct conn {
	int fd;
	uint64_t id;
	const uint8_t *pool;
	uint64_t bus_flags;
	uint8_t id128[16];
	struct kdbus_bloom_parameter bloom;
	uint64_t cookie;	/* last cookie (= D-Bus serial) we used */
	char path[512];		/* endpoint file */
	char unique[32];	/* ":1.<id>" */
};

/* A growable, 8-aligned command buffer made of items. */
struct cmdbuf {
	uint8_t *data;
	size_t len, cap;
};

void cmd_init(struct cmdbuf *c, size_t fixed);	/* zeroed fixed part */
void cmd_item(struct cmdbuf *c, uint64_t type, const void *data, size_t len);
void cmd_item_str(struct cmdbuf *c, uint64_t type, const char *s);
void *cmd_finish(struct cmdbuf *c);	/* sets the leading u64 size */
void cmd_free(struct cmdbuf *c);

/* Endpoint path of a bus argument (NULL: --bus, $KDBUS_BUS or the only bus). */
const char *bus_path(const char *bus, char *buf, size_t len);
/* Bus name prefixed with "<euid>-" unless it has a "<digits>-" prefix. */
const char *prefixed_name(const char *name, char *buf, size_t len);

struct hello_args {
	uint64_t flags;			/* KDBUS_HELLO_* */
	const char *name;		/* activator / policy holder name */
	const struct kdbus_policy_access *policy;
	size_t n_policy;
};

/* HELLO on the bus (g.bus), dies with an explanation on failure. */
void conn_open(struct conn *c, const struct hello_args *args);
void conn_free(const struct conn *c, uint64_t offset);
/* ioctl returning 0 or -errno. */
int conn_ioctl(const struct conn *c, unsigned long request, void *arg);
/* RECV: 0 and *msg, -EAGAIN if nothing, other -errno. */
int conn_recv(const struct conn *c, const struct kdbus_msg **msg, uint64_t *offset,
	      uint64_t *dropped);
/* Waits until the connection is readable or timeout_ms passed (-1: forever). */
int conn_wait(const struct conn *c, int timeout_ms);
int conn_acquire(struct conn *c, const char *name, uint64_t flags, uint64_t *result);
/* Adds a match entry (cookie) with the given items (already framed). */
int conn_match(struct conn *c, uint64_t cookie, const struct cmdbuf *rules);
/* Resolves "N", ":1.N" to an id; 0 if the argument is a name. */
uint64_t parse_id(const char *s);
/* Payload of a received message, contiguous (may be malloc'd: *owned). */
const uint8_t *msg_payload(const struct kdbus_msg *msg, size_t *len, int *owned);
const struct kdbus_item *msg_item(const struct kdbus_msg *msg, uint64_t type);
#define for_each_item(item, first, end) \
	for (item = (first); (const uint8_t *)(item) + KDBUS_ITEM_HEADER_SIZE <= (const uint8_t *)(end) && \
	     (item)->size >= KDBUS_ITEM_HEADER_SIZE && \
	     (const uint8_t *)(item) + (item)->size <= (const uint8_t *)(end); \
	     item = KDBUS_ITEM_NEXT(item))

/* ---- message.c: D-Bus messages over kdbus ---- */

struct bloom {
	uint64_t *data;
	uint64_t size;		/* bytes */
	uint64_t n_hash;
};

void bloom_init(struct bloom *b, const struct conn *c);
void bloom_add(struct bloom *b, const char *prefix, const char *value);
/* Fills the filter for a signal (message-type, interface, member, path, args). */
void bloom_for_signal(struct bloom *b, const char *path, const char *iface, const char *member,
		      const char *sig, const uint8_t *body, size_t body_len);

struct out_msg {
	struct dbus_msg m;		/* the D-Bus message (serial filled in) */
	const char *dest;		/* name or ":1.N" / N; NULL: broadcast */
	uint64_t kflags;		/* KDBUS_MSG_* */
	uint64_t cookie_reply;
	uint64_t timeout_ns;		/* relative; 0 = default 25 s */
	const struct bloom *bloom;	/* broadcast signals */
	int sync;			/* SYNC_REPLY */
};

/* Sends; 0 or -errno. With sync, *reply is the answer (free its offset). */
int msg_send(struct conn *c, struct out_msg *o, const struct kdbus_msg **reply);
/* Parses the D-Bus payload of a kdbus message: 0, or -1 with err. */
int msg_parse(const struct kdbus_msg *msg, struct dbus_msg *m, uint8_t **owned, char *err,
	      size_t errlen);
/* Replies to a received call (method return or error). */
int msg_reply(struct conn *c, const struct kdbus_msg *call, const struct dbus_msg *in,
	      const char *error_name, const char *sig, const uint8_t *body, size_t body_len);
int msg_reply_error(struct conn *c, const struct kdbus_msg *call, const struct dbus_msg *in,
		    const char *error_name, const char *text);

/* ---- commands ---- */

int cmd_ls(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_bus(int argc, char **argv);
int cmd_endpoint(int argc, char **argv);
int cmd_domain(int argc, char **argv);
int cmd_hello(int argc, char **argv);
int cmd_own(int argc, char **argv);
int cmd_call(int argc, char **argv);
int cmd_emit(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_activate(int argc, char **argv);
int cmd_policy(int argc, char **argv);

/* policy.c: "talk:world", "own:user:1000", "see:group:100" */
int policy_parse(const char *rule, struct kdbus_policy_access *out, char *err, size_t errlen);
const char *policy_text(const struct kdbus_policy_access *a);

/* monitor.c: prints one received message (also used by `own`, `activate`). */
void print_message(FILE *out, const struct kdbus_msg *msg);

#endif
