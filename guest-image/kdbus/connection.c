// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - connections: HELLO, BYEBYE, UPDATE, FREE, CONN_INFO, SEND, RECV,
 * delivery, synchronous calls, reply timeouts, disconnect (spec 4.5 -
 * 4.12, 6, 7.4, 9).
 *
 * Locking: all connection state that other connections can reach (queue,
 * pool allocator, quotas, matches, names, reply lists, bus lists) is
 * protected by bus->lock. conn->node.active counts in-flight ioctls; a
 * synchronous SEND drops its active reference while it sleeps so that
 * BYEBYE and teardown never wait for it. Deactivation happens under
 * bus->lock, so no message is queued on a connection once it is
 * inactive. Lock order: handle->lock -> bus->lock -> domain->lock.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
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
#include "metadata.h"
#include "names.h"
#include "notify.h"
#include "pool.h"
#include "queue.h"
#include "util.h"

static void kdbus_conn_free(struct kdbus_node *node)
{
	struct kdbus_conn *conn = kdbus_conn_from_node(node);

	kdbus_pool_free(conn->pool);
	if (conn->user) {
		atomic_dec(&conn->user->connections);
		kdbus_user_unref(conn->user);
	}
	if (conn->cred)
		put_cred(conn->cred);
	put_pid(conn->pid);
	path_put(&conn->root);
	kdbus_meta_proc_free(conn->meta);
	kdbus_ep_unref(conn->ep);
	kfree(conn->description);
	kfree(conn);
}

struct kdbus_conn *kdbus_conn_ref(struct kdbus_conn *conn)
{
	if (conn)
		kdbus_node_ref(&conn->node);
	return conn;
}

struct kdbus_conn *kdbus_conn_unref(struct kdbus_conn *conn)
{
	if (conn)
		kdbus_node_unref(&conn->node);
	return NULL;
}

bool kdbus_conn_acquire(struct kdbus_conn *conn)
{
	return kdbus_node_acquire(&conn->node);
}

void kdbus_conn_release(struct kdbus_conn *conn)
{
	kdbus_node_release(&conn->node);
}

void kdbus_conn_wake(struct kdbus_conn *conn)
{
	wake_up_all(&conn->wait);
}

/**
 * kdbus_conn_lost_message() - count a dropped message (spec 7.6)
 * @conn:	receiver
 */
void kdbus_conn_lost_message(struct kdbus_conn *conn)
{
	if (atomic_inc_return(&conn->lost_count) == 1)
		kdbus_conn_wake(conn);
}

/*
 * Reply timeouts
 */

/**
 * kdbus_conn_schedule_timeout() - re-arm the timeout work (bus->lock held)
 * @conn:	requester
 */
void kdbus_conn_schedule_timeout(struct kdbus_conn *conn)
{
	struct kdbus_reply *r;
	u64 now = ktime_get_ns(), next = U64_MAX;

	list_for_each_entry(r, &conn->reply_list, entry)
		if ((!r->sync || r->interrupted) && r->deadline_ns < next)
			next = r->deadline_ns;
	if (next == U64_MAX || !kdbus_conn_active(conn))
		return;
	mod_delayed_work(system_wq, &conn->work,
			 next <= now ? 0 : nsecs_to_jiffies(next - now) + 1);
}

static void kdbus_conn_timeout_work(struct work_struct *work)
{
	struct kdbus_conn *conn = container_of(to_delayed_work(work),
					       struct kdbus_conn, work);
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_reply *r, *tmp;
	u64 now = ktime_get_ns();

	mutex_lock(&bus->lock);
	if (!kdbus_conn_active(conn))
		goto exit;
	list_for_each_entry_safe(r, tmp, &conn->reply_list, entry) {
		if (r->deadline_ns > now)
			continue;
		if (r->sync && !r->interrupted)
			continue;
		if (!r->sync)
			kdbus_notify_reply_timeout(bus, conn->id, r->cookie);
		kdbus_reply_unlink(r);
	}
	kdbus_conn_schedule_timeout(conn);
	kdbus_notify_flush(bus);
exit:
	mutex_unlock(&bus->lock);
}

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
	int ret;

	kdbus_bus_eavesdrop(bus, s);

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
		ret = kdbus_conn_entry_insert(dst, s, NULL);
		if (ret < 0)
			kdbus_conn_lost_message(dst);
	}
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
 * HELLO
 */

