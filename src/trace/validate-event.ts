// SPDX-License-Identifier: MIT
/**
 * Checks that a parsed JSON value is a TraceEvent of the shape events.ts
 * describes, deeply enough that the model and the views can trust it (every
 * field they read has the right type; kdbus items are checked per type).
 * Keys the schema does not know are allowed, so a file written by a newer
 * version still loads. The checks are iterative over arrays and only as
 * deep as the schema, so no input can exhaust the stack.
 */
import { isBase64 } from './base64.js';
import { STRING_ITEM_NAMES } from './kdbus-items.js';
import type { TraceEvent } from './events.js';
import { isCanonicalS64, isCanonicalU64 } from './u64.js';

/** Returns a problem description (prefixed with the path) or null. */
type Check = (v: unknown, path: string) => string | null;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const simple =
  (test: (v: unknown) => boolean, what: string): Check =>
  (v, path) =>
    test(v) ? null : `${path}: expected ${what}`;

const int = simple((v) => Number.isSafeInteger(v), 'an integer');
const nat = simple((v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a non-negative integer');
const u64 = simple(isCanonicalU64, 'a u64 (safe integer or decimal string above 2^53)');
const s64 = simple(isCanonicalS64, 'an s64 (safe integer or decimal string beyond ±2^53)');
const str = simple((v) => typeof v === 'string', 'a string');
const bool = simple((v) => typeof v === 'boolean', 'a boolean');
const b64 = simple((v) => typeof v === 'string' && isBase64(v), 'base64');

const nullable =
  (c: Check): Check =>
  (v, path) =>
    v === null ? null : c(v, path);

const oneOf = (values: readonly unknown[]): Check =>
  simple((v) => values.includes(v), `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);

const arr =
  (c: Check): Check =>
  (v, path) => {
    if (!Array.isArray(v)) return `${path}: expected an array`;
    for (let i = 0; i < v.length; i++) {
      const e = c(v[i], `${path}[${i}]`);
      if (e) return e;
    }
    return null;
  };

type Shape = Readonly<Record<string, Check>>;

/** An object with these keys (all required); `optional` keys may be missing. */
const obj =
  (shape: Shape, optional: Shape = {}): Check =>
  (v, path) => {
    if (!isObj(v)) return `${path}: expected an object`;
    for (const k in shape) {
      if (!(k in v)) return `${path}.${k}: missing`;
      const e = shape[k]!(v[k], `${path}.${k}`);
      if (e) return e;
    }
    for (const k in optional) {
      if (k in v) {
        const e = optional[k]!(v[k], `${path}.${k}`);
        if (e) return e;
      }
    }
    return null;
  };

const strings = arr(str);
const idChange = obj({ id: u64, flags: u64, flagNames: strings });

/** Payload members per item typeName (header fields are checked for all). */
const ITEM_SHAPES: Readonly<Record<string, Shape>> = {
  NEGOTIATE: { types: arr(u64) },
  PAYLOAD_VEC: { vec: obj({ size: u64, address: u64 }) },
  PAYLOAD_OFF: { vec: obj({ size: u64, offset: u64 }) },
  PAYLOAD_MEMFD: { memfd: obj({ start: u64, size: u64, fd: int, pad: nat }) },
  FDS: { fds: arr(int) },
  CANCEL_FD: { fds: arr(int) },
  BLOOM_PARAMETER: { bloom_parameter: obj({ size: u64, n_hash: u64 }) },
  BLOOM_FILTER: { bloom_filter: obj({ generation: u64, data: b64 }) },
  BLOOM_MASK: { data: b64 },
  ...Object.fromEntries(STRING_ITEM_NAMES.map((n) => [n, { str }])),
  CMDLINE: { args: strings },
  ATTACH_FLAGS_SEND: { flags: u64, flagNames: strings },
  ATTACH_FLAGS_RECV: { flags: u64, flagNames: strings },
  ID: { id: u64 },
  DST_ID: { id: u64 },
  TIMESTAMP: { timestamp: obj({ seqnum: u64, monotonic_ns: u64, realtime_ns: u64 }) },
  CREDS: { creds: obj({ uid: u64, euid: u64, suid: u64, fsuid: u64, gid: u64, egid: u64, sgid: u64, fsgid: u64 }) },
  PIDS: { pids: obj({ pid: u64, tid: u64, ppid: u64 }) },
  AUXGROUPS: { gids: arr(u64) },
  OWNED_NAME: { name: obj({ flags: u64, flagNames: strings, name: str }) },
  CAPS: {
    caps: obj({ last_cap: nat, inheritable: arr(nat), permitted: arr(nat), effective: arr(nat), bounding: arr(nat) }),
  },
  AUDIT: { audit: obj({ sessionid: nat, loginuid: nat }) },
  POLICY_ACCESS: {
    policy_access: obj({ type: u64, typeName: nullable(str), access: u64, accessName: nullable(str), id: u64 }),
  },
  NAME_ADD: { name_change: obj({ old_id: idChange, new_id: idChange, name: str }) },
  NAME_REMOVE: { name_change: obj({ old_id: idChange, new_id: idChange, name: str }) },
  NAME_CHANGE: { name_change: obj({ old_id: idChange, new_id: idChange, name: str }) },
  ID_ADD: { id_change: idChange },
  ID_REMOVE: { id_change: idChange },
  REPLY_TIMEOUT: {},
  REPLY_DEAD: {},
  PAYLOAD_INLINE: {
    payload: obj({ size: u64, source: u64, sourceName: nullable(oneOf(['vec', 'memfd'])), data: b64, truncated: bool }),
  },
  X_TRACE: { flags: u64, flagNames: strings },
  X_RECEIVERS: { ids: arr(u64) },
  X_HELLO_REFUSED: {
    hello_refused: obj({
      flags: u64,
      flagNames: strings,
      attach_flags_send: u64,
      sendNames: strings,
      attach_flags_req: u64,
      reqNames: strings,
      pid: u64,
      uid: u64,
      gid: u64,
      comm: str,
    }),
  },
  UNKNOWN: { data: b64, error: str },
  INVALID: { data: b64, error: str },
};

const item: Check = (v, path) => {
  if (!isObj(v)) return `${path}: expected an object`;
  const name = v.typeName;
  if (typeof name !== 'string' || !Object.hasOwn(ITEM_SHAPES, name)) return `${path}.typeName: unknown item type name`;
  const raw = name === 'UNKNOWN' || name === 'INVALID';
  return obj({ type: raw ? u64 : nat, size: nat, ...ITEM_SHAPES[name] })(v, path);
};

const items = arr(item);
const itemsError = { itemsError: str };

const info = obj({ size: nat, id: u64, flags: u64, flagNames: strings, items }, itemsError);
const msg = obj(
  {
    size: nat,
    flags: u64,
    flagNames: strings,
    priority: s64,
    dst_id: u64,
    src_id: u64,
    payload_type: u64,
    payloadTypeName: nullable(oneOf(['KERNEL', 'DBUS'])),
    cookie: u64,
    timeout_ns: u64,
    cookie_reply: u64,
    items,
  },
  itemsError,
);
const stat = obj({ mode: nat, modeText: str, uid: nat, gid: nat });
const busInfo = obj({ flags: u64, flagNames: strings, id128: str, bloom: obj({ size: u64, n_hash: u64 }) });

const EVENT_SHAPES: Readonly<Record<TraceEvent['type'], Shape>> = {
  'agent-start': { agent: str, kernelRelease: str, pid: nat },
  'domain-add': { domain: nat, path: str },
  'domain-remove': { domain: nat },
  'bus-add': { domain: nat, bus: nat, name: str, stat, busInfo, creator: nullable(info) },
  'bus-remove': { bus: nat },
  'endpoint-add': { bus: nat, name: str, stat },
  'endpoint-remove': { bus: nat, name: str },
  'conn-add': { bus: nat, id: nat, flags: u64, fromSnapshot: bool, info },
  'conn-remove': { bus: nat, id: nat },
  names: { bus: nat, owners: arr(info) },
  message: { bus: nat, msg },
  loss: { bus: nullable(nat), count: nat, reason: nat, reasonName: nullable(oneOf(['kernel-dropped', 'agent-dropped'])) },
  error: { bus: nullable(nat), errno: nat, errnoName: nullable(str), text: str },
  'snapshot-begin': { token: nat },
  'snapshot-end': { token: nat },
  malformed: { eventType: nat, reason: str, bodySize: nat, bodyHead: b64 },
  unknown: { eventType: nat, fields: arr(obj({ type: u64, data: b64 })) },
};

/** `v` as a TraceEvent, or the first problem found. */
export function validateEvent(v: unknown): { ok: true; event: TraceEvent } | { ok: false; error: string } {
  if (!isObj(v)) return { ok: false, error: 'event: expected an object' };
  const type = v.type;
  if (typeof type !== 'string' || !Object.hasOwn(EVENT_SHAPES, type)) {
    return { ok: false, error: `type: unknown event type ${JSON.stringify(type)}` };
  }
  const shape = EVENT_SHAPES[type as TraceEvent['type']];
  const e = obj({ seq: nat, time: nat, ...shape }, { fieldError: str })(v, 'event');
  return e ? { ok: false, error: e } : { ok: true, event: v as unknown as TraceEvent };
}
