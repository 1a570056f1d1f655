/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - kdbusfs and its nodes (spec section 2).
 */
#ifndef __KDBUS_FS_H
#define __KDBUS_FS_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

enum kdbus_node_type {
	KDBUS_NODE_DOMAIN,
	KDBUS_NODE_CONTROL,
	KDBUS_NODE_BUS,
	KDBUS_NODE_ENDPOINT,
	KDBUS_NODE_CONN,	/* not visible in the file system */
};

/* "active" counter: >= 0 active users; NEW and deactivated are negative */
#define KDBUS_NODE_BIAS		(INT_MIN / 2)

/**
 * struct kdbus_node - object with a name in kdbusfs, or a connection
 * @kref:	object lifetime; the free callback frees the container
 * @active:	active references; see kdbus_node_acquire()
 * @waitq:	woken when an active reference is dropped after deactivation
 * @type:	KDBUS_NODE_*
 * @name:	file name (NULL for domain and connections)
 * @mode:	permission bits
 * @uid:	owner
 * @gid:	group
 * @ino:	inode number
 * @parent:	parent node (reference held), NULL for domain/connections
 * @children:	child nodes (protected by kdbus_node_lock)
 * @sibling:	entry in the parent's @children
 * @free_cb:	frees the containing object
 * @sb:		domain node only: its superblock while mounted, else NULL
 *		(protected by kdbus_fs_sb_lock in fs.c; used for fsnotify)
 */
struct kdbus_node {
	struct kref kref;
	atomic_t active;
	wait_queue_head_t waitq;
	enum kdbus_node_type type;
	char *name;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
	unsigned long ino;
	struct kdbus_node *parent;
	struct list_head children;
	struct list_head sibling;
	void (*free_cb)(struct kdbus_node *node);
	struct super_block *sb;
};

void kdbus_node_init(struct kdbus_node *node, enum kdbus_node_type type,
		     void (*free_cb)(struct kdbus_node *node));
int kdbus_node_link(struct kdbus_node *node, struct kdbus_node *parent,
		    const char *name);
struct kdbus_node *kdbus_node_ref(struct kdbus_node *node);
struct kdbus_node *kdbus_node_unref(struct kdbus_node *node);
void kdbus_node_activate(struct kdbus_node *node);
bool kdbus_node_deactivate(struct kdbus_node *node);
void kdbus_node_drain(struct kdbus_node *node, int own);
bool kdbus_node_is_active(struct kdbus_node *node);
bool kdbus_node_acquire(struct kdbus_node *node);
void kdbus_node_reacquire(struct kdbus_node *node);
void kdbus_node_release(struct kdbus_node *node);
struct kdbus_node **kdbus_node_children(struct kdbus_node *parent,
					enum kdbus_node_type type,
					unsigned int *n);
struct kdbus_node *kdbus_node_find_child(struct kdbus_node *parent,
					 const char *name);

struct kdbus_node *kdbus_node_first_child(struct kdbus_node *parent);

int kdbus_fs_init(void);
void kdbus_fs_exit(void);

extern const struct file_operations kdbus_handle_ops;

#endif