/**
 * kdbus_hello_meta() - the connection's metadata snapshot (spec 4.5 step
 *			12, 13.5, 13.6)
 * @argv:	parsed HELLO items (CREDS, PIDS, SECLABEL at 2, 3, 4)
 * @fake:	set if fake credentials were given
 *
 * Return: snapshot, ERR_PTR(-EINVAL) for unresolvable fake ids/PIDs, or
 * ERR_PTR(-ENOMEM).
 */
static struct kdbus_meta_proc *kdbus_hello_meta(struct kdbus_arg *argv,
						bool *fake)
{
	struct kdbus_meta_proc *mp;
	int ret;

	mp = kdbus_meta_proc_new();
	if (!mp)
		return ERR_PTR(-ENOMEM);
	*fake = argv[2].item || argv[3].item || argv[4].item;
	if (*fake)
		ret = kdbus_meta_proc_fake(mp, argv[2].item, argv[3].item,
					   argv[4].item);
	else
		ret = kdbus_meta_proc_collect(mp, KDBUS_ATTACH_PROC);
	if (ret < 0) {
		kdbus_meta_proc_free(mp);
		return ERR_PTR(ret);
	}
	return mp;
}

/* spec 14.2, 13.6: a privileged caller's fake uid is accounted */
static kuid_t kdbus_conn_account_uid(struct kdbus_conn *conn)
{
	if (conn->fake_meta && conn->privileged &&
	    (conn->meta->present & KDBUS_ATTACH_CREDS) &&
	    uid_valid(conn->meta->uid[0]))
		return conn->meta->uid[0];
	return conn->cred->uid;
}

static struct kdbus_conn *kdbus_conn_new(struct kdbus_ep *ep,
					 struct file *file,
					 struct kdbus_cmd_hello *hello,
					 u64 send, u64 recv,
					 const char *description,
					 bool privileged,
					 struct kdbus_meta_proc *meta,
					 bool fake)
{
	struct kdbus_bus *bus = ep->bus;
	struct kdbus_user *user;
	struct kdbus_conn *conn;
	char name[64];
	int ret;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn) {
		kdbus_meta_proc_free(meta);
		return ERR_PTR(-ENOMEM);
	}
	kdbus_node_init(&conn->node, KDBUS_NODE_CONN, kdbus_conn_free);
	conn->flags = hello->flags;
	conn->ep = kdbus_ep_ref(ep);
	conn->bus = bus;
	conn->cred = get_cred(file->f_cred);
	conn->pid = get_pid(task_pid(current));
	get_fs_root(current->fs, &conn->root);
	conn->meta = meta;
	conn->fake_meta = fake;
	conn->privileged = privileged && !ep->is_custom;
	conn->owner = !ep->is_custom &&
		      kdbus_bus_cred_is_owner(bus, file->f_cred, file);
	conn->attach_flags_send = send;
	conn->attach_flags_recv = recv;
	atomic_set(&conn->lost_count, 0);
	INIT_LIST_HEAD(&conn->bus_entry);
	INIT_HLIST_NODE(&conn->hentry);
	INIT_LIST_HEAD(&conn->ep_entry);
	INIT_LIST_HEAD(&conn->queue);
	INIT_LIST_HEAD(&conn->quota_list);
	INIT_LIST_HEAD(&conn->match_list);
	INIT_LIST_HEAD(&conn->names_list);
	INIT_LIST_HEAD(&conn->reply_list);
	INIT_DELAYED_WORK(&conn->work, kdbus_conn_timeout_work);
	init_waitqueue_head(&conn->wait);

	if (description) {
		conn->description = kstrdup(description, GFP_KERNEL);
		if (!conn->description) {
			ret = -ENOMEM;
			goto exit_unref;
		}
	}

	if (ep->user)
		user = kdbus_user_ref(ep->user);
	else
		user = kdbus_user_lookup(bus->domain,
					 kdbus_conn_account_uid(conn));
	if (IS_ERR(user)) {
		ret = PTR_ERR(user);
		goto exit_unref;
	}
	conn->user = user;
	if (atomic_inc_return(&user->connections) > KDBUS_USER_MAX_CONN) {
		ret = -EMFILE;
		goto exit_unref;
	}

	conn->id = atomic64_inc_return(&bus->domain->last_id);
	snprintf(name, sizeof(name), "kdbus-pool-%llu", conn->id);
	conn->pool = kdbus_pool_new(name, hello->pool_size);
	if (IS_ERR(conn->pool)) {
		ret = PTR_ERR(conn->pool);
		conn->pool = NULL;
		goto exit_unref;
	}
	return conn;

