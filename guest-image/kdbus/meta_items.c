// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - metadata items (spec 13.2 - 13.4): which items a receiver gets,
 * their fixed order, and their translation into the receiving (or
 * requesting) connection's user and PID namespaces.
 *
 * Every writer works in two passes over the same data: with a NULL
 * buffer it only measures, so measuring and writing always agree.
 *
 * Locking: callers hold bus->lock whenever OWNED_NAME items are produced
 * (name records are read) and while message snapshots are completed.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs_struct.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <uapi/linux/kdbus.h>

#include "connection.h"
#include "message.h"
#include "metadata.h"
#include "names.h"
#include "util.h"

/**
 * struct kdbus_meta_buf - output cursor
 * @buf:	output, or NULL when measuring
 * @pos:	next item offset (8-aligned)
 * @end:	end of the last item's data (unpadded)
 */
struct kdbus_meta_buf {
	u8 *buf;
	size_t pos;
	size_t end;
};

static struct kdbus_item *kdbus_meta_item(struct kdbus_meta_buf *b, u64 type,
					  size_t payload)
{
	struct kdbus_item *item = NULL;

	if (b->buf) {
		item = (struct kdbus_item *)(b->buf + b->pos);
		item->size = KDBUS_ITEM_HEADER_SIZE + payload;
		item->type = type;
	}
	b->end = b->pos + KDBUS_ITEM_HEADER_SIZE + payload;
	b->pos += KDBUS_ITEM_SIZE(payload);
	return item;
}

static void kdbus_meta_str(struct kdbus_meta_buf *b, u64 type, const char *str)
{
	size_t len = strlen(str) + 1;
	struct kdbus_item *item = kdbus_meta_item(b, type, len);

	if (item)
		memcpy(item->str, str, len);
}

/* an unset fake id stays (u32)-1; unmapped ids become the overflow id */
static u64 kdbus_meta_uid(struct user_namespace *ns, kuid_t uid)
{
	return uid_valid(uid) ? from_kuid_munged(ns, uid) : (u32)-1;
}

static u64 kdbus_meta_gid(struct user_namespace *ns, kgid_t gid)
{
	return gid_valid(gid) ? from_kgid_munged(ns, gid) : (u32)-1;
}

static void kdbus_meta_creds(struct kdbus_meta_buf *b,
			     const struct kdbus_meta_proc *mp,
			     struct user_namespace *ns)
{
	struct kdbus_item *item;

	item = kdbus_meta_item(b, KDBUS_ITEM_CREDS,
			       sizeof(struct kdbus_creds));
	if (!item)
		return;
	item->creds.uid = kdbus_meta_uid(ns, mp->uid[0]);
	item->creds.euid = kdbus_meta_uid(ns, mp->uid[1]);
	item->creds.suid = kdbus_meta_uid(ns, mp->uid[2]);
	item->creds.fsuid = kdbus_meta_uid(ns, mp->uid[3]);
	item->creds.gid = kdbus_meta_gid(ns, mp->gid[0]);
	item->creds.egid = kdbus_meta_gid(ns, mp->gid[1]);
	item->creds.sgid = kdbus_meta_gid(ns, mp->gid[2]);
	item->creds.fsgid = kdbus_meta_gid(ns, mp->gid[3]);
}

static void kdbus_meta_pids(struct kdbus_meta_buf *b,
			    const struct kdbus_meta_proc *mp,
			    struct pid_namespace *ns)
{
	struct kdbus_item *item;

	item = kdbus_meta_item(b, KDBUS_ITEM_PIDS, sizeof(struct kdbus_pids));
	if (!item)
		return;
	item->pids.pid = pid_nr_ns(mp->pid, ns);
	item->pids.tid = pid_nr_ns(mp->tid, ns);
	item->pids.ppid = pid_nr_ns(mp->ppid, ns);
}

static void kdbus_meta_auxgroups(struct kdbus_meta_buf *b,
				 const struct cred *c,
				 struct user_namespace *ns)
{
	struct group_info *gi = c->group_info;
	struct kdbus_item *item;
	int i;

	item = kdbus_meta_item(b, KDBUS_ITEM_AUXGROUPS,
			       gi->ngroups * sizeof(u64));
	if (!item)
		return;
	for (i = 0; i < gi->ngroups; i++)
		item->data64[i] = from_kgid_munged(ns, gi->gid[i]);
}

