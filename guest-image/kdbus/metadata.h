/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - metadata (spec 13): process snapshots and their serialization.
 */
#ifndef __KDBUS_METADATA_H
#define __KDBUS_METADATA_H

#include <linux/path.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct cred;
struct kdbus_conn;
struct kdbus_info;
struct kdbus_item;
struct kdbus_staging;
struct pid;

/* always grantable by the sender (spec 13.2) */
#define KDBUS_ATTACH_IMPLICIT (KDBUS_ATTACH_TIMESTAMP | KDBUS_ATTACH_CREDS | \
			       KDBUS_ATTACH_PIDS | KDBUS_ATTACH_AUXGROUPS | \
			       KDBUS_ATTACH_NAMES | \
			       KDBUS_ATTACH_CONN_DESCRIPTION)

/* granted when the receiver could read the sender's /proc entry (13.2) */
#define KDBUS_ATTACH_PROCVIS (KDBUS_ATTACH_TID_COMM | KDBUS_ATTACH_PID_COMM | \
			      KDBUS_ATTACH_EXE | KDBUS_ATTACH_CMDLINE | \
			      KDBUS_ATTACH_CGROUP | KDBUS_ATTACH_CAPS | \
			      KDBUS_ATTACH_SECLABEL | KDBUS_ATTACH_AUDIT)

/* items taken from a process (snapshots at BUS_MAKE and HELLO, 4.2) */
#define KDBUS_ATTACH_PROC (KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS | \
			   KDBUS_ATTACH_AUXGROUPS | KDBUS_ATTACH_PROCVIS)

/* items whose collection allocates or may fault (collected on demand) */
#define KDBUS_ATTACH_LAZY (KDBUS_ATTACH_EXE | KDBUS_ATTACH_CMDLINE | \
			   KDBUS_ATTACH_CGROUP | KDBUS_ATTACH_SECLABEL)

/**
 * struct kdbus_meta_proc - process metadata of one task
 * @collected:	KDBUS_ATTACH_* flags already collected; an item whose data
 *		was unavailable is collected but empty
 * @present:	items that have data (fake credentials: the faked ones)
 * @uid:	uid, euid, suid, fsuid (INVALID_UID = unset fake id)
 * @gid:	gid, egid, sgid, fsgid
 * @cred:	task credentials for AUXGROUPS and CAPS, or NULL (referenced)
 * @pid:	thread-group PID, or NULL (referenced)
 * @tid:	thread PID, or NULL (referenced)
 * @ppid:	thread-group PID of the real parent, or NULL (referenced)
 * @tid_comm:	comm of the thread
 * @pid_comm:	comm of the thread-group leader
 * @exe:	executable (valid if @exe.mnt; referenced)
 * @exe_str:	@exe resolved against @root (messages only), or NULL
 * @root:	filesystem root @exe_str was resolved against
 * @cmdline:	argv[0], or NULL
 * @cgroup:	path on the default hierarchy, or NULL
 * @seclabel:	LSM context (or faked label), or NULL
 * @loginuid:	audit login uid
 * @sessionid:	audit session id
 *
 * A snapshot is filled by one task and read-only afterwards, except for
 * the lazily collected message items, which are added under bus->lock.
 */
struct kdbus_meta_proc {
	u64 collected;
	u64 present;
	kuid_t uid[4];
	kgid_t gid[4];
	const struct cred *cred;
	struct pid *pid;
	struct pid *tid;
	struct pid *ppid;
	char tid_comm[TASK_COMM_LEN];
	char pid_comm[TASK_COMM_LEN];
	struct path exe;
	char *exe_str;
	struct path root;
	char *cmdline;
	char *cgroup;
	char *seclabel;
	kuid_t loginuid;
	u32 sessionid;
};

/**
 * struct kdbus_meta_out - what to serialize for one receiver
 * @mask:	items to emit (already reduced by all rules of spec 13.2)
 * @proc:	process items, or NULL
 * @exe:	EXE string to emit, or NULL to omit EXE
 * @conn:	source of OWNED_NAME and CONN_DESCRIPTION, or NULL
 * @staging:	source of TIMESTAMP, or NULL
 * @dst:	connection whose namespaces the items are translated into
 */
struct kdbus_meta_out {
	u64 mask;
	struct kdbus_meta_proc *proc;
	const char *exe;
	struct kdbus_conn *conn;
	struct kdbus_staging *staging;
	struct kdbus_conn *dst;
};

struct kdbus_meta_proc *kdbus_meta_proc_new(void);
void kdbus_meta_proc_free(struct kdbus_meta_proc *mp);
int kdbus_meta_proc_collect(struct kdbus_meta_proc *mp, u64 mask);
int kdbus_meta_proc_fake(struct kdbus_meta_proc *mp,
			 const struct kdbus_item *creds,
			 const struct kdbus_item *pids,
			 const struct kdbus_item *seclabel);
int kdbus_meta_proc_resolve_exe(struct kdbus_meta_proc *mp);
bool kdbus_meta_proc_visible(struct kdbus_meta_proc *mp,
			     struct kdbus_conn *dst);

size_t kdbus_meta_write(const struct kdbus_meta_out *o, u8 *buf);
size_t kdbus_meta_emit(struct kdbus_staging *s, struct kdbus_conn *dst,
		       u8 *buf);
u64 kdbus_meta_msg_mask(struct kdbus_staging *s, struct kdbus_conn *dst);
int kdbus_meta_msg_collect(struct kdbus_staging *s, struct kdbus_conn *dst);
struct kdbus_info *kdbus_meta_info_new(struct kdbus_meta_proc *mp,
				       struct kdbus_conn *conn, u64 mask,
				       struct kdbus_conn *dst, size_t prefix);

#endif
