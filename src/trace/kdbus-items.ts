// SPDX-License-Identifier: MIT
/**
 * kdbus items (`struct kdbus_item`, kdbus.h) decoded into plain JSON data.
 *
 * Every item keeps its header (`type`, `size`) and a readable `typeName`;
 * its payload is put under the member name kdbus.h gives it in the item's
 * payload union (`vec`, `memfd`, `creds`, `timestamp`, `name_change`, ...),
 * with kdbus.h's field names, so the inspector can show exactly what the
 * kernel wrote. Generic payloads get descriptive names (`str`, `args`,
 * `gids`, `types`, `fds`). Flag words come with their names.
 *
 * Nothing is lost: an item of a type kdbus.h does not define is kept as
 * `UNKNOWN`, an item whose payload has the wrong size for its type as
 * `INVALID`, both with their raw payload in base64.
 */
import { encodeBase64 } from './base64.js';
import {
  ATTACH_FLAGS,
  type FlagSet,
  HELLO_FLAGS,
  NAME_FLAGS,
  POLICY_ACCESS_LEVELS,
  POLICY_ACCESS_TYPES,
  X_TRACE_FLAGS,
  flagNames,
  itemTypeName,
} from './kdbus-names.js';
import { type U64, readU64 } from './u64.js';

/** Field type of PAYLOAD_INLINE (docs/trace-protocol.md): the agent's stand-in for payload data. */
export const PAYLOAD_INLINE_TYPE = 0x1000e;

interface ItemHeader {
  /** `kdbus_item.type`. */
  type: number;
  /** `kdbus_item.size`: 16 + payload length, without padding. */
  size: number;
}

/** `struct kdbus_notify_id_change`, with the names of its flags. */
export interface KdbusIdChange {
  id: U64;
  flags: U64;
  flagNames: string[];
}

export interface KdbusTimestamp {
  seqnum: U64;
  monotonic_ns: U64;
  realtime_ns: U64;
}

export interface KdbusCreds {
  uid: U64;
  euid: U64;
  suid: U64;
  fsuid: U64;
  gid: U64;
  egid: U64;
  sgid: U64;
  fsgid: U64;
}

export interface KdbusPids {
  pid: U64;
  tid: U64;
  ppid: U64;
}

/** `struct kdbus_caps`: each set is W u32 words, capability n is bit n % 32 of word n / 32. */
export interface KdbusCaps {
  last_cap: number;
  inheritable: number[];
  permitted: number[];
  effective: number[];
  bounding: number[];
}

/** `struct kdbus_name` (OWNED_NAME). */
export interface KdbusName {
  flags: U64;
  flagNames: string[];
  name: string;
}

/**
 * `struct kdbus_x_hello_refused` (project extension): a HELLO the bus refused
 * with ECONNREFUSED because the client would not send the metadata the bus
 * requires. pid/uid/gid are the kernel's view of the caller (in the
 * monitor's namespaces); `comm` is the caller's own process name.
 */
/** `struct kdbus_x_conn_masks` (project extension): a connection's attach masks after an UPDATE. */
export interface KdbusConnMasks {
  id: U64;
  attach_flags_send: U64;
  sendNames: string[];
  attach_flags_recv: U64;
  recvNames: string[];
}

export interface KdbusHelloRefused {
  /** HELLO flags of the refused call. */
  flags: U64;
  flagNames: string[];
  /** The send mask it offered (sanitized by the kernel). */
  attach_flags_send: U64;
  sendNames: string[];
  /** The mask the bus requires. */
  attach_flags_req: U64;
  reqNames: string[];
  pid: U64;
  uid: U64;
  gid: U64;
  comm: string;
}

/** The agent's PAYLOAD_INLINE field: the first bytes of one payload part. */
export interface InlinePayload {
  /** Full size of the part in the guest. */
  size: U64;
  /** 0 = a vector, 1 = a memfd. */
  source: U64;
  sourceName: 'vec' | 'memfd' | null;
  /** The bytes the agent kept, base64. */
  data: string;
  /** Fewer bytes kept than `size`. */
  truncated: boolean;
}

export type StringItemName =
  | 'DST_NAME'
  | 'MAKE_NAME'
  | 'NAME'
  | 'TID_COMM'
  | 'PID_COMM'
  | 'EXE'
  | 'CGROUP'
  | 'SECLABEL'
  | 'CONN_DESCRIPTION'
  | 'X_ENDPOINT_POLICY';

