// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - match database and bloom filter evaluation (spec section 10).
 *
 * Locking: conn->match_list and conn->match_count are protected by
 * bus->lock.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "bus.h"
#include "connection.h"
#include "item.h"
#include "limits.h"
#include "match.h"
#include "message.h"
#include "names.h"
#include "util.h"

/**
 * struct kdbus_match_rule - one rule of a match entry
 * @entry:	entry in kdbus_match_entry.rules
 * @type:	item type it was built from
 * @mask:	BLOOM_MASK: n_gen masks of bloom size each
 * @n_gen:	BLOOM_MASK: number of generations
 * @name:	NAME, NAME_*: name or NULL
 * @id:		ID, DST_ID, ID_*: id; NAME_*: old id
 * @new_id:	NAME_*: new id
 */
struct kdbus_match_rule {
	struct list_head entry;
	u64 type;
	u64 *mask;
	size_t n_gen;
	char *name;
	u64 id;
	u64 new_id;
};

/**
 * struct kdbus_match_entry - a match entry
 * @entry:	entry in conn->match_list
 * @cookie:	user cookie
 * @rules:	rules, all must accept
 */
struct kdbus_match_entry {
	struct list_head entry;
	u64 cookie;
	struct list_head rules;
};

static void kdbus_match_entry_free(struct kdbus_match_entry *m)
{
	struct kdbus_match_rule *r, *tmp;

	list_for_each_entry_safe(r, tmp, &m->rules, entry) {
		kfree(r->mask);
		kfree(r->name);
		kfree(r);
	}
	kfree(m);
}

void kdbus_match_db_clear(struct kdbus_conn *conn)
{
	struct kdbus_match_entry *m, *tmp;

	list_for_each_entry_safe(m, tmp, &conn->match_list, entry) {
		list_del(&m->entry);
		kdbus_match_entry_free(m);
	}
	conn->match_count = 0;
}

static bool kdbus_match_bloom(const struct kdbus_match_rule *r,
			      const struct kdbus_staging *s, size_t bloom_size)
{
	const struct kdbus_bloom_filter *f = s->bloom;
	size_t n = bloom_size / sizeof(u64), i;
	const u64 *mask;
	u64 g;

	if (!f)
		return false;
	g = min_t(u64, f->generation, r->n_gen - 1);
	mask = r->mask + g * n;
	for (i = 0; i < n; i++)
		if ((f->data[i] & mask[i]) != mask[i])
			return false;
	return true;
}

static bool kdbus_match_rule_kernel(const struct kdbus_match_rule *r,
				    const struct kdbus_staging *s)
{
	const struct kdbus_item *item = &s->msg->items[0];
	const struct kdbus_notify_name_change *nc = &item->name_change;

	if (r->type != s->notify_type)
		return false;
	switch (r->type) {
	case KDBUS_ITEM_ID_ADD:
	case KDBUS_ITEM_ID_REMOVE:
		return r->id == KDBUS_MATCH_ID_ANY ||
		       r->id == item->id_change.id;
	case KDBUS_ITEM_NAME_ADD:
	case KDBUS_ITEM_NAME_REMOVE:
	case KDBUS_ITEM_NAME_CHANGE:
		return (r->id == KDBUS_MATCH_ID_ANY || r->id == nc->old_id.id) &&
		       (r->new_id == KDBUS_MATCH_ID_ANY ||
			r->new_id == nc->new_id.id) &&
		       (!r->name || !strcmp(r->name, nc->name));
	}
	return false;
}

static bool kdbus_match_rule_user(const struct kdbus_match_rule *r,
				  struct kdbus_conn *src,
				  const struct kdbus_staging *s)
{
	switch (r->type) {
	case KDBUS_ITEM_BLOOM_MASK:
		return kdbus_match_bloom(r, s, s->bus->bloom.size);
	case KDBUS_ITEM_NAME:
		return kdbus_conn_is_primary_owner(src, r->name);
	case KDBUS_ITEM_ID:
		return r->id == KDBUS_MATCH_ID_ANY || r->id == src->id;
	case KDBUS_ITEM_DST_ID:
		return r->id == KDBUS_MATCH_ID_ANY ||
		       r->id == s->msg->dst_id;
	}
	return false;
}

/**
 * kdbus_match_db_match() - does any match entry of @conn accept a message
 * @conn:	receiver
 * @src:	sender, NULL for kernel notifications
 * @s:		staged message
 *
 * Return: true if accepted.
 */
bool kdbus_match_db_match(struct kdbus_conn *conn, struct kdbus_conn *src,
			  struct kdbus_staging *s)
{
	struct kdbus_match_entry *m;
	struct kdbus_match_rule *r;
	bool ok;

