/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - receive queues, quotas, reply expectations (spec 6.12, 7.4,
 * 14.2).
 */
#ifndef __KDBUS_QUEUE_H
#define __KDBUS_QUEUE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/types.h>

struct kdbus_conn;
struct kdbus_pool_slice;
struct kdbus_staging;
struct kdbus_user;

/**
 * struct kdbus_reply - an outstanding reply expectation
 * @kref:	references: the requester's list, queue entries, waiters
 * @entry:	entry in reply_src->reply_list
 * @reply_src:	the requester, waiting for the reply (referenced)
 * @reply_dst:	the expected replier (referenced)
 * @cookie:	cookie of the call
 * @name_id:	name sequence ID if the call was addressed by name, else 0
 * @deadline_ns: absolute CLOCK_MONOTONIC deadline
 * @sync:	synchronous call
 * @interrupted: sync waiter was interrupted by a signal
 * @waiting:	sync waiter is currently blocked
 * @completed:	sync call completed (@err, @queue_entry valid)
 * @linked:	still on reply_src->reply_list
 * @err:	completion error of a sync call
 * @queue_entry: reply of a sync call, built in the requester's pool
 */
struct kdbus_reply {
	struct kref kref;
	struct list_head entry;
	struct kdbus_conn *reply_src;
	struct kdbus_conn *reply_dst;
	u64 cookie;
	u64 name_id;
	u64 deadline_ns;
	bool sync;
	bool interrupted;
	bool waiting;
	bool completed;
	bool linked;
	int err;
	struct kdbus_queue_entry *queue_entry;
};

/**
 * struct kdbus_queue_entry - a message in a receiver's pool
 * @entry:	entry in conn->queue
 * @conn:	receiver
 * @slice:	pool slice
 * @priority:	message priority
 * @src_id:	sender ID
 * @cookie:	message cookie
 * @dst_name_id: name sequence ID if sent to a name, else 0
 * @reply:	reply expectation carried by this message (referenced)
 * @user:	accounting user charged (referenced), NULL if not queued
 * @charged:	bytes charged
 * @fds:	files of the FDS item
 * @n_fds:	number of @fds
 * @fds_off:	offset of the FDS array within the slice
 * @memfds:	memfd files
 * @memfd_offs:	offsets of each memfd.fd field within the slice
 * @n_memfds:	number of @memfds
 */
struct kdbus_queue_entry {
	struct list_head entry;
	struct kdbus_conn *conn;
	struct kdbus_pool_slice *slice;
	s64 priority;
	u64 src_id;
	u64 cookie;
	u64 dst_name_id;
	struct kdbus_reply *reply;
	struct kdbus_user *user;
	size_t charged;
	struct file **fds;
	unsigned int n_fds;
	size_t fds_off;
	struct file **memfds;
	size_t *memfd_offs;
	unsigned int n_memfds;
};

/**
 * struct kdbus_quota - what one user has queued on a receiver
 * @entry:	entry in conn->quota_list
 * @user:	sending accounting user (not referenced; entry dies with it)
 * @memory:	bytes
 * @msgs:	messages
 * @fds:	FDS descriptors
 */
struct kdbus_quota {
	struct list_head entry;
	struct kdbus_user *user;
	size_t memory;
	unsigned int msgs;
	unsigned int fds;
};

struct kdbus_reply *kdbus_reply_new(struct kdbus_conn *src,
				    struct kdbus_conn *dst, u64 cookie,
				    u64 name_id, u64 deadline, bool sync);
struct kdbus_reply *kdbus_reply_ref(struct kdbus_reply *r);
struct kdbus_reply *kdbus_reply_unref(struct kdbus_reply *r);
void kdbus_reply_link(struct kdbus_reply *r);
void kdbus_reply_unlink(struct kdbus_reply *r);
struct kdbus_reply *kdbus_reply_find(struct kdbus_conn *replying,
				     struct kdbus_conn *requester, u64 cookie);
void kdbus_sync_reply_complete(struct kdbus_reply *r, int err);

struct kdbus_queue_entry *kdbus_queue_entry_new(struct kdbus_conn *dst,
						struct kdbus_staging *s,
						struct kdbus_user *user);
void kdbus_queue_entry_free(struct kdbus_queue_entry *e);
void kdbus_queue_entry_enqueue(struct kdbus_queue_entry *e,
			       struct kdbus_reply *r);
void kdbus_queue_entry_dequeue(struct kdbus_queue_entry *e);
struct kdbus_queue_entry *kdbus_queue_peek(struct kdbus_conn *conn,
					   s64 priority, bool use_priority);
int kdbus_queue_entry_install(struct kdbus_queue_entry *e, u64 *return_flags,
			      bool install_fds);
int kdbus_queue_entry_move(struct kdbus_queue_entry *e,
			   struct kdbus_conn *dst);

#endif
