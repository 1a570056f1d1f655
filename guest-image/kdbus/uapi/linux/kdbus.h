/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kdbus - in-kernel D-Bus: user-space ABI.
 *
 * Written from the kdbus-playground clean-room specification (sections 4,
 * 5, 6, 8, 10, 11, 13). Every structure is 8-byte aligned and its layout is
 * identical on i386 and x86_64.
 */
#ifndef _UAPI_LINUX_KDBUS_H
#define _UAPI_LINUX_KDBUS_H

#include <linux/ioctl.h>
#include <linux/stddef.h>
#include <linux/types.h>

#ifndef __DECLARE_FLEX_ARRAY
#define __DECLARE_FLEX_ARRAY(TYPE, NAME)	\
	struct {				\
		struct { } __empty_ ## NAME;	\
		TYPE NAME[];			\
	}
#endif

#define KDBUS_IOCTL_MAGIC		0x95
#define KDBUS_SRC_ID_KERNEL		(0)
#define KDBUS_DST_ID_NAME		(0)
#define KDBUS_MATCH_ID_ANY		(~0ULL)
#define KDBUS_DST_ID_BROADCAST		(~0ULL)
#define KDBUS_FLAG_NEGOTIATE		(1ULL << 63)

#define KDBUS_PAYLOAD_KERNEL		0ULL
#define KDBUS_PAYLOAD_DBUS		0x4442757344427573ULL

/* Helpers for walking item chains. */
#define KDBUS_ALIGN8(l)			(((l) + 7) & ~7)
#define KDBUS_ITEM_HEADER_SIZE		16
#define KDBUS_ITEM_SIZE(s)		KDBUS_ALIGN8((s) + KDBUS_ITEM_HEADER_SIZE)
#define KDBUS_ITEM_NEXT(item) \
	((struct kdbus_item *)((__u8 *)(item) + KDBUS_ALIGN8((item)->size)))

/**
 * struct kdbus_notify_id_change - payload of ID_ADD / ID_REMOVE
 * @id:		connection ID
 * @flags:	HELLO flags of that connection
 */
