// SPDX-License-Identifier: MIT
/**
 * Builds trace streams for tests, byte by byte as docs/trace-protocol.md and
 * kdbus.h lay them out — written from the documents, not from src/trace, so
 * the tests check the decoder against the contract. The CRC comes from
 * Node's zlib (independent of src/trace/crc32.ts).
 */
import { crc32 } from 'node:zlib';

type N = number | bigint;
const big = (v: N): bigint => BigInt.asUintN(64, BigInt(v));

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function u64(v: N): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, big(v), true);
  return b;
}

export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

export function s32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
}

export function cstr(s: string): Uint8Array {
  return concat(new TextEncoder().encode(s), new Uint8Array([0]));
}

const pad8 = (n: number): number => (8 - (n % 8)) % 8;

/** An item or a field: u64 size (16 + data), u64 type, data, zero padding to 8. */
export function item(type: N, data: Uint8Array = new Uint8Array(), opts: { pad?: boolean } = {}): Uint8Array {
  return concat(u64(16 + data.length), u64(type), data, new Uint8Array(opts.pad === false ? 0 : pad8(data.length)));
}

// ---- kdbus items (kdbus.h) ----

export const ITEM = {
  PAYLOAD_VEC: 2,
  PAYLOAD_OFF: 3,
  PAYLOAD_MEMFD: 4,
  FDS: 5,
  BLOOM_PARAMETER: 7,
  BLOOM_FILTER: 8,
  DST_NAME: 10,
  MAKE_NAME: 11,
  ATTACH_FLAGS_SEND: 12,
  ATTACH_FLAGS_RECV: 13,
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
} as const;

export const KDBUS = {
  MSG_EXPECT_REPLY: 1n,
  MSG_NO_AUTO_START: 2n,
  MSG_SIGNAL: 4n,
  HELLO_ACCEPT_FD: 1n,
  HELLO_ACTIVATOR: 2n,
  HELLO_POLICY_HOLDER: 4n,
  HELLO_MONITOR: 8n,
  NAME_ALLOW_REPLACEMENT: 2n,
  NAME_QUEUE: 4n,
  NAME_IN_QUEUE: 8n,
  NAME_ACTIVATOR: 16n,
  NAME_PRIMARY: 32n,
  MAKE_ACCESS_GROUP: 1n,
  MAKE_ACCESS_WORLD: 2n,
  FLAG_NEGOTIATE: 1n << 63n,
  DST_ID_BROADCAST: (1n << 64n) - 1n,
  PAYLOAD_DBUS: 0x4442757344427573n,
} as const;

export const items = {
  timestamp: (seqnum: N, monotonicNs: N, realtimeNs: N) =>
    item(ITEM.TIMESTAMP, concat(u64(seqnum), u64(monotonicNs), u64(realtimeNs))),
  creds: (c: { uid: N; euid: N; suid: N; fsuid: N; gid: N; egid: N; sgid: N; fsgid: N }) =>
    item(ITEM.CREDS, concat(u64(c.uid), u64(c.euid), u64(c.suid), u64(c.fsuid), u64(c.gid), u64(c.egid), u64(c.sgid), u64(c.fsgid))),
  pids: (pid: N, tid: N, ppid: N) => item(ITEM.PIDS, concat(u64(pid), u64(tid), u64(ppid))),
  auxgroups: (...gids: N[]) => item(ITEM.AUXGROUPS, concat(...gids.map(u64))),
  string: (type: number, s: string) => item(type, cstr(s)),
  cmdline: (...args: string[]) => item(ITEM.CMDLINE, concat(...args.map(cstr))),
  /** `sets`: inheritable, permitted, effective, bounding, each W u32 words. */
  caps: (lastCap: number, sets: [number[], number[], number[], number[]]) =>
    item(ITEM.CAPS, concat(u32(lastCap), ...sets.flat().map(u32))),
  audit: (sessionid: number, loginuid: number) => item(ITEM.AUDIT, concat(u32(sessionid), u32(loginuid))),
  ownedName: (flags: N, name: string) => item(ITEM.OWNED_NAME, concat(u64(flags), cstr(name))),
  nameChange: (type: number, oldId: [N, N], newId: [N, N], name: string) =>
    item(type, concat(u64(oldId[0]), u64(oldId[1]), u64(newId[0]), u64(newId[1]), cstr(name))),
  idChange: (type: number, id: N, flags: N) => item(type, concat(u64(id), u64(flags))),
  replyTimeout: () => item(ITEM.REPLY_TIMEOUT),
  replyDead: () => item(ITEM.REPLY_DEAD),
  dstName: (name: string) => item(ITEM.DST_NAME, cstr(name)),
  bloomFilter: (generation: N, bytes: Uint8Array) => item(ITEM.BLOOM_FILTER, concat(u64(generation), bytes)),
  bloomParameter: (size: N, nHash: N) => item(ITEM.BLOOM_PARAMETER, concat(u64(size), u64(nHash))),
  memfd: (start: N, size: N, fd: number) => item(ITEM.PAYLOAD_MEMFD, concat(u64(start), u64(size), s32(fd), u32(0))),
  fds: (...fds: number[]) => item(ITEM.FDS, concat(...fds.map(s32))),
  attachFlags: (type: number, flags: N) => item(type, u64(flags)),
  policyAccess: (type: N, access: N, id: N) => item(ITEM.POLICY_ACCESS, concat(u64(type), u64(access), u64(id))),
  /** The agent's PAYLOAD_INLINE (field 0x1000E inside KDBUS_MSG). */
  payloadInline: (fullSize: N, source: 0 | 1, bytes: Uint8Array) =>
    item(FIELD.PAYLOAD_INLINE, concat(u64(fullSize), u64(source), bytes)),
};

