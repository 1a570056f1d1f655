// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - receive queues, receive quotas, reply expectations, descriptor
 * installation and message hand-over (spec 6.11, 6.12, 7.3, 7.4, 8.7,
 * 14.2).
 *
 * Locking: everything here runs under the bus lock (bus->lock) of the
 * connections involved: queues, quota records, pool slices and reply
 * lists are all protected by it.
 */
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/slab.h>

#include "bus.h"
#include "connection.h"
#include "domain.h"
#include "limits.h"
#include "message.h"
#include "metadata.h"
#include "pool.h"
#include "queue.h"
#include "util.h"

/*
 * Reply expectations
 */

struct kdbus_reply *kdbus_reply_new(struct kdbus_conn *src,
				    struct kdbus_conn *dst, u64 cookie,
				    u64 name_id, u64 deadline, bool sync)
{
	struct kdbus_reply *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	kref_init(&r->kref);
	INIT_LIST_HEAD(&r->entry);
	r->reply_src = kdbus_conn_ref(src);
	r->reply_dst = kdbus_conn_ref(dst);
	r->cookie = cookie;
	r->name_id = name_id;
	r->deadline_ns = deadline;
	r->sync = sync;
	return r;
}

struct kdbus_reply *kdbus_reply_ref(struct kdbus_reply *r)
{
	if (r)
		kref_get(&r->kref);
	return r;
}

static void kdbus_reply_free(struct kref *kref)
{
	struct kdbus_reply *r = container_of(kref, struct kdbus_reply, kref);

	if (r->queue_entry)
		kdbus_queue_entry_free(r->queue_entry);
	kdbus_conn_unref(r->reply_src);
	kdbus_conn_unref(r->reply_dst);
	kfree(r);
}

struct kdbus_reply *kdbus_reply_unref(struct kdbus_reply *r)
{
	if (r)
		kref_put(&r->kref, kdbus_reply_free);
	return NULL;
}

/**
 * kdbus_reply_link() - add an expectation to its requester's list
 * @r:		expectation
 */
void kdbus_reply_link(struct kdbus_reply *r)
{
	if (r->linked)
		return;
	list_add_tail(&r->entry, &r->reply_src->reply_list);
	r->reply_src->request_count++;
	r->linked = true;
	kdbus_reply_ref(r);
	if (!r->sync)
		kdbus_conn_schedule_timeout(r->reply_src);
}

/**
 * kdbus_reply_unlink() - remove an expectation from its requester's list
 * @r:		expectation
 */
void kdbus_reply_unlink(struct kdbus_reply *r)
{
	if (!r->linked)
		return;
	list_del_init(&r->entry);
	r->reply_src->request_count--;
	r->linked = false;
	kdbus_reply_unref(r);
}

/**
 * kdbus_reply_find() - find the expectation a reply answers
 * @replying:	the replying connection (expected replier)
 * @requester:	the destination of the reply
 * @cookie:	cookie_reply of the reply
 *
 * Return: expectation (not referenced) or NULL.
 */
struct kdbus_reply *kdbus_reply_find(struct kdbus_conn *replying,
				     struct kdbus_conn *requester, u64 cookie)
{
	struct kdbus_reply *r;

	list_for_each_entry(r, &requester->reply_list, entry)
		if (r->cookie == cookie && r->reply_dst == replying &&
		    !r->completed)
			return r;
	return NULL;
}

/**
 * kdbus_sync_reply_complete() - finish a synchronous call
 * @r:		expectation of a sync call
 * @err:	0 (reply in @r->queue_entry) or the error for the waiter
 */
void kdbus_sync_reply_complete(struct kdbus_reply *r, int err)
{
	r->completed = true;
	r->err = err;
	wake_up_all(&r->reply_src->wait);
}

/*
 * Quotas (spec 14.2)
 */

static struct kdbus_quota *kdbus_quota_find(struct kdbus_conn *conn,
					    struct kdbus_user *user,
					    bool create)
{
	struct kdbus_quota *q;

	list_for_each_entry(q, &conn->quota_list, entry)
		if (q->user == user)
			return q;
	if (!create)
		return NULL;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return NULL;
	q->user = user;
	list_add(&q->entry, &conn->quota_list);
	return q;
}

static int kdbus_quota_check(struct kdbus_conn *conn, struct kdbus_user *user,
			     size_t size, unsigned int fds)
{
	struct kdbus_pool *pool = conn->pool;
	size_t half = pool->size / 2, acc = pool->accounted, share;
	struct kdbus_quota *q;

	q = kdbus_quota_find(conn, user, true);
	if (!q)
		return -ENOMEM;
	if (half < acc)
		return -ENOBUFS;
	share = (half - acc + q->memory) / 3;
	if (share < q->memory || share - q->memory < size ||
	    (u64)q->memory + size > U32_MAX)
		return -ENOBUFS;
	if (q->msgs >= KDBUS_CONN_MAX_MSGS_PER_USER)
		return -ENOBUFS;
	if (q->fds + fds > KDBUS_CONN_MAX_FDS_PER_USER)
		return -EMFILE;
	return 0;
}

