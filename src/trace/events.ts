// SPDX-License-Identifier: MIT
/**
 * TraceEvent: one event of the guest agent, decoded — and THE JSON trace
 * format. `npx kdbus-playground trace` prints one per line, exports and
 * share links store them, and re-importing them rebuilds every view without
 * booting, so an event carries all that the agent sent, in plain JSON:
 *
 * - Event-level numbers (refs, ids, counts, tokens, pids, `seq`, `time`)
 *   are JSON numbers (the decoder refuses values above 2^53 as malformed).
 * - kdbus structures (`KdbusMsg`, `KdbusInfo`, their items) keep kdbus.h's
 *   field names; their u64 fields are `U64`: a JSON number when the value is
 *   a safe integer, else a string of decimal digits (e.g. `~0` is
 *   "18446744073709551615", flag bit 63 is "9223372036854775808"). See u64.ts.
 * - Flag words come with `flagNames`, item types with `typeName`.
 * - Byte strings (payload parts, bloom filters, unknown data) are base64.
 * - Absent optional data is `null`, never a missing key, except the
 *   diagnostic `fieldError` / `itemsError`, present only when something was
 *   wrong.
 *
 * Unknown event types are kept as `unknown` events (with their raw fields)
 * rather than dropped, so their sequence numbers are still seen and do not
 * look like a gap. Bodies that break the contract become `malformed`.
 */
import type { KdbusInfo, KdbusMsg } from './kdbus-structs.js';
import type { U64 } from './u64.js';

export type { KdbusInfo, KdbusMsg } from './kdbus-structs.js';
export type { KdbusItem } from './kdbus-items.js';
export type { U64, S64 } from './u64.js';

/** Event type numbers of docs/trace-protocol.md. */
export const TRACE_EVENT_TYPE = {
  AGENT_START: 1,
  DOMAIN_ADD: 2,
  DOMAIN_REMOVE: 3,
  BUS_ADD: 4,
  BUS_REMOVE: 5,
  ENDPOINT_ADD: 6,
  ENDPOINT_REMOVE: 7,
  CONN_ADD: 8,
  CONN_REMOVE: 9,
  NAMES: 10,
  MESSAGE: 11,
  LOSS: 12,
  ERROR: 13,
  SNAPSHOT_BEGIN: 14,
  SNAPSHOT_END: 15,
} as const;

/** Field type numbers of docs/trace-protocol.md ("Bodies: fields"). */
export const TRACE_FIELD = {
  DOMAIN: 0x10001,
  BUS: 0x10002,
  PATH: 0x10003,
  NAME: 0x10004,
  STAT: 0x10005,
  ID: 0x10006,
  KDBUS_MSG: 0x10007,
  KDBUS_INFO: 0x10008,
  BUS_INFO: 0x10009,
  COUNT: 0x1000a,
  REASON: 0x1000b,
  TEXT: 0x1000c,
  FLAGS: 0x1000d,
  PAYLOAD_INLINE: 0x1000e,
} as const;

/** CONN_ADD FLAGS bit 0: found by a snapshot rather than seen arriving. */
export const CONN_ADD_FROM_SNAPSHOT_BIT = 0;

/** LOSS reasons. */
export const LOSS_REASON = { KERNEL_DROPPED: 1, AGENT_DROPPED: 2 } as const;

interface EventBase {
  /** The agent's sequence number of the event. */
  seq: number;
  /** Guest CLOCK_MONOTONIC in ns when the agent made the event. */
  time: number;
  /** A field with a broken header ended the body early (docs: "counted as corrupt"); fields before it were used. */
  fieldError?: string;
}

/** The STAT field: a file's `st_mode` (type and permission bits), owner and group. */
export interface FileStat {
  mode: number;
  /** `ls -l` style, e.g. "crw-rw-rw-". */
  modeText: string;
  uid: number;
  gid: number;
}

/** The BUS_INFO field (what the agent's monitor learnt at HELLO). */
export interface BusInfo {
  flags: U64;
  flagNames: string[];
  /** The bus id128 as a UUID string (lowercase, dashed). */
  id128: string;
  bloom: { size: U64; n_hash: U64 };
}

export interface AgentStartEvent extends EventBase {
  type: 'agent-start';
  /** Agent name and version. */
  agent: string;
  /** `uname -r` of the guest. */
  kernelRelease: string;
  pid: number;
}