	list_for_each_entry(m, &conn->match_list, entry) {
		ok = true;
		list_for_each_entry(r, &m->rules, entry) {
			ok = src ? kdbus_match_rule_user(r, src, s) :
				   kdbus_match_rule_kernel(r, s);
			if (!ok)
				break;
		}
		if (ok)
			return true;
	}
	return false;
}

static int kdbus_match_rule_add(struct kdbus_match_entry *m,
				const struct kdbus_item *item,
				size_t bloom_size)
{
	size_t len = item->size - KDBUS_ITEM_HEADER_SIZE;
	const struct kdbus_notify_name_change *nc = &item->name_change;
	struct kdbus_match_rule *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->type = item->type;
	list_add_tail(&r->entry, &m->rules);

	switch (item->type) {
	case KDBUS_ITEM_BLOOM_MASK:
		if (len == 0 || len % bloom_size)
			return -EDOM;
		r->n_gen = len / bloom_size;
		r->mask = kmemdup(item->data64, len, GFP_KERNEL);
		return r->mask ? 0 : -ENOMEM;
	case KDBUS_ITEM_NAME:
		if (!kdbus_name_is_valid(item->str, false))
			return -EINVAL;
		r->name = kstrdup(item->str, GFP_KERNEL);
		return r->name ? 0 : -ENOMEM;
	case KDBUS_ITEM_ID:
	case KDBUS_ITEM_DST_ID:
		r->id = item->id;
		return 0;
	case KDBUS_ITEM_NAME_ADD:
	case KDBUS_ITEM_NAME_REMOVE:
	case KDBUS_ITEM_NAME_CHANGE:
		r->id = nc->old_id.id;
		r->new_id = nc->new_id.id;
		if (len > sizeof(*nc)) {
			r->name = kstrdup(nc->name, GFP_KERNEL);
			if (!r->name)
				return -ENOMEM;
		}
		return 0;
	case KDBUS_ITEM_ID_ADD:
	case KDBUS_ITEM_ID_REMOVE:
		r->id = item->id_change.id;
		return 0;
	default:
		/* NEGOTIATE: no rule */
		list_del(&r->entry);
		kfree(r);
		return 0;
	}
}

static int kdbus_match_remove_cookie(struct kdbus_conn *conn, u64 cookie)
{
	struct kdbus_match_entry *m, *tmp;
	int n = 0;

	list_for_each_entry_safe(m, tmp, &conn->match_list, entry) {
		if (m->cookie != cookie)
			continue;
		list_del(&m->entry);
		kdbus_match_entry_free(m);
		conn->match_count--;
		n++;
	}
	return n;
}

int kdbus_cmd_match_add(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_match_entry *m = NULL;
	struct kdbus_cmd_match *cmd;
	struct kdbus_item *item;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_BLOOM_MASK, .multiple = true },
		{ .type = KDBUS_ITEM_NAME, .multiple = true },
		{ .type = KDBUS_ITEM_ID, .multiple = true },
		{ .type = KDBUS_ITEM_DST_ID, .multiple = true },
		{ .type = KDBUS_ITEM_NAME_ADD, .multiple = true },
		{ .type = KDBUS_ITEM_NAME_REMOVE, .multiple = true },
		{ .type = KDBUS_ITEM_NAME_CHANGE, .multiple = true },
		{ .type = KDBUS_ITEM_ID_ADD, .multiple = true },
		{ .type = KDBUS_ITEM_ID_REMOVE, .multiple = true },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE | KDBUS_MATCH_REPLACE,
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

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		ret = -ENOMEM;
		goto exit;
	}
	m->cookie = cmd->cookie;
	INIT_LIST_HEAD(&m->rules);
	KDBUS_ITEMS_FOREACH(item, KDBUS_ARGS_ITEMS(&args),
			    KDBUS_ARGS_ITEMS_SIZE(&args)) {
		ret = kdbus_match_rule_add(m, item, bus->bloom.size);
		if (ret < 0)
			goto exit;
	}

	mutex_lock(&bus->lock);
	if (cmd->flags & KDBUS_MATCH_REPLACE)
		kdbus_match_remove_cookie(conn, cmd->cookie);
	if (conn->match_count >= KDBUS_MATCH_MAX) {
		ret = -EMFILE;
	} else {
		list_add_tail(&m->entry, &conn->match_list);
		conn->match_count++;
		m = NULL;
	}
	mutex_unlock(&bus->lock);
exit:
	if (m)
		kdbus_match_entry_free(m);
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}

int kdbus_cmd_match_remove(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_cmd_match *cmd;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE,
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
	mutex_lock(&conn->bus->lock);
	if (!kdbus_match_remove_cookie(conn, cmd->cookie))
		ret = -EBADSLT;
	mutex_unlock(&conn->bus->lock);
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}
