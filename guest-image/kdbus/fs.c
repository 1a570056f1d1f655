// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - kdbusfs: file system type, superblock, nodes (spec section 2).
 *
 * Locking:
 *   kdbus_node_lock (mutex) protects every node's @children list and
 *   @sibling entry. It is a leaf lock; nothing else is taken under it
 *   except during readdir, which may fault in user memory.
 *   node->active is atomic; node->kref is atomic.
 *
 *   kdbus_fs_sb_lock (mutex) protects the @sb pointer of every domain
 *   node. kdbus_node_notify() holds it while it looks up and releases
 *   inodes of that superblock and calls fsnotify, so kill_sb (which clears
 *   @sb under it first) never finds an inode reference of ours left. It
 *   is taken by node link/deactivation, never under kdbus_node_lock and
 *   never with a connection's bus->lock held (connections have no names).
 *   The inode puts done under it never drop a node's last kref: the caller
 *   of link/deactivate holds the node, and the node holds its parent.
 *
 * Lifetimes: a node is NEW (not yet usable) until kdbus_node_activate().
 * kdbus_node_deactivate() unlinks it from its parent (its name is reusable
 * at once) and makes kdbus_node_acquire() fail (ESHUTDOWN); only the
 * caller that deactivated it tears it down, after kdbus_node_drain()
 * waited for in-flight users. Inodes hold a kref on their node and are
 * dropped as soon as they are unused. A parent's @children list holds a
 * kref on each linked child.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fsnotify.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/sysfs.h>

#include "domain.h"
#include "fs.h"
#include "limits.h"

static DEFINE_MUTEX(kdbus_node_lock);
static DEFINE_MUTEX(kdbus_fs_sb_lock);
static atomic_long_t kdbus_node_ino = ATOMIC_LONG_INIT(0);

static void kdbus_node_notify(struct kdbus_node *node, u32 mask);

/**
 * kdbus_node_init() - initialise an embedded node
 * @node:	node
 * @type:	KDBUS_NODE_*
 * @free_cb:	called when the last kref is dropped
 *
 * The node starts NEW (inactive) with one kref.
 */
void kdbus_node_init(struct kdbus_node *node, enum kdbus_node_type type,
		     void (*free_cb)(struct kdbus_node *node))
{
	kref_init(&node->kref);
	atomic_set(&node->active, KDBUS_NODE_BIAS);
	init_waitqueue_head(&node->waitq);
	node->type = type;
	node->ino = atomic_long_inc_return(&kdbus_node_ino);
	node->uid = GLOBAL_ROOT_UID;
	node->gid = GLOBAL_ROOT_GID;
	INIT_LIST_HEAD(&node->children);
	INIT_LIST_HEAD(&node->sibling);
	node->free_cb = free_cb;
}

/**
 * kdbus_node_link() - name a node, link it under a parent and activate it
 * @node:	NEW node
 * @parent:	parent node (a reference is taken), may be NULL
 * @name:	name, copied; may be NULL
 *
 * Linking and activation are atomic with respect to lookups and teardown:
 * a linked node is always active, a deactivated node is never linked.
 *
 * Return: 0, -ENOMEM, -EEXIST if an active sibling has the same name,
 * -ESHUTDOWN if the parent is no longer active.
 */
int kdbus_node_link(struct kdbus_node *node, struct kdbus_node *parent,
		    const char *name)
{
	struct kdbus_node *pos;
	int ret = 0;

	if (name) {
		node->name = kstrdup(name, GFP_KERNEL);
		if (!node->name)
			return -ENOMEM;
	}
	if (!parent) {
		kdbus_node_activate(node);
		return 0;
	}

	mutex_lock(&kdbus_node_lock);
	if (!kdbus_node_is_active(parent)) {
		ret = -ESHUTDOWN;
		goto exit;
	}
	list_for_each_entry(pos, &parent->children, sibling) {
		if (pos->name && !strcmp(pos->name, name)) {
			ret = -EEXIST;
			goto exit;
		}
	}
	node->parent = kdbus_node_ref(parent);
	kdbus_node_ref(node);
	list_add_tail(&node->sibling, &parent->children);
	kdbus_node_activate(node);
exit:
	mutex_unlock(&kdbus_node_lock);
	if (!ret)
		kdbus_node_notify(node, FS_CREATE);
	return ret;
}

struct kdbus_node *kdbus_node_ref(struct kdbus_node *node)
{
	if (node)
		kref_get(&node->kref);
	return node;
}

/*
 * The parent's @children list holds a reference on every linked child.
 * Returns whether the node was linked.
 */