static void kdbus_quota_charge(struct kdbus_queue_entry *e,
			       struct kdbus_user *user)
{
	struct kdbus_quota *q = kdbus_quota_find(e->conn, user, false);

	e->user = kdbus_user_ref(user);
	e->charged = e->slice->size;
	e->conn->pool->accounted += e->charged;
	if (q) {
		q->memory += e->charged;
		q->msgs++;
		q->fds += e->n_fds;
	}
}

static void kdbus_quota_uncharge(struct kdbus_queue_entry *e)
{
	struct kdbus_quota *q;

	if (!e->user)
		return;
	q = kdbus_quota_find(e->conn, e->user, false);
	if (q) {
		q->memory -= min(q->memory, e->charged);
		q->msgs -= min(q->msgs, 1U);
		q->fds -= min(q->fds, e->n_fds);
	}
	e->conn->pool->accounted -= min(e->conn->pool->accounted, e->charged);
	e->charged = 0;
	kdbus_user_unref(e->user);
	e->user = NULL;
}

/*
 * Queue entries
 */

static int kdbus_queue_entry_files(struct kdbus_queue_entry *e,
				   struct kdbus_staging *s)
{
	unsigned int i, m = 0;

	if (s->n_fds) {
		e->fds = kcalloc(s->n_fds, sizeof(*e->fds), GFP_KERNEL);
		if (!e->fds)
			return -ENOMEM;
		for (i = 0; i < s->n_fds; i++)
			e->fds[i] = get_file(s->fds[i]);
		e->n_fds = s->n_fds;
		e->fds_off = s->fds_item_off + KDBUS_ITEM_HEADER_SIZE;
	}
	if (s->n_memfds) {
		e->memfds = kcalloc(s->n_memfds, sizeof(*e->memfds),
				    GFP_KERNEL);
		e->memfd_offs = kcalloc(s->n_memfds, sizeof(size_t),
					GFP_KERNEL);
		if (!e->memfds || !e->memfd_offs)
			return -ENOMEM;
		for (i = 0; i < s->n_vecs && m < s->n_memfds; i++) {
			if (!s->vecs[i].memfd)
				continue;
			e->memfds[m] = get_file(s->memfds[m]);
			e->memfd_offs[m] = s->vecs[i].item_off +
				KDBUS_ITEM_HEADER_SIZE +
				offsetof(struct kdbus_memfd, fd);
			m++;
		}
		e->n_memfds = m;
	}
	return 0;
}

/**
 * kdbus_queue_entry_new() - build a message for a receiver (spec 6.12
 *			     steps 3-6)
 * @dst:	receiver
 * @s:		staged message
 * @user:	accounting user to charge, NULL for no quota (sync replies)
 *
 * Return: entry (not queued, charged to @user) or ERR_PTR (-ENOBUFS,
 * -EMFILE, -EXFULL, -EFAULT, -ENOMEM).
 */
struct kdbus_queue_entry *kdbus_queue_entry_new(struct kdbus_conn *dst,
						struct kdbus_staging *s,
						struct kdbus_user *user)
{
	struct kdbus_queue_entry *e;
	int ret;

	ret = kdbus_meta_msg_collect(s, dst);
	if (ret < 0)
		return ERR_PTR(ret);
	if (user) {
		ret = kdbus_quota_check(dst, user, kdbus_staging_size(s, dst),
					s->n_fds);
		if (ret < 0)
			return ERR_PTR(ret);
	}

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&e->entry);
	e->conn = dst;
	e->priority = s->msg->priority;
	e->src_id = s->msg->src_id;
	e->cookie = s->msg->cookie;
	e->dst_name_id = s->dst_name_id;

	ret = kdbus_staging_emit(s, dst, e);
	if (!ret)
		ret = kdbus_queue_entry_files(e, s);
	if (ret < 0) {
		kdbus_queue_entry_free(e);
		return ERR_PTR(ret);
	}
	if (user)
		kdbus_quota_charge(e, user);
	return e;
}

/**
 * kdbus_queue_entry_free() - free an entry that is not queued
 * @e:		entry, may be NULL
 */
void kdbus_queue_entry_free(struct kdbus_queue_entry *e)
{
	unsigned int i;

	if (!e)
		return;
	kdbus_quota_uncharge(e);
	kdbus_pool_slice_release(e->slice);
	for (i = 0; i < e->n_fds; i++)
		fput(e->fds[i]);
	for (i = 0; i < e->n_memfds; i++)
		fput(e->memfds[i]);
	kfree(e->fds);
	kfree(e->memfds);
	kfree(e->memfd_offs);
	kdbus_reply_unref(e->reply);
	kfree(e);
}

/**
 * kdbus_queue_entry_enqueue() - append to the receiver's queue and wake it
 * @e:		entry
 * @r:		reply expectation carried by the message, or NULL
 */
