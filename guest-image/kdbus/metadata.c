// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - process metadata snapshots (spec 13.1, 13.5, 13.6): collecting
 * the items of a task (always the calling task, `current`), and fake
 * credentials given at HELLO. Serialization lives in meta_items.c.
 *
 * Snapshots are taken at BUS_MAKE (bus creator), HELLO (connection
 * creator) and SEND (sender, per message). The first two are complete and
 * immutable once taken. A message snapshot is made and filled on demand
 * while delivering (kdbus_meta_msg_collect()), i.e. with bus->lock held
 * but still in the sending task: only the items some receiver gets are
 * collected, each once per message.
 *
 * Locking: none of its own; a snapshot is owned by one bus, connection or
 * message. Collection may sleep (allocations, user copies of argv[0],
 * cgroup_mutex), which is allowed under bus->lock (a mutex).
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/security.h>
#include <linux/audit.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <uapi/linux/kdbus.h>

#include "connection.h"
#include "metadata.h"

struct kdbus_meta_proc *kdbus_meta_proc_new(void)
{
	return kzalloc(sizeof(struct kdbus_meta_proc), GFP_KERNEL);
}

void kdbus_meta_proc_free(struct kdbus_meta_proc *mp)
{
	if (!mp)
		return;
	if (mp->cred)
		put_cred(mp->cred);
	put_pid(mp->pid);
	put_pid(mp->tid);
	put_pid(mp->ppid);
	path_put(&mp->exe);
	path_put(&mp->root);
	kfree(mp->exe_str);
	kfree(mp->cmdline);
	kfree(mp->cgroup);
	kfree(mp->seclabel);
	kfree(mp);
}

static void kdbus_meta_collect_creds(struct kdbus_meta_proc *mp)
{
	const struct cred *c = get_current_cred();

	mp->cred = c;
	mp->uid[0] = c->uid;
	mp->uid[1] = c->euid;
	mp->uid[2] = c->suid;
	mp->uid[3] = c->fsuid;
	mp->gid[0] = c->gid;
	mp->gid[1] = c->egid;
	mp->gid[2] = c->sgid;
	mp->gid[3] = c->fsgid;
	mp->present |= KDBUS_ATTACH_CREDS | KDBUS_ATTACH_CAPS;
	if (c->group_info->ngroups)
		mp->present |= KDBUS_ATTACH_AUXGROUPS;
}

static void kdbus_meta_collect_pids(struct kdbus_meta_proc *mp)
{
	mp->pid = get_pid(task_tgid(current));
	mp->tid = get_pid(task_pid(current));
	rcu_read_lock();
	mp->ppid = get_pid(task_tgid(rcu_dereference(current->real_parent)));
	rcu_read_unlock();
	mp->present |= KDBUS_ATTACH_PIDS;
}

static void kdbus_meta_collect_exe(struct kdbus_meta_proc *mp)
{
	struct file *exe = get_task_exe_file(current);

	if (!exe)
		return;
	mp->exe = exe->f_path;
	path_get(&mp->exe);
	fput(exe);
	mp->present |= KDBUS_ATTACH_EXE;
}

/* argv[0] only, up to its NUL (spec 13.4) */
static int kdbus_meta_collect_cmdline(struct kdbus_meta_proc *mp)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end;
	char *s;

	if (!mm || (current->flags & PF_KTHREAD))
		return 0;
	spin_lock(&mm->arg_lock);
	start = mm->arg_start;
	end = mm->arg_end;
	spin_unlock(&mm->arg_lock);
	if (end <= start)
		return 0;

	s = strndup_user((const char __user *)start,
			 min_t(unsigned long, end - start, PAGE_SIZE));
	if (IS_ERR(s))
		/* unreadable or unterminated argv[0]: the item is omitted */
		return PTR_ERR(s) == -ENOMEM ? -ENOMEM : 0;
	mp->cmdline = s;
	mp->present |= KDBUS_ATTACH_CMDLINE;
	return 0;
}

static int kdbus_meta_collect_cgroup(struct kdbus_meta_proc *mp)
{
#ifdef CONFIG_CGROUPS
	struct cgroup *cgrp;
	char *buf;
	int len;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	cgroup_get(cgrp);
	rcu_read_unlock();
	len = cgroup_path_ns(cgrp, buf, PATH_MAX, &init_cgroup_ns);
	cgroup_put(cgrp);
	if (len > 0 && len < PATH_MAX) {
		mp->cgroup = kstrdup(buf, GFP_KERNEL);
		if (mp->cgroup)
			mp->present |= KDBUS_ATTACH_CGROUP;
	}
	kfree(buf);
	if (len > 0 && len < PATH_MAX && !mp->cgroup)
		return -ENOMEM;
#endif
	return 0;
}

