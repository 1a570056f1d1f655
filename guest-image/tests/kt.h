/* SPDX-License-Identifier: MIT */
/*
 * kt: shared helpers of the in-guest kdbus test suite (written from the
 * kdbus-playground specification).
 *
 * Conventions: helpers return 0 on success or a positive errno value;
 * checks (KT_*) record a failure with a diagnostic and carry on, KT_REQ*
 * end the current test (each test runs in its own process).
 */
#ifndef KT_H
#define KT_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <linux/kdbus.h>

typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;
typedef uint8_t u8;

#define KT_ALIGN8(x) (((x) + 7) & ~(size_t)7)
#define KT_ROOT "/sys/fs/kdbus"
#define KT_POOL_SIZE (1024 * 1024)
#define KT_BLOOM_SIZE 64
#define KT_MS 1000000ULL

/* ---- test registry ---- */
struct kt_test {
	const char *group;
	const char *desc;
	void (*fn)(void);
	unsigned int timeout_s; /* 0: default */
};

#define KT_TESTS_END { NULL, NULL, NULL, 0 }
extern const struct kt_test kt_tests_ioctl[], kt_tests_fs[], kt_tests_bus[],
	kt_tests_conn[], kt_tests_pool[], kt_tests_msg[], kt_tests_names[],
	kt_tests_match[], kt_tests_limits[], kt_tests_meta[], kt_tests_policy[],
	kt_tests_monitor[], kt_tests_fds[], kt_tests_quota[], kt_tests_agent[], kt_tests_trace[];

/* ---- results (child side) ---- */
extern int kt_failed;
void kt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kt_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
__attribute__((noreturn)) void kt_abort(void);
__attribute__((noreturn)) void kt_skip(const char *reason);
const char *kt_errname(int err);
int kt_check_err(const char *file, int line, const char *expr, int got, int expected);
int kt_check_u64(const char *file, int line, const char *a, u64 va, const char *b, u64 vb);

