// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - buses: BUS_MAKE, shutdown, BUS_CREATOR_INFO (spec 2.3, 2.4,
 * 4.2, 4.10).
 *
 * Locking: bus->lock (mutex) is the bus lock. It protects everything
 * routing-related on the bus: connection lists and hash, name registry,
 * pending notifications, and per connection its queue, pool allocator,
 * quotas, matches, name records and reply expectations. It is taken
 * after handle->lock and before domain->lock; at most one bus lock is held
 * at a time. Nothing sleeps indefinitely under it (sync waiters drop it).
 */
#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>

#include "bus.h"
#include "connection.h"
#include "domain.h"
#include "endpoint.h"
#include "item.h"
#include "limits.h"
#include "metadata.h"
#include "names.h"
#include "pool.h"
#include "util.h"

static void kdbus_bus_free(struct kdbus_node *node)
{
	struct kdbus_bus *bus = kdbus_bus_from_node(node);

	kdbus_names_free(bus);
	kdbus_policy_db_clear(&bus->policy_db);
	if (bus->creator_cred)
		put_cred(bus->creator_cred);
	kdbus_meta_proc_free(bus->creator_meta);
	kdbus_user_unref(bus->creator);
	kdbus_domain_unref(bus->domain);
	kfree(bus);
}

struct kdbus_bus *kdbus_bus_ref(struct kdbus_bus *bus)
{
	if (bus)
		kdbus_node_ref(&bus->node);
	return bus;
}

struct kdbus_bus *kdbus_bus_unref(struct kdbus_bus *bus)
{
	if (bus)
		kdbus_node_unref(&bus->node);
	return NULL;
}

/**
 * kdbus_make_mode() - file mode from MAKE_ACCESS_* flags (spec 2.2)
 * @flags:	BUS_MAKE / ENDPOINT_MAKE flags
 * @base:	owner bits (0500 or 0600)
 *
 * Return: mode
 */
umode_t kdbus_make_mode(u64 flags, umode_t base)
{
	umode_t mode = base;

	if (flags & (KDBUS_MAKE_ACCESS_GROUP | KDBUS_MAKE_ACCESS_WORLD))
		mode |= base >> 3;
	if (flags & KDBUS_MAKE_ACCESS_WORLD)
		mode |= base >> 6;
	return mode;
}

/* spec 2.3 rule 5: "<euid>-" prefix in the domain user namespace */
int kdbus_verify_uid_prefix(const char *name, struct user_namespace *ns,
			    kuid_t kuid)
{
	char prefix[16];
	uid_t uid;
	size_t len;

	uid = from_kuid(ns, kuid);
	if (uid == (uid_t)-1)
		return -EINVAL;
	len = snprintf(prefix, sizeof(prefix), "%u-", uid);
	if (strncmp(name, prefix, len))
		return -EINVAL;
	return 0;
}

bool kdbus_bus_cred_is_owner(struct kdbus_bus *bus, const struct cred *cred,
			     struct file *file)
{
	return uid_eq(cred->euid, bus->creator_cred->euid) ||
	       file_ns_capable(file, bus->domain->user_ns, CAP_IPC_OWNER);
}