static int kdbus_meta_collect_seclabel(struct kdbus_meta_proc *mp)
{
	u32 secid = 0, len = 0;
	char *ctx = NULL;

	security_current_getsecid_subj(&secid);
	if (!secid || security_secid_to_secctx(secid, &ctx, &len) < 0)
		return 0;	/* no LSM label: item omitted */
	mp->seclabel = kstrndup(ctx, len, GFP_KERNEL);
	security_release_secctx(ctx, len);
	if (!mp->seclabel)
		return -ENOMEM;
	if (*mp->seclabel)
		mp->present |= KDBUS_ATTACH_SECLABEL;
	return 0;
}

static void kdbus_meta_collect_audit(struct kdbus_meta_proc *mp)
{
	if (!IS_ENABLED(CONFIG_AUDITSYSCALL))
		return;		/* audit not configured: item omitted */
	mp->loginuid = audit_get_loginuid(current);
	mp->sessionid = audit_get_sessionid(current);
	mp->present |= KDBUS_ATTACH_AUDIT;
}

/* each item is marked collected as soon as it is, so a retry skips it */
static int kdbus_meta_collect_lazy(struct kdbus_meta_proc *mp, u64 mask)
{
	int ret;

	if (mask & KDBUS_ATTACH_EXE) {
		kdbus_meta_collect_exe(mp);
		mp->collected |= KDBUS_ATTACH_EXE;
	}
	if (mask & KDBUS_ATTACH_CMDLINE) {
		ret = kdbus_meta_collect_cmdline(mp);
		if (ret < 0)
			return ret;
		mp->collected |= KDBUS_ATTACH_CMDLINE;
	}
	if (mask & KDBUS_ATTACH_CGROUP) {
		ret = kdbus_meta_collect_cgroup(mp);
		if (ret < 0)
			return ret;
		mp->collected |= KDBUS_ATTACH_CGROUP;
	}
	if (mask & KDBUS_ATTACH_SECLABEL) {
		ret = kdbus_meta_collect_seclabel(mp);
		if (ret < 0)
			return ret;
		mp->collected |= KDBUS_ATTACH_SECLABEL;
	}
	return 0;
}

/**
 * kdbus_meta_proc_collect() - add items of the calling task to a snapshot
 * @mp:		snapshot
 * @mask:	KDBUS_ATTACH_* items wanted; items collected before are kept
 *
 * Items whose data does not exist (no executable, no LSM, no audit) are
 * marked collected but not present, and are omitted on output.
 *
 * Return: 0 or -ENOMEM. On error the items that were not gathered stay
 * uncollected, so a later call retries exactly those.
 */
int kdbus_meta_proc_collect(struct kdbus_meta_proc *mp, u64 mask)
{
	int ret;

	mask &= KDBUS_ATTACH_PROC & ~mp->collected;
	if (!mask)
		return 0;
	if ((mask & (KDBUS_ATTACH_CREDS | KDBUS_ATTACH_AUXGROUPS |
		     KDBUS_ATTACH_CAPS)) && !mp->cred)
		kdbus_meta_collect_creds(mp);
	if ((mask & KDBUS_ATTACH_PIDS) && !mp->tid)
		kdbus_meta_collect_pids(mp);
	if (mask & KDBUS_ATTACH_TID_COMM) {
		get_task_comm(mp->tid_comm, current);
		mp->present |= KDBUS_ATTACH_TID_COMM;
	}
	if (mask & KDBUS_ATTACH_PID_COMM) {
		get_task_comm(mp->pid_comm, current->group_leader);
		mp->present |= KDBUS_ATTACH_PID_COMM;
	}
	if (mask & KDBUS_ATTACH_AUDIT)
		kdbus_meta_collect_audit(mp);
	ret = kdbus_meta_collect_lazy(mp, mask & KDBUS_ATTACH_LAZY);
	if (ret < 0)
		return ret;
	mp->collected |= mask;
	return 0;
}

/**
 * kdbus_meta_proc_resolve_exe() - resolve EXE against the caller's root
 * @mp:		snapshot with EXE collected
 *
 * Used for messages: the path is resolved once, relative to the root of
 * the sending task, and remembered with that root (spec 13.4 EXE).
 *
 * Return: 0 or -ENOMEM.
 */
int kdbus_meta_proc_resolve_exe(struct kdbus_meta_proc *mp)
{
	char *page, *p;

	if (!(mp->present & KDBUS_ATTACH_EXE) || mp->root.mnt)
		return 0;
	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	p = d_path(&mp->exe, page, PAGE_SIZE);
	if (!IS_ERR(p)) {
		mp->exe_str = kstrdup(p, GFP_KERNEL);
		if (!mp->exe_str) {
			free_page((unsigned long)page);
			return -ENOMEM;
		}
	}
	free_page((unsigned long)page);
	get_fs_root(current->fs, &mp->root);
	return 0;
}