enum kdbus_caps_view {
	KDBUS_CAPS_VERBATIM,
	KDBUS_CAPS_NS_OWNER,
	KDBUS_CAPS_NONE,
};

/**
 * kdbus_meta_caps_view() - how capabilities look from namespace @t
 * @c:	credentials (their user namespace is X)
 * @t:	target user namespace
 *
 * Spec 13.4 CAPS: verbatim in X itself; in a namespace below X, full
 * sets if the child of X on the way down to @t is owned by @c's euid
 * (that owner has every capability there), verbatim otherwise; nothing
 * outside X's subtree.
 *
 * Return: the view.
 */
static enum kdbus_caps_view kdbus_meta_caps_view(const struct cred *c,
						 struct user_namespace *t)
{
	struct user_namespace *ns;

	if (t == c->user_ns)
		return KDBUS_CAPS_VERBATIM;
	for (ns = t; ns->parent; ns = ns->parent)
		if (ns->parent == c->user_ns)
			return uid_eq(ns->owner, c->euid) ?
			       KDBUS_CAPS_NS_OWNER : KDBUS_CAPS_VERBATIM;
	return KDBUS_CAPS_NONE;
}

/* bits of word @w that name capabilities (0 ... CAP_LAST_CAP) */
static u32 kdbus_meta_caps_valid(unsigned int w)
{
	if (w < CAP_LAST_CAP / 32)
		return ~0U;
	if (w == CAP_LAST_CAP / 32)
		return GENMASK(CAP_LAST_CAP % 32, 0);
	return 0;
}

static void kdbus_meta_caps(struct kdbus_meta_buf *b, const struct cred *c,
			    struct user_namespace *ns)
{
	const kernel_cap_t *sets[4] = {
		&c->cap_inheritable, &c->cap_permitted,
		&c->cap_effective, &c->cap_bset,
	};
	const unsigned int words = _KERNEL_CAPABILITY_U32S;
	enum kdbus_caps_view view;
	struct kdbus_item *item;
	unsigned int s, w;
	u32 v;

	item = kdbus_meta_item(b, KDBUS_ITEM_CAPS,
			       sizeof(u32) + 4 * words * sizeof(u32));
	if (!item)
		return;
	view = kdbus_meta_caps_view(c, ns);
	item->caps.last_cap = CAP_LAST_CAP;
	for (s = 0; s < 4; s++) {
		for (w = 0; w < words; w++) {
			if (view == KDBUS_CAPS_VERBATIM)
				v = sets[s]->cap[w];
			else if (view == KDBUS_CAPS_NS_OWNER && s > 0)
				v = ~0U;
			else
				v = 0;
			item->caps.caps[s * words + w] =
				v & kdbus_meta_caps_valid(w);
		}
	}
}

static void kdbus_meta_audit(struct kdbus_meta_buf *b,
			     const struct kdbus_meta_proc *mp,
			     struct user_namespace *ns)
{
	struct kdbus_item *item;

	item = kdbus_meta_item(b, KDBUS_ITEM_AUDIT, sizeof(struct kdbus_audit));
	if (!item)
		return;
	item->audit.sessionid = mp->sessionid;
	item->audit.loginuid = from_kuid(ns, mp->loginuid);
}

/* primary records and activator records, not queued ones (spec 13.2) */
static void kdbus_meta_names(struct kdbus_meta_buf *b, struct kdbus_conn *conn)
{
	struct kdbus_name_owner *o;
	struct kdbus_item *item;
	size_t len;

	list_for_each_entry(o, &conn->names_list, conn_entry) {
		if (!kdbus_name_owner_is_current(o))
			continue;
		len = strlen(o->name->name) + 1;
		item = kdbus_meta_item(b, KDBUS_ITEM_OWNED_NAME,
				       sizeof(struct kdbus_name) + len);
		if (!item)
			continue;
		item->name.flags = kdbus_name_owner_flags(o);
		memcpy(item->name.name, o->name->name, len);
	}
}

static void kdbus_meta_timestamp(struct kdbus_meta_buf *b,
				 struct kdbus_staging *s)
{
	struct kdbus_item *item;

	item = kdbus_meta_item(b, KDBUS_ITEM_TIMESTAMP,
			       sizeof(struct kdbus_timestamp));
	if (!item)
		return;
	kdbus_staging_clocks(s);
	item->timestamp.seqnum = s->seqnum;
	item->timestamp.monotonic_ns = s->ts_mono;
	item->timestamp.realtime_ns = s->ts_real;
}