struct kdbus_notify_id_change {
	__u64 id;
	__u64 flags;
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_notify_name_change - payload of NAME_ADD/REMOVE/CHANGE
 * @old_id:	previous owner {id, name flags}, {0, 0} if none
 * @new_id:	new owner {id, name flags}, {0, 0} if none
 * @name:	the well-known name, NUL-terminated
 */
struct kdbus_notify_name_change {
	struct kdbus_notify_id_change old_id;
	struct kdbus_notify_id_change new_id;
	char name[];
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_creds - KDBUS_ITEM_CREDS payload (64 bytes)
 */
struct kdbus_creds {
	__u64 uid;
	__u64 euid;
	__u64 suid;
	__u64 fsuid;
	__u64 gid;
	__u64 egid;
	__u64 sgid;
	__u64 fsgid;
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_pids - KDBUS_ITEM_PIDS payload (24 bytes)
 * @pid:	thread-group ID
 * @tid:	thread ID
 * @ppid:	thread-group ID of the parent
 */
struct kdbus_pids {
	__u64 pid;
	__u64 tid;
	__u64 ppid;
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_caps - KDBUS_ITEM_CAPS payload
 * @last_cap:	highest capability number known to the kernel
 * @caps:	four sets (inheritable, permitted, effective, bounding) of
 *		W 32-bit words each
 */
struct kdbus_caps {
	__u32 last_cap;
	__u32 caps[];
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_audit - KDBUS_ITEM_AUDIT payload (8 bytes)
 */
struct kdbus_audit {
	__u32 sessionid;
	__u32 loginuid;
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_timestamp - KDBUS_ITEM_TIMESTAMP payload (24 bytes)
 * @seqnum:		per-bus message sequence number
 * @monotonic_ns:	CLOCK_MONOTONIC
 * @realtime_ns:	CLOCK_REALTIME
 */
struct kdbus_timestamp {
	__u64 seqnum;
	__u64 monotonic_ns;
	__u64 realtime_ns;
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_vec - PAYLOAD_VEC (address form) / PAYLOAD_OFF (offset form)
 * @size:	number of bytes
 * @address:	sender's user address (0: @size zero bytes)
 * @offset:	offset relative to the start of the received message, or ~0
 *		for a zero-byte vector
 */
struct kdbus_vec {
	__u64 size;
	union {
		__u64 address;
		__u64 offset;
	};
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_bloom_parameter - bus bloom parameters (16 bytes)
 * @size:	size of the bloom bit field in bytes
 * @n_hash:	number of hash functions
 */
struct kdbus_bloom_parameter {
	__u64 size;
	__u64 n_hash;
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_bloom_filter - KDBUS_ITEM_BLOOM_FILTER payload
 * @generation:	generation of the filter
 * @data:	bit field, exactly the bus bloom size
 */
struct kdbus_bloom_filter {
	__u64 generation;
	__u64 data[];
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_memfd - KDBUS_ITEM_PAYLOAD_MEMFD payload (24 bytes)
 * @start:	offset of the data in the file
 * @size:	number of bytes
 * @fd:		the memfd
 * @__pad:	ignored on input, 0 on output
 */
struct kdbus_memfd {
	__u64 start;
	__u64 size;
	int fd;
	__u32 __pad;
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_name - KDBUS_ITEM_OWNED_NAME payload
 * @flags:	KDBUS_NAME_* flags of that owner record
 * @name:	the name, NUL-terminated
 */
struct kdbus_name {
	__u64 flags;
	char name[];
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_policy_access_type - policy rule type
 */
enum kdbus_policy_access_type {
	_KDBUS_POLICY_ACCESS_NULL	= 0,
	KDBUS_POLICY_ACCESS_USER	= 1,
	KDBUS_POLICY_ACCESS_GROUP	= 2,
	KDBUS_POLICY_ACCESS_WORLD	= 3,
};

/**
 * enum kdbus_policy_type - access level
 */
enum kdbus_policy_type {
	KDBUS_POLICY_SEE	= 0,
	KDBUS_POLICY_TALK	= 1,
	KDBUS_POLICY_OWN	= 2,
};

/**
 * struct kdbus_policy_access - KDBUS_ITEM_POLICY_ACCESS payload (24 bytes)
 * @type:	KDBUS_POLICY_ACCESS_*
 * @access:	KDBUS_POLICY_SEE/TALK/OWN
 * @id:		uid (USER) or gid (GROUP); ignored for WORLD
 */
struct kdbus_policy_access {
	__u64 type;
	__u64 access;
	__u64 id;
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_attach_flags - metadata attach flags
 */
enum kdbus_attach_flags {
	KDBUS_ATTACH_TIMESTAMP		= 1ULL << 0,
	KDBUS_ATTACH_CREDS		= 1ULL << 1,
	KDBUS_ATTACH_PIDS		= 1ULL << 2,
	KDBUS_ATTACH_AUXGROUPS		= 1ULL << 3,
	KDBUS_ATTACH_NAMES		= 1ULL << 4,
	KDBUS_ATTACH_TID_COMM		= 1ULL << 5,
	KDBUS_ATTACH_PID_COMM		= 1ULL << 6,
	KDBUS_ATTACH_EXE		= 1ULL << 7,
	KDBUS_ATTACH_CMDLINE		= 1ULL << 8,
	KDBUS_ATTACH_CGROUP		= 1ULL << 9,
	KDBUS_ATTACH_CAPS		= 1ULL << 10,
	KDBUS_ATTACH_SECLABEL		= 1ULL << 11,
	KDBUS_ATTACH_AUDIT		= 1ULL << 12,
	KDBUS_ATTACH_CONN_DESCRIPTION	= 1ULL << 13,
	_KDBUS_ATTACH_ALL		= (1ULL << 14) - 1,
};
#define _KDBUS_ATTACH_ANY		(~0ULL)

/**
 * enum kdbus_item_type - item types
 */
enum kdbus_item_type {
	_KDBUS_ITEM_NULL		= 0,
	_KDBUS_ITEM_USER_BASE		= 1,
	KDBUS_ITEM_NEGOTIATE		= 1,
	KDBUS_ITEM_PAYLOAD_VEC		= 2,
	KDBUS_ITEM_PAYLOAD_OFF		= 3,
	KDBUS_ITEM_PAYLOAD_MEMFD	= 4,
	KDBUS_ITEM_FDS			= 5,
	KDBUS_ITEM_CANCEL_FD		= 6,
	KDBUS_ITEM_BLOOM_PARAMETER	= 7,
	KDBUS_ITEM_BLOOM_FILTER		= 8,
	KDBUS_ITEM_BLOOM_MASK		= 9,
	KDBUS_ITEM_DST_NAME		= 10,
	KDBUS_ITEM_MAKE_NAME		= 11,
	KDBUS_ITEM_ATTACH_FLAGS_SEND	= 12,
	KDBUS_ITEM_ATTACH_FLAGS_RECV	= 13,
	KDBUS_ITEM_ID			= 14,
	KDBUS_ITEM_NAME			= 15,
	KDBUS_ITEM_DST_ID		= 16,

