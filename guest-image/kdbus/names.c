// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - name registry: acquire, release, queueing, replacement,
 * activators and hand-over, LIST (spec section 8).
 *
 * Locking: the registry (bus->name_hash, name entries, owner records and
 * conn->names_list) is protected by bus->lock, held by every caller.
 * Notifications are queued on the bus and delivered by the caller after
 * the registry update (kdbus_notify_flush()).
 */
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/uaccess.h>

#include "bus.h"
#include "connection.h"
#include "item.h"
#include "limits.h"
#include "names.h"
#include "notify.h"
#include "pool.h"
#include "queue.h"
#include "util.h"

#define KDBUS_NAME_STORED (KDBUS_NAME_ALLOW_REPLACEMENT | KDBUS_NAME_QUEUE)

static u32 kdbus_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

struct kdbus_name_entry *kdbus_name_lookup(struct kdbus_bus *bus,
					   const char *name)
{
	struct kdbus_name_entry *e;

	hash_for_each_possible(bus->name_hash, e, hentry,
			       kdbus_name_hash(name))
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/**
 * kdbus_name_get_owner() - current owner: primary, else the activator
 * @e:		name entry
 *
 * Return: owner record or NULL.
 */
struct kdbus_name_owner *kdbus_name_get_owner(struct kdbus_name_entry *e)
{
	struct kdbus_name_owner *o;

	o = list_first_entry_or_null(&e->queue, struct kdbus_name_owner,
				     name_entry);
	return o ? o : e->activator;
}

/**
 * kdbus_name_owner_flags() - KDBUS_NAME_* flags of a record right now
 * @o:		record
 *
 * Return: stored flags plus PRIMARY or IN_QUEUE.
 */
u64 kdbus_name_owner_flags(struct kdbus_name_owner *o)
{
	if (kdbus_name_get_owner(o->name) == o)
		return o->flags | KDBUS_NAME_PRIMARY;
	return o->flags | KDBUS_NAME_IN_QUEUE;
}

/**
 * kdbus_name_owner_is_current() - does a record count as an owned name
 * @o:		record
 *
 * Spec 11.4 and 13.2: primary records, and activator records also while
 * another connection is primary; queued records do not count.
 *
 * Return: true if it counts.
 */
bool kdbus_name_owner_is_current(struct kdbus_name_owner *o)
{
	return kdbus_name_get_owner(o->name) == o || o->name->activator == o;
}

bool kdbus_conn_is_primary_owner(struct kdbus_conn *conn, const char *name)
{
	struct kdbus_name_entry *e = kdbus_name_lookup(conn->bus, name);
	struct kdbus_name_owner *o = e ? kdbus_name_get_owner(e) : NULL;

	return o && o->conn == conn;
}

static struct kdbus_name_entry *kdbus_name_entry_get(struct kdbus_bus *bus,
						     const char *name)
{
	struct kdbus_name_entry *e = kdbus_name_lookup(bus, name);

	if (e)
		return e;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return NULL;
	e->name = kstrdup(name, GFP_KERNEL);
	if (!e->name) {
		kfree(e);
		return NULL;
	}
	e->name_id = ++bus->name_seq;
	INIT_LIST_HEAD(&e->queue);
	hash_add(bus->name_hash, &e->hentry, kdbus_name_hash(name));
	return e;
}

static void kdbus_name_entry_put(struct kdbus_name_entry *e)
{
	if (!list_empty(&e->queue) || e->activator)
		return;
	hash_del(&e->hentry);
	kfree(e->name);
	kfree(e);
}

static struct kdbus_name_owner *kdbus_name_owner_new(struct kdbus_conn *conn,
						     struct kdbus_name_entry *e,
						     u64 flags)
{
	struct kdbus_name_owner *o;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return NULL;
	INIT_LIST_HEAD(&o->name_entry);
	o->conn = conn;
	o->name = e;
	o->flags = flags;
	list_add_tail(&o->conn_entry, &conn->names_list);
	conn->name_count++;
	return o;
}

static void kdbus_name_owner_free(struct kdbus_name_owner *o)
{
	list_del(&o->conn_entry);
	o->conn->name_count--;
	list_del_init(&o->name_entry);
	if (o->name->activator == o)
		o->name->activator = NULL;
	kfree(o);
}

static struct kdbus_name_owner *kdbus_name_find_record(struct kdbus_name_entry *e,
						       struct kdbus_conn *conn)
{
	struct kdbus_name_owner *o;

	list_for_each_entry(o, &e->queue, name_entry)
		if (o->conn == conn)
			return o;
	return NULL;
}

/* spec 8.7: move messages and replies addressed to @e from @from to @to */
static void kdbus_name_handover(struct kdbus_bus *bus,
				struct kdbus_name_entry *e,
				struct kdbus_conn *from, struct kdbus_conn *to)
{
	struct kdbus_queue_entry *qe, *tmp;
	struct kdbus_reply *r;
	struct kdbus_conn *c;
	unsigned int i;

	hash_for_each(bus->conn_hash, i, c, hentry) {
		list_for_each_entry(r, &c->reply_list, entry) {
			if (r->reply_dst != from || r->name_id != e->name_id)
				continue;
			kdbus_conn_unref(r->reply_dst);
			r->reply_dst = kdbus_conn_ref(to);
		}
	}
	list_for_each_entry_safe(qe, tmp, &from->queue, entry) {
		if (qe->dst_name_id != e->name_id)
			continue;
		if (kdbus_conn_active(to) && !kdbus_queue_entry_move(qe, to))
			continue;
		kdbus_queue_entry_dequeue(qe);
		kdbus_queue_entry_free(qe);
		kdbus_conn_lost_message(to);
	}
}

/* spec 8.5 */
static void kdbus_name_owner_release(struct kdbus_name_owner *o)
{
	struct kdbus_name_entry *e = o->name;
	struct kdbus_bus *bus = o->conn->bus;
	struct kdbus_name_owner *n;
	u64 old_flags;

	if (kdbus_name_get_owner(e) != o) {
		kdbus_name_owner_free(o);
		kdbus_name_entry_put(e);
		return;
	}

	old_flags = kdbus_name_owner_flags(o);
	if (e->activator == o)
		e->activator = NULL;
	list_del_init(&o->name_entry);
	n = kdbus_name_get_owner(e);
	if (n) {
		if (n == e->activator)
			kdbus_name_handover(bus, e, o->conn, n->conn);
		kdbus_notify_name_change(bus, KDBUS_ITEM_NAME_CHANGE,
					 o->conn->id, old_flags,
					 n->conn->id,
					 kdbus_name_owner_flags(n), e->name);
	} else {
		kdbus_notify_name_change(bus, KDBUS_ITEM_NAME_REMOVE,
					 o->conn->id, old_flags, 0, 0,
					 e->name);
	}
	kdbus_name_owner_free(o);
	kdbus_name_entry_put(e);
}

/**
 * kdbus_names_release_all() - release every record of a connection
 * @conn:	disconnecting connection
 */
void kdbus_names_release_all(struct kdbus_conn *conn)
{
	struct kdbus_name_owner *o;

	while ((o = list_first_entry_or_null(&conn->names_list,
					     struct kdbus_name_owner,
					     conn_entry)))
		kdbus_name_owner_release(o);
}

/**
 * kdbus_names_free() - free a bus's registry (bus is unused)
 * @bus:	bus
 */
void kdbus_names_free(struct kdbus_bus *bus)
{
	struct kdbus_name_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	hash_for_each_safe(bus->name_hash, i, tmp, e, hentry) {
		hash_del(&e->hentry);
		kfree(e->name);
		kfree(e);
	}
}

/**
 * kdbus_name_register_activator() - spec 8.6
 * @conn:	activator connection
 * @name:	name
 *
 * Return: 0, -EPERM, -EEXIST or -ENOMEM.
 */
int kdbus_name_register_activator(struct kdbus_conn *conn, const char *name)
{
	struct kdbus_name_entry *e;
	struct kdbus_name_owner *o;

	if (!kdbus_conn_policy_own_name(conn, current_cred(), name))
		return -EPERM;
	e = kdbus_name_entry_get(conn->bus, name);
	if (!e)
		return -ENOMEM;
	if (e->activator) {
		kdbus_name_entry_put(e);
		return -EEXIST;
	}
	o = kdbus_name_owner_new(conn, e, KDBUS_NAME_ACTIVATOR);
	if (!o) {
		kdbus_name_entry_put(e);
		return -ENOMEM;
	}
	e->activator = o;
	if (list_empty(&e->queue))
		kdbus_notify_name_change(conn->bus, KDBUS_ITEM_NAME_ADD, 0, 0,
					 conn->id, kdbus_name_owner_flags(o),
					 name);
	return 0;
}

/* spec 8.4 step 3; returns return_flags or a negative errno */
static s64 kdbus_name_acquire(struct kdbus_conn *conn,
			      struct kdbus_name_entry *e, u64 req)
{
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_name_owner *o, *p;
	u64 old_flags;
	bool is_new = false;

	o = kdbus_name_find_record(e, conn);
	if (!o) {
		if (conn->name_count >= KDBUS_CONN_MAX_NAMES)
			return -E2BIG;
		o = kdbus_name_owner_new(conn, e, req & KDBUS_NAME_STORED);
		if (!o)
			return -ENOMEM;
		is_new = true;
	} else {
		o->flags = req & KDBUS_NAME_STORED;
	}
	p = list_first_entry_or_null(&e->queue, struct kdbus_name_owner,
				     name_entry);

	if (!p) {
		list_add(&o->name_entry, &e->queue);
		if (e->activator) {
			struct kdbus_name_owner *a = e->activator;

			kdbus_name_handover(bus, e, a->conn, conn);
			kdbus_notify_name_change(bus, KDBUS_ITEM_NAME_CHANGE,
					a->conn->id,
					KDBUS_NAME_ACTIVATOR | KDBUS_NAME_PRIMARY,
					conn->id, kdbus_name_owner_flags(o),
					e->name);
		} else {
			kdbus_notify_name_change(bus, KDBUS_ITEM_NAME_ADD, 0, 0,
					conn->id, kdbus_name_owner_flags(o),
					e->name);
		}
		return kdbus_name_owner_flags(o) | KDBUS_NAME_ACQUIRED;
	}
	if (p == o)
		return kdbus_name_owner_flags(o);
	if ((p->flags & KDBUS_NAME_ALLOW_REPLACEMENT) &&
	    (req & KDBUS_NAME_REPLACE_EXISTING)) {
		old_flags = kdbus_name_owner_flags(p);
		list_del_init(&o->name_entry);
		list_add(&o->name_entry, &e->queue);
		kdbus_notify_name_change(bus, KDBUS_ITEM_NAME_CHANGE,
					 p->conn->id, old_flags, conn->id,
					 kdbus_name_owner_flags(o), e->name);
		if (p->flags & KDBUS_NAME_QUEUE)
			list_move(&p->name_entry, &o->name_entry);
		else
			kdbus_name_owner_free(p);
		return kdbus_name_owner_flags(o) | KDBUS_NAME_ACQUIRED;
	}
	if (req & KDBUS_NAME_QUEUE) {
		if (!is_new)
			return kdbus_name_owner_flags(o);
		list_add_tail(&o->name_entry, &e->queue);
		return kdbus_name_owner_flags(o) | KDBUS_NAME_ACQUIRED;
	}
	if (!is_new) {
		old_flags = o->flags;
		kdbus_name_owner_free(o);
		return old_flags;
	}
	kdbus_name_owner_free(o);
	return -EEXIST;
}

int kdbus_cmd_name_acquire(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_name_entry *e;
	struct kdbus_cmd *cmd;
	const char *name;
	s64 res;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_NAME, .mandatory = true },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE |
				 KDBUS_NAME_REPLACE_EXISTING |
				 KDBUS_NAME_ALLOW_REPLACEMENT |
				 KDBUS_NAME_QUEUE,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	if (!kdbus_conn_is_ordinary(conn))
		return -EOPNOTSUPP;
	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret != 0)
		goto exit;
	cmd = args.cmd;
	name = argv[1].item->str;
	if (!kdbus_name_is_valid(name, false)) {
		ret = -EINVAL;
		goto exit;
	}

	mutex_lock(&bus->lock);
	if (!kdbus_conn_policy_own_name(conn, current_cred(), name)) {
		ret = -EPERM;
		goto exit_unlock;
	}
	e = kdbus_name_entry_get(bus, name);
	if (!e) {
		ret = -ENOMEM;
		goto exit_unlock;
	}
	res = kdbus_name_acquire(conn, e, cmd->flags);
	kdbus_name_entry_put(e);
	if (res < 0)
		ret = res;
	else
		kdbus_cmd_return_flags_set(&args, res);
	kdbus_notify_flush(bus);
