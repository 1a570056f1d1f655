// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - policy databases, upload and decisions (spec 11).
 *
 * Locking: every policy database (bus DB and custom endpoint DBs) is
 * protected by the lock of its bus (bus->lock), which all callers hold.
 * The decisions also read name records, protected by the same lock.
 */
#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include "bus.h"
#include "connection.h"
#include "endpoint.h"
#include "item.h"
#include "names.h"
#include "policy.h"
#include "util.h"

/**
 * struct kdbus_policy_rule - one access rule
 * @entry:	entry in kdbus_policy_entry.rules
 * @type:	KDBUS_POLICY_ACCESS_USER/GROUP/WORLD
 * @access:	KDBUS_POLICY_SEE/TALK/OWN
 * @uid:	USER rules
 * @gid:	GROUP rules
 */
struct kdbus_policy_rule {
	struct list_head entry;
	u64 type;
	u64 access;
	kuid_t uid;
	kgid_t gid;
};

/**
 * struct kdbus_policy_entry - rules for a name or wildcard prefix
 * @entry:	entry in db->entries
 * @name:	the name, or the prefix of a wildcard ("a.b" for "a.b.*")
 * @wildcard:	wildcard entry
 * @owner:	connection or endpoint that uploaded it
 * @rules:	struct kdbus_policy_rule list
 */
struct kdbus_policy_entry {
	struct list_head entry;
	char *name;
	bool wildcard;
	const void *owner;
	struct list_head rules;
};

void kdbus_policy_db_init(struct kdbus_policy_db *db)
{
	INIT_LIST_HEAD(&db->entries);
}

static void kdbus_policy_entry_free(struct kdbus_policy_entry *e)
{
	struct kdbus_policy_rule *r, *tmp;

	list_for_each_entry_safe(r, tmp, &e->rules, entry) {
		list_del(&r->entry);
		kfree(r);
	}
	list_del(&e->entry);
	kfree(e->name);
	kfree(e);
}

static void kdbus_policy_list_free(struct list_head *list, const void *owner)
{
	struct kdbus_policy_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, list, entry)
		if (!owner || e->owner == owner)
			kdbus_policy_entry_free(e);
}

void kdbus_policy_db_clear(struct kdbus_policy_db *db)
{
	kdbus_policy_list_free(&db->entries, NULL);
}

void kdbus_policy_db_remove_owner(struct kdbus_policy_db *db,
				  const void *owner)
{
	kdbus_policy_list_free(&db->entries, owner);
}

static struct kdbus_policy_entry *kdbus_policy_entry_new(const char *name,
							 bool allow_wildcard,
							 const void *owner)
{
	struct kdbus_policy_entry *e;
	size_t len = strlen(name);
	bool wildcard = false;

	if (allow_wildcard && len > 2 && !strcmp(name + len - 2, ".*"))
		wildcard = true;
	if (!kdbus_name_is_valid(name, wildcard))
		return ERR_PTR(-EINVAL);

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&e->rules);
	INIT_LIST_HEAD(&e->entry);
	e->owner = owner;
	e->wildcard = wildcard;
	e->name = kstrndup(name, wildcard ? len - 2 : len, GFP_KERNEL);
	if (!e->name) {
		kfree(e);
		return ERR_PTR(-ENOMEM);
	}
	return e;
}

static int kdbus_policy_rule_add(struct kdbus_policy_entry *e,
				 const struct kdbus_policy_access *a)
{
	struct kdbus_policy_rule *r;

	if (a->access > KDBUS_POLICY_OWN ||
	    a->type < KDBUS_POLICY_ACCESS_USER ||
	    a->type > KDBUS_POLICY_ACCESS_WORLD)
		return -EINVAL;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->type = a->type;
	r->access = a->access;
	if (a->type == KDBUS_POLICY_ACCESS_USER) {
		r->uid = make_kuid(current_user_ns(), a->id);
		if (a->id != (uid_t)a->id || !uid_valid(r->uid))
			goto exit_inval;
	} else if (a->type == KDBUS_POLICY_ACCESS_GROUP) {
		r->gid = make_kgid(current_user_ns(), a->id);
		if (a->id != (gid_t)a->id || !gid_valid(r->gid))
			goto exit_inval;
	}
	list_add_tail(&r->entry, &e->rules);
	return 0;

exit_inval:
	kfree(r);
	return -EINVAL;
}

static bool kdbus_policy_entry_conflicts(struct list_head *list,
					 struct kdbus_policy_entry *e,
					 const void *skip_owner)
{
	struct kdbus_policy_entry *o;

	list_for_each_entry(o, list, entry) {
		if (o == e || o->owner == skip_owner)
			continue;
		if (o->wildcard == e->wildcard && !strcmp(o->name, e->name))
			return true;
	}
	return false;
}