exit_unref:
	kdbus_conn_unref(conn);
	return ERR_PTR(ret);
}

/* make the connection visible; bus->lock held */
static int kdbus_conn_link(struct kdbus_conn *conn)
{
	struct kdbus_bus *bus = conn->bus;

	if (!kdbus_node_is_active(&bus->node) ||
	    !kdbus_node_is_active(&conn->ep->node))
		return -ESHUTDOWN;
	kdbus_node_activate(&conn->node);
	hash_add(bus->conn_hash, &conn->hentry, conn->id);
	list_add_tail(&conn->ep_entry, &conn->ep->conn_list);
	if (kdbus_conn_is_monitor(conn)) {
		list_add_tail(&conn->bus_entry, &bus->monitors_list);
	} else {
		list_add_tail(&conn->bus_entry, &bus->conn_list);
		conn->linked = true;
		kdbus_notify_id_change(bus, KDBUS_ITEM_ID_ADD, conn->id,
				       conn->flags);
	}
	return 0;
}

static int kdbus_hello_output(struct kdbus_conn *conn,
			      struct kdbus_cmd_hello *hello,
			      void __user *argp)
{
	struct {
		struct kdbus_item_header {
			u64 size;
			u64 type;
		} h;
		struct kdbus_bloom_parameter bloom;
	} item;
	struct kdbus_bus *bus = conn->bus;
	int ret;

	item.h.size = sizeof(item);
	item.h.type = KDBUS_ITEM_BLOOM_PARAMETER;
	item.bloom = bus->bloom;
	mutex_lock(&bus->lock);
	ret = kdbus_pool_publish(conn->pool, &item, sizeof(item),
				 &hello->offset, &hello->items_size);
	mutex_unlock(&bus->lock);
	if (ret < 0)
		return ret;

	hello->bus_flags = bus->bus_flags;
	hello->id = conn->id;
	memcpy(hello->id128, bus->id128, sizeof(hello->id128));
	if (copy_to_user(argp, hello, sizeof(*hello)))
		return -EFAULT;
	return 0;
}

static int kdbus_hello_check(struct kdbus_ep *ep, struct file *file,
			     struct kdbus_cmd_hello *hello,
			     struct kdbus_arg *argv, u64 *send, u64 *recv)
{
	struct kdbus_item *name = argv[1].item;
	bool owner;
	int ret = 0;

	if (hello->pool_size == 0 || !PAGE_ALIGNED(hello->pool_size) ||
	    !kdbus_u64_fits_size(hello->pool_size) ||
	    hello->pool_size > MAX_LFS_FILESIZE)
		return -EINVAL;
	if (hweight64(hello->flags & KDBUS_HELLO_SPECIAL_CONN) > 1)
		return -EINVAL;
	if (name && !(hello->flags & (KDBUS_HELLO_ACTIVATOR |
				      KDBUS_HELLO_POLICY_HOLDER)))
		return -EINVAL;
	if (!name && (hello->flags & (KDBUS_HELLO_ACTIVATOR |
				      KDBUS_HELLO_POLICY_HOLDER)))
		return -EINVAL;
	if (name && !kdbus_name_is_valid(name->str, true))
		return -EINVAL;
	if ((hello->flags & KDBUS_HELLO_MONITOR) && ep->is_custom)
		return -EOPNOTSUPP;
	owner = !ep->is_custom &&
		kdbus_bus_cred_is_owner(ep->bus, file->f_cred, file);
	if (!owner && (hello->flags & KDBUS_HELLO_SPECIAL_CONN))
		return -EPERM;
	if (!owner && (argv[2].item || argv[3].item || argv[4].item))
		return -EPERM;
	*send = kdbus_sanitize_attach_flags(hello->attach_flags_send, &ret);
	*recv = kdbus_sanitize_attach_flags(hello->attach_flags_recv, &ret);
	if (ret < 0)
		return ret;
	if (ep->bus->attach_flags_req & ~*send)
		return -ECONNREFUSED;
	return 0;
}

