// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - connections: HELLO, BYEBYE, UPDATE, FREE, CONN_INFO, reply
 * timeouts, disconnect (spec 4.5 - 4.10, 9). Delivery and SEND are in
 * send.c, RECV in recv.c.
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
#include "trace.h"
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
	u64 send = 0, recv = 0, trace = 0;
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
		{ .type = KDBUS_ITEM_X_TRACE },
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
	if (ret == -ECONNREFUSED)
		kdbus_trace_hello_refused(ep, file, hello, send,
					  argv[5].item ? argv[5].item->str :
					  NULL);
	if (!ret)
		ret = kdbus_trace_hello_flags(hello, argv[7].item, &trace);
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
	conn->trace_flags = trace;

	mutex_lock(&bus->lock);
	ret = kdbus_conn_link(conn);
	if (!ret)
		ret = kdbus_hello_special(conn, &args,
					  argv[1].item ? argv[1].item->str :
					  NULL);
	if (!ret)
		kdbus_trace_ep_snapshot(conn);
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
void kdbus_reply_dead(struct kdbus_bus *bus, struct kdbus_reply *r)
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
 * __kdbus_conn_disconnect() - disconnect a connection (spec 9.6)
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
	if (!ret && (argv[1].item || argv[2].item))
		kdbus_trace_conn_masks(conn);
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
	size_t prefix;
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
	/* spec 4.9: no implicit items, no /proc restriction, no TIMESTAMP */
	mask &= target->attach_flags_send & ~KDBUS_ATTACH_TIMESTAMP;
	prefix = kdbus_trace_info_prefix(conn);
	info = kdbus_meta_info_new(target->meta, target, mask, conn, prefix);
	if (IS_ERR(info)) {
		ret = PTR_ERR(info);
		goto exit_unlock;
	}
	if (prefix)
		kdbus_trace_info_masks(info, target);
	info->id = target->id;
	info->flags = target->flags;
	ret = kdbus_pool_publish(conn->pool, info, info->size, &off, &sz);
	kfree(info);
exit_unlock:
	mutex_unlock(&bus->lock);
	if (!ret && (put_user(off, &uinfo->offset) ||
		     put_user(sz, &uinfo->info_size)))
		ret = -EFAULT;
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}