export const STRING_ITEM_NAMES: readonly StringItemName[] = [
  'DST_NAME',
  'MAKE_NAME',
  'NAME',
  'TID_COMM',
  'PID_COMM',
  'EXE',
  'CGROUP',
  'SECLABEL',
  'CONN_DESCRIPTION',
  'X_ENDPOINT_POLICY',
];

const STRING_ITEMS: ReadonlySet<string> = new Set(STRING_ITEM_NAMES);

/** Whether an item name is one of those whose payload is a NUL-terminated string. */
export function isStringItemName(name: string): name is StringItemName {
  return STRING_ITEMS.has(name);
}


export type KdbusItem =
  | (ItemHeader & { typeName: 'NEGOTIATE'; types: U64[] })
  | (ItemHeader & { typeName: 'PAYLOAD_VEC'; vec: { size: U64; address: U64 } })
  | (ItemHeader & { typeName: 'PAYLOAD_OFF'; vec: { size: U64; offset: U64 } })
  | (ItemHeader & { typeName: 'PAYLOAD_MEMFD'; memfd: { start: U64; size: U64; fd: number; pad: number } })
  | (ItemHeader & { typeName: 'FDS' | 'CANCEL_FD'; fds: number[] })
  | (ItemHeader & { typeName: 'BLOOM_PARAMETER'; bloom_parameter: { size: U64; n_hash: U64 } })
  | (ItemHeader & { typeName: 'BLOOM_FILTER'; bloom_filter: { generation: U64; data: string } })
  | (ItemHeader & { typeName: 'BLOOM_MASK'; data: string })
  | (ItemHeader & { typeName: StringItemName; str: string })
  | (ItemHeader & { typeName: 'CMDLINE'; args: string[] })
  | (ItemHeader & { typeName: 'ATTACH_FLAGS_SEND' | 'ATTACH_FLAGS_RECV'; flags: U64; flagNames: string[] })
  | (ItemHeader & { typeName: 'ID' | 'DST_ID'; id: U64 })
  | (ItemHeader & { typeName: 'TIMESTAMP'; timestamp: KdbusTimestamp })
  | (ItemHeader & { typeName: 'CREDS'; creds: KdbusCreds })
  | (ItemHeader & { typeName: 'PIDS'; pids: KdbusPids })
  | (ItemHeader & { typeName: 'AUXGROUPS'; gids: U64[] })
  | (ItemHeader & { typeName: 'OWNED_NAME'; name: KdbusName })
  | (ItemHeader & { typeName: 'CAPS'; caps: KdbusCaps })
  | (ItemHeader & { typeName: 'AUDIT'; audit: { sessionid: number; loginuid: number } })
  | (ItemHeader & {
      typeName: 'POLICY_ACCESS';
      policy_access: { type: U64; typeName: string | null; access: U64; accessName: string | null; id: U64 };
    })
  | (ItemHeader & {
      typeName: 'NAME_ADD' | 'NAME_REMOVE' | 'NAME_CHANGE';
      name_change: { old_id: KdbusIdChange; new_id: KdbusIdChange; name: string };
    })
  | (ItemHeader & { typeName: 'ID_ADD' | 'ID_REMOVE'; id_change: KdbusIdChange })
  | (ItemHeader & { typeName: 'REPLY_TIMEOUT' | 'REPLY_DEAD' })
  | (ItemHeader & { typeName: 'PAYLOAD_INLINE'; payload: InlinePayload })
  | (ItemHeader & { typeName: 'X_TRACE'; flags: U64; flagNames: string[] })
  | (ItemHeader & { typeName: 'X_RECEIVERS'; ids: U64[] })
  | (ItemHeader & { typeName: 'X_HELLO_REFUSED'; hello_refused: KdbusHelloRefused })
  | (ItemHeader & { typeName: 'X_CONN_MASKS'; conn_masks: KdbusConnMasks })
  | RawItem;

/** An item kept undecoded: a type kdbus.h does not define, or a payload of the wrong size. */
export interface RawItem {
  type: U64;
  size: number;
  typeName: 'UNKNOWN' | 'INVALID';
  /** The payload, base64. */
  data: string;
  /** Why it was not decoded. */
  error: string;
}