exit_unlock:
	mutex_unlock(&bus->lock);
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}

int kdbus_cmd_name_release(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_name_entry *e;
	struct kdbus_name_owner *o;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_NAME, .mandatory = true },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	if (!kdbus_conn_is_ordinary(conn))
		return -EOPNOTSUPP;
	ret = kdbus_args_parse(&args, argp, sizeof(struct kdbus_cmd));
	if (ret != 0)
		goto exit;

	mutex_lock(&bus->lock);
	e = kdbus_name_lookup(bus, argv[1].item->str);
	o = e ? kdbus_name_find_record(e, conn) : NULL;
	if (!e)
		ret = -ESRCH;
	else if (!o)
		ret = -EADDRINUSE;
	else
		kdbus_name_owner_release(o);
	kdbus_notify_flush(bus);
	mutex_unlock(&bus->lock);
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}

/* emit (buf != NULL) or measure the LIST records of one connection */
static size_t kdbus_list_conn(struct kdbus_conn *caller,
			      struct kdbus_conn *c, u64 flags, u8 *buf)
{
	struct kdbus_name_owner *o;
	struct kdbus_info *info;
	struct kdbus_item *item;
	bool selected = false;
	size_t pos = 0, len;
	u64 want;

	list_for_each_entry(o, &c->names_list, conn_entry) {
		if (o == o->name->activator)
			want = KDBUS_LIST_ACTIVATORS;
		else if (kdbus_name_get_owner(o->name) == o)
			want = KDBUS_LIST_NAMES;
		else
			want = KDBUS_LIST_QUEUED;
		if (!(flags & want))
			continue;
		selected = true;
		if (!kdbus_conn_policy_see_name(caller, current_cred(),
						o->name->name))
			continue;
		len = strlen(o->name->name) + 1;
		if (buf) {
			info = (struct kdbus_info *)(buf + pos);
			info->size = sizeof(*info) +
				KDBUS_ITEM_SIZE(sizeof(struct kdbus_name) + len);
			info->id = c->id;
			info->flags = c->flags;
			item = info->items;
			item->size = KDBUS_ITEM_HEADER_SIZE +
				     sizeof(struct kdbus_name) + len;
			item->type = KDBUS_ITEM_OWNED_NAME;
			item->name.flags = kdbus_name_owner_flags(o);
			memcpy(item->name.name, o->name->name, len);
		}
		pos += sizeof(*info) +
		       KDBUS_ITEM_SIZE(sizeof(struct kdbus_name) + len);
	}
	if (!selected && (flags & KDBUS_LIST_UNIQUE)) {
		if (buf) {
			info = (struct kdbus_info *)(buf + pos);
			info->size = sizeof(*info);
			info->id = c->id;
			info->flags = c->flags;
		}
		pos += sizeof(*info);
	}
	return pos;
}