/* spec 4.5 steps 15-17: activator name and policy upload */
static int kdbus_hello_special(struct kdbus_conn *conn,
			       struct kdbus_args *args, const char *name)
{
	struct kdbus_bus *bus = conn->bus;
	int ret;

	if (kdbus_conn_is_activator(conn)) {
		ret = kdbus_name_register_activator(conn, name);
		if (ret < 0)
			return ret;
	}
	if (kdbus_conn_is_activator(conn) || kdbus_conn_is_policy_holder(conn))
		return kdbus_policy_db_set(&bus->policy_db,
					   KDBUS_ARGS_ITEMS(args),
					   KDBUS_ARGS_ITEMS_SIZE(args), 1,
					   kdbus_conn_is_policy_holder(conn),
					   conn);
	return 0;
}

/**
 * kdbus_cmd_hello() - KDBUS_CMD_HELLO
 * @ep:		endpoint
 * @file:	the handle's file
 * @privileged:	the opener has CAP_IPC_OWNER in the domain user namespace
 * @argp:	user struct kdbus_cmd_hello
 *
 * Return: new connection, NULL after negotiation, or ERR_PTR.
 */
struct kdbus_conn *kdbus_cmd_hello(struct kdbus_ep *ep, struct file *file,
				   bool privileged, void __user *argp)
{
	struct kdbus_conn *conn = NULL;
	struct kdbus_cmd_hello *hello;
	struct kdbus_meta_proc *meta;
	struct kdbus_bus *bus = ep->bus;
	u64 send = 0, recv = 0;
	bool fake;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_NAME },
		{ .type = KDBUS_ITEM_CREDS },
		{ .type = KDBUS_ITEM_PIDS },
		{ .type = KDBUS_ITEM_SECLABEL },
		{ .type = KDBUS_ITEM_CONN_DESCRIPTION },
		{ .type = KDBUS_ITEM_POLICY_ACCESS, .multiple = true },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE |
				 KDBUS_HELLO_ACCEPT_FD |
				 KDBUS_HELLO_ACTIVATOR |
				 KDBUS_HELLO_POLICY_HOLDER |
				 KDBUS_HELLO_MONITOR,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	ret = kdbus_args_parse(&args, argp, sizeof(*hello));
	if (ret != 0)
		goto exit;
	hello = args.cmd;

	ret = kdbus_hello_check(ep, file, hello, argv, &send, &recv);
	if (ret < 0)
		goto exit;
	meta = kdbus_hello_meta(argv, &fake);
	if (IS_ERR(meta)) {
		ret = PTR_ERR(meta);
		goto exit;
	}

	conn = kdbus_conn_new(ep, file, hello, send, recv,
			      argv[5].item ? argv[5].item->str : NULL,
			      privileged, meta, fake);
	if (IS_ERR(conn)) {
		ret = PTR_ERR(conn);
		conn = NULL;
		goto exit;
	}

	mutex_lock(&bus->lock);
	ret = kdbus_conn_link(conn);
	if (!ret)
		ret = kdbus_hello_special(conn, &args,
					  argv[1].item ? argv[1].item->str :
					  NULL);
	kdbus_notify_flush(bus);
	mutex_unlock(&bus->lock);
	if (!ret)
		ret = kdbus_hello_output(conn, hello, argp);