export type KdbusItemTypeName = KdbusItem['typeName'];
/** The item variant(s) with `typeName` N (also for variants that share a shape, such as ID / DST_ID). */
export type KdbusItemOf<N extends KdbusItemTypeName> = ItemVariant<KdbusItem, N>;
type ItemVariant<I, N> = I extends { typeName: infer T } ? (N extends T ? I & { typeName: N } : never) : never;

/** The first item named `name`, typed. */
export function findItem<N extends KdbusItemTypeName>(items: readonly KdbusItem[], name: N): KdbusItemOf<N> | undefined {
  for (const it of items) if (it.typeName === name) return it as KdbusItemOf<N>;
  return undefined;
}

/** All items named `name`, typed. */
export function filterItems<N extends KdbusItemTypeName>(items: readonly KdbusItem[], name: N): KdbusItemOf<N>[] {
  return items.filter((it): it is KdbusItemOf<N> => it.typeName === name);
}

export const align8 = (n: number): number => (n + 7) & ~7;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Text of a NUL-terminated string payload (up to the first NUL; all of it if there is none). */
export function decodeCString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return utf8.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

export interface ItemsResult {
  items: KdbusItem[];
  /** Why the walk stopped early (a broken item header); the items before it are kept. */
  error?: string;
}

export interface ItemOptions {
  /** Accept the agent's PAYLOAD_INLINE field as an item (inside KDBUS_MSG only). */
  inlinePayload: boolean;
}

/**
 * Walks the items in `bytes[start, end)`. `base` is subtracted from offsets
 * in error messages, so they are relative to the enclosing structure.
 */
export function parseItems(bytes: Uint8Array, start: number, end: number, base: number, opts: ItemOptions): ItemsResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const items: KdbusItem[] = [];
  let off = start;
  while (off < end) {
    if (end - off < 16) return { items, error: `${end - off} stray bytes after the last item at offset ${off - base}` };
    const size = readU64(view, off);
    if (typeof size !== 'number' || size < 16) {
      return { items, error: `item at offset ${off - base} has size ${size} (< 16)` };
    }
    if (size > end - off) {
      return { items, error: `item at offset ${off - base} (size ${size}) runs past the end at ${end - base}` };
    }
    const type = readU64(view, off + 8);
    items.push(decodeItem(bytes.subarray(off + 16, off + size), type, size, opts));
    off += align8(size);
  }
  return { items };
}

function raw(type: U64, size: number, data: Uint8Array, typeName: 'UNKNOWN' | 'INVALID', error: string): RawItem {
  return { type, size, typeName, data: encodeBase64(data), error };
}

function u64s(view: DataView, count: number, from = 0): U64[] {
  const out: U64[] = [];
  for (let i = 0; i < count; i++) out.push(readU64(view, from + 8 * i));
  return out;
}

function u32s(view: DataView, count: number, from: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(view.getUint32(from + 4 * i, true));
  return out;
}

function idChange(view: DataView, at: number, set: FlagSet): KdbusIdChange {
  const flags = readU64(view, at + 8);
  return { id: readU64(view, at), flags, flagNames: flagNames(flags, set) };
}

/** Payload size rules: an exact size, a minimum, or a minimum plus a multiple. */
type SizeRule = { exact: number } | { min: number; step?: number };

const SIZE_RULES: Partial<Record<string, SizeRule>> = {
  NEGOTIATE: { min: 0, step: 8 },
  PAYLOAD_VEC: { exact: 16 },
  PAYLOAD_OFF: { exact: 16 },
  PAYLOAD_MEMFD: { exact: 24 },
  FDS: { min: 0, step: 4 },
  CANCEL_FD: { exact: 4 },
  BLOOM_PARAMETER: { exact: 16 },
  BLOOM_FILTER: { min: 8, step: 8 },
  ATTACH_FLAGS_SEND: { exact: 8 },
  ATTACH_FLAGS_RECV: { exact: 8 },
  ID: { exact: 8 },
  DST_ID: { exact: 8 },
  TIMESTAMP: { exact: 24 },
  CREDS: { exact: 64 },
  PIDS: { exact: 24 },
  AUXGROUPS: { min: 0, step: 8 },
  OWNED_NAME: { min: 8 },
  CAPS: { min: 4, step: 16 },
  AUDIT: { exact: 8 },
  POLICY_ACCESS: { exact: 24 },
  NAME_ADD: { min: 32 },
  NAME_REMOVE: { min: 32 },
  NAME_CHANGE: { min: 32 },
  ID_ADD: { exact: 16 },
  ID_REMOVE: { exact: 16 },
  REPLY_TIMEOUT: { exact: 0 },
  REPLY_DEAD: { exact: 0 },
  PAYLOAD_INLINE: { min: 16 },
  X_TRACE: { exact: 8 },
  // Possibly empty: a signal nobody took still carries the item (size 16).
  X_RECEIVERS: { min: 0, step: 8 },
  X_HELLO_REFUSED: { exact: 64 },
  X_CONN_MASKS: { exact: 24 },
};

