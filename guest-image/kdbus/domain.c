// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - domains and accounting users (spec 1, 2.4, 9.1, 14).
 *
 * Locking: domain->lock protects domain->user_list. It may be taken under
 * a bus lock; it never takes other kdbus locks itself.
 */
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "bus.h"
#include "domain.h"
#include "fs.h"

static void kdbus_domain_free(struct kdbus_node *node)
{
	struct kdbus_domain *domain = kdbus_domain_from_node(node);

	kdbus_user_unref(domain->kernel_user);
	put_user_ns(domain->user_ns);
	kfree(domain);
}

/* the control node is embedded; its parent reference keeps the domain */
static void kdbus_control_free(struct kdbus_node *node)
{
}

/**
 * kdbus_domain_new() - create a domain for a new superblock
 * @ns:		user namespace of the mounter
 *
 * Return: new domain (not yet active) or ERR_PTR.
 */
struct kdbus_domain *kdbus_domain_new(struct user_namespace *ns)
{
	struct kdbus_domain *domain;

	domain = kzalloc(sizeof(*domain), GFP_KERNEL);
	if (!domain)
		return ERR_PTR(-ENOMEM);

	kdbus_node_init(&domain->node, KDBUS_NODE_DOMAIN, kdbus_domain_free);
	domain->node.mode = 0555;
	mutex_init(&domain->lock);
	atomic64_set(&domain->last_id, 0);
	INIT_LIST_HEAD(&domain->user_list);
	domain->user_ns = get_user_ns(ns);

	domain->kernel_user = kzalloc(sizeof(*domain->kernel_user), GFP_KERNEL);
	if (!domain->kernel_user) {
		kdbus_node_unref(&domain->node);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&domain->kernel_user->kref);
	domain->kernel_user->uid = INVALID_UID;
	domain->kernel_user->domain = domain;
	INIT_LIST_HEAD(&domain->kernel_user->entry);

	kdbus_node_init(&domain->control, KDBUS_NODE_CONTROL,
			kdbus_control_free);
	domain->control.mode = 0666;
	return domain;
}

/**
 * kdbus_domain_activate() - link the control file and activate the domain
 * @domain:	domain
 *
 * Return: 0 or negative errno.
 */
int kdbus_domain_activate(struct kdbus_domain *domain)
{
	int ret;

	kdbus_node_activate(&domain->node);
	ret = kdbus_node_link(&domain->control, &domain->node, "control");
	if (ret < 0)
		return ret;
	return 0;
}

/**
 * kdbus_domain_shutdown() - tear a domain down (superblock destruction)
 * @domain:	domain
 */
void kdbus_domain_shutdown(struct kdbus_domain *domain)
{
	struct kdbus_node *node;

	if (kdbus_node_deactivate(&domain->control))
		kdbus_node_drain(&domain->control, 0);
	/* drop the initial kref of the embedded control node */
	kdbus_node_unref(&domain->control);

	if (!kdbus_node_deactivate(&domain->node))
		return;
	kdbus_node_drain(&domain->node, 0);

	while ((node = kdbus_node_first_child(&domain->node))) {
		kdbus_bus_shutdown(kdbus_bus_from_node(node));
		kdbus_node_unref(node);
	}
}

struct kdbus_domain *kdbus_domain_ref(struct kdbus_domain *domain)
{
	if (domain)
		kdbus_node_ref(&domain->node);
	return domain;
}

struct kdbus_domain *kdbus_domain_unref(struct kdbus_domain *domain)
{
	if (domain)
		kdbus_node_unref(&domain->node);
	return NULL;
}

/**
 * kdbus_user_lookup() - find or create an accounting user
 * @domain:	domain
 * @uid:	real uid; INVALID_UID creates a fresh anonymous user
 *
 * Return: referenced user or ERR_PTR(-ENOMEM).
 */
struct kdbus_user *kdbus_user_lookup(struct kdbus_domain *domain, kuid_t uid)
{
	struct kdbus_user *u;

	mutex_lock(&domain->lock);
	if (uid_valid(uid)) {
		list_for_each_entry(u, &domain->user_list, entry) {
			if (uid_eq(u->uid, uid)) {
				kref_get(&u->kref);
				goto exit;
			}
		}
	}
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u) {
		u = ERR_PTR(-ENOMEM);
		goto exit;
	}
	kref_init(&u->kref);
	u->uid = uid;
	u->domain = domain;
	INIT_LIST_HEAD(&u->entry);
	if (uid_valid(uid))
		list_add(&u->entry, &domain->user_list);
exit:
	mutex_unlock(&domain->lock);
	return u;
}

struct kdbus_user *kdbus_user_ref(struct kdbus_user *u)
{
	if (u)
		kref_get(&u->kref);
	return u;
}

static void kdbus_user_free(struct kref *kref)
{
	struct kdbus_user *u = container_of(kref, struct kdbus_user, kref);

	list_del(&u->entry);
	kfree(u);
}

struct kdbus_user *kdbus_user_unref(struct kdbus_user *u)
{
	struct kdbus_domain *domain;

	if (!u)
		return NULL;
	domain = u->domain;
	if (uid_valid(u->uid)) {
		/* the list entry is protected by the domain lock */
		mutex_lock(&domain->lock);
		kref_put(&u->kref, kdbus_user_free);
		mutex_unlock(&domain->lock);
	} else {
		kref_put(&u->kref, kdbus_user_free);
	}
	return NULL;
}

static int __init kdbus_init(void)
{
	int ret;

	ret = sysfs_create_mount_point(fs_kobj, "kdbus");
	if (ret)
		return ret;
	ret = kdbus_fs_init();
	if (ret) {
		sysfs_remove_mount_point(fs_kobj, "kdbus");
		return ret;
	}
	return 0;
}

static void __exit kdbus_exit(void)
{
	kdbus_fs_exit();
	sysfs_remove_mount_point(fs_kobj, "kdbus");
}

module_init(kdbus_init);
module_exit(kdbus_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdbus - in-kernel D-Bus (clean-room)");
