// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - delivery and SEND: queueing on receivers, broadcasts, monitors,
 * unicast, replies, synchronous calls (spec 4.11, 6.5 - 6.12, 12).
 * Moved out of connection.c unchanged.
 *
 * Locking: all delivery runs under bus->lock; a synchronous SEND drops the
 * bus lock and its active reference while it sleeps (see connection.c).
 * Lock order: handle->lock -> bus->lock -> domain->lock.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "bus.h"
#include "connection.h"
#include "domain.h"
#include "endpoint.h"
#include "item.h"
#include "limits.h"
#include "match.h"
#include "message.h"
#include "names.h"
#include "notify.h"
#include "pool.h"
#include "queue.h"
#include "trace.h"
#include "util.h"

/*
 * Delivery
 */

/* spec 12: copy to every monitor; failures count as dropped */
static void kdbus_bus_eavesdrop(struct kdbus_bus *bus, struct kdbus_staging *s)
{
	struct kdbus_queue_entry *e;
	struct kdbus_conn *mon;

	list_for_each_entry(mon, &bus->monitors_list, bus_entry) {
		if (!kdbus_conn_active(mon))
			continue;
		e = kdbus_queue_entry_new(mon, s, s->user);
		if (IS_ERR(e)) {
			kdbus_conn_lost_message(mon);
			continue;
		}
		kdbus_queue_entry_enqueue(e, NULL);
	}
}

/**
 * kdbus_conn_entry_insert() - queue a message on a receiver (spec 6.12)
 * @dst:	receiver
 * @s:		staged message
 * @reply:	reply expectation carried by the message, or NULL
 *
 * Return: 0 or -ENXIO, -ECOMM, -ENOBUFS, -EMFILE, -EXFULL, -EFAULT.
 */
static int kdbus_conn_entry_insert(struct kdbus_conn *dst,
				   struct kdbus_staging *s,
				   struct kdbus_reply *reply)
{
	struct kdbus_queue_entry *e;

	if (!kdbus_conn_active(dst))
		return -ENXIO;
	if (s->n_fds && !kdbus_conn_is_monitor(dst) &&
	    !(dst->flags & KDBUS_HELLO_ACCEPT_FD))
		return -ECOMM;
	e = kdbus_queue_entry_new(dst, s, s->user);
	if (IS_ERR(e))
		return PTR_ERR(e);
	kdbus_queue_entry_enqueue(e, reply);
	return 0;
}

/*
 * Signals are delivered in two steps so that the monitors' copies can name
 * their receivers (trace extension, trace.c): each receiver's copy is built
 * (charged, written into its pool) onto @pending, then the monitors' copies
 * are queued, then the receivers'. Everything runs under bus->lock, so the
 * order seen by anyone is that of spec 12: monitors first.
 */
static int kdbus_signal_stage(struct kdbus_conn *dst, struct kdbus_staging *s,
			      struct list_head *pending)
{
	struct kdbus_queue_entry *e;

	if (!kdbus_conn_active(dst))
		return -ENXIO;
	if (s->n_fds && !(dst->flags & KDBUS_HELLO_ACCEPT_FD))
		return -ECOMM;
	e = kdbus_queue_entry_new(dst, s, s->user);
	if (IS_ERR(e))
		return PTR_ERR(e);
	list_add_tail(&e->entry, pending);
	return 0;
}

static void kdbus_signal_deliver(struct kdbus_bus *bus,
				 struct kdbus_staging *s,
				 struct list_head *pending)
{
	struct kdbus_queue_entry *e, *tmp;

	kdbus_trace_receivers_set(s, pending);
	kdbus_bus_eavesdrop(bus, s);
	kdbus_trace_receivers_clear(s);
	list_for_each_entry_safe(e, tmp, pending, entry) {
		list_del_init(&e->entry);
		kdbus_queue_entry_enqueue(e, NULL);
	}
}

/**
 * kdbus_bus_broadcast() - deliver a broadcast or broadcast notification
 * @bus:	bus (locked)
 * @src:	sender, NULL for the kernel
 * @s:		staged message
 */
void kdbus_bus_broadcast(struct kdbus_bus *bus, struct kdbus_conn *src,
			 struct kdbus_staging *s)
{
	struct kdbus_conn *dst;
	const char *name = NULL;
	LIST_HEAD(pending);

	if (s->notify_type >= KDBUS_ITEM_NAME_ADD &&
	    s->notify_type <= KDBUS_ITEM_NAME_CHANGE)
		name = s->msg->items[0].name_change.name;