static size_t kdbus_list_all(struct kdbus_conn *caller, u64 flags, u8 *buf)
{
	struct kdbus_conn *c;
	size_t pos = 0;

	list_for_each_entry(c, &caller->bus->conn_list, bus_entry) {
		if (!kdbus_conn_active(c))
			continue;
		pos += kdbus_list_conn(caller, c, flags, buf ? buf + pos : NULL);
	}
	return pos;
}

int kdbus_cmd_list(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_cmd_list __user *ucmd = argp;
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_cmd_list *cmd;
	u64 off, sz = 0;
	size_t size;
	u8 *buf;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE | KDBUS_LIST_UNIQUE |
				 KDBUS_LIST_NAMES | KDBUS_LIST_ACTIVATORS |
				 KDBUS_LIST_QUEUED,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret != 0)
		goto exit;
	cmd = args.cmd;

	mutex_lock(&bus->lock);
	off = conn->pool->size;
	size = kdbus_list_all(conn, cmd->flags, NULL);
	if (size) {
		buf = kzalloc(size, GFP_KERNEL);
		if (!buf) {
			ret = -ENOMEM;
		} else {
			kdbus_list_all(conn, cmd->flags, buf);
			ret = kdbus_pool_publish(conn->pool, buf, size, &off,
						 &sz);
			kfree(buf);
		}
	}
	mutex_unlock(&bus->lock);
	if (!ret && (put_user(off, &ucmd->offset) ||
		     put_user(sz, &ucmd->list_size)))
		ret = -EFAULT;
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}
