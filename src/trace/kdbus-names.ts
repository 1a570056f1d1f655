// SPDX-License-Identifier: MIT
/**
 * Numbers and names of guest-image/kdbus/uapi/linux/kdbus.h, for decoding
 * and for display. Names drop the common prefix (`KDBUS_ITEM_`,
 * `KDBUS_MSG_`, ...) but are otherwise spelled as in the header, so a name in
 * a trace can be looked up there directly.
 */
import { type U64, U64_MAX } from './u64.js';

/** Item types (`enum kdbus_item_type`). */
export const KDBUS_ITEM = {
  NEGOTIATE: 1,
  PAYLOAD_VEC: 2,
  PAYLOAD_OFF: 3,
  PAYLOAD_MEMFD: 4,
  FDS: 5,
  CANCEL_FD: 6,
  BLOOM_PARAMETER: 7,
  BLOOM_FILTER: 8,
  BLOOM_MASK: 9,
  DST_NAME: 10,
  MAKE_NAME: 11,
  ATTACH_FLAGS_SEND: 12,
  ATTACH_FLAGS_RECV: 13,
  ID: 14,
  NAME: 15,
  DST_ID: 16,
  TIMESTAMP: 0x1000,
  CREDS: 0x1001,
  PIDS: 0x1002,
  AUXGROUPS: 0x1003,
  OWNED_NAME: 0x1004,
  TID_COMM: 0x1005,
  PID_COMM: 0x1006,
  EXE: 0x1007,
  CMDLINE: 0x1008,
  CGROUP: 0x1009,
  CAPS: 0x100a,
  SECLABEL: 0x100b,
  AUDIT: 0x100c,
  CONN_DESCRIPTION: 0x100d,
  POLICY_ACCESS: 0x2000,
  NAME_ADD: 0x8000,
  NAME_REMOVE: 0x8001,
  NAME_CHANGE: 0x8002,
  ID_ADD: 0x8003,
  ID_REMOVE: 0x8004,
  REPLY_TIMEOUT: 0x8005,
  REPLY_DEAD: 0x8006,
  // Project extension (kdbus.h "Project extension", guest-image/kdbus/trace.c): what a
  // monitor that asked with X_TRACE at HELLO is told beyond upstream kdbus.
  X_TRACE: 0xa000,
  X_RECEIVERS: 0xa001,
  X_HELLO_REFUSED: 0xa002,
  X_ENDPOINT_POLICY: 0xa003,
  X_CONN_MASKS: 0xa004,
} as const;

export type KdbusItemName = keyof typeof KDBUS_ITEM;

const ITEM_NAME_BY_TYPE = new Map<number, KdbusItemName>(
  (Object.entries(KDBUS_ITEM) as [KdbusItemName, number][]).map(([n, t]) => [t, n]),
);

/** Name of a kdbus item type, or null for a type kdbus.h does not define. */
export function itemTypeName(type: number): KdbusItemName | null {
  return ITEM_NAME_BY_TYPE.get(type) ?? null;
}

export const KDBUS_SRC_ID_KERNEL = 0;
export const KDBUS_DST_ID_NAME = 0;
/** `KDBUS_DST_ID_BROADCAST` (~0) in canonical U64 form. */
export const KDBUS_DST_ID_BROADCAST: U64 = U64_MAX;
/** `KDBUS_PAYLOAD_DBUS` ("DBusDBus") in canonical U64 form. */
export const KDBUS_PAYLOAD_DBUS: U64 = 0x4442757344427573n.toString();
export const KDBUS_PAYLOAD_KERNEL = 0;
/** Bit index of `KDBUS_FLAG_NEGOTIATE` (1 << 63). */
export const KDBUS_FLAG_NEGOTIATE_BIT = 63;

/** A set of named flag bits: bit index → name. */
export type FlagSet = Readonly<Record<number, string>>;