	list_for_each_entry(dst, &bus->conn_list, bus_entry) {
		if (!kdbus_conn_is_ordinary(dst) || !kdbus_conn_active(dst))
			continue;
		if (!kdbus_match_db_match(dst, src, s))
			continue;
		if (src && !kdbus_conn_policy_talk(dst, dst->cred, src))
			continue;
		if (name && !kdbus_conn_policy_see_name(dst, dst->cred, name))
			continue;
		if (kdbus_signal_stage(dst, s, &pending) < 0)
			kdbus_conn_lost_message(dst);
	}
	kdbus_signal_deliver(bus, s, &pending);
}

/**
 * kdbus_bus_notify_unicast() - deliver a REPLY_* notification
 * @bus:	bus (locked)
 * @s:		staged notification
 */
void kdbus_bus_notify_unicast(struct kdbus_bus *bus, struct kdbus_staging *s)
{
	struct kdbus_conn *dst;

	kdbus_bus_eavesdrop(bus, s);
	dst = kdbus_bus_find_conn_by_id(bus, s->msg->dst_id);
	if (dst)
		kdbus_conn_entry_insert(dst, s, NULL);
}

/*
 * SEND
 */

/* spec 6.9 */
static int kdbus_conn_resolve(struct kdbus_conn *conn, struct kdbus_staging *s,
			      struct kdbus_conn **dst)
{
	struct kdbus_msg *msg = s->msg;
	struct kdbus_name_entry *e;
	struct kdbus_name_owner *o;
	struct kdbus_conn *c;

	if (s->dst_name) {
		e = kdbus_name_lookup(conn->bus, s->dst_name);
		o = e ? kdbus_name_get_owner(e) : NULL;
		if (!o)
			return -ESRCH;
		if (msg->dst_id && msg->dst_id != o->conn->id)
			return -EREMCHG;
		if ((msg->flags & KDBUS_MSG_NO_AUTO_START) && o == e->activator)
			return -EADDRNOTAVAIL;
		s->dst_name_id = e->name_id;
		*dst = o->conn;
		return 0;
	}
	c = kdbus_bus_find_conn_by_id(conn->bus, msg->dst_id);
	if (!c || !kdbus_conn_is_ordinary(c))
		return -ENXIO;
	*dst = c;
	return 0;
}

/* spec 6.6 */
static int kdbus_conn_unicast(struct kdbus_conn *conn, struct kdbus_staging *s)
{
	struct kdbus_reply *r = NULL;
	struct kdbus_msg *msg = s->msg;
	struct kdbus_conn *dst;
	int ret;

	ret = kdbus_conn_resolve(conn, s, &dst);
	if (ret < 0)
		return ret;

	if (msg->flags & KDBUS_MSG_SIGNAL) {
		LIST_HEAD(pending);

		if (kdbus_match_db_match(dst, conn, s) &&
		    kdbus_conn_policy_talk(dst, dst->cred, conn))
			kdbus_signal_stage(dst, s, &pending);
		kdbus_signal_deliver(conn->bus, s, &pending);
		return 0;
	}

	if (!kdbus_conn_policy_talk(conn, current_cred(), dst))
		return -EPERM;
	if (msg->flags & KDBUS_MSG_EXPECT_REPLY) {
		if (conn->request_count >= KDBUS_CONN_MAX_REQUESTS_PENDING)
			return -EMLINK;
		r = kdbus_reply_new(conn, dst, msg->cookie, s->dst_name_id,
				    msg->timeout_ns, false);
		if (!r)
			return -ENOMEM;
	}
	kdbus_bus_eavesdrop(conn->bus, s);
	ret = kdbus_conn_entry_insert(dst, s, r);
	if (!ret && r)
		kdbus_reply_link(r);
	kdbus_reply_unref(r);
	return ret;
}

/* spec 6.5 */
static int kdbus_conn_reply(struct kdbus_conn *conn, struct kdbus_staging *s)
{
	struct kdbus_queue_entry *e;
	struct kdbus_reply *r;
	struct kdbus_conn *dst;
	int ret;

	ret = kdbus_conn_resolve(conn, s, &dst);
	if (ret < 0)
		return ret;
	r = kdbus_reply_find(conn, dst, s->msg->cookie_reply);
	if (!r)
		return -EBADSLT;
	kdbus_bus_eavesdrop(conn->bus, s);

	if (!r->sync) {
		kdbus_reply_unlink(r);
		return kdbus_conn_entry_insert(dst, s, NULL);
	}

	if (!kdbus_conn_active(dst))
		return -ENXIO;
	if (s->n_fds && !(dst->flags & KDBUS_HELLO_ACCEPT_FD)) {
		kdbus_sync_reply_complete(r, -EREMOTEIO);
		return -ECOMM;
	}
	e = kdbus_queue_entry_new(dst, s, NULL);
	if (IS_ERR(e)) {
		kdbus_sync_reply_complete(r, PTR_ERR(e));
		return PTR_ERR(e);
	}
	r->queue_entry = e;
	kdbus_sync_reply_complete(r, 0);
	return 0;
}

