/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - connections (spec 4.5 - 4.12, 6, 9).
 */
#ifndef __KDBUS_CONNECTION_H
#define __KDBUS_CONNECTION_H

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <uapi/linux/kdbus.h>

#include "fs.h"

struct kdbus_bus;
struct kdbus_ep;
struct kdbus_meta_proc;
struct kdbus_pool;
struct kdbus_user;
struct kdbus_queue_entry;
struct kdbus_reply;

#define KDBUS_HELLO_SPECIAL_CONN (KDBUS_HELLO_ACTIVATOR | \
				  KDBUS_HELLO_POLICY_HOLDER | \
				  KDBUS_HELLO_MONITOR)

/**
 * struct kdbus_conn - a connection
 * @node:		active references (ESHUTDOWN) and lifetime
 * @id:			connection ID
 * @flags:		HELLO flags
 * @description:	CONN_DESCRIPTION, or NULL
 * @ep:			endpoint (referenced)
 * @bus:		bus (referenced through @ep)
 * @user:		accounting user (referenced)
 * @cred:		file credentials of the opener
 * @pid:		PID of the HELLO task
 * @root:		filesystem root of the HELLO task (spec 13.4 EXE)
 * @meta:		process metadata snapshot of HELLO, or the fake one
 * @fake_meta:		HELLO had fake credentials (spec 13.6)
 * @owner:		bus owner (spec 11.1)
 * @privileged:		CAP_IPC_OWNER on the default endpoint
 * @linked:		was visible on the bus (ID_ADD sent)
 * @attach_flags_send:	metadata it allows to be attached
 * @attach_flags_recv:	metadata it wants
 * @trace_flags:	KDBUS_X_TRACE_* a monitor asked for (trace.c)
 * @lost_count:		dropped-message counter
 * @bus_entry:		entry in bus->conn_list or bus->monitors_list
 * @hentry:		entry in bus->conn_hash
 * @ep_entry:		entry in ep->conn_list
 * @pool:		the pool
 * @queue:		received messages (struct kdbus_queue_entry)
 * @queue_count:	entries in @queue
 * @quota_list:		per-sending-user accounting (struct kdbus_quota)
 * @match_list:		match entries
 * @match_count:	entries in @match_list
 * @names_list:		name records (struct kdbus_name_owner)
 * @name_count:		entries in @names_list
 * @reply_list:		expectations this connection waits for
 * @request_count:	entries in @reply_list
 * @work:		reply timeout work
 * @wait:		poll / sync-reply wait queue
 *
 * Everything below @lost_count is protected by bus->lock.
 */
struct kdbus_conn {
	struct kdbus_node node;
	u64 id;
	u64 flags;
	char *description;
	struct kdbus_ep *ep;
	struct kdbus_bus *bus;
	struct kdbus_user *user;
	const struct cred *cred;
	struct pid *pid;
	struct path root;
	struct kdbus_meta_proc *meta;
	bool fake_meta;
	bool owner;
	bool privileged;
	bool linked;
	u64 attach_flags_send;
	u64 attach_flags_recv;
	u64 trace_flags;
	atomic_t lost_count;

	struct list_head bus_entry;
	struct hlist_node hentry;
	struct list_head ep_entry;
	struct kdbus_pool *pool;
	struct list_head queue;
	unsigned int queue_count;
	struct list_head quota_list;
	struct list_head match_list;
	unsigned int match_count;
	struct list_head names_list;
	unsigned int name_count;
	struct list_head reply_list;
	unsigned int request_count;
	struct delayed_work work;
	wait_queue_head_t wait;
};

#define kdbus_conn_from_node(_n) container_of(_n, struct kdbus_conn, node)

static inline bool kdbus_conn_is_ordinary(const struct kdbus_conn *c)
{
	return !(c->flags & KDBUS_HELLO_SPECIAL_CONN);
}

static inline bool kdbus_conn_is_activator(const struct kdbus_conn *c)
{
	return c->flags & KDBUS_HELLO_ACTIVATOR;
}

static inline bool kdbus_conn_is_policy_holder(const struct kdbus_conn *c)
{
	return c->flags & KDBUS_HELLO_POLICY_HOLDER;
}

static inline bool kdbus_conn_is_monitor(const struct kdbus_conn *c)
{
	return c->flags & KDBUS_HELLO_MONITOR;
}

static inline bool kdbus_conn_active(struct kdbus_conn *c)
{
	return kdbus_node_is_active(&c->node);
}

struct kdbus_conn *kdbus_conn_ref(struct kdbus_conn *conn);
struct kdbus_conn *kdbus_conn_unref(struct kdbus_conn *conn);
bool kdbus_conn_acquire(struct kdbus_conn *conn);
void kdbus_conn_release(struct kdbus_conn *conn);
void kdbus_conn_disconnect(struct kdbus_conn *conn, bool ensure_empty);
void kdbus_conn_lost_message(struct kdbus_conn *conn);
void kdbus_conn_wake(struct kdbus_conn *conn);
void kdbus_conn_schedule_timeout(struct kdbus_conn *conn);
void kdbus_reply_dead(struct kdbus_bus *bus, struct kdbus_reply *r);

struct kdbus_staging;
void kdbus_bus_broadcast(struct kdbus_bus *bus, struct kdbus_conn *src,
			 struct kdbus_staging *s);
void kdbus_bus_notify_unicast(struct kdbus_bus *bus, struct kdbus_staging *s);

struct kdbus_conn *kdbus_cmd_hello(struct kdbus_ep *ep, struct file *file,
				   bool privileged, void __user *argp);
int kdbus_cmd_byebye(struct kdbus_conn *conn, void __user *argp);
int kdbus_cmd_update(struct kdbus_conn *conn, void __user *argp);
int kdbus_cmd_free(struct kdbus_conn *conn, void __user *argp);
int kdbus_cmd_conn_info(struct kdbus_conn *conn, void __user *argp);
int kdbus_cmd_send(struct kdbus_conn *conn, struct file *file,
		   void __user *argp);
int kdbus_cmd_recv(struct kdbus_conn *conn, void __user *argp);

#endif