static struct kdbus_bus *kdbus_bus_new(struct kdbus_domain *domain,
				       u64 flags, const char *name,
				       const struct kdbus_bloom_parameter *bloom,
				       u64 owner_mask, u64 req_mask)
{
	struct kdbus_user *user;
	struct kdbus_bus *bus;
	struct kdbus_node *dup;
	struct kdbus_ep *ep;
	int ret;

	dup = kdbus_node_find_child(&domain->node, name);
	if (dup) {
		kdbus_node_unref(dup);
		return ERR_PTR(-EEXIST);
	}

	bus = kzalloc(sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return ERR_PTR(-ENOMEM);
	kdbus_node_init(&bus->node, KDBUS_NODE_BUS, kdbus_bus_free);
	bus->node.mode = kdbus_make_mode(flags, 0500);
	bus->node.uid = current_euid();
	bus->node.gid = current_egid();
	bus->domain = kdbus_domain_ref(domain);
	bus->bus_flags = flags;
	bus->bloom = *bloom;
	bus->attach_flags_owner = owner_mask;
	bus->attach_flags_req = req_mask;
	bus->creator_cred = get_current_cred();
	bus->creator_meta = kdbus_meta_proc_new();
	mutex_init(&bus->lock);
	INIT_LIST_HEAD(&bus->conn_list);
	INIT_LIST_HEAD(&bus->monitors_list);
	INIT_LIST_HEAD(&bus->notify_list);
	hash_init(bus->conn_hash);
	hash_init(bus->name_hash);
	atomic64_set(&bus->last_seq, 0);
	kdbus_policy_db_init(&bus->policy_db);
	generate_random_uuid(bus->id128);
	ret = bus->creator_meta ?
	      kdbus_meta_proc_collect(bus->creator_meta, KDBUS_ATTACH_PROC) :
	      -ENOMEM;
	if (ret < 0)
		goto exit_unref;

	user = kdbus_user_lookup(domain, current_uid());
	if (IS_ERR(user)) {
		ret = PTR_ERR(user);
		goto exit_unref;
	}
	bus->creator = user;
	if (atomic_inc_return(&user->buses) > KDBUS_USER_MAX_BUSES) {
		atomic_dec(&user->buses);
		kdbus_user_unref(user);
		bus->creator = NULL;
		ret = -EMFILE;
		goto exit_unref;
	}

	bus->id = atomic64_inc_return(&domain->last_id);
	ret = kdbus_node_link(&bus->node, &domain->node, name);
	if (ret < 0) {
		atomic_dec(&user->buses);
		goto exit_unref;
	}

	ep = kdbus_ep_new(bus, "bus", kdbus_make_mode(flags, 0600),
			  bus->node.uid, bus->node.gid, false);
	if (IS_ERR(ep)) {
		kdbus_bus_shutdown(bus);
		kdbus_bus_unref(bus);
		return ERR_CAST(ep);
	}
	/* the endpoint stays linked under the bus; the bus node owns it */
	kdbus_ep_unref(ep);
	return bus;

exit_unref:
	kdbus_bus_unref(bus);
	return ERR_PTR(ret);
}

/**
 * kdbus_cmd_bus_make() - KDBUS_CMD_BUS_MAKE
 * @domain:	domain of the control file
 * @argp:	user struct kdbus_cmd
 *
 * Return: new bus, NULL after negotiation, or ERR_PTR.
 */
struct kdbus_bus *kdbus_cmd_bus_make(struct kdbus_domain *domain,
				     void __user *argp)
{
	struct kdbus_bloom_parameter *bloom;
	struct kdbus_bus *bus = NULL;
	u64 owner_mask = 0, req_mask = 0;
	struct kdbus_cmd *cmd;
	const char *name;
	int ret;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
		{ .type = KDBUS_ITEM_MAKE_NAME, .mandatory = true },
		{ .type = KDBUS_ITEM_BLOOM_PARAMETER, .mandatory = true },
		{ .type = KDBUS_ITEM_ATTACH_FLAGS_SEND },
		{ .type = KDBUS_ITEM_ATTACH_FLAGS_RECV },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE |
				 KDBUS_MAKE_ACCESS_GROUP |
				 KDBUS_MAKE_ACCESS_WORLD,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret != 0)
		goto exit;
	cmd = args.cmd;
	name = argv[1].item->str;
	bloom = &argv[2].item->bloom_parameter;

	if (bloom->size < 8 || bloom->size > KDBUS_BUS_BLOOM_MAX_SIZE ||
	    !IS_ALIGNED(bloom->size, 8) || bloom->n_hash < 1) {
		ret = -EINVAL;
		goto exit;
	}
	if (argv[3].item)
		owner_mask = kdbus_sanitize_attach_flags(argv[3].item->data64[0],
							 &ret);
	if (argv[4].item)
		req_mask = kdbus_sanitize_attach_flags(argv[4].item->data64[0],
						       &ret);
	if (ret < 0)
		goto exit;
	ret = kdbus_verify_uid_prefix(name, domain->user_ns, current_euid());
	if (ret < 0)
		goto exit;

	bus = kdbus_bus_new(domain, cmd->flags, name, bloom, owner_mask,
			    req_mask);
	if (IS_ERR(bus)) {
		ret = PTR_ERR(bus);
		bus = NULL;
	}
exit:
	ret = kdbus_args_clear(&args, ret > 0 ? 0 : ret);
	if (ret < 0) {
		if (bus) {
			kdbus_bus_shutdown(bus);
			kdbus_bus_unref(bus);
		}
		return ERR_PTR(ret);
	}
	return bus;
}