/**
 * struct kdbus_cancel - CANCEL_FD watcher of a synchronous call
 * @pt:		poll table used to hook into the file's wait queue
 * @wq:		our entry in that wait queue
 * @head:	the wait queue, NULL if the file never registered one
 * @triggered:	the file woke us up since the last check
 */
struct kdbus_cancel {
	poll_table pt;
	wait_queue_entry_t wq;
	wait_queue_head_t *head;
	bool triggered;
};

static int kdbus_cancel_wake(wait_queue_entry_t *wq, unsigned int mode,
			     int sync, void *key)
{
	struct kdbus_cancel *c = container_of(wq, struct kdbus_cancel, wq);

	WRITE_ONCE(c->triggered, true);
	return default_wake_function(wq, mode, sync, key);
}

static void kdbus_cancel_queue(struct file *f, wait_queue_head_t *head,
			       poll_table *pt)
{
	struct kdbus_cancel *c = container_of(pt, struct kdbus_cancel, pt);

	if (c->head)
		return;
	c->head = head;
	init_waitqueue_func_entry(&c->wq, kdbus_cancel_wake);
	c->wq.private = current;
	add_wait_queue(head, &c->wq);
}

/* spec 6.7 step 4; called without bus->lock */
static int kdbus_conn_wait_reply(struct kdbus_conn *conn,
				 struct kdbus_reply *r, struct file *cancel)
{
	ktime_t expires = ns_to_ktime(r->deadline_ns);
	struct kdbus_cancel c = { .triggered = true };
	DEFINE_WAIT(wait);
	int ret;

	if (cancel) {
		init_poll_funcptr(&c.pt, kdbus_cancel_queue);
		vfs_poll(cancel, &c.pt);
	}

	for (;;) {
		prepare_to_wait(&conn->wait, &wait, TASK_INTERRUPTIBLE);
		if (!kdbus_conn_active(conn)) {
			ret = -ESHUTDOWN;
			break;
		}
		if (READ_ONCE(r->completed)) {
			ret = 0;
			break;
		}
		if (cancel && READ_ONCE(c.triggered)) {
			__set_current_state(TASK_RUNNING);
			WRITE_ONCE(c.triggered, false);
			if (vfs_poll(cancel, NULL) & EPOLLIN) {
				ret = -ECANCELED;
				break;
			}
			continue;
		}
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (ktime_get_ns() >= r->deadline_ns) {
			ret = -ETIMEDOUT;
			break;
		}
		schedule_hrtimeout(&expires, HRTIMER_MODE_ABS);
	}
	finish_wait(&conn->wait, &wait);
	if (c.head)
		remove_wait_queue(c.head, &c.wq);
	return ret;
}

static struct kdbus_reply *kdbus_conn_find_interrupted(struct kdbus_conn *conn,
						       u64 cookie)
{
	struct kdbus_reply *r;

	list_for_each_entry(r, &conn->reply_list, entry)
		if (r->sync && r->interrupted && r->cookie == cookie)
			return r;
	return NULL;
}

/* spec 6.7; called and returns with bus->lock held */
static int kdbus_conn_call(struct kdbus_conn *conn, struct kdbus_staging *s,
			   struct file *cancel, struct kdbus_msg_info *out)
{
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_msg *msg = s->msg;
	struct kdbus_queue_entry *e;
	struct kdbus_reply *r;
	struct kdbus_conn *dst;
	int ret;

	r = kdbus_conn_find_interrupted(conn, msg->cookie);
	if (r) {
		r->interrupted = false;
		kdbus_reply_ref(r);
	} else {
		if (ktime_get_ns() >= msg->timeout_ns)
			return -ETIMEDOUT;
		ret = kdbus_conn_resolve(conn, s, &dst);
		if (ret < 0)
			return ret;
		if (!kdbus_conn_policy_talk(conn, current_cred(), dst))
			return -EPERM;
		if (conn->request_count >= KDBUS_CONN_MAX_REQUESTS_PENDING)
			return -EMLINK;
		r = kdbus_reply_new(conn, dst, msg->cookie, s->dst_name_id,
				    msg->timeout_ns, true);
		if (!r)
			return -ENOMEM;
		kdbus_bus_eavesdrop(bus, s);
		ret = kdbus_conn_entry_insert(dst, s, r);
		if (ret < 0) {
			kdbus_reply_unref(r);
			return ret;
		}
		kdbus_reply_link(r);
	}

	kdbus_notify_flush(bus);
	r->waiting = true;
	mutex_unlock(&bus->lock);
	kdbus_conn_release(conn);
	ret = kdbus_conn_wait_reply(conn, r, cancel);
	kdbus_node_reacquire(&conn->node);
	mutex_lock(&bus->lock);
	r->waiting = false;

