/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - messages: validation, staging, pool layout (spec 6.1 - 6.4,
 * 6.13, 13 subset).
 */
#ifndef __KDBUS_MESSAGE_H
#define __KDBUS_MESSAGE_H

#include <linux/list.h>
#include <linux/types.h>
#include <uapi/linux/kdbus.h>

#include "limits.h"

struct kdbus_bus;
struct kdbus_conn;
struct kdbus_user;
struct kdbus_queue_entry;
struct kdbus_meta_proc;

/**
 * struct kdbus_staging_vec - a PAYLOAD_VEC of the message
 * @size:	bytes
 * @addr:	user address, NULL for a zero-byte vector
 * @item_off:	offset of the item in the message
 * @memfd:	this is a MEMFD item (only @size mod 8 padding is emitted)
 */
struct kdbus_staging_vec {
	u64 size;
	const void __user *addr;
	size_t item_off;
	bool memfd;
};

/* VEC/MEMFD items a staging object holds without allocating @vecs */
#define KDBUS_STAGING_INLINE_VECS	2

/**
 * struct kdbus_staging - a message ready to be delivered
 * @entry:	entry in bus->notify_list (notifications)
 * @bus:	bus
 * @src:	sender, NULL for kernel notifications (referenced)
 * @user:	accounting user of the sender
 * @msg:	kernel copy of header and items; @msg->size is @hdr_size
 * @hdr_size:	H of spec 6.13
 * @vecs:	VEC / MEMFD items in order (@vecs_inline or allocated)
 * @n_vecs:	entries in @vecs
 * @bloom:	BLOOM_FILTER payload, or NULL
 * @dst_name:	DST_NAME string, or NULL
 * @dst_name_id: sequence ID of the destination name
 * @notify_type: notification item type (kernel messages)
 * @fds:	files of the FDS item
 * @n_fds:	number of FDS entries
 * @fds_item_off: offset of the FDS item, 0 if none
 * @memfds:	memfd files, in item order
 * @n_memfds:	number of memfds
 * @seqnum:	per-bus sequence number
 * @ts_mono:	CLOCK_MONOTONIC when the first TIMESTAMP was written
 * @ts_real:	CLOCK_REALTIME, likewise
 * @has_clocks:	@ts_mono and @ts_real are set (kdbus_staging_clocks())
 * @meta:	sender's process metadata, made when the first receiver
 *		needs a process item (kdbus_meta_msg_collect()); stays NULL
 *		for kernel messages and senders with fake credentials
 * @tid:	the sending thread's PID (user messages; not referenced: a
 *		staging object lives only within its sender's SEND)
 * @rcv_ids:	receivers of a signal while monitors' copies are built,
 *		else NULL (trace extension, trace.c)
 * @n_rcv:	entries in @rcv_ids
 * @vecs_inline: room for @vecs of a message with few payload items
 */
struct kdbus_staging {
	struct list_head entry;
	struct kdbus_bus *bus;
	struct kdbus_conn *src;
	struct kdbus_user *user;
	struct kdbus_msg *msg;
	size_t hdr_size;
	struct kdbus_staging_vec *vecs;
	unsigned int n_vecs;
	const struct kdbus_bloom_filter *bloom;
	const char *dst_name;
	u64 dst_name_id;
	u64 notify_type;
	struct file **fds;
	unsigned int n_fds;
	size_t fds_item_off;
	struct file *memfds[KDBUS_MSG_MAX_MEMFD_ITEMS];
	unsigned int n_memfds;
	u64 seqnum;
	u64 ts_mono;
	u64 ts_real;
	bool has_clocks;
	struct kdbus_meta_proc *meta;
	struct pid *tid;
	u64 *rcv_ids;
	unsigned int n_rcv;
	struct kdbus_staging_vec vecs_inline[KDBUS_STAGING_INLINE_VECS];
};

struct kdbus_staging *kdbus_staging_new_user(struct kdbus_conn *src,
					     struct kdbus_msg *msg, bool sync);
size_t kdbus_staging_size(struct kdbus_staging *s, struct kdbus_conn *dst);
struct kdbus_staging *kdbus_staging_new_kernel(struct kdbus_bus *bus,
					       u64 dst, u64 cookie_reply,
					       u64 type, size_t payload);
void kdbus_staging_free(struct kdbus_staging *s);
void kdbus_staging_clocks(struct kdbus_staging *s);
int kdbus_staging_emit(struct kdbus_staging *s, struct kdbus_conn *dst,
		       struct kdbus_queue_entry *e);
static inline bool kdbus_staging_is_kernel(const struct kdbus_staging *s)
{
	return !s->src;
}

#endif