exit:
	ret = kdbus_args_clear(&args, ret > 0 ? 0 : ret);
	if (ret < 0 && conn) {
		kdbus_conn_disconnect(conn, false);
		conn = kdbus_conn_unref(conn);
	}
	return ret < 0 ? ERR_PTR(ret) : conn;
}

/*
 * Disconnect
 */

/* spec 9.6 steps 5-7 for one expectation whose replier is going away */
static void kdbus_reply_dead(struct kdbus_bus *bus, struct kdbus_reply *r)
{
	if (!r->linked || r->completed)
		return;
	if (r->sync) {
		kdbus_sync_reply_complete(r, -EPIPE);
		return;
	}
	kdbus_notify_reply_dead(bus, r->reply_src->id, r->cookie);
	kdbus_reply_unlink(r);
}

static void kdbus_conn_purge(struct kdbus_conn *conn)
{
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_queue_entry *e, *etmp;
	struct kdbus_reply *r, *rtmp;
	struct kdbus_conn *c;
	unsigned int i;
	struct kdbus_quota *q, *qtmp;

	list_for_each_entry_safe(e, etmp, &conn->queue, entry) {
		kdbus_queue_entry_dequeue(e);
		if (e->reply)
			kdbus_reply_dead(bus, e->reply);
		kdbus_queue_entry_free(e);
	}
	list_for_each_entry_safe(r, rtmp, &conn->reply_list, entry)
		kdbus_reply_unlink(r);
	hash_for_each(bus->conn_hash, i, c, hentry)
		list_for_each_entry_safe(r, rtmp, &c->reply_list, entry)
			if (r->reply_dst == conn)
				kdbus_reply_dead(bus, r);
	list_for_each_entry_safe(q, qtmp, &conn->quota_list, entry) {
		list_del(&q->entry);
		kfree(q);
	}
	kdbus_match_db_clear(conn);
}

/**
 * kdbus_conn_disconnect() - disconnect a connection (spec 9.6)
 * @conn:		connection
 * @ensure_empty:	BYEBYE: fail with -EBUSY if messages are queued; the
 *			caller holds one active reference
 *
 * Return: 0, -EBUSY, or -ESHUTDOWN if it was already disconnected.
 */
static int __kdbus_conn_disconnect(struct kdbus_conn *conn, bool ensure_empty)
{
	struct kdbus_bus *bus = conn->bus;

	mutex_lock(&bus->lock);
	if (ensure_empty && conn->queue_count > 0) {
		mutex_unlock(&bus->lock);
		return -EBUSY;
	}
	if (!kdbus_node_deactivate(&conn->node)) {
		mutex_unlock(&bus->lock);
		return -ESHUTDOWN;
	}
	wake_up_all(&conn->wait);
	mutex_unlock(&bus->lock);

	kdbus_node_drain(&conn->node, ensure_empty ? 1 : 0);
	cancel_delayed_work_sync(&conn->work);

	mutex_lock(&bus->lock);
	kdbus_names_release_all(conn);
	kdbus_policy_db_remove_owner(&bus->policy_db, conn);
	list_del_init(&conn->bus_entry);
	list_del_init(&conn->ep_entry);
	if (!hlist_unhashed(&conn->hentry))
		hash_del(&conn->hentry);
	if (conn->linked)
		kdbus_notify_id_change(bus, KDBUS_ITEM_ID_REMOVE, conn->id,
				       conn->flags);
	kdbus_conn_purge(conn);
	kdbus_notify_flush(bus);
	mutex_unlock(&bus->lock);
	return 0;
}

void kdbus_conn_disconnect(struct kdbus_conn *conn, bool ensure_empty)
{
	__kdbus_conn_disconnect(conn, ensure_empty);
}

int kdbus_cmd_byebye(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};
	int ret;

	if (!kdbus_conn_is_ordinary(conn))
		return -EOPNOTSUPP;
	ret = kdbus_args_parse(&args, argp, sizeof(struct kdbus_cmd));
	if (ret == 0)
		ret = __kdbus_conn_disconnect(conn, true);
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}