/**
 * kdbus_policy_db_set() - atomically replace all entries of an owner
 * @db:			database
 * @items:		items of the command (NAME / POLICY_ACCESS used)
 * @size:		size of @items
 * @max_names:		maximum number of NAME items, 0 = unlimited
 * @allow_wildcard:	accept "prefix.*" names
 * @owner:		owner of the new entries
 *
 * Return: 0, -EINVAL, -E2BIG, -EEXIST or -ENOMEM; on error the database
 * is unchanged.
 */
int kdbus_policy_db_set(struct kdbus_policy_db *db,
			const struct kdbus_item *items, size_t size,
			size_t max_names, bool allow_wildcard,
			const void *owner)
{
	struct kdbus_policy_entry *e, *cur = NULL, *tmp;
	const struct kdbus_item *item;
	size_t n_names = 0;
	LIST_HEAD(list);
	int ret = 0;

	KDBUS_ITEMS_FOREACH(item, items, size) {
		if (item->type == KDBUS_ITEM_NAME) {
			if (max_names && ++n_names > max_names) {
				ret = -E2BIG;
				goto exit_free;
			}
			cur = kdbus_policy_entry_new(item->str, allow_wildcard,
						     owner);
			if (IS_ERR(cur)) {
				ret = PTR_ERR(cur);
				goto exit_free;
			}
			list_add_tail(&cur->entry, &list);
		} else if (item->type == KDBUS_ITEM_POLICY_ACCESS) {
			if (!cur) {
				ret = -EINVAL;
				goto exit_free;
			}
			ret = kdbus_policy_rule_add(cur, &item->policy_access);
			if (ret < 0)
				goto exit_free;
		}
	}

	list_for_each_entry(e, &list, entry) {
		if (kdbus_policy_entry_conflicts(&db->entries, e, owner) ||
		    kdbus_policy_entry_conflicts(&list, e, NULL)) {
			ret = -EEXIST;
			goto exit_free;
		}
	}

	kdbus_policy_db_remove_owner(db, owner);
	list_for_each_entry_safe(e, tmp, &list, entry)
		list_move_tail(&e->entry, &db->entries);
	return 0;

exit_free:
	kdbus_policy_list_free(&list, NULL);
	return ret;
}

/* one NAME item ("prefix.*" for a wildcard) */
static size_t kdbus_policy_write_name(const struct kdbus_policy_entry *e,
				      u8 *buf)
{
	size_t len = strlen(e->name) + (e->wildcard ? 2 : 0) + 1;
	struct kdbus_item *item = (struct kdbus_item *)buf;

	if (item) {
		item->size = KDBUS_ITEM_HEADER_SIZE + len;
		item->type = KDBUS_ITEM_NAME;
		snprintf(item->str, len, "%s%s", e->name,
			 e->wildcard ? ".*" : "");
	}
	return KDBUS_ITEM_HEADER_SIZE + len;
}

/* one POLICY_ACCESS item, its ID seen from @ns */
static size_t kdbus_policy_write_rule(const struct kdbus_policy_rule *r,
				      struct user_namespace *ns, u8 *buf)
{
	struct kdbus_item *item = (struct kdbus_item *)buf;

	if (item) {
		item->size = KDBUS_ITEM_SIZE(sizeof(item->policy_access));
		item->type = KDBUS_ITEM_POLICY_ACCESS;
		item->policy_access.type = r->type;
		item->policy_access.access = r->access;
		item->policy_access.id =
			r->type == KDBUS_POLICY_ACCESS_USER ?
				from_kuid_munged(ns, r->uid) :
			r->type == KDBUS_POLICY_ACCESS_GROUP ?
				from_kgid_munged(ns, r->gid) : 0;
	}
	return KDBUS_ITEM_SIZE(sizeof(item->policy_access));
}

/**
 * kdbus_policy_db_write() - a database as the items that would upload it
 * @db:		database (bus->lock held)
 * @ns:		user namespace the IDs are translated into
 * @buf:	where to write (zeroed, 8-aligned), or NULL to measure
 *
 * Writes, per entry, a NAME item followed by its POLICY_ACCESS items: the
 * form ENDPOINT_UPDATE takes (used by the trace extension, trace.c).
 *
 * Return: bytes up to the end of the last item's data.
 */
size_t kdbus_policy_db_write(const struct kdbus_policy_db *db,
			     struct user_namespace *ns, u8 *buf)
{
	const struct kdbus_policy_entry *e;
	const struct kdbus_policy_rule *r;
	size_t pos = 0, end = 0;

	list_for_each_entry(e, &db->entries, entry) {
		end = pos + kdbus_policy_write_name(e, buf ? buf + pos : NULL);
		pos = KDBUS_ALIGN8(end);
		list_for_each_entry(r, &e->rules, entry) {
			end = pos + kdbus_policy_write_rule(r, ns,
							    buf ? buf + pos :
							    NULL);
			pos = KDBUS_ALIGN8(end);
		}
	}
	return end;
}