/**
 * kdbus_bus_shutdown() - shut a bus down with all endpoints and
 *			  connections (spec 2.4)
 * @bus:	bus
 */
void kdbus_bus_shutdown(struct kdbus_bus *bus)
{
	struct kdbus_node *node;

	if (!kdbus_node_deactivate(&bus->node))
		return;
	kdbus_node_drain(&bus->node, 0);

	while ((node = kdbus_node_first_child(&bus->node))) {
		struct kdbus_ep *ep = kdbus_ep_from_node(node);

		kdbus_ep_shutdown(ep);
		kdbus_node_unref(node);
	}
	if (bus->creator)
		atomic_dec(&bus->creator->buses);
}

/**
 * kdbus_bus_find_conn_by_id() - look up a connection (bus->lock held)
 * @bus:	bus
 * @id:		connection ID
 *
 * Return: the connection (not referenced) or NULL.
 */
struct kdbus_conn *kdbus_bus_find_conn_by_id(struct kdbus_bus *bus, u64 id)
{
	struct kdbus_conn *conn;

	lockdep_assert_held(&bus->lock);
	hash_for_each_possible(bus->conn_hash, conn, hentry, id)
		if (conn->id == id)
			return conn;
	return NULL;
}

/**
 * kdbus_cmd_bus_creator_info() - KDBUS_CMD_BUS_CREATOR_INFO
 * @conn:	connection
 * @argp:	user struct kdbus_cmd_info
 *
 * Return: 0 or negative errno.
 */
int kdbus_cmd_bus_creator_info(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_cmd_info __user *uinfo = argp;
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_cmd_info *cmd;
	struct kdbus_item *item;
	struct kdbus_info *info;
	size_t name_len, prefix;
	u64 mask, off = 0, sz = 0;
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

	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret != 0)
		goto exit;
	cmd = args.cmd;
	mask = kdbus_sanitize_attach_flags(cmd->attach_flags, &ret);
	if (ret < 0)
		goto exit;
	/* spec 4.10: creator process items only, masked by the owner mask */
	mask &= bus->attach_flags_owner & KDBUS_ATTACH_PROC;

	name_len = strlen(bus->node.name) + 1;
	prefix = KDBUS_ITEM_SIZE(name_len);
	if (bus->attach_flags_req)
		prefix += KDBUS_ITEM_SIZE(sizeof(u64));
	info = kdbus_meta_info_new(bus->creator_meta, NULL, mask, conn, prefix);
	if (IS_ERR(info)) {
		ret = PTR_ERR(info);
		goto exit;
	}
	info->id = bus->id;
	info->flags = bus->bus_flags;
	item = info->items;
	item->size = KDBUS_ITEM_HEADER_SIZE + name_len;
	item->type = KDBUS_ITEM_MAKE_NAME;
	memcpy(item->str, bus->node.name, name_len);
	if (bus->attach_flags_req) {
		item = KDBUS_ITEM_NEXT(item);
		item->size = KDBUS_ITEM_HEADER_SIZE + sizeof(u64);
		item->type = KDBUS_ITEM_ATTACH_FLAGS_RECV;
		item->data64[0] = bus->attach_flags_req;
	}

	mutex_lock(&bus->lock);
	ret = kdbus_pool_publish(conn->pool, info, info->size, &off, &sz);
	mutex_unlock(&bus->lock);
	kfree(info);
	if (ret < 0)
		goto exit;
	if (put_user(off, &uinfo->offset) || put_user(sz, &uinfo->info_size))
		ret = -EFAULT;
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}