static bool kdbus_node_unlink(struct kdbus_node *node)
{
	bool linked;

	mutex_lock(&kdbus_node_lock);
	linked = !list_empty(&node->sibling);
	list_del_init(&node->sibling);
	mutex_unlock(&kdbus_node_lock);
	if (linked)
		kdbus_node_unref(node);
	return linked;
}

static void kdbus_node_free(struct kref *kref)
{
	struct kdbus_node *node = container_of(kref, struct kdbus_node, kref);
	struct kdbus_node *parent = node->parent;

	kdbus_node_unlink(node);
	kfree(node->name);
	node->name = NULL;
	if (node->free_cb)
		node->free_cb(node);
	kdbus_node_unref(parent);
}

/**
 * kdbus_node_unref() - drop a kref
 * @node:	node, may be NULL
 *
 * Return: NULL
 */
struct kdbus_node *kdbus_node_unref(struct kdbus_node *node)
{
	if (node)
		kref_put(&node->kref, kdbus_node_free);
	return NULL;
}

/**
 * kdbus_node_activate() - make a NEW node usable
 * @node:	node
 */
void kdbus_node_activate(struct kdbus_node *node)
{
	atomic_cmpxchg(&node->active, KDBUS_NODE_BIAS, 0);
}

/**
 * kdbus_node_deactivate() - start shutting a node down
 * @node:	node
 *
 * Unlinks the node from its parent and makes new active references fail.
 *
 * Return: true for exactly one caller, the one that has to tear it down.
 */
bool kdbus_node_deactivate(struct kdbus_node *node)
{
	int v;

	for (;;) {
		v = atomic_read(&node->active);
		if (v < 0)
			return false;
		if (atomic_cmpxchg(&node->active, v, v + KDBUS_NODE_BIAS) == v)
			break;
	}
	if (kdbus_node_unlink(node))
		kdbus_node_notify(node, FS_DELETE);
	wake_up_all(&node->waitq);
	return true;
}

/**
 * kdbus_node_drain() - wait for in-flight users of a deactivated node
 * @node:	node
 * @own:	active references held by the caller itself
 */
void kdbus_node_drain(struct kdbus_node *node, int own)
{
	wait_event(node->waitq,
		   atomic_read(&node->active) <= KDBUS_NODE_BIAS + own);
}

bool kdbus_node_is_active(struct kdbus_node *node)
{
	return atomic_read(&node->active) >= 0;
}

/**
 * kdbus_node_acquire() - take an active reference
 * @node:	node
 *
 * Return: false if the node is not (or no longer) active.
 */
bool kdbus_node_acquire(struct kdbus_node *node)
{
	return atomic_inc_unless_negative(&node->active);
}

/**
 * kdbus_node_reacquire() - take back an active reference dropped for sleeping
 * @node:	node
 *
 * Unconditional; used by a caller that still has to balance its release.
 */
void kdbus_node_reacquire(struct kdbus_node *node)
{
	atomic_inc(&node->active);
}

void kdbus_node_release(struct kdbus_node *node)
{
	if (atomic_dec_return(&node->active) < 0)
		wake_up_all(&node->waitq);
}

/**
 * kdbus_node_find_child() - look up an active child by name
 * @parent:	directory node
 * @name:	name
 *
 * Return: referenced node or NULL.
 */
struct kdbus_node *kdbus_node_find_child(struct kdbus_node *parent,
					 const char *name)
{
	struct kdbus_node *pos, *found = NULL;

	mutex_lock(&kdbus_node_lock);
	list_for_each_entry(pos, &parent->children, sibling) {
		if (pos->name && !strcmp(pos->name, name) &&
		    kdbus_node_is_active(pos)) {
			found = kdbus_node_ref(pos);
			break;
		}
	}
	mutex_unlock(&kdbus_node_lock);
	return found;
}

/**
 * kdbus_node_first_child() - first linked child of a node
 * @parent:	node
 *
 * Return: referenced child or NULL.
 */
struct kdbus_node *kdbus_node_first_child(struct kdbus_node *parent)
{
	struct kdbus_node *child;

	mutex_lock(&kdbus_node_lock);
	child = list_first_entry_or_null(&parent->children, struct kdbus_node,
					 sibling);
	kdbus_node_ref(child);
	mutex_unlock(&kdbus_node_lock);
	return child;
}

/**
 * kdbus_node_children() - the active children of a node, referenced
 * @parent:	node
 * @type:	children of this type only
 * @n:		set to the number returned
 *
 * For callers that must do more than kdbus_node_lock allows (a leaf) with
 * each child: they get references and drop them with kdbus_node_unref().
 * Children linked meanwhile may be missing.
 *
 * Return: kmalloc'ed array (kfree() it), or NULL (none, or no memory).
 */