function sizeError(name: string, len: number): string | null {
  const rule = SIZE_RULES[name];
  if (!rule) return null;
  if ('exact' in rule) return len === rule.exact ? null : `${name} payload is ${len} bytes, expected ${rule.exact}`;
  if (len < rule.min) return `${name} payload is ${len} bytes, expected at least ${rule.min}`;
  if (rule.step && (len - rule.min) % rule.step !== 0) {
    return `${name} payload is ${len} bytes, expected ${rule.min} + a multiple of ${rule.step}`;
  }
  return null;
}

function decodeItem(data: Uint8Array, type: U64, size: number, opts: ItemOptions): KdbusItem {
  const name =
    typeof type !== 'number'
      ? null
      : type === PAYLOAD_INLINE_TYPE && opts.inlinePayload
        ? 'PAYLOAD_INLINE'
        : itemTypeName(type);
  if (name === null || typeof type !== 'number') {
    return raw(type, size, data, 'UNKNOWN', `unknown item type ${typeof type === 'number' ? '0x' + type.toString(16) : type}`);
  }
  const bad = sizeError(name, data.length);
  if (bad) return raw(type, size, data, 'INVALID', bad);
  if (isStringItemName(name)) return { type, size, typeName: name, str: decodeCString(data) };
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (name) {
    case 'NEGOTIATE':
      return { type, size, typeName: name, types: u64s(v, data.length / 8) };
    case 'PAYLOAD_VEC':
      return { type, size, typeName: name, vec: { size: readU64(v, 0), address: readU64(v, 8) } };
    case 'PAYLOAD_OFF':
      return { type, size, typeName: name, vec: { size: readU64(v, 0), offset: readU64(v, 8) } };
    case 'PAYLOAD_MEMFD':
      return {
        type,
        size,
        typeName: name,
        memfd: { start: readU64(v, 0), size: readU64(v, 8), fd: v.getInt32(16, true), pad: v.getUint32(20, true) },
      };
    case 'FDS':
    case 'CANCEL_FD': {
      const fds: number[] = [];
      for (let i = 0; i < data.length; i += 4) fds.push(v.getInt32(i, true));
      return { type, size, typeName: name, fds };
    }
    case 'BLOOM_PARAMETER':
      return { type, size, typeName: name, bloom_parameter: { size: readU64(v, 0), n_hash: readU64(v, 8) } };
    case 'BLOOM_FILTER':
      return {
        type,
        size,
        typeName: name,
        bloom_filter: { generation: readU64(v, 0), data: encodeBase64(data.subarray(8)) },
      };
    case 'BLOOM_MASK':
      return { type, size, typeName: name, data: encodeBase64(data) };
    case 'CMDLINE': {
      // The arguments are NUL-separated, the last one NUL-terminated.
      const end = data.length > 0 && data[data.length - 1] === 0 ? data.length - 1 : data.length;
      const args = end === 0 ? [] : utf8.decode(data.subarray(0, end)).split('\0');
      return { type, size, typeName: name, args };
    }
    case 'ATTACH_FLAGS_SEND':
    case 'ATTACH_FLAGS_RECV': {
      const flags = readU64(v, 0);
      return { type, size, typeName: name, flags, flagNames: flagNames(flags, ATTACH_FLAGS) };
    }
    case 'ID':
    case 'DST_ID':
      return { type, size, typeName: name, id: readU64(v, 0) };
    case 'TIMESTAMP':
      return {
        type,
        size,
        typeName: name,
        timestamp: { seqnum: readU64(v, 0), monotonic_ns: readU64(v, 8), realtime_ns: readU64(v, 16) },
      };
    case 'CREDS': {
      const [uid, euid, suid, fsuid, gid, egid, sgid, fsgid] = u64s(v, 8) as [U64, U64, U64, U64, U64, U64, U64, U64];
      return { type, size, typeName: name, creds: { uid, euid, suid, fsuid, gid, egid, sgid, fsgid } };
    }
    case 'PIDS':
      return { type, size, typeName: name, pids: { pid: readU64(v, 0), tid: readU64(v, 8), ppid: readU64(v, 16) } };
    case 'AUXGROUPS':
      return { type, size, typeName: name, gids: u64s(v, data.length / 8) };
    case 'OWNED_NAME': {
      const flags = readU64(v, 0);
      return {
        type,
        size,
        typeName: name,
        name: { flags, flagNames: flagNames(flags, NAME_FLAGS), name: decodeCString(data.subarray(8)) },
      };
    }
    case 'CAPS': {
      const w = (data.length - 4) / 16;
      return {
        type,
        size,
        typeName: name,
        caps: {
          last_cap: v.getUint32(0, true),
          inheritable: u32s(v, w, 4),
          permitted: u32s(v, w, 4 + 4 * w),
          effective: u32s(v, w, 4 + 8 * w),
          bounding: u32s(v, w, 4 + 12 * w),
        },
      };
    }
    case 'AUDIT':
      return { type, size, typeName: name, audit: { sessionid: v.getUint32(0, true), loginuid: v.getUint32(4, true) } };
    case 'POLICY_ACCESS': {
      const t = readU64(v, 0);
      const a = readU64(v, 8);
      return {
        type,
        size,
        typeName: name,
        policy_access: {
          type: t,
          typeName: typeof t === 'number' ? (POLICY_ACCESS_TYPES[t] ?? null) : null,
          access: a,
          accessName: typeof a === 'number' ? (POLICY_ACCESS_LEVELS[a] ?? null) : null,
          id: readU64(v, 16),
        },
      };
    }
    case 'NAME_ADD':
    case 'NAME_REMOVE':
    case 'NAME_CHANGE':
      return {
        type,
        size,
        typeName: name,
        name_change: {
          old_id: idChange(v, 0, NAME_FLAGS),
          new_id: idChange(v, 16, NAME_FLAGS),
          name: decodeCString(data.subarray(32)),
        },
      };
    case 'ID_ADD':
    case 'ID_REMOVE':
      return { type, size, typeName: name, id_change: idChange(v, 0, HELLO_FLAGS) };
    case 'REPLY_TIMEOUT':
    case 'REPLY_DEAD':
      return { type, size, typeName: name };
    case 'X_TRACE': {
      const flags = readU64(v, 0);
      return { type, size, typeName: name, flags, flagNames: flagNames(flags, X_TRACE_FLAGS) };
    }
    case 'X_RECEIVERS':
      return { type, size, typeName: name, ids: u64s(v, data.length / 8) };
    case 'X_HELLO_REFUSED': {
      const [flags, send, req, pid, uid, gid] = u64s(v, 6) as [U64, U64, U64, U64, U64, U64];
      return {
        type,
        size,
        typeName: name,
        hello_refused: {
          flags,
          flagNames: flagNames(flags, HELLO_FLAGS),
          attach_flags_send: send,
          sendNames: flagNames(send, ATTACH_FLAGS),
          attach_flags_req: req,
          reqNames: flagNames(req, ATTACH_FLAGS),
          pid,
          uid,
          gid,
          // comm[16], NUL-padded (TASK_COMM_LEN); all 16 bytes when it has no NUL.
          comm: decodeCString(data.subarray(48, 64)),
        },
      };
    }
    case 'X_CONN_MASKS': {
      const [id, send, recv] = u64s(v, 3) as [U64, U64, U64];
      return {
        type,
        size,
        typeName: name,
        conn_masks: { id, attach_flags_send: send, sendNames: flagNames(send, ATTACH_FLAGS), attach_flags_recv: recv, recvNames: flagNames(recv, ATTACH_FLAGS) },
      };
    }
    case 'PAYLOAD_INLINE': {
      const full = readU64(v, 0);
      const source = readU64(v, 8);
      const kept = data.subarray(16);
      return {
        type,
        size,
        typeName: name,
        payload: {
          size: full,
          source,
          sourceName: source === 0 ? 'vec' : source === 1 ? 'memfd' : null,
          data: encodeBase64(kept),
          truncated: typeof full !== 'number' || kept.length < full,
        },
      };
    }
  }
}