/**
 * kdbus_meta_proc_visible() - could @dst read the /proc entry of the task
 *			       a snapshot was taken from (spec 13.2 PROCVIS)
 * @mp:		snapshot with PIDS collected
 * @dst:	receiver
 *
 * The sending thread must have a number in the PID namespace of @dst's
 * HELLO task (true for @dst's HELLO thread itself). hidepid is ignored.
 *
 * Return: true if visible.
 */
bool kdbus_meta_proc_visible(struct kdbus_meta_proc *mp,
			     struct kdbus_conn *dst)
{
	return mp->tid && pid_nr_ns(mp->tid, ns_of_pid(dst->pid)) != 0;
}

/*
 * Fake credentials (spec 13.6)
 */

static int kdbus_meta_fake_uid(u64 v, kuid_t *out)
{
	if (v == (u32)-1 || v == (u64)-1) {
		*out = INVALID_UID;
		return 0;
	}
	if (v != (u32)v)
		return -EINVAL;
	*out = make_kuid(current_user_ns(), v);
	return uid_valid(*out) ? 0 : -EINVAL;
}

static int kdbus_meta_fake_gid(u64 v, kgid_t *out)
{
	if (v == (u32)-1 || v == (u64)-1) {
		*out = INVALID_GID;
		return 0;
	}
	if (v != (u32)v)
		return -EINVAL;
	*out = make_kgid(current_user_ns(), v);
	return gid_valid(*out) ? 0 : -EINVAL;
}

static int kdbus_meta_fake_creds(struct kdbus_meta_proc *mp,
				 const struct kdbus_creds *c)
{
	const u64 uids[4] = { c->uid, c->euid, c->suid, c->fsuid };
	const u64 gids[4] = { c->gid, c->egid, c->sgid, c->fsgid };
	int i, ret;

	for (i = 0; i < 4; i++) {
		ret = kdbus_meta_fake_uid(uids[i], &mp->uid[i]);
		if (ret < 0)
			return ret;
		ret = kdbus_meta_fake_gid(gids[i], &mp->gid[i]);
		if (ret < 0)
			return ret;
	}
	mp->present |= KDBUS_ATTACH_CREDS;
	return 0;
}

/* a PID number of the caller's namespace; 0 = unset */
static int kdbus_meta_fake_pid(u64 nr, struct pid **out)
{
	if (!nr)
		return 0;
	if (nr > INT_MAX)
		return -EINVAL;
	*out = find_get_pid(nr);
	return *out ? 0 : -EINVAL;
}

static int kdbus_meta_fake_pids(struct kdbus_meta_proc *mp,
				const struct kdbus_pids *p)
{
	int ret;

	ret = kdbus_meta_fake_pid(p->pid, &mp->pid);
	if (!ret)
		ret = kdbus_meta_fake_pid(p->tid, &mp->tid);
	if (!ret)
		ret = kdbus_meta_fake_pid(p->ppid, &mp->ppid);
	if (ret < 0)
		return ret;
	mp->present |= KDBUS_ATTACH_PIDS;
	return 0;
}

/**
 * kdbus_meta_proc_fake() - fill a snapshot from HELLO's fake items
 * @mp:		empty snapshot
 * @creds:	CREDS item, or NULL
 * @pids:	PIDS item, or NULL
 * @seclabel:	SECLABEL item, or NULL
 *
 * Ids are interpreted in the caller's user namespace ((u32)-1 = unset),
 * PIDs in the caller's PID namespace (0 = unset), the label is verbatim.
 * Only the given items are present; nothing else is ever collected.
 *
 * Return: 0, -EINVAL (unmappable id, unknown PID) or -ENOMEM.
 */
int kdbus_meta_proc_fake(struct kdbus_meta_proc *mp,
			 const struct kdbus_item *creds,
			 const struct kdbus_item *pids,
			 const struct kdbus_item *seclabel)
{
	int ret;

	mp->collected = KDBUS_ATTACH_PROC;
	if (creds) {
		ret = kdbus_meta_fake_creds(mp, &creds->creds);
		if (ret < 0)
			return ret;
	}
	if (pids) {
		ret = kdbus_meta_fake_pids(mp, &pids->pids);
		if (ret < 0)
			return ret;
	}
	if (seclabel) {
		mp->seclabel = kstrdup(seclabel->str, GFP_KERNEL);
		if (!mp->seclabel)
			return -ENOMEM;
		mp->present |= KDBUS_ATTACH_SECLABEL;
	}
	return 0;
}