	if (ret == -ERESTARTSYS) {
		r->interrupted = true;
		kdbus_conn_schedule_timeout(conn);
		goto exit;
	}
	if (!ret) {
		ret = r->err;
		e = r->queue_entry;
		if (!ret && e) {
			ret = kdbus_queue_entry_install(e, &out->return_flags,
					conn->flags & KDBUS_HELLO_ACCEPT_FD);
			if (!ret) {
				kdbus_pool_slice_publish(e->slice, &out->offset,
							 &out->msg_size);
				r->queue_entry = NULL;
				kdbus_queue_entry_free(e);
			}
		}
	}
	kdbus_reply_unlink(r);
exit:
	kdbus_reply_unref(r);
	return ret;
}

static int kdbus_send_cancel_fd(struct kdbus_item *item, struct file **out)
{
	struct file *f;

	if (!item)
		return 0;
	f = fget(item->fds[0]);
	if (!f)
		return -EBADF;
	if (!file_can_poll(f)) {
		fput(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

int kdbus_cmd_send(struct kdbus_conn *conn, struct file *file,
		   void __user *argp)
{
	struct kdbus_cmd_send __user *ucmd = argp;
	struct kdbus_msg_info reply = {};
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_staging *s = NULL;
	struct file *cancel = NULL;
	struct kdbus_cmd_send *cmd;
	bool write_reply = false;
	struct kdbus_msg *msg;
	int ret, mret = 0;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_CANCEL_FD },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE | KDBUS_SEND_SYNC_REPLY,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};
	struct kdbus_arg margv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_PAYLOAD_VEC, .multiple = true },
		{ .type = KDBUS_ITEM_PAYLOAD_MEMFD, .multiple = true },
		{ .type = KDBUS_ITEM_FDS },
		{ .type = KDBUS_ITEM_BLOOM_FILTER },
		{ .type = KDBUS_ITEM_DST_NAME },
	};
	struct kdbus_args margs = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE |
				 KDBUS_MSG_EXPECT_REPLY |
				 KDBUS_MSG_NO_AUTO_START |
				 KDBUS_MSG_SIGNAL,
		.argv = margv,
		.argc = ARRAY_SIZE(margv),
	};

	if (!kdbus_conn_is_ordinary(conn))
		return -EOPNOTSUPP;

	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret < 0)
		goto exit;
	cmd = args.cmd;
	if (!args.negotiate || cmd->msg_address) {
		if (cmd->msg_address != (unsigned long)cmd->msg_address) {
			ret = -EFAULT;
			goto exit;
		}
		mret = kdbus_args_parse(&margs,
					kdbus_u64_to_ptr(cmd->msg_address),
					sizeof(struct kdbus_msg));
		if (mret < 0) {
			ret = mret;
			goto exit;
		}
		if (mret > 0 && !args.negotiate) {
			ret = -EINVAL;
			goto exit;
		}
	}
	if (args.negotiate) {
		ret = 0;
		goto exit;
	}

	reply.offset = conn->pool->size;
	write_reply = true;
	ret = kdbus_send_cancel_fd(argv[1].item, &cancel);
	if (ret < 0)
		goto exit;
	msg = margs.cmd;
	if (msg->src_id && msg->src_id != conn->id) {
		ret = -EINVAL;
		goto exit;
	}
	margs.cmd = NULL;
	s = kdbus_staging_new_user(conn, msg,
				   cmd->flags & KDBUS_SEND_SYNC_REPLY);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		s = NULL;
		goto exit;
	}

	mutex_lock(&bus->lock);
	if (msg->dst_id == KDBUS_DST_ID_BROADCAST) {
		kdbus_bus_broadcast(bus, conn, s);
		ret = 0;
	} else if (cmd->flags & KDBUS_SEND_SYNC_REPLY) {
		ret = kdbus_conn_call(conn, s, cancel, &reply);
	} else if ((msg->flags & KDBUS_MSG_EXPECT_REPLY) ||
		   !msg->cookie_reply) {
		ret = kdbus_conn_unicast(conn, s);
	} else {
		ret = kdbus_conn_reply(conn, s);
	}
	kdbus_notify_flush(bus);
	mutex_unlock(&bus->lock);

exit:
	if (write_reply && copy_to_user(&ucmd->reply, &reply, sizeof(reply)))
		ret = -EFAULT;
	if (cancel)
		fput(cancel);
	/*
	 * Every receiver's entry has its own copy (pool slice, file
	 * references): once delivery is done the staging object is private
	 * to this SEND again and is freed without the bus lock.
	 */
	kdbus_staging_free(s);
	kdbus_args_clear(&margs, 0);
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}