/*
 * UPDATE, FREE, CONN_INFO
 */

int kdbus_cmd_update(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_bus *bus = conn->bus;
	u64 send = 0, recv = 0;
	struct kdbus_item *it;
	bool policy = false;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_ATTACH_FLAGS_SEND },
		{ .type = KDBUS_ITEM_ATTACH_FLAGS_RECV },
		{ .type = KDBUS_ITEM_NAME, .multiple = true },
		{ .type = KDBUS_ITEM_POLICY_ACCESS, .multiple = true },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	ret = kdbus_args_parse(&args, argp, sizeof(struct kdbus_cmd));
	if (ret != 0)
		goto exit;

	it = argv[1].item;
	if (it) {
		if (!kdbus_conn_is_ordinary(conn) &&
		    !kdbus_conn_is_monitor(conn)) {
			ret = -EOPNOTSUPP;
			goto exit;
		}
		send = kdbus_sanitize_attach_flags(it->data64[0], &ret);
		if (!ret && (bus->attach_flags_req & ~send))
			ret = -EINVAL;
		if (ret < 0)
			goto exit;
	}
	it = argv[2].item;
	if (it) {
		if (kdbus_conn_is_policy_holder(conn)) {
			ret = -EOPNOTSUPP;
			goto exit;
		}
		recv = kdbus_sanitize_attach_flags(it->data64[0], &ret);
		if (ret < 0)
			goto exit;
	}
	policy = argv[3].item || argv[4].item;
	if (policy && !kdbus_conn_is_policy_holder(conn)) {
		ret = -EOPNOTSUPP;
		goto exit;
	}

	mutex_lock(&bus->lock);
	if (policy)
		ret = kdbus_policy_db_set(&bus->policy_db,
					  KDBUS_ARGS_ITEMS(&args),
					  KDBUS_ARGS_ITEMS_SIZE(&args), 1,
					  true, conn);
	if (!ret && argv[1].item)
		conn->attach_flags_send = send;
	if (!ret && argv[2].item)
		conn->attach_flags_recv = recv;
	mutex_unlock(&bus->lock);
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}

int kdbus_cmd_free(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_cmd_free *cmd;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};
	int ret;

	if (kdbus_conn_is_policy_holder(conn))
		return -EOPNOTSUPP;
	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret == 0) {
		cmd = args.cmd;
		mutex_lock(&conn->bus->lock);
		ret = cmd->offset > conn->pool->size ? -ENXIO :
		      kdbus_pool_release_offset(conn->pool, cmd->offset);
		mutex_unlock(&conn->bus->lock);
	}
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}

static int kdbus_conn_info_target(struct kdbus_conn *conn,
				  struct kdbus_cmd_info *cmd,
				  struct kdbus_item *name,
				  struct kdbus_conn **target)
{
	struct kdbus_name_entry *e;
	struct kdbus_name_owner *o;
	struct kdbus_conn *t;

	if (name) {
		e = kdbus_name_lookup(conn->bus, name->str);
		o = e ? kdbus_name_get_owner(e) : NULL;
		if (!o || !kdbus_conn_policy_see_name(conn, current_cred(),
						      name->str) ||
		    (cmd->id && cmd->id != o->conn->id))
			return -ESRCH;
		*target = o->conn;
		return 0;
	}
	if (!cmd->id)
		return -EINVAL;
	t = kdbus_bus_find_conn_by_id(conn->bus, cmd->id);
	if (!t || !kdbus_conn_policy_see(conn, current_cred(), t))
		return -ENXIO;
	*target = t;
	return 0;
}