export interface MsgHeader {
  flags?: N;
  priority?: N;
  dst: N;
  src: N;
  payloadType?: N;
  cookie?: N;
  /** timeout_ns (EXPECT_REPLY) or cookie_reply: the union at offset 56. */
  word56?: N;
}

/** A struct kdbus_msg: 64-byte header (size counts the items) + items. */
export function kdbusMsg(h: MsgHeader, ...its: Uint8Array[]): Uint8Array {
  const body = concat(...its);
  return concat(
    u64(64 + body.length),
    u64(h.flags ?? 0),
    u64(h.priority ?? 0),
    u64(h.dst),
    u64(h.src),
    u64(h.payloadType ?? KDBUS.PAYLOAD_DBUS),
    u64(h.cookie ?? 0),
    u64(h.word56 ?? 0),
    body,
  );
}

/** A struct kdbus_info: size, id, flags, items. */
export function kdbusInfo(id: N, flags: N, ...its: Uint8Array[]): Uint8Array {
  const body = concat(...its);
  return concat(u64(24 + body.length), u64(id), u64(flags), body);
}

// ---- trace fields and events (docs/trace-protocol.md) ----

export const FIELD = {
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

export const EVENT = {
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

export const fields = {
  domain: (ref: N) => item(FIELD.DOMAIN, u64(ref)),
  bus: (ref: N) => item(FIELD.BUS, u64(ref)),
  path: (p: string) => item(FIELD.PATH, cstr(p)),
  name: (n: string) => item(FIELD.NAME, cstr(n)),
  stat: (mode: number, uid: number, gid: number) => item(FIELD.STAT, concat(u32(mode), u32(uid), u32(gid), u32(0))),
  id: (id: N) => item(FIELD.ID, u64(id)),
  msg: (msg: Uint8Array) => item(FIELD.KDBUS_MSG, msg),
  info: (info: Uint8Array) => item(FIELD.KDBUS_INFO, info),
  busInfo: (flags: N, id128: Uint8Array, bloomSize: N, nHash: N) =>
    item(FIELD.BUS_INFO, concat(u64(flags), id128, u64(bloomSize), u64(nHash))),
  count: (n: N) => item(FIELD.COUNT, u64(n)),
  reason: (r: number) => item(FIELD.REASON, concat(u32(r), u32(0))),
  text: (t: string) => item(FIELD.TEXT, cstr(t)),
  flags: (f: N) => item(FIELD.FLAGS, u64(f)),
};

export interface FrameOptions {
  version?: number;
  /** Body length written in the header (default: the real one). */
  length?: number;
  /** XOR into the CRC (non-zero: a bad CRC). */
  crcXor?: number;
}

/** One frame: header (magic, version, type, length, CRC, seq, time), body, zero padding to 8. */
export function frame(type: number, seq: N, time: N, body: Uint8Array, o: FrameOptions = {}): Uint8Array {
  const head = concat(new Uint8Array([0x4b, 0x50, 0x54, 0x52]), new Uint8Array(4), u32(o.length ?? body.length));
  new DataView(head.buffer).setUint16(4, o.version ?? 1, true);
  new DataView(head.buffer).setUint16(6, type, true);
  const tail = concat(u64(seq), u64(time), body);
  const crc = (crc32(tail, crc32(head)) ^ (o.crcXor ?? 0)) >>> 0;
  return concat(head, u32(crc), tail, new Uint8Array(pad8(body.length)));
}

/** A frame whose body is these fields. */
export function eventFrame(type: number, seq: N, time: N, ...fs: Uint8Array[]): Uint8Array {
  return frame(type, seq, time, concat(...fs));
}

/** A 16-byte id128 with bytes 0x00..0x0f (any fixed pattern will do). */
export function id128(start = 0): Uint8Array {
  return Uint8Array.from({ length: 16 }, (_, i) => (start + i) & 0xff);
}

// ---- whole streams ----

export interface ConnInfoOptions {
  flags?: N;
  uid?: number;
  pid?: number;
  comm?: string;
  description?: string;
  /** OWNED_NAME items: [KDBUS_NAME_* flags, name]. */
  names?: [N, string][];
}

/** A CONN_INFO-like kdbus_info with the metadata a connection of the guest CLI has. */
export function connInfo(id: N, o: ConnInfoOptions = {}): Uint8Array {
  const uid = o.uid ?? 0;
  const its = [
    items.creds({ uid, euid: uid, suid: uid, fsuid: uid, gid: uid, egid: uid, sgid: uid, fsgid: uid }),
    items.pids(o.pid ?? 100, o.pid ?? 100, 1),
    items.string(ITEM.PID_COMM, o.comm ?? 'kdbus'),
    ...(o.names ?? []).map(([f, n]) => items.ownedName(f, n)),
  ];
  if (o.description !== undefined) its.push(items.string(ITEM.CONN_DESCRIPTION, o.description));
  return kdbusInfo(id, o.flags ?? KDBUS.HELLO_ACCEPT_FD, ...its);
}

/** A kernel notification as a monitor receives it: one notification item and a TIMESTAMP. */
export function notification(notificationItem: Uint8Array, ts: [N, N], reply?: { dst: N; cookie: N }): Uint8Array {
  return kdbusMsg(
    {
      flags: reply ? 0 : KDBUS.MSG_SIGNAL,
      dst: reply ? reply.dst : KDBUS.DST_ID_BROADCAST,
      src: 0,
      payloadType: 0,
      word56: reply ? reply.cookie : 0,
    },
    notificationItem,
    items.timestamp(ts[0], ts[1], 1_700_000_000_000_000_000n + BigInt(ts[1])),
  );
}

/**
 * Builds a stream event by event, numbering them (seq from 1, time in steps
 * of 1 µs); `skip(n)` leaves a gap of n sequence numbers.
 */
export class TraceStream {
  seq = 0;
  time = 5_000_000_000;
  private readonly parts: Uint8Array[] = [];

  event(type: number, ...fs: Uint8Array[]): this {
    this.seq++;
    this.time += 1000;
    this.parts.push(eventFrame(type, this.seq, this.time, ...fs));
    return this;
  }

  skip(n: number): this {
    this.seq += n;
    return this;
  }

  agentStart(pid = 50): this {
    return this.event(EVENT.AGENT_START, fields.text('kdbus-agent 1'), fields.name('6.1.0-kdbus'), fields.id(pid));
  }

  snapshotBegin(token: number): this {
    return this.event(EVENT.SNAPSHOT_BEGIN, fields.count(token));
  }

  snapshotEnd(token: number): this {
    return this.event(EVENT.SNAPSHOT_END, fields.count(token));
  }

  domainAdd(ref: number, path = '/sys/fs/kdbus'): this {
    return this.event(EVENT.DOMAIN_ADD, fields.domain(ref), fields.path(path));
  }

  domainRemove(ref: number): this {
    return this.event(EVENT.DOMAIN_REMOVE, fields.domain(ref));
  }

  busAdd(domain: number, bus: number, name: string, o: { mode?: number; uid?: number; flags?: N; creator?: Uint8Array } = {}): this {
    const fs = [
      fields.domain(domain),
      fields.bus(bus),
      fields.name(name),
      fields.stat(o.mode ?? 0o100666, o.uid ?? 0, 0),
      fields.busInfo(o.flags ?? KDBUS.MAKE_ACCESS_WORLD, id128(bus), 64, 1),
    ];
    if (o.creator) fs.push(fields.info(o.creator));
    return this.event(EVENT.BUS_ADD, ...fs);
  }

  busRemove(bus: number): this {
    return this.event(EVENT.BUS_REMOVE, fields.bus(bus));
  }

  endpointAdd(bus: number, name = 'bus', mode = 0o100666): this {
    return this.event(EVENT.ENDPOINT_ADD, fields.bus(bus), fields.name(name), fields.stat(mode, 0, 0));
  }

  endpointRemove(bus: number, name: string): this {
    return this.event(EVENT.ENDPOINT_REMOVE, fields.bus(bus), fields.name(name));
  }

  connAdd(bus: number, id: number, o: ConnInfoOptions & { fromSnapshot?: boolean; info?: Uint8Array } = {}): this {
    const info = o.info ?? connInfo(id, o);
    return this.event(EVENT.CONN_ADD, fields.bus(bus), fields.id(id), fields.flags(o.fromSnapshot ? 1 : 0), fields.info(info));
  }

  connRemove(bus: number, id: number): this {
    return this.event(EVENT.CONN_REMOVE, fields.bus(bus), fields.id(id));
  }

  /** NAMES: one record per [id, KDBUS_NAME_* flags, name]. */
  names(bus: number, ...records: [number, N, string][]): this {
    return this.event(
      EVENT.NAMES,
      fields.bus(bus),
      ...records.map(([id, f, n]) => fields.info(kdbusInfo(id, KDBUS.HELLO_ACCEPT_FD, items.ownedName(f, n)))),
    );
  }

  message(bus: number, msg: Uint8Array): this {
    return this.event(EVENT.MESSAGE, fields.bus(bus), fields.msg(msg));
  }

  loss(bus: number, count: number, reason: number): this {
    return this.event(EVENT.LOSS, fields.bus(bus), fields.count(count), fields.reason(reason));
  }

  error(bus: number | null, errno: number, text: string): this {
    return this.event(EVENT.ERROR, ...(bus === null ? [] : [fields.bus(bus)]), fields.reason(errno), fields.text(text));
  }

  bytes(): Uint8Array {
    return concat(...this.parts);
  }
}