#define KT_CHECK(cond) \
	((cond) ? 1 : (kt_fail_at(__FILE__, __LINE__, "check failed: %s", #cond), 0))
#define KT_EQ(a, b) kt_check_u64(__FILE__, __LINE__, #a, (u64)(a), #b, (u64)(b))
#define KT_ERR(expr, err) kt_check_err(__FILE__, __LINE__, #expr, (expr), (err))
#define KT_OK(expr) KT_ERR(expr, 0)
#define KT_REQ(cond) do { if (!KT_CHECK(cond)) kt_abort(); } while (0)
#define KT_REQ_OK(expr) do { if (!KT_OK(expr)) kt_abort(); } while (0)
#define KT_REQ_EQ(a, b) do { if (!KT_EQ(a, b)) kt_abort(); } while (0)

/* ---- generic ---- */
int kt_ioctl(int fd, unsigned long req, void *arg);
u64 kt_now_ns(void);
void kt_sleep_ms(unsigned int ms);
int kt_become(uid_t uid, gid_t gid);
pid_t kt_fork(void); /* child: returns 0 (exits via _exit); aborts on error */
int kt_wait_child(pid_t pid); /* exit status, or 128+signal */

/* ---- command buffers ---- */
#define KT_BUF_SIZE 65536
/* i386 aligns u64 to 4 bytes in structs: force the 8-byte alignment the ABI needs */
#define KT_ALIGNED __attribute__((aligned(8)))
struct kt_buf {
	u8 b[KT_BUF_SIZE] KT_ALIGNED;
	size_t len;
} KT_ALIGNED;
void *kt_buf_init(struct kt_buf *kb, size_t fixed_size); /* zeroed; returns buffer */
struct kdbus_item *kt_buf_item(struct kt_buf *kb, u64 type, const void *payload, size_t plen);
struct kdbus_item *kt_buf_str(struct kt_buf *kb, u64 type, const char *s);
struct kdbus_item *kt_buf_u64(struct kt_buf *kb, u64 type, u64 v);
void kt_buf_finish(struct kt_buf *kb); /* sets the size field (u64 at 0) = len */

/* ---- items ---- */
#define KT_FOREACH_ITEM(it, first, bytes) \
	for ((it) = (first); \
	     (u8 *)(it) + 16 <= (u8 *)(first) + (bytes) && (it)->size >= 16; \
	     (it) = KDBUS_ITEM_NEXT(it))
struct kdbus_item *kt_find_item(struct kdbus_item *first, size_t bytes, u64 type);
struct kdbus_item *kt_msg_item(struct kdbus_msg *m, u64 type);
struct kdbus_item *kt_info_item(struct kdbus_info *info, u64 type);

/* ---- buses ---- */
struct kt_bus {
	int fd;
	char name[64];
	char root[128];
	char dir[256];
	char ep[300];
};
int kt_open_control(const char *root);
void kt_bus_name(char *out, size_t n);
/* BUS_MAKE in root (NULL: KT_ROOT) with an auto name; flags as given. */
int kt_bus_make_full(struct kt_bus *b, const char *root, u64 flags, u64 bloom_size,
		     u64 n_hash, const char *name, u64 owner_mask);
int kt_bus_make(struct kt_bus *b); /* world access, bloom 64/1 */
int kt_bus_cmd(int fd, u64 flags, const char *name, u64 bloom_size, u64 n_hash);
void kt_bus_close(struct kt_bus *b);

/* ---- connections ---- */
struct kt_conn {
	int fd;
	u64 id;
	u64 flags;
	u64 bus_flags;
	u64 hello_offset;
	u64 hello_items_size;
	u8 id128[16];
	u8 *pool;
	size_t pool_size;
};
int kt_open_ep(const struct kt_bus *b, const char *ep);
int kt_hello_fd(struct kt_conn *c, int fd, u64 flags, u64 attach_send, u64 attach_recv,
		size_t pool_size, const char *name, const struct kt_buf *extra);
int kt_hello(struct kt_conn *c, const struct kt_bus *b, u64 flags, size_t pool_size);
int kt_conn(struct kt_conn *c, const struct kt_bus *b); /* ordinary, default pool */
int kt_activator(struct kt_conn *c, const struct kt_bus *b, const char *name);
void kt_conn_close(struct kt_conn *c);
int kt_free(const struct kt_conn *c, u64 offset);
int kt_update_attach(const struct kt_conn *c, u64 send, u64 recv);
int kt_byebye(const struct kt_conn *c);

/* ---- messages ---- */
struct kdbus_msg *kt_msg_init(struct kt_buf *kb, u64 dst, u64 flags, u64 cookie, u64 t_or_reply);
void kt_msg_vec(struct kt_buf *kb, const void *data, size_t len);
void kt_msg_bloom(struct kt_buf *kb, u64 generation, const void *data, size_t len);
void kt_msg_fds(struct kt_buf *kb, const int *fds, unsigned int n);
/* SEND; cancel_fd < 0: none; reply may be NULL. Finishes kb first. */
int kt_send_buf(const struct kt_conn *c, struct kt_buf *kb, u64 cmd_flags, int cancel_fd,
		struct kdbus_msg_info *reply);
int kt_send(const struct kt_conn *c, u64 dst, u64 cookie, const char *text);
int kt_send_name(const struct kt_conn *c, const char *name, u64 cookie, const char *text);
int kt_send_call(const struct kt_conn *c, u64 dst, u64 cookie, u64 timeout_ns);
int kt_send_reply(const struct kt_conn *c, u64 dst, u64 cookie_reply, const char *text);
/* SIGNAL message with a bloom filter of the bus size (bits: u64 word 0). */
int kt_send_signal(const struct kt_conn *c, u64 dst, u64 cookie, u64 bloom_word0);
int kt_recv(const struct kt_conn *c, u64 flags, s64 prio, struct kdbus_cmd_recv *r);
int kt_poll_in(const struct kt_conn *c, int ms); /* 1 readable, 0 timeout */
short kt_poll_events(int fd);
/* Waits up to ms for a message and receives it (EAGAIN on timeout). */
int kt_recv_wait(const struct kt_conn *c, int ms, struct kdbus_msg **m);
struct kdbus_msg *kt_pool_msg(const struct kt_conn *c, u64 offset);
u64 kt_msg_offset(const struct kt_conn *c, const struct kdbus_msg *m);
int kt_free_msg(const struct kt_conn *c, struct kdbus_msg *m);
/* Receives until a message whose first item is of `type` (kernel notification)
 * arrives; others are freed and skipped. EAGAIN on timeout. */
int kt_recv_notify(const struct kt_conn *c, u64 type, int ms, struct kdbus_msg **m);
/* Counts queued messages by receiving them all (without waiting). */
int kt_drain(const struct kt_conn *c);
const char *kt_msg_text(const struct kt_conn *c, struct kdbus_msg *m); /* first payload */

/* ---- names / matches / info ---- */
int kt_name_acquire(const struct kt_conn *c, const char *name, u64 flags, u64 *ret_flags);
int kt_name_release(const struct kt_conn *c, const char *name);
int kt_match_add_buf(const struct kt_conn *c, struct kt_buf *kb); /* kb from kt_match_init */
struct kdbus_cmd_match *kt_match_init(struct kt_buf *kb, u64 cookie, u64 flags);
int kt_match_all(const struct kt_conn *c, u64 cookie); /* entry without rules */
int kt_match_remove(const struct kt_conn *c, u64 cookie);
int kt_conn_info(const struct kt_conn *c, u64 id, const char *name, u64 attach,
		 struct kdbus_info **info);
int kt_list(const struct kt_conn *c, u64 flags, u64 *offset, u64 *size);
/* Is `id` listed (UNIQUE) / owner of name (NAMES etc) in the LIST output? */
int kt_list_has(const struct kt_conn *c, u64 flags, u64 id, const char *name, u64 *name_flags);

/* ---- part 2 helpers ---- */
/* ENDPOINT_MAKE on a new default-endpoint handle: the handle, or -errno. */
int kt_ep_make(const struct kt_bus *b, const char *name, u64 flags);
/* ENDPOINT_UPDATE with the given items (NULL: empty policy). */
int kt_ep_update(int ep_fd, const struct kt_buf *items);
void kt_policy_item(struct kt_buf *kb, u64 type, u64 access, u64 id);
/* Opens ep (NULL: the default endpoint) and says HELLO with these masks;
 * frees the HELLO slice (not for policy holders, which cannot FREE). */
int kt_hello_ep(struct kt_conn *c, const struct kt_bus *b, const char *ep, u64 flags,
		u64 send, u64 recv, size_t pool_size, const char *name,
		const struct kt_buf *extra);
/* Policy holder for name with a single rule. */
int kt_policy_holder(struct kt_conn *ph, const struct kt_bus *b, const char *name, u64 type,
		     u64 access, u64 id);
/* Metadata item types in order, as "1,2,5,...,0" (type - 0x1000, hex). */
const char *kt_meta_types(struct kdbus_item *first, size_t bytes);
const char *kt_msg_meta(struct kdbus_msg *m);
const char *kt_info_meta(struct kdbus_info *info);
int kt_write_file(const char *path, const char *s);

#endif