export interface DomainAddEvent extends EventBase {
  type: 'domain-add';
  domain: number;
  /** Mount point of the kdbusfs. */
  path: string;
}

export interface DomainRemoveEvent extends EventBase {
  type: 'domain-remove';
  domain: number;
}

export interface BusAddEvent extends EventBase {
  type: 'bus-add';
  domain: number;
  bus: number;
  /** Directory name, `<uid>-<name>`. */
  name: string;
  /** Of the bus's default endpoint file `bus`. */
  stat: FileStat;
  busInfo: BusInfo;
  /** BUS_CREATOR_INFO with all attach flags, when the agent got it. */
  creator: KdbusInfo | null;
}

export interface BusRemoveEvent extends EventBase {
  type: 'bus-remove';
  bus: number;
}

export interface EndpointAddEvent extends EventBase {
  type: 'endpoint-add';
  bus: number;
  /** File name; `bus` is the default endpoint. */
  name: string;
  stat: FileStat;
}

export interface EndpointRemoveEvent extends EventBase {
  type: 'endpoint-remove';
  bus: number;
  name: string;
}

export interface ConnAddEvent extends EventBase {
  type: 'conn-add';
  bus: number;
  id: number;
  /** The event's FLAGS field as sent. */
  flags: U64;
  /** FLAGS bit 0: found by a snapshot rather than seen arriving. */
  fromSnapshot: boolean;
  /** CONN_INFO with all attach flags; bare (no items) if the connection was already gone. */
  info: KdbusInfo;
}

export interface ConnRemoveEvent extends EventBase {
  type: 'conn-remove';
  bus: number;
  id: number;
}

export interface NamesEvent extends EventBase {
  type: 'names';
  bus: number;
  /** One record per (connection, name) as LIST returned them; each has one OWNED_NAME item. The complete table. */
  owners: KdbusInfo[];
}

export interface MessageEvent extends EventBase {
  type: 'message';
  bus: number;
  /** As the monitor received it, payload parts inline (PAYLOAD_INLINE items). */
  msg: KdbusMsg;
}

export interface LossEvent extends EventBase {
  type: 'loss';
  /** null: not one bus (the field was 0). */
  bus: number | null;
  count: number;
  reason: number;
  /** 1: the kernel dropped messages for the monitor; 2: the agent dropped events. */
  reasonName: 'kernel-dropped' | 'agent-dropped' | null;
}

export interface ErrorEvent extends EventBase {
  type: 'error';
  bus: number | null;
  errno: number;
  errnoName: string | null;
  /** What the agent could not do. */
  text: string;
}

export interface SnapshotBeginEvent extends EventBase {
  type: 'snapshot-begin';
  /** Token of the `sync` that asked for it; 0 for the one at agent start. */
  token: number;
}

export interface SnapshotEndEvent extends EventBase {
  type: 'snapshot-end';
  token: number;
}

/** A frame whose body broke the contract (a required field missing or unreadable). */
export interface MalformedEvent extends EventBase {
  type: 'malformed';
  /** The frame's event type number. */
  eventType: number;
  reason: string;
  bodySize: number;
  /** The first bytes of the body (at most MALFORMED_BODY_HEAD), base64, for diagnosis. */
  bodyHead: string;
}

/** A frame of an event type this reader does not know (a newer agent); kept, not interpreted. */
export interface UnknownEvent extends EventBase {
  type: 'unknown';
  eventType: number;
  /** Its fields as sent: type and base64 data. */
  fields: { type: U64; data: string }[];
}

export const MALFORMED_BODY_HEAD = 256;

export type TraceEvent =
  | AgentStartEvent
  | DomainAddEvent
  | DomainRemoveEvent
  | BusAddEvent
  | BusRemoveEvent
  | EndpointAddEvent
  | EndpointRemoveEvent
  | ConnAddEvent
  | ConnRemoveEvent
  | NamesEvent
  | MessageEvent
  | LossEvent
  | ErrorEvent
  | SnapshotBeginEvent
  | SnapshotEndEvent
  | MalformedEvent
  | UnknownEvent;

export type TraceEventType = TraceEvent['type'];
export type TraceEventOf<T extends TraceEventType> = Extract<TraceEvent, { type: T }>;
