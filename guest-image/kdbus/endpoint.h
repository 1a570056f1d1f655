/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - endpoints (spec 2.2, 4.3, 4.4).
 */
#ifndef __KDBUS_ENDPOINT_H
#define __KDBUS_ENDPOINT_H

#include <linux/list.h>

#include "fs.h"
#include "policy.h"

struct kdbus_bus;
struct kdbus_user;

/**
 * struct kdbus_ep - an endpoint file
 * @node:	file node
 * @bus:	bus (referenced)
 * @user:	anonymous accounting user of a custom endpoint, else NULL
 * @is_custom:	not the default endpoint
 * @bus_entry:	entry in bus->ep_list (bus->lock)
 * @conn_list:	connections made through it (bus->lock)
 * @policy_db:	endpoint policy (custom endpoints only)
 */
struct kdbus_ep {
	struct kdbus_node node;
	struct kdbus_bus *bus;
	struct kdbus_user *user;
	bool is_custom;
	struct list_head conn_list;
	struct kdbus_policy_db policy_db;
};

#define kdbus_ep_from_node(_n) container_of(_n, struct kdbus_ep, node)

struct kdbus_ep *kdbus_ep_new(struct kdbus_bus *bus, const char *name,
			      umode_t mode, kuid_t uid, kgid_t gid,
			      bool is_custom);
void kdbus_ep_shutdown(struct kdbus_ep *ep);
struct kdbus_ep *kdbus_ep_ref(struct kdbus_ep *ep);
struct kdbus_ep *kdbus_ep_unref(struct kdbus_ep *ep);
struct kdbus_ep *kdbus_cmd_ep_make(struct kdbus_ep *ep, struct file *file,
				   void __user *argp);
int kdbus_cmd_ep_update(struct kdbus_ep *ep, void __user *argp);
umode_t kdbus_make_mode(u64 flags, umode_t base);

#endif
