/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - buses (spec 1, 2.4, 4.2, 4.10).
 */
#ifndef __KDBUS_BUS_H
#define __KDBUS_BUS_H

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <uapi/linux/kdbus.h>

#include "fs.h"
#include "policy.h"

struct kdbus_conn;
struct kdbus_domain;
struct kdbus_ep;
struct kdbus_meta_proc;
struct kdbus_user;

/* messages of up to this many bytes are assembled in bus->emit_buf */
#define KDBUS_BUS_EMIT_BUF_SIZE	512

/**
 * struct kdbus_bus - a bus
 * @node:		directory node
 * @domain:		domain (referenced)
 * @id:			bus ID from the domain counter
 * @bus_flags:		flags given at BUS_MAKE
 * @id128:		random UUID
 * @bloom:		bloom parameters
 * @attach_flags_owner:	creator metadata BUS_CREATOR_INFO may reveal
 * @attach_flags_req:	required send mask (spec 15)
 * @creator_cred:	credentials of the creator
 * @creator_meta:	creator process metadata (BUS_CREATOR_INFO, 4.2)
 * @creator:		accounting user of the creator (bus count)
 * @lock:		the bus lock, see connection.c
 * @conn_list:		connections that are not monitors
 * @monitors_list:	monitor connections
 * @conn_hash:		all connections by ID
 * @name_hash:		name registry
 * @name_seq:		last name registry sequence ID
 * @notify_list:	pending kernel notifications (struct kdbus_staging)
 * @last_seq:		per-bus message sequence number
 * @policy_db:		bus policy database
 * @emit_buf:		scratch buffer of kdbus_staging_emit() (bus->lock)
 */
struct kdbus_bus {
	struct kdbus_node node;
	struct kdbus_domain *domain;
	u64 id;
	u64 bus_flags;
	u8 id128[16];
	struct kdbus_bloom_parameter bloom;
	u64 attach_flags_owner;
	u64 attach_flags_req;
	const struct cred *creator_cred;
	struct kdbus_meta_proc *creator_meta;
	struct kdbus_user *creator;

	struct mutex lock;
	struct list_head conn_list;
	struct list_head monitors_list;
	DECLARE_HASHTABLE(conn_hash, 6);
	DECLARE_HASHTABLE(name_hash, 6);
	u64 name_seq;
	struct list_head notify_list;
	atomic64_t last_seq;
	struct kdbus_policy_db policy_db;
	u8 emit_buf[KDBUS_BUS_EMIT_BUF_SIZE] __aligned(8);
};

#define kdbus_bus_from_node(_n) container_of(_n, struct kdbus_bus, node)

struct kdbus_bus *kdbus_cmd_bus_make(struct kdbus_domain *domain,
				     void __user *argp);
void kdbus_bus_shutdown(struct kdbus_bus *bus);
struct kdbus_bus *kdbus_bus_ref(struct kdbus_bus *bus);
struct kdbus_bus *kdbus_bus_unref(struct kdbus_bus *bus);
struct kdbus_conn *kdbus_bus_find_conn_by_id(struct kdbus_bus *bus, u64 id);
int kdbus_cmd_bus_creator_info(struct kdbus_conn *conn, void __user *argp);
bool kdbus_bus_cred_is_owner(struct kdbus_bus *bus, const struct cred *cred,
			     struct file *file);

#endif
