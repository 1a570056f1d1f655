/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - policy databases and decisions (spec 11).
 */
#ifndef __KDBUS_POLICY_H
#define __KDBUS_POLICY_H

#include <linux/cred.h>
#include <linux/list.h>
#include <uapi/linux/kdbus.h>

struct kdbus_conn;

/**
 * struct kdbus_policy_db - a policy database
 * @entries:	struct kdbus_policy_entry list
 */
struct kdbus_policy_db {
	struct list_head entries;
};

void kdbus_policy_db_init(struct kdbus_policy_db *db);
void kdbus_policy_db_clear(struct kdbus_policy_db *db);
void kdbus_policy_db_remove_owner(struct kdbus_policy_db *db,
				  const void *owner);
int kdbus_policy_db_set(struct kdbus_policy_db *db,
			const struct kdbus_item *items, size_t size,
			size_t max_names, bool allow_wildcard,
			const void *owner);
size_t kdbus_policy_db_write(const struct kdbus_policy_db *db,
			     struct user_namespace *ns, u8 *buf);
bool kdbus_conn_policy_own_name(struct kdbus_conn *conn,
				const struct cred *cred, const char *name);
bool kdbus_conn_policy_talk(struct kdbus_conn *conn, const struct cred *cred,
			    struct kdbus_conn *to);
bool kdbus_conn_policy_see_name(struct kdbus_conn *conn,
				const struct cred *cred, const char *name);
bool kdbus_conn_policy_see(struct kdbus_conn *conn, const struct cred *cred,
			   struct kdbus_conn *whom);

#endif