/* CREDS ... AUDIT, in the order of spec 13.3 */
static void kdbus_meta_write_proc(struct kdbus_meta_buf *b,
				  const struct kdbus_meta_out *o)
{
	const struct kdbus_meta_proc *mp = o->proc;
	struct user_namespace *user_ns = o->dst->cred->user_ns;
	u64 mask = o->mask & mp->present;

	if (mask & KDBUS_ATTACH_CREDS)
		kdbus_meta_creds(b, mp, user_ns);
	if (mask & KDBUS_ATTACH_PIDS)
		kdbus_meta_pids(b, mp, ns_of_pid(o->dst->pid));
	if (mask & KDBUS_ATTACH_AUXGROUPS)
		kdbus_meta_auxgroups(b, mp->cred, user_ns);
	if (mask & KDBUS_ATTACH_TID_COMM)
		kdbus_meta_str(b, KDBUS_ITEM_TID_COMM, mp->tid_comm);
	if (mask & KDBUS_ATTACH_PID_COMM)
		kdbus_meta_str(b, KDBUS_ITEM_PID_COMM, mp->pid_comm);
	if ((mask & KDBUS_ATTACH_EXE) && o->exe)
		kdbus_meta_str(b, KDBUS_ITEM_EXE, o->exe);
	if (mask & KDBUS_ATTACH_CMDLINE)
		kdbus_meta_str(b, KDBUS_ITEM_CMDLINE, mp->cmdline);
	if (mask & KDBUS_ATTACH_CGROUP)
		kdbus_meta_str(b, KDBUS_ITEM_CGROUP, mp->cgroup);
	if (mask & KDBUS_ATTACH_CAPS)
		kdbus_meta_caps(b, mp->cred, user_ns);
	if (mask & KDBUS_ATTACH_SECLABEL)
		kdbus_meta_str(b, KDBUS_ITEM_SECLABEL, mp->seclabel);
	if (mask & KDBUS_ATTACH_AUDIT)
		kdbus_meta_audit(b, mp, user_ns);
}

/**
 * kdbus_meta_write() - serialize metadata items
 * @o:		what to write, for whom
 * @buf:	output buffer (zeroed), or NULL to measure
 *
 * Return: bytes up to the end of the last item's data (unpadded).
 */
size_t kdbus_meta_write(const struct kdbus_meta_out *o, u8 *buf)
{
	struct kdbus_meta_buf b = { .buf = buf };
	u64 mask = o->mask;

	if (o->proc)
		kdbus_meta_write_proc(&b, o);
	if (o->conn && (mask & KDBUS_ATTACH_NAMES))
		kdbus_meta_names(&b, o->conn);
	if (o->conn && (mask & KDBUS_ATTACH_CONN_DESCRIPTION) &&
	    o->conn->description)
		kdbus_meta_str(&b, KDBUS_ITEM_CONN_DESCRIPTION,
			       o->conn->description);
	if (o->staging && (mask & KDBUS_ATTACH_TIMESTAMP))
		kdbus_meta_timestamp(&b, o->staging);
	return b.end;
}

/*
 * Messages
 */

/**
 * kdbus_meta_msg_mask() - items a message carries for one receiver
 * @s:		staged message
 * @dst:	receiver
 *
 * Spec 13.2: recv mask of @dst ∩ (send mask of the sender ∪ IMPLICIT ∪
 * PROCVIS if @dst can see the sending task); kernel notifications carry
 * TIMESTAMP only; senders with fake credentials carry no process items.
 *
 * Return: KDBUS_ATTACH_* mask.
 */
u64 kdbus_meta_msg_mask(struct kdbus_staging *s, struct kdbus_conn *dst)
{
	u64 grant;

	if (kdbus_staging_is_kernel(s))
		return KDBUS_ATTACH_TIMESTAMP;
	if (!dst->attach_flags_recv)
		return 0;
	grant = s->src->attach_flags_send | KDBUS_ATTACH_IMPLICIT;
	if (s->src->fake_meta)
		grant &= ~KDBUS_ATTACH_PROC;
	else if (pid_nr_ns(s->tid, ns_of_pid(dst->pid)))
		grant |= KDBUS_ATTACH_PROCVIS;
	return dst->attach_flags_recv & grant;
}