static bool kdbus_policy_rule_matches(const struct kdbus_policy_rule *r,
				      const struct cred *cred)
{
	switch (r->type) {
	case KDBUS_POLICY_ACCESS_USER:
		return uid_eq(cred->euid, r->uid);
	case KDBUS_POLICY_ACCESS_GROUP:
		return gid_eq(cred->egid, r->gid) ||
		       groups_search(cred->group_info, r->gid);
	case KDBUS_POLICY_ACCESS_WORLD:
		return true;
	}
	return false;
}

static struct kdbus_policy_entry *
kdbus_policy_find(struct kdbus_policy_db *db, const char *name, size_t len,
		  bool wildcard)
{
	struct kdbus_policy_entry *e;

	list_for_each_entry(e, &db->entries, entry)
		if (e->wildcard == wildcard && strlen(e->name) == len &&
		    !strncmp(e->name, name, len))
			return e;
	return NULL;
}

/**
 * kdbus_policy_query() - access level granted for a name (spec 11.2)
 * @db:		database
 * @cred:	credentials to evaluate
 * @name:	name
 *
 * Return: highest granted KDBUS_POLICY_* level, or -1 for no access.
 */
static int kdbus_policy_query(struct kdbus_policy_db *db,
			      const struct cred *cred, const char *name)
{
	struct kdbus_policy_entry *e;
	struct kdbus_policy_rule *r;
	const char *dot;
	int level = -1;

	e = kdbus_policy_find(db, name, strlen(name), false);
	if (!e) {
		dot = strrchr(name, '.');
		if (!dot)
			return -1;
		e = kdbus_policy_find(db, name, dot - name, true);
	}
	if (!e)
		return -1;
	list_for_each_entry(r, &e->rules, entry)
		if (kdbus_policy_rule_matches(r, cred) && (int)r->access > level)
			level = r->access;
	return level;
}

/* does @db grant at least @level for any name @whom currently owns? */
static bool kdbus_policy_any_name(struct kdbus_policy_db *db,
				  const struct cred *cred,
				  struct kdbus_conn *whom, int level)
{
	struct kdbus_name_owner *o;

	list_for_each_entry(o, &whom->names_list, conn_entry) {
		if (!kdbus_name_owner_is_current(o))
			continue;
		if (kdbus_policy_query(db, cred, o->name->name) >= level)
			return true;
	}
	return false;
}

/**
 * kdbus_conn_policy_own_name() - OWN decision (spec 11.4)
 * @conn:	acting connection
 * @cred:	credentials (current task)
 * @name:	name
 *
 * Return: true if allowed.
 */
bool kdbus_conn_policy_own_name(struct kdbus_conn *conn,
				const struct cred *cred, const char *name)
{
	if (conn->ep->is_custom &&
	    kdbus_policy_query(&conn->ep->policy_db, cred, name) <
	    KDBUS_POLICY_OWN)
		return false;
	if (conn->owner)
		return true;
	return kdbus_policy_query(&conn->bus->policy_db, cred, name) >=
	       KDBUS_POLICY_OWN;
}

/**
 * kdbus_conn_policy_talk() - TALK decision (spec 11.4)
 * @conn:	acting connection
 * @cred:	credentials to evaluate
 * @to:		peer
 *
 * Return: true if allowed.
 */
bool kdbus_conn_policy_talk(struct kdbus_conn *conn, const struct cred *cred,
			    struct kdbus_conn *to)
{
	if (conn->ep->is_custom &&
	    !kdbus_policy_any_name(&conn->ep->policy_db, cred, to,
				   KDBUS_POLICY_TALK))
		return false;
	if (conn->owner)
		return true;
	if (uid_eq(cred->euid, to->cred->uid))
		return true;
	return kdbus_policy_any_name(&conn->bus->policy_db, cred, to,
				     KDBUS_POLICY_TALK);
}

/**
 * kdbus_conn_policy_see_name() - SEE decision for a name (spec 11.4)
 * @conn:	acting connection
 * @cred:	credentials to evaluate
 * @name:	name
 *
 * Return: true if allowed.
 */
bool kdbus_conn_policy_see_name(struct kdbus_conn *conn,
				const struct cred *cred, const char *name)
{
	if (!conn->ep->is_custom)
		return true;
	return kdbus_policy_query(&conn->ep->policy_db, cred, name) >=
	       KDBUS_POLICY_SEE;
}

/**
 * kdbus_conn_policy_see() - SEE decision for a peer (spec 11.4)
 * @conn:	acting connection
 * @cred:	credentials to evaluate
 * @whom:	peer
 *
 * Return: true if allowed.
 */
bool kdbus_conn_policy_see(struct kdbus_conn *conn, const struct cred *cred,
			   struct kdbus_conn *whom)
{
	if (!conn->ep->is_custom)
		return true;
	return kdbus_policy_any_name(&conn->ep->policy_db, cred, whom,
				     KDBUS_POLICY_SEE);
}
