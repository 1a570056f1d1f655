// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - endpoints: default and custom endpoint files, ENDPOINT_MAKE,
 * ENDPOINT_UPDATE (spec 2.2, 2.4, 4.3, 4.4).
 *
 * Locking: ep->conn_list is protected by bus->lock. The policy database of
 * a custom endpoint is protected by bus->lock as well.
 */
#include <linux/cred.h>
#include <linux/slab.h>

#include "bus.h"
#include "connection.h"
#include "domain.h"
#include "endpoint.h"
#include "item.h"
#include "trace.h"
#include "util.h"

static void kdbus_ep_free(struct kdbus_node *node)
{
	struct kdbus_ep *ep = kdbus_ep_from_node(node);

	kdbus_policy_db_clear(&ep->policy_db);
	kdbus_user_unref(ep->user);
	kdbus_bus_unref(ep->bus);
	kfree(ep);
}

struct kdbus_ep *kdbus_ep_ref(struct kdbus_ep *ep)
{
	if (ep)
		kdbus_node_ref(&ep->node);
	return ep;
}

struct kdbus_ep *kdbus_ep_unref(struct kdbus_ep *ep)
{
	if (ep)
		kdbus_node_unref(&ep->node);
	return NULL;
}

/**
 * kdbus_ep_new() - create and link an endpoint file
 * @bus:	bus
 * @name:	file name
 * @mode:	permission bits
 * @uid:	owner
 * @gid:	group
 * @is_custom:	custom endpoint (own policy DB and accounting user)
 *
 * Return: referenced, active endpoint or ERR_PTR (-EEXIST, -ESHUTDOWN,
 * -ENOMEM).
 */
struct kdbus_ep *kdbus_ep_new(struct kdbus_bus *bus, const char *name,
			      umode_t mode, kuid_t uid, kgid_t gid,
			      bool is_custom)
{
	struct kdbus_ep *ep;
	int ret;

	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return ERR_PTR(-ENOMEM);
	kdbus_node_init(&ep->node, KDBUS_NODE_ENDPOINT, kdbus_ep_free);
	ep->node.mode = mode;
	ep->node.uid = uid;
	ep->node.gid = gid;
	ep->bus = kdbus_bus_ref(bus);
	ep->is_custom = is_custom;
	INIT_LIST_HEAD(&ep->conn_list);
	kdbus_policy_db_init(&ep->policy_db);

	if (is_custom) {
		ep->user = kdbus_user_lookup(bus->domain, INVALID_UID);
		if (IS_ERR(ep->user)) {
			ret = PTR_ERR(ep->user);
			ep->user = NULL;
			goto exit_unref;
		}
	}

	ret = kdbus_node_link(&ep->node, &bus->node, name);
	if (ret < 0)
		goto exit_unref;
	return ep;

exit_unref:
	kdbus_ep_unref(ep);
	return ERR_PTR(ret);
}

/**
 * kdbus_ep_shutdown() - shut an endpoint down, disconnecting all its
 *			 connections
 * @ep:		endpoint
 */
void kdbus_ep_shutdown(struct kdbus_ep *ep)
{
	struct kdbus_bus *bus = ep->bus;
	struct kdbus_conn *conn;

	if (!kdbus_node_deactivate(&ep->node))
		return;
	kdbus_node_drain(&ep->node, 0);

	for (;;) {
		mutex_lock(&bus->lock);
		conn = list_first_entry_or_null(&ep->conn_list,
						struct kdbus_conn, ep_entry);
		if (conn) {
			list_del_init(&conn->ep_entry);
			kdbus_conn_ref(conn);
		}
		mutex_unlock(&bus->lock);
		if (!conn)
			break;
		kdbus_conn_disconnect(conn, false);
		kdbus_conn_unref(conn);
	}
}

/**
 * kdbus_cmd_ep_make() - KDBUS_CMD_ENDPOINT_MAKE
 * @ep:		endpoint the handle was opened on
 * @file:	the handle's file
 * @argp:	user struct kdbus_cmd
 *
 * Return: new endpoint, NULL after negotiation, or ERR_PTR.
 */
struct kdbus_ep *kdbus_cmd_ep_make(struct kdbus_ep *ep, struct file *file,
				   void __user *argp)
{
	struct kdbus_ep *new_ep = NULL;
	struct kdbus_cmd *cmd;
	const char *name;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_MAKE_NAME, .mandatory = true },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE |
				 KDBUS_MAKE_ACCESS_GROUP |
				 KDBUS_MAKE_ACCESS_WORLD,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	if (ep->is_custom ||
	    !kdbus_bus_cred_is_owner(ep->bus, file->f_cred, file))
		return ERR_PTR(-EPERM);

	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret != 0)
		goto exit;
	cmd = args.cmd;
	name = argv[1].item->str;

	ret = kdbus_verify_uid_prefix(name, ep->bus->domain->user_ns,
				      current_euid());
	if (ret < 0)
		goto exit;

	new_ep = kdbus_ep_new(ep->bus, name, kdbus_make_mode(cmd->flags, 0600),
			      current_euid(), current_egid(), true);
	if (IS_ERR(new_ep)) {
		ret = PTR_ERR(new_ep);
		new_ep = NULL;
	}
exit:
	ret = kdbus_args_clear(&args, ret > 0 ? 0 : ret);
	if (ret < 0) {
		if (new_ep) {
			kdbus_ep_shutdown(new_ep);
			kdbus_ep_unref(new_ep);
		}
		return ERR_PTR(ret);
	}
	if (new_ep) {	/* NULL after a negotiation */
		mutex_lock(&new_ep->bus->lock);
		kdbus_trace_ep_policy(new_ep);
		mutex_unlock(&new_ep->bus->lock);
	}
	return new_ep;
}

/**
 * kdbus_cmd_ep_update() - KDBUS_CMD_ENDPOINT_UPDATE
 * @ep:		custom endpoint owned by the handle
 * @argp:	user struct kdbus_cmd
 *
 * Replaces the complete endpoint policy atomically (spec 11.3).
 *
 * Return: 0 or negative errno.
 */
int kdbus_cmd_ep_update(struct kdbus_ep *ep, void __user *argp)
{
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_NAME, .multiple = true },
		{ .type = KDBUS_ITEM_POLICY_ACCESS, .multiple = true },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};
	int ret;

	ret = kdbus_args_parse(&args, argp, sizeof(struct kdbus_cmd));
	if (ret != 0)
		goto exit;
	mutex_lock(&ep->bus->lock);
	ret = kdbus_policy_db_set(&ep->policy_db, KDBUS_ARGS_ITEMS(&args),
				  KDBUS_ARGS_ITEMS_SIZE(&args), 0, true, ep);
	if (!ret)
		kdbus_trace_ep_policy(ep);
	mutex_unlock(&ep->bus->lock);
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}