struct kdbus_node **kdbus_node_children(struct kdbus_node *parent,
					enum kdbus_node_type type,
					unsigned int *n)
{
	struct kdbus_node **out, *pos;
	unsigned int max = 0;

	*n = 0;
	mutex_lock(&kdbus_node_lock);
	list_for_each_entry(pos, &parent->children, sibling)
		max += pos->type == type;
	mutex_unlock(&kdbus_node_lock);
	if (!max)
		return NULL;
	out = kmalloc_array(max, sizeof(*out), GFP_KERNEL);
	if (!out)
		return NULL;
	mutex_lock(&kdbus_node_lock);
	list_for_each_entry(pos, &parent->children, sibling)
		if (*n < max && pos->type == type && kdbus_node_is_active(pos))
			out[(*n)++] = kdbus_node_ref(pos);
	mutex_unlock(&kdbus_node_lock);
	return out;
}

/*
 * Inodes
 */

static const struct inode_operations kdbus_dir_iops;
static const struct file_operations kdbus_dir_fops;

static struct inode *kdbus_inode_get(struct super_block *sb,
				     struct kdbus_node *node)
{
	struct inode *inode;

	inode = iget_locked(sb, node->ino);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!(inode->i_state & I_NEW))
		return inode;

	inode->i_private = kdbus_node_ref(node);
	inode->i_mapping->a_ops = &empty_aops;
	inode->i_uid = node->uid;
	inode->i_gid = node->gid;
	inode->i_mtime = inode->i_atime = inode->i_ctime = current_time(inode);

	switch (node->type) {
	case KDBUS_NODE_DOMAIN:
	case KDBUS_NODE_BUS:
		inode->i_mode = S_IFDIR | node->mode;
		inode->i_op = &kdbus_dir_iops;
		inode->i_fop = &kdbus_dir_fops;
		set_nlink(inode, 2);
		break;
	default:
		inode->i_mode = S_IFREG | node->mode;
		inode->i_fop = &kdbus_handle_ops;
		break;
	}
	unlock_new_inode(inode);
	return inode;
}

/*
 * fsnotify for kdbusfs: nodes appear and disappear by ioctls and closes,
 * never through the VFS, and their dentries are made on lookup only, so
 * without this inotify would see no IN_CREATE/IN_DELETE at all. Reports
 * what mkdir/create and unlink/rmdir report: the event on the parent
 * directory with the child's name and inode, and for a removed node
 * IN_DELETE_SELF on the node (which also ends every watch on it).
 *
 * Only inodes still in the cache can carry watches (they pin the inode,
 * and unused kdbusfs inodes are dropped at once), so an uncached parent
 * means nobody to tell; the child's inode is only made when needed as
 * the event's data, as a lookup would make it.
 */
static void kdbus_node_notify(struct kdbus_node *node, u32 mask)
{
	struct kdbus_node *root = node->parent;
	struct inode *dir, *inode;
	struct super_block *sb;
	struct qstr name;

	if (!root || !node->name)
		return;
	while (root->parent)
		root = root->parent;

	mutex_lock(&kdbus_fs_sb_lock);
	sb = root->sb;
	if (!sb || !atomic_long_read(&sb->s_fsnotify_connectors))
		goto exit;
	dir = ilookup(sb, node->parent->ino);
	inode = (mask & FS_DELETE) ? ilookup(sb, node->ino) : NULL;
	if (!inode && dir)
		inode = kdbus_inode_get(sb, node);
	if (IS_ERR_OR_NULL(inode))
		goto put_dir;
	if (S_ISDIR(inode->i_mode))
		mask |= FS_ISDIR;
	name = (struct qstr)QSTR_INIT(node->name, strlen(node->name));
	if (dir)
		fsnotify_name(mask, inode, FSNOTIFY_EVENT_INODE, dir, &name, 0);
	if (mask & FS_DELETE)
		fsnotify_inoderemove(inode);
	iput(inode);
put_dir:
	iput(dir);
exit:
	mutex_unlock(&kdbus_fs_sb_lock);
}

