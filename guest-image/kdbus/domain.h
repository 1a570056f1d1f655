/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - domains (one per kdbusfs mount) and accounting users.
 */
#ifndef __KDBUS_DOMAIN_H
#define __KDBUS_DOMAIN_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "fs.h"

/**
 * struct kdbus_user - accounting record (spec 14.2)
 * @kref:	reference count
 * @domain:	owning domain (not referenced; users die before domains)
 * @uid:	real uid, INVALID_UID for anonymous/kernel users
 * @entry:	entry in domain->user_list (uid users only)
 * @buses:	buses created by this user
 * @connections: connections accounted to this user
 */
struct kdbus_user {
	struct kref kref;
	struct kdbus_domain *domain;
	kuid_t uid;
	struct list_head entry;
	atomic_t buses;
	atomic_t connections;
};

/**
 * struct kdbus_domain - one kdbusfs mount
 * @node:	root directory node
 * @control:	the "control" file node
 * @lock:	protects @user_list
 * @last_id:	ID counter for buses and connections (spec 9.1)
 * @user_ns:	user namespace of the mounter
 * @user_list:	uid accounting users
 * @kernel_user: accounting user of kernel notifications
 */
struct kdbus_domain {
	struct kdbus_node node;
	struct kdbus_node control;
	struct mutex lock;
	atomic64_t last_id;
	struct user_namespace *user_ns;
	struct list_head user_list;
	struct kdbus_user *kernel_user;
};

#define kdbus_domain_from_node(_n) container_of(_n, struct kdbus_domain, node)

struct kdbus_domain *kdbus_domain_new(struct user_namespace *ns);
int kdbus_domain_activate(struct kdbus_domain *domain);
void kdbus_domain_shutdown(struct kdbus_domain *domain);
struct kdbus_domain *kdbus_domain_ref(struct kdbus_domain *domain);
struct kdbus_domain *kdbus_domain_unref(struct kdbus_domain *domain);

struct kdbus_user *kdbus_user_lookup(struct kdbus_domain *domain, kuid_t uid);
struct kdbus_user *kdbus_user_ref(struct kdbus_user *u);
struct kdbus_user *kdbus_user_unref(struct kdbus_user *u);

#endif