	/* metadata: 0x1000 + bit index of the attach flag */
	_KDBUS_ITEM_ATTACH_BASE		= 0x1000,
	KDBUS_ITEM_TIMESTAMP		= _KDBUS_ITEM_ATTACH_BASE,
	KDBUS_ITEM_CREDS		= 0x1001,
	KDBUS_ITEM_PIDS			= 0x1002,
	KDBUS_ITEM_AUXGROUPS		= 0x1003,
	KDBUS_ITEM_OWNED_NAME		= 0x1004,
	KDBUS_ITEM_TID_COMM		= 0x1005,
	KDBUS_ITEM_PID_COMM		= 0x1006,
	KDBUS_ITEM_EXE			= 0x1007,
	KDBUS_ITEM_CMDLINE		= 0x1008,
	KDBUS_ITEM_CGROUP		= 0x1009,
	KDBUS_ITEM_CAPS			= 0x100A,
	KDBUS_ITEM_SECLABEL		= 0x100B,
	KDBUS_ITEM_AUDIT		= 0x100C,
	KDBUS_ITEM_CONN_DESCRIPTION	= 0x100D,

	_KDBUS_ITEM_POLICY_BASE		= 0x2000,
	KDBUS_ITEM_POLICY_ACCESS	= _KDBUS_ITEM_POLICY_BASE,

	_KDBUS_ITEM_KERNEL_BASE		= 0x8000,
	KDBUS_ITEM_NAME_ADD		= _KDBUS_ITEM_KERNEL_BASE,
	KDBUS_ITEM_NAME_REMOVE		= 0x8001,
	KDBUS_ITEM_NAME_CHANGE		= 0x8002,
	KDBUS_ITEM_ID_ADD		= 0x8003,
	KDBUS_ITEM_ID_REMOVE		= 0x8004,
	KDBUS_ITEM_REPLY_TIMEOUT	= 0x8005,
	KDBUS_ITEM_REPLY_DEAD		= 0x8006,