/**
 * kdbus_meta_msg_collect() - complete a message snapshot for a receiver
 * @s:		staged message, delivered by the sending task
 * @dst:	receiver
 *
 * Collects the process items @dst will get that no earlier receiver of
 * the message needed; each item is collected at most once per message,
 * so every receiver sees the same values. The snapshot itself is made
 * for the first receiver that needs any process item: a message nobody
 * asks metadata of costs nothing here. This runs in the sending task,
 * within its SEND, so the items are those of the sender at send time.
 *
 * Return: 0 or -ENOMEM.
 */
int kdbus_meta_msg_collect(struct kdbus_staging *s, struct kdbus_conn *dst)
{
	u64 mask;
	int ret;

	if (kdbus_staging_is_kernel(s) || s->src->fake_meta)
		return 0;
	mask = kdbus_meta_msg_mask(s, dst) & KDBUS_ATTACH_PROC;
	if (!mask)
		return 0;
	if (!s->meta) {
		s->meta = kdbus_meta_proc_new();
		if (!s->meta)
			return -ENOMEM;
	}
	ret = kdbus_meta_proc_collect(s->meta, mask);
	if (!ret && (mask & KDBUS_ATTACH_EXE))
		ret = kdbus_meta_proc_resolve_exe(s->meta);
	return ret;
}

/**
 * kdbus_meta_emit() - metadata items of a message for one receiver
 * @s:		staged message
 * @dst:	receiver
 * @buf:	output buffer, or NULL to measure
 *
 * EXE is emitted only if the sender's root at send time is the root
 * @dst recorded at HELLO.
 *
 * Return: bytes of the items (M of spec 6.13, last item unpadded).
 */
size_t kdbus_meta_emit(struct kdbus_staging *s, struct kdbus_conn *dst,
		       u8 *buf)
{
	struct kdbus_meta_out o = {
		.mask = kdbus_meta_msg_mask(s, dst),
		.proc = s->meta,
		.conn = s->src,
		.staging = s,
		.dst = dst,
	};

	if (s->meta && s->meta->exe_str &&
	    path_equal(&s->meta->root, &dst->root))
		o.exe = s->meta->exe_str;
	return kdbus_meta_write(&o, buf);
}

/*
 * CONN_INFO and BUS_CREATOR_INFO
 */

/* EXE of a snapshot as seen by the caller, if its root is @dst's */
static int kdbus_meta_info_exe(struct kdbus_meta_out *o, char **page)
{
	struct path root;
	bool same;
	char *p;

	if (!(o->mask & o->proc->present & KDBUS_ATTACH_EXE))
		return 0;
	get_fs_root(current->fs, &root);
	same = path_equal(&root, &o->dst->root);
	path_put(&root);
	if (!same)
		return 0;
	*page = (char *)__get_free_page(GFP_KERNEL);
	if (!*page)
		return -ENOMEM;
	p = d_path(&o->proc->exe, *page, PAGE_SIZE);
	if (!IS_ERR(p))
		o->exe = p;
	return 0;
}

/**
 * kdbus_meta_info_new() - build a kdbus_info record with metadata
 * @mp:		process snapshot (HELLO, BUS_MAKE or fake), or NULL
 * @conn:	source of OWNED_NAME and CONN_DESCRIPTION, or NULL
 * @mask:	items to emit
 * @dst:	requesting connection (namespaces, root)
 * @prefix:	bytes of items the caller puts before the metadata (8-aligned)
 *
 * The record is zeroed apart from @size and the metadata items, which
 * start at info->items + @prefix. Never a TIMESTAMP (spec 13.5).
 *
 * Return: record (kfree() it) or ERR_PTR(-ENOMEM).
 */
struct kdbus_info *kdbus_meta_info_new(struct kdbus_meta_proc *mp,
				       struct kdbus_conn *conn, u64 mask,
				       struct kdbus_conn *dst, size_t prefix)
{
	struct kdbus_meta_out o = {
		.mask = mask,
		.proc = mp,
		.conn = conn,
		.dst = dst,
	};
	struct kdbus_info *info = ERR_PTR(-ENOMEM);
	char *page = NULL;
	size_t size;

	if (mp && kdbus_meta_info_exe(&o, &page) < 0)
		return info;
	size = sizeof(*info) + prefix + KDBUS_ALIGN8(kdbus_meta_write(&o, NULL));
	info = kzalloc(size, GFP_KERNEL);
	if (info) {
		info->size = size;
		kdbus_meta_write(&o, (u8 *)info->items + prefix);
	} else {
		info = ERR_PTR(-ENOMEM);
	}
	if (page)
		free_page((unsigned long)page);
	return info;
}