static struct dentry *kdbus_fs_lookup(struct inode *dir, struct dentry *dentry,
				      unsigned int flags)
{
	struct kdbus_node *node;
	struct inode *inode;

	if (dentry->d_name.len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	node = kdbus_node_find_child(dir->i_private, dentry->d_name.name);
	if (!node)
		return NULL;
	inode = kdbus_inode_get(dir->i_sb, node);
	kdbus_node_unref(node);
	return d_splice_alias(inode, dentry);
}

static const struct inode_operations kdbus_dir_iops = {
	.lookup		= kdbus_fs_lookup,
	.permission	= generic_permission,
};

/* positions: 0 ".", 1 "..", 2+n the n-th active child */
static int kdbus_fs_readdir(struct file *file, struct dir_context *ctx)
{
	struct kdbus_node *parent = file_inode(file)->i_private;
	struct kdbus_node *pos;
	loff_t n = 2;

	if (!dir_emit_dots(file, ctx))
		return 0;

	mutex_lock(&kdbus_node_lock);
	list_for_each_entry(pos, &parent->children, sibling) {
		if (!kdbus_node_is_active(pos) || !pos->name)
			continue;
		if (n++ < ctx->pos)
			continue;
		if (!dir_emit(ctx, pos->name, strlen(pos->name), pos->ino,
			      pos->type == KDBUS_NODE_BUS ? DT_DIR : DT_REG))
			break;
		ctx->pos = n;
	}
	mutex_unlock(&kdbus_node_lock);
	return 0;
}

static const struct file_operations kdbus_dir_fops = {
	.read		= generic_read_dir,
	.iterate_shared	= kdbus_fs_readdir,
	.llseek		= generic_file_llseek,
};

/* a dentry of a node that was shut down is invalid at once */
static int kdbus_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct inode *inode;

	if (flags & LOOKUP_RCU)
		return -ECHILD;
	inode = d_inode(dentry);
	if (!inode)
		return 0;
	return kdbus_node_is_active(inode->i_private);
}

static const struct dentry_operations kdbus_dops = {
	.d_revalidate	= kdbus_d_revalidate,
	.d_delete	= always_delete_dentry,
};

static void kdbus_fs_evict_inode(struct inode *inode)
{
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	kdbus_node_unref(inode->i_private);
	inode->i_private = NULL;
}

static const struct super_operations kdbus_sops = {
	.statfs		= simple_statfs,
	.drop_inode	= generic_delete_inode,
	.evict_inode	= kdbus_fs_evict_inode,
};

static int kdbus_fs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct kdbus_domain *domain;
	struct inode *inode;
	int ret;

	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = KDBUS_SUPER_MAGIC;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_op = &kdbus_sops;
	sb->s_d_op = &kdbus_dops;
	sb->s_time_gran = 1;

	domain = kdbus_domain_new(fc->user_ns);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	sb->s_fs_info = domain;

	inode = kdbus_inode_get(sb, &domain->node);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	sb->s_root = d_make_root(inode);
	if (!sb->s_root)
		return -ENOMEM;

	ret = kdbus_domain_activate(domain);
	if (ret < 0)
		return ret;
	mutex_lock(&kdbus_fs_sb_lock);
	domain->node.sb = sb;
	mutex_unlock(&kdbus_fs_sb_lock);
	return 0;
}

static int kdbus_fs_get_tree(struct fs_context *fc)
{
	/* every mount is a new superblock and thus a new domain */
	return get_tree_nodev(fc, kdbus_fs_fill_super);
}

static const struct fs_context_operations kdbus_fs_context_ops = {
	.get_tree	= kdbus_fs_get_tree,
};

static int kdbus_fs_init_fs_context(struct fs_context *fc)
{
	fc->ops = &kdbus_fs_context_ops;
	return 0;
}

static void kdbus_fs_kill_sb(struct super_block *sb)
{
	struct kdbus_domain *domain = sb->s_fs_info;

	if (domain) {
		/* no fsnotify from here on: our inode references end now */
		mutex_lock(&kdbus_fs_sb_lock);
		domain->node.sb = NULL;
		mutex_unlock(&kdbus_fs_sb_lock);
		kdbus_domain_shutdown(domain);
	}
	kill_anon_super(sb);
	if (domain)
		kdbus_domain_unref(domain);
}

static struct file_system_type kdbus_fs_type = {
	.name			= "kdbusfs",
	.owner			= THIS_MODULE,
	.init_fs_context	= kdbus_fs_init_fs_context,
	.kill_sb		= kdbus_fs_kill_sb,
	.fs_flags		= FS_USERNS_MOUNT,
};
MODULE_ALIAS_FS("kdbusfs");

int kdbus_fs_init(void)
{
	return register_filesystem(&kdbus_fs_type);
}

void kdbus_fs_exit(void)
{
	unregister_filesystem(&kdbus_fs_type);
}
