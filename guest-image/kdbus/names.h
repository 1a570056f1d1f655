/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - name registry (spec section 8).
 */
#ifndef __KDBUS_NAMES_H
#define __KDBUS_NAMES_H

#include <linux/list.h>
#include <linux/types.h>

struct kdbus_bus;
struct kdbus_conn;

/**
 * struct kdbus_name_entry - a well-known name
 * @hentry:	entry in bus->name_hash
 * @name:	the name
 * @name_id:	registry sequence ID
 * @queue:	owner records, head = primary owner
 * @activator:	activator record, or NULL
 */
struct kdbus_name_entry {
	struct hlist_node hentry;
	char *name;
	u64 name_id;
	struct list_head queue;
	struct kdbus_name_owner *activator;
};

/**
 * struct kdbus_name_owner - one connection's record for a name
 * @conn_entry:	entry in conn->names_list (acquisition order)
 * @name_entry:	entry in name->queue (not for activator records)
 * @conn:	connection
 * @name:	name entry
 * @flags:	stored ALLOW_REPLACEMENT/QUEUE plus ACTIVATOR
 */
struct kdbus_name_owner {
	struct list_head conn_entry;
	struct list_head name_entry;
	struct kdbus_conn *conn;
	struct kdbus_name_entry *name;
	u64 flags;
};

struct kdbus_name_entry *kdbus_name_lookup(struct kdbus_bus *bus,
					   const char *name);
struct kdbus_name_owner *kdbus_name_get_owner(struct kdbus_name_entry *e);
u64 kdbus_name_owner_flags(struct kdbus_name_owner *o);
bool kdbus_name_owner_is_current(struct kdbus_name_owner *o);
bool kdbus_conn_is_primary_owner(struct kdbus_conn *conn, const char *name);
void kdbus_names_release_all(struct kdbus_conn *conn);
int kdbus_name_register_activator(struct kdbus_conn *conn, const char *name);
void kdbus_names_free(struct kdbus_bus *bus);
int kdbus_cmd_name_acquire(struct kdbus_conn *conn, void __user *argp);
int kdbus_cmd_name_release(struct kdbus_conn *conn, void __user *argp);
int kdbus_cmd_list(struct kdbus_conn *conn, void __user *argp);

#endif