	/*
	 * Project extension, not upstream (guest-image/kdbus/NOTES.md,
	 * "Trace extension"): what a monitor needs to draw who received
	 * what. Nothing changes unless a monitor asks with X_TRACE.
	 */
	_KDBUS_ITEM_X_BASE		= 0xA000,
	KDBUS_ITEM_X_TRACE		= _KDBUS_ITEM_X_BASE,
	KDBUS_ITEM_X_RECEIVERS		= 0xA001,
	KDBUS_ITEM_X_HELLO_REFUSED	= 0xA002,
	KDBUS_ITEM_X_ENDPOINT_POLICY	= 0xA003,
	KDBUS_ITEM_X_CONN_MASKS		= 0xA004,
};

/**
 * enum kdbus_x_trace_flags - payload of KDBUS_ITEM_X_TRACE (HELLO, monitors)
 * @KDBUS_X_TRACE_RECEIVERS:	copies of signals carry KDBUS_ITEM_X_RECEIVERS
 * @KDBUS_X_TRACE_REFUSED:	refused HELLOs arrive as X_HELLO_REFUSED
 * @KDBUS_X_TRACE_CONN_MASKS:	CONN_INFO answers start with the target's
 *				ATTACH_FLAGS_SEND and ATTACH_FLAGS_RECV items;
 *				an UPDATE of them arrives as X_CONN_MASKS
 * @KDBUS_X_TRACE_ENDPOINTS:	custom endpoints' policies arrive as
 *				X_ENDPOINT_POLICY messages (at HELLO, MAKE,
 *				UPDATE)
 */
enum kdbus_x_trace_flags {
	KDBUS_X_TRACE_RECEIVERS		= 1ULL << 0,
	KDBUS_X_TRACE_REFUSED		= 1ULL << 1,
	KDBUS_X_TRACE_CONN_MASKS	= 1ULL << 2,
	KDBUS_X_TRACE_ENDPOINTS		= 1ULL << 3,
	_KDBUS_X_TRACE_ALL		= (1ULL << 4) - 1,
};

/**
 * struct kdbus_x_conn_masks - payload of KDBUS_ITEM_X_CONN_MASKS
 * @id:			the connection whose masks an UPDATE changed
 * @attach_flags_send:	its send mask now
 * @attach_flags_recv:	its receive mask now
 */
struct kdbus_x_conn_masks {
	__u64 id;
	__u64 attach_flags_send;
	__u64 attach_flags_recv;
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_x_hello_refused - payload of KDBUS_ITEM_X_HELLO_REFUSED
 * @flags:		HELLO flags of the refused call
 * @attach_flags_send:	its (sanitized) send mask
 * @attach_flags_req:	the mask the bus requires (extension, spec 15)
 * @pid:		caller's thread group, in the monitor's PID namespace
 * @uid:		caller's file uid, in the monitor's user namespace
 * @gid:		caller's file gid, in the monitor's user namespace
 * @comm:		caller's comm, NUL-padded
 */
struct kdbus_x_hello_refused {
	__u64 flags;
	__u64 attach_flags_send;
	__u64 attach_flags_req;
	__u64 pid;
	__u64 uid;
	__u64 gid;
	char comm[16];
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_item - chain of data blocks
 * @size:	16 + payload length (without trailing padding)
 * @type:	KDBUS_ITEM_*
 *
 * The payload union has no ABI meaning beyond its offset (16).
 */
struct kdbus_item {
	__u64 size;
	__u64 type;
	union {
		__DECLARE_FLEX_ARRAY(__u8, data);
		__DECLARE_FLEX_ARRAY(__u32, data32);
		__DECLARE_FLEX_ARRAY(__u64, data64);
		__DECLARE_FLEX_ARRAY(char, str);