void kdbus_queue_entry_enqueue(struct kdbus_queue_entry *e,
			       struct kdbus_reply *r)
{
	if (r && !e->reply)
		e->reply = kdbus_reply_ref(r);
	list_add_tail(&e->entry, &e->conn->queue);
	WRITE_ONCE(e->conn->queue_count, e->conn->queue_count + 1);
	kdbus_conn_wake(e->conn);
}

/**
 * kdbus_queue_entry_dequeue() - remove from the queue, release the quota
 * @e:		queued entry
 */
void kdbus_queue_entry_dequeue(struct kdbus_queue_entry *e)
{
	list_del_init(&e->entry);
	WRITE_ONCE(e->conn->queue_count, e->conn->queue_count - 1);
	kdbus_quota_uncharge(e);
}

/**
 * kdbus_queue_peek() - select the entry RECV returns (spec 7.4)
 * @conn:		receiver
 * @priority:		threshold
 * @use_priority:	select by priority
 *
 * Return: entry or NULL.
 */
struct kdbus_queue_entry *kdbus_queue_peek(struct kdbus_conn *conn,
					   s64 priority, bool use_priority)
{
	struct kdbus_queue_entry *e, *best = NULL;

	if (!use_priority)
		return list_first_entry_or_null(&conn->queue,
						struct kdbus_queue_entry,
						entry);
	list_for_each_entry(e, &conn->queue, entry)
		if (!best || e->priority < best->priority)
			best = e;
	if (best && best->priority > priority)
		return NULL;
	return best;
}

/**
 * kdbus_queue_entry_install() - install descriptors into the current
 *				 process (spec 6.11)
 * @e:		entry
 * @return_flags: INCOMPLETE_FDS is or'ed in if a number was unavailable
 * @install_fds: install FDS entries (receiver has ACCEPT_FD)
 *
 * Return: 0, or a negative errno if the numbers could not be written (no
 * descriptor is installed then).
 */
int kdbus_queue_entry_install(struct kdbus_queue_entry *e, u64 *return_flags,
			      bool install_fds)
{
	unsigned int n_fds = install_fds ? e->n_fds : 0;
	unsigned int n = e->n_memfds + n_fds, i;
	int *fds, ret = 0;

	if (!n)
		return 0;
	fds = kmalloc_array(n, sizeof(int), GFP_KERNEL);
	if (!fds)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		fds[i] = get_unused_fd_flags(O_CLOEXEC);
		if (fds[i] < 0) {
			/* the receiver reads -1 for a number it did not get */
			fds[i] = -1;
			*return_flags |= KDBUS_RECV_RETURN_INCOMPLETE_FDS;
		}
	}
	for (i = 0; !ret && i < e->n_memfds; i++)
		ret = kdbus_pool_slice_write(e->slice, e->memfd_offs[i],
					     &fds[i], sizeof(int));
	if (!ret && n_fds)
		ret = kdbus_pool_slice_write(e->slice, e->fds_off,
					     fds + e->n_memfds,
					     n_fds * sizeof(int));
	for (i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		if (ret < 0)
			put_unused_fd(fds[i]);
		else if (i < e->n_memfds)
			fd_install(fds[i], get_file(e->memfds[i]));
		else
			fd_install(fds[i], get_file(e->fds[i - e->n_memfds]));
	}
	kfree(fds);
	return ret;
}

/**
 * kdbus_queue_entry_move() - move a queued entry to another connection's
 *			      queue and pool (spec 8.7)
 * @e:		queued entry
 * @dst:	new receiver
 *
 * Return: 0, or a negative errno; on error @e is left untouched.
 */
int kdbus_queue_entry_move(struct kdbus_queue_entry *e,
			   struct kdbus_conn *dst)
{
	struct kdbus_pool_slice *slice;
	struct kdbus_user *user = e->user;
	size_t size = e->slice->size;
	void *buf;
	int ret;

	if (e->n_fds && !(dst->flags & KDBUS_HELLO_ACCEPT_FD))
		return -ECOMM;
	if (user) {
		ret = kdbus_quota_check(dst, user, size, e->n_fds);
		if (ret < 0)
			return ret;
	}
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = kdbus_pool_slice_read(e->slice, 0, buf, size);
	if (ret < 0)
		goto exit;
	slice = kdbus_pool_slice_alloc(dst->pool, size);
	if (IS_ERR(slice)) {
		ret = PTR_ERR(slice);
		goto exit;
	}
	ret = kdbus_pool_slice_write(slice, 0, buf, size);
	if (ret < 0) {
		kdbus_pool_slice_release(slice);
		goto exit;
	}

	kdbus_user_ref(user);
	kdbus_queue_entry_dequeue(e);
	kdbus_pool_slice_release(e->slice);
	e->slice = slice;
	e->conn = dst;
	if (user) {
		kdbus_quota_charge(e, user);
		kdbus_user_unref(user);
	}
	kdbus_queue_entry_enqueue(e, NULL);
exit:
	kfree(buf);
	return ret;
}