/** `enum kdbus_msg_flags`. */
export const MSG_FLAGS: FlagSet = { 0: 'EXPECT_REPLY', 1: 'NO_AUTO_START', 2: 'SIGNAL' };
/** `enum kdbus_hello_flags` (a connection's flags in kdbus_info and ID notifications). */
export const HELLO_FLAGS: FlagSet = {
  0: 'ACCEPT_FD',
  1: 'ACTIVATOR',
  2: 'POLICY_HOLDER',
  3: 'MONITOR',
  63: 'NEGOTIATE',
};
/** `enum kdbus_make_flags` (bus flags are the BUS_MAKE flags, stored verbatim). */
export const MAKE_FLAGS: FlagSet = { 0: 'ACCESS_GROUP', 1: 'ACCESS_WORLD', 63: 'NEGOTIATE' };
/** `enum kdbus_name_flags`. */
export const NAME_FLAGS: FlagSet = {
  0: 'REPLACE_EXISTING',
  1: 'ALLOW_REPLACEMENT',
  2: 'QUEUE',
  3: 'IN_QUEUE',
  4: 'ACTIVATOR',
  5: 'PRIMARY',
  6: 'ACQUIRED',
  63: 'NEGOTIATE',
};
/** `enum kdbus_attach_flags`. */
export const ATTACH_FLAGS: FlagSet = {
  0: 'TIMESTAMP',
  1: 'CREDS',
  2: 'PIDS',
  3: 'AUXGROUPS',
  4: 'NAMES',
  5: 'TID_COMM',
  6: 'PID_COMM',
  7: 'EXE',
  8: 'CMDLINE',
  9: 'CGROUP',
  10: 'CAPS',
  11: 'SECLABEL',
  12: 'AUDIT',
  13: 'CONN_DESCRIPTION',
};
/** `enum kdbus_x_trace_flags` (project extension): what a monitor asks to be told at HELLO. */
export const X_TRACE_FLAGS: FlagSet = { 0: 'RECEIVERS', 1: 'REFUSED', 2: 'CONN_MASKS', 3: 'ENDPOINTS' };
/** `enum kdbus_list_flags`. */
export const LIST_FLAGS: FlagSet = { 0: 'UNIQUE', 1: 'NAMES', 2: 'ACTIVATORS', 3: 'QUEUED' };
/** `enum kdbus_send_flags`. */
export const SEND_FLAGS: FlagSet = { 0: 'SYNC_REPLY' };
/** `enum kdbus_recv_flags`. */
export const RECV_FLAGS: FlagSet = { 0: 'PEEK', 1: 'DROP', 2: 'USE_PRIORITY' };
/** `enum kdbus_recv_return_flags`. */
export const RECV_RETURN_FLAGS: FlagSet = { 0: 'INCOMPLETE_FDS', 1: 'DROPPED_MSGS' };
/** `enum kdbus_cmd_match_flags`. */
export const MATCH_FLAGS: FlagSet = { 0: 'REPLACE' };

/** `enum kdbus_policy_access_type`. */
export const POLICY_ACCESS_TYPES: Readonly<Record<number, string>> = { 1: 'USER', 2: 'GROUP', 3: 'WORLD' };
/** `enum kdbus_policy_type` (access levels). */
export const POLICY_ACCESS_LEVELS: Readonly<Record<number, string>> = { 0: 'SEE', 1: 'TALK', 2: 'OWN' };

/**
 * Names of the set bits of `value`, lowest first. A bit without a name in
 * `set` is written `bitN`, so no set bit goes unmentioned.
 */
export function flagNames(value: U64, set: FlagSet): string[] {
  const out: string[] = [];
  if (value === 0) return out;
  // Walk the two 32-bit halves with integer operations (this runs for every flag word of every item).
  let halves: number[];
  if (typeof value === 'number') {
    halves = [value % 0x1_0000_0000, Math.floor(value / 0x1_0000_0000)];
  } else {
    const big = BigInt(value);
    halves = [Number(big & 0xffff_ffffn), Number(big >> 32n)];
  }
  halves.forEach((half, h) => {
    for (let bit = 0; half !== 0; bit++, half >>>= 1) {
      if (half & 1) out.push(set[h * 32 + bit] ?? `bit${h * 32 + bit}`);
    }
  });
  return out;
}

/** Linux capability names (include/uapi/linux/capability.h), index = capability number. */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Names of the capabilities set in one of the four sets of a KDBUS_ITEM_CAPS (u32 words, bit 0 of word 0 first). */
export function capabilityNames(words: readonly number[]): string[] {
  const out: string[] = [];
  words.forEach((w, i) => {
    for (let b = 0; b < 32; b++) {
      if ((w >>> b) & 1) {
        const cap = i * 32 + b;
        out.push(CAPABILITY_NAMES[cap] ?? `CAP_${cap}`);
      }
    }
  });
  return out;
}

/** Linux errno names (i386 numbering, as the guest reports them). */
const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF',
  10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY', 17: 'EEXIST', 19: 'ENODEV',
  20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 26: 'ETXTBSY', 27: 'EFBIG',
  28: 'ENOSPC', 29: 'ESPIPE', 30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 34: 'ERANGE', 36: 'ENAMETOOLONG',
  38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 42: 'ENOMSG', 52: 'EBADSLT', 54: 'EXFULL', 61: 'ENODATA',
  62: 'ETIME', 70: 'ECOMM', 71: 'EPROTO', 74: 'EBADMSG', 75: 'EOVERFLOW', 76: 'ENOTUNIQ', 77: 'EBADFD',
  78: 'EREMCHG', 89: 'EDESTADDRREQ', 90: 'EMSGSIZE', 95: 'EOPNOTSUPP', 98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL',
  104: 'ECONNRESET', 105: 'ENOBUFS', 107: 'ENOTCONN', 108: 'ESHUTDOWN', 110: 'ETIMEDOUT', 111: 'ECONNREFUSED',
  121: 'EREMOTEIO', 124: 'EMEDIUMTYPE', 125: 'ECANCELED', 33: 'EDOM',
};

export function errnoName(errno: number): string | null {
  return ERRNO_NAMES[errno] ?? null;
}

/** `ls -l` style text of a `st_mode` (file type letter and permission bits). */
export function modeText(mode: number): string {
  const types: Record<number, string> = { 0o140000: 's', 0o120000: 'l', 0o100000: '-', 0o060000: 'b', 0o040000: 'd', 0o020000: 'c', 0o010000: 'p' };
  let s = types[mode & 0o170000] ?? '?';
  const rwx = 'rwxrwxrwx';
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? rwx[i] : '-';
  return s;
}