		__u64 id;
		struct kdbus_vec vec;
		struct kdbus_creds creds;
		struct kdbus_pids pids;
		struct kdbus_audit audit;
		struct kdbus_caps caps;
		struct kdbus_timestamp timestamp;
		struct kdbus_name name;
		struct kdbus_bloom_parameter bloom_parameter;
		struct kdbus_bloom_filter bloom_filter;
		struct kdbus_memfd memfd;
		__DECLARE_FLEX_ARRAY(int, fds);
		struct kdbus_notify_name_change name_change;
		struct kdbus_notify_id_change id_change;
		struct kdbus_policy_access policy_access;
	};
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_msg_flags - kdbus_msg.flags
 */
enum kdbus_msg_flags {
	KDBUS_MSG_EXPECT_REPLY	= 1ULL << 0,
	KDBUS_MSG_NO_AUTO_START	= 1ULL << 1,
	KDBUS_MSG_SIGNAL	= 1ULL << 2,
};

/**
 * struct kdbus_msg - a message (64 bytes + items)
 * @size:		total size incl. items
 * @flags:		KDBUS_MSG_*
 * @priority:		lower value = more urgent
 * @dst_id:		destination ID, 0 = by name, ~0 = broadcast
 * @src_id:		0 or own ID on send; sender ID on receive (0 = kernel)
 * @payload_type:	non-zero from user space; 0 = kernel
 * @cookie:		sender-chosen identifier
 * @timeout_ns:		absolute CLOCK_MONOTONIC deadline (EXPECT_REPLY)
 * @cookie_reply:	cookie of the message being answered (0 = none)
 * @items:		items
 */
struct kdbus_msg {
	__u64 size;
	__u64 flags;
	__s64 priority;
	__u64 dst_id;
	__u64 src_id;
	__u64 payload_type;
	__u64 cookie;
	union {
		__u64 timeout_ns;
		__u64 cookie_reply;
	};
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_msg_info - location of a message in the pool (24 bytes)
 * @offset:		pool offset
 * @msg_size:		slice size
 * @return_flags:	KDBUS_RECV_RETURN_*
 */
struct kdbus_msg_info {
	__u64 offset;
	__u64 msg_size;
	__u64 return_flags;
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_send_flags - kdbus_cmd_send.flags
 */
enum kdbus_send_flags {
	KDBUS_SEND_SYNC_REPLY	= 1ULL << 0,
};

/**
 * struct kdbus_cmd_send - KDBUS_CMD_SEND (56 bytes + items)
 */
struct kdbus_cmd_send {
	__u64 size;
	__u64 flags;
	__u64 return_flags;
	__u64 msg_address;
	struct kdbus_msg_info reply;
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_recv_flags - kdbus_cmd_recv.flags
 */
enum kdbus_recv_flags {
	KDBUS_RECV_PEEK		= 1ULL << 0,
	KDBUS_RECV_DROP		= 1ULL << 1,
	KDBUS_RECV_USE_PRIORITY	= 1ULL << 2,
};

/**
 * enum kdbus_recv_return_flags - return flags of RECV / sync SEND
 */
enum kdbus_recv_return_flags {
	KDBUS_RECV_RETURN_INCOMPLETE_FDS	= 1ULL << 0,
	KDBUS_RECV_RETURN_DROPPED_MSGS		= 1ULL << 1,
};

/**
 * struct kdbus_cmd_recv - KDBUS_CMD_RECV (64 bytes + items)
 */
struct kdbus_cmd_recv {
	__u64 size;
	__u64 flags;
	__u64 return_flags;
	__s64 priority;
	__u64 dropped_msgs;
	struct kdbus_msg_info msg;
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_cmd_free - KDBUS_CMD_FREE (32 bytes + items)
 */
struct kdbus_cmd_free {
	__u64 size;
	__u64 flags;
	__u64 return_flags;
	__u64 offset;
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_hello_flags - kdbus_cmd_hello.flags
 */
enum kdbus_hello_flags {
	KDBUS_HELLO_ACCEPT_FD		= 1ULL << 0,
	KDBUS_HELLO_ACTIVATOR		= 1ULL << 1,
	KDBUS_HELLO_POLICY_HOLDER	= 1ULL << 2,
	KDBUS_HELLO_MONITOR		= 1ULL << 3,
};

/**
 * struct kdbus_cmd_hello - KDBUS_CMD_HELLO (96 bytes + items)
 */
struct kdbus_cmd_hello {
	__u64 size;
	__u64 flags;
	__u64 return_flags;
	__u64 attach_flags_send;
	__u64 attach_flags_recv;
	__u64 bus_flags;
	__u64 id;
	__u64 pool_size;
	__u64 offset;
	__u64 items_size;
	__u8 id128[16];
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_info - connection / bus information record (24 + items)
 */
struct kdbus_info {
	__u64 size;
	__u64 id;
	__u64 flags;
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_list_flags - kdbus_cmd_list.flags
 */
enum kdbus_list_flags {
	KDBUS_LIST_UNIQUE	= 1ULL << 0,
	KDBUS_LIST_NAMES	= 1ULL << 1,
	KDBUS_LIST_ACTIVATORS	= 1ULL << 2,
	KDBUS_LIST_QUEUED	= 1ULL << 3,
};

/**
 * struct kdbus_cmd_list - KDBUS_CMD_LIST (40 bytes + items)
 */
struct kdbus_cmd_list {
	__u64 size;
	__u64 flags;
	__u64 return_flags;
	__u64 offset;
	__u64 list_size;
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * struct kdbus_cmd_info - CONN_INFO / BUS_CREATOR_INFO (56 bytes + items)
 */
struct kdbus_cmd_info {
	__u64 size;
	__u64 flags;
	__u64 return_flags;
	__u64 id;
	__u64 attach_flags;
	__u64 offset;
	__u64 info_size;
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_cmd_match_flags - kdbus_cmd_match.flags
 */
enum kdbus_cmd_match_flags {
	KDBUS_MATCH_REPLACE	= 1ULL << 0,
};

/**
 * struct kdbus_cmd_match - MATCH_ADD / MATCH_REMOVE (32 bytes + items)
 */
struct kdbus_cmd_match {
	__u64 size;
	__u64 flags;
	__u64 return_flags;
	__u64 cookie;
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/**
 * enum kdbus_make_flags - BUS_MAKE / ENDPOINT_MAKE flags
 */
enum kdbus_make_flags {
	KDBUS_MAKE_ACCESS_GROUP	= 1ULL << 0,
	KDBUS_MAKE_ACCESS_WORLD	= 1ULL << 1,
};

/**
 * enum kdbus_name_flags - name flags
 */
enum kdbus_name_flags {
	KDBUS_NAME_REPLACE_EXISTING	= 1ULL << 0,
	KDBUS_NAME_ALLOW_REPLACEMENT	= 1ULL << 1,
	KDBUS_NAME_QUEUE		= 1ULL << 2,
	KDBUS_NAME_IN_QUEUE		= 1ULL << 3,
	KDBUS_NAME_ACTIVATOR		= 1ULL << 4,
	KDBUS_NAME_PRIMARY		= 1ULL << 5,
	KDBUS_NAME_ACQUIRED		= 1ULL << 6,
};

/**
 * struct kdbus_cmd - generic command (24 bytes + items)
 */
struct kdbus_cmd {
	__u64 size;
	__u64 flags;
	__u64 return_flags;
	struct kdbus_item items[];
} __attribute__((__aligned__(8)));

/* ioctl numbers; the encoded size is nominal only */
#define KDBUS_CMD_BUS_MAKE		_IOW(KDBUS_IOCTL_MAGIC, 0x00,	\
					     struct kdbus_cmd)
#define KDBUS_CMD_ENDPOINT_MAKE		_IOW(KDBUS_IOCTL_MAGIC, 0x10,	\
					     struct kdbus_cmd)
#define KDBUS_CMD_ENDPOINT_UPDATE	_IOW(KDBUS_IOCTL_MAGIC, 0x11,	\
					     struct kdbus_cmd)
#define KDBUS_CMD_HELLO			_IOWR(KDBUS_IOCTL_MAGIC, 0x80,	\
					      struct kdbus_cmd_hello)
#define KDBUS_CMD_UPDATE		_IOW(KDBUS_IOCTL_MAGIC, 0x81,	\
					     struct kdbus_cmd)
#define KDBUS_CMD_BYEBYE		_IOW(KDBUS_IOCTL_MAGIC, 0x82,	\
					     struct kdbus_cmd)
#define KDBUS_CMD_FREE			_IOW(KDBUS_IOCTL_MAGIC, 0x83,	\
					     struct kdbus_cmd_free)
#define KDBUS_CMD_CONN_INFO		_IOR(KDBUS_IOCTL_MAGIC, 0x84,	\
					     struct kdbus_cmd_info)
#define KDBUS_CMD_BUS_CREATOR_INFO	_IOR(KDBUS_IOCTL_MAGIC, 0x85,	\
					     struct kdbus_cmd_info)
#define KDBUS_CMD_LIST			_IOR(KDBUS_IOCTL_MAGIC, 0x86,	\
					     struct kdbus_cmd_list)
#define KDBUS_CMD_SEND			_IOW(KDBUS_IOCTL_MAGIC, 0x90,	\
					     struct kdbus_cmd_send)
#define KDBUS_CMD_RECV			_IOR(KDBUS_IOCTL_MAGIC, 0x91,	\
					     struct kdbus_cmd_recv)
#define KDBUS_CMD_NAME_ACQUIRE		_IOW(KDBUS_IOCTL_MAGIC, 0xa0,	\
					     struct kdbus_cmd)
#define KDBUS_CMD_NAME_RELEASE		_IOW(KDBUS_IOCTL_MAGIC, 0xa1,	\
					     struct kdbus_cmd)
#define KDBUS_CMD_MATCH_ADD		_IOW(KDBUS_IOCTL_MAGIC, 0xb0,	\
					     struct kdbus_cmd_match)
#define KDBUS_CMD_MATCH_REMOVE		_IOW(KDBUS_IOCTL_MAGIC, 0xb1,	\
					     struct kdbus_cmd_match)

#endif /* _UAPI_LINUX_KDBUS_H */