int kdbus_cmd_conn_info(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_cmd_info __user *uinfo = argp;
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_conn *target;
	struct kdbus_cmd_info *cmd;
	struct kdbus_info *info;
	u64 mask, off = 0, sz = 0;
	size_t size;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_NAME },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret != 0)
		goto exit;
	cmd = args.cmd;
	mask = kdbus_sanitize_attach_flags(cmd->attach_flags, &ret);
	if (ret < 0)
		goto exit;

	mutex_lock(&bus->lock);
	ret = kdbus_conn_info_target(conn, cmd, argv[1].item, &target);
	if (ret < 0)
		goto exit_unlock;
	mask &= target->attach_flags_send;
	size = sizeof(*info) + kdbus_meta_conn_info(target, mask, NULL);
	info = kzalloc(size, GFP_KERNEL);
	if (!info) {
		ret = -ENOMEM;
		goto exit_unlock;
	}
	info->size = size;
	info->id = target->id;
	info->flags = target->flags;
	kdbus_meta_conn_info(target, mask, (u8 *)info->items);
	ret = kdbus_pool_publish(conn->pool, info, size, &off, &sz);
	kfree(info);
exit_unlock:
	mutex_unlock(&bus->lock);
	if (!ret && (put_user(off, &uinfo->offset) ||
		     put_user(sz, &uinfo->info_size)))
		ret = -EFAULT;
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
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
		kdbus_bus_eavesdrop(conn->bus, s);
		if (kdbus_match_db_match(dst, conn, s) &&
		    kdbus_conn_policy_talk(dst, dst->cred, conn))
			kdbus_conn_entry_insert(dst, s, NULL);
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
	if (s) {
		mutex_lock(&bus->lock);
		kdbus_staging_free(s);
		mutex_unlock(&bus->lock);
	}
	kdbus_args_clear(&margs, 0);
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}

/*
 * RECV
 */

int kdbus_cmd_recv(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_cmd_recv __user *ucmd = argp;
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_queue_entry *e;
	struct kdbus_cmd_recv *cmd;
	int ret, dropped;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE | KDBUS_RECV_PEEK |
				 KDBUS_RECV_DROP | KDBUS_RECV_USE_PRIORITY,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	if (kdbus_conn_is_policy_holder(conn))
		return -EOPNOTSUPP;
	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret != 0)
		goto exit;
	cmd = args.cmd;
	cmd->dropped_msgs = 0;
	cmd->msg.offset = conn->pool->size;
	cmd->msg.msg_size = 0;
	cmd->msg.return_flags = 0;

	if ((cmd->flags & KDBUS_RECV_DROP) &&
	    (cmd->flags & KDBUS_RECV_USE_PRIORITY)) {
		ret = -EINVAL;
		goto exit_write;
	}

	mutex_lock(&bus->lock);
	e = kdbus_queue_peek(conn, cmd->priority,
			     cmd->flags & KDBUS_RECV_USE_PRIORITY);
	if (!e) {
		ret = -EAGAIN;
	} else if (cmd->flags & KDBUS_RECV_DROP) {
		kdbus_queue_entry_dequeue(e);
		if (e->reply)
			kdbus_reply_dead(bus, e->reply);
		kdbus_queue_entry_free(e);
	} else if (cmd->flags & KDBUS_RECV_PEEK) {
		kdbus_pool_slice_publish(e->slice, &cmd->msg.offset,
					 &cmd->msg.msg_size);
	} else {
		ret = kdbus_queue_entry_install(e, &cmd->msg.return_flags,
					conn->flags & KDBUS_HELLO_ACCEPT_FD);
		if (!ret) {
			kdbus_pool_slice_publish(e->slice, &cmd->msg.offset,
						 &cmd->msg.msg_size);
			kdbus_queue_entry_dequeue(e);
			kdbus_queue_entry_free(e);
		}
	}
	if (!ret || ret == -EAGAIN) {
		dropped = atomic_xchg(&conn->lost_count, 0);
		if (dropped) {
			cmd->dropped_msgs = dropped;
			kdbus_cmd_return_flags_set(&args,
					KDBUS_RECV_RETURN_DROPPED_MSGS);
		}
	}
	kdbus_notify_flush(bus);
	mutex_unlock(&bus->lock);

exit_write:
	if (put_user(cmd->dropped_msgs, &ucmd->dropped_msgs) ||
	    copy_to_user(&ucmd->msg, &cmd->msg, sizeof(cmd->msg)))
		ret = -EFAULT;
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}
