// SPDX-License-Identifier: MIT
/**
 * The normalised trace: what two runs of the same commands have in common,
 * so a replayed share link can be compared with the session it came from
 * (and one replay with the next) by plain equality.
 *
 * MAPPED to stable values, each kind in order of first appearance (1, 2, …;
 * the special values 0 and ~0 are kept, they mean "kernel"/"none" and
 * "broadcast"):
 * - `seq` → the event's position (1-based), `time` → position − 1;
 * - domain refs, bus refs, snapshot tokens (0, the agent's own, is kept);
 * - connection ids, wherever they occur (events, kdbus_info.id, src_id,
 *   dst_id, ID / DST_ID items, ID_ADD / ID_REMOVE, NAME_* old and new ids,
 *   the X_RECEIVERS of the playground's kernel extension);
 * - cookies and cookie_reply (one numbering: a reply names its call);
 * - message deadlines (timeout_ns is an absolute CLOCK_MONOTONIC time);
 * - pids, tids and ppids (one numbering), the agent's pid, the pid of a
 *   refused HELLO (X_HELLO_REFUSED);
 * - TIMESTAMP items: seqnum, monotonic_ns, realtime_ns (each its own);
 * - bus id128s (→ "00000000-0000-0000-0000-00000000000N") and the id of
 *   the bus creator's info.
 * SET TO 0: PAYLOAD_OFF offsets and PAYLOAD_VEC addresses (where the
 * receiver's pool had room, which depends on what it freed and when).
 *
 * DROPPED, because when they come depends on timing, not on the commands:
 * - every snapshot but the first (begin, its restated world, end): a later
 *   snapshot restates the world whenever someone asks (a `sync`); the first
 *   is kept as the world the commands started from;
 * - NAMES events where they occur: the agent sends the name table after a
 *   batch of NAME_* notifications (how many land in one batch is timing)
 *   and on its 500 ms tick. The notifications themselves are kept. In their
 *   place, one NAMES per bus still present at the end is appended, holding
 *   the last table seen: the settled name table (with queued owners, which
 *   no notification shows).
 *
 * Not hidden: periodic traffic of the programs themselves (e.g. the Tick
 * signal `kdbus serve` broadcasts every 10 s) — it is part of what ran, so
 * comparisons of runs of different length may differ by such signals.
 */
import type { KdbusInfo, KdbusItem, KdbusMsg, TraceEvent, U64 } from '../trace/events.js';

const BROADCAST = '18446744073709551615';

/** A bijection from seen values to 1, 2, …, in order of first appearance. */
class Numbering {
  private readonly map = new Map<string, number>();
  constructor(private readonly keep: readonly string[] = ['0']) {}
  of(v: U64): U64 {
    const key = String(v);
    if (this.keep.includes(key)) return v;
    let n = this.map.get(key);
    if (n === undefined) {
      n = this.map.size + 1;
      this.map.set(key, n);
    }
    return n;
  }
  num(v: number): number {
    return this.of(v) as number;
  }
}

class Normaliser {
  readonly domain = new Numbering([]);
  readonly bus = new Numbering([]);
  readonly token = new Numbering();
  readonly conn = new Numbering(['0', BROADCAST]);
  readonly cookie = new Numbering();
  readonly deadline = new Numbering();
  readonly pid = new Numbering();
  readonly tsSeq = new Numbering();
  readonly tsMono = new Numbering();
  readonly tsReal = new Numbering();
  readonly busId = new Numbering();
  private readonly id128 = new Map<string, string>();

  uuid(v: string): string {
    let u = this.id128.get(v);
    if (u === undefined) {
      u = `00000000-0000-0000-0000-${String(this.id128.size + 1).padStart(12, '0')}`;
      this.id128.set(v, u);
    }
    return u;
  }

  items(items: KdbusItem[]): void {
    for (const it of items) {
      switch (it.typeName) {
        case 'ID':
        case 'DST_ID':
          it.id = this.conn.of(it.id);
          break;
        case 'TIMESTAMP':
          it.timestamp.seqnum = this.tsSeq.of(it.timestamp.seqnum);
          it.timestamp.monotonic_ns = this.tsMono.of(it.timestamp.monotonic_ns);
          it.timestamp.realtime_ns = this.tsReal.of(it.timestamp.realtime_ns);
          break;
        case 'PIDS':
          it.pids.pid = this.pid.of(it.pids.pid);
          it.pids.tid = this.pid.of(it.pids.tid);
          it.pids.ppid = this.pid.of(it.pids.ppid);
          break;
        case 'NAME_ADD':
        case 'NAME_REMOVE':
        case 'NAME_CHANGE':
          it.name_change.old_id.id = this.conn.of(it.name_change.old_id.id);
          it.name_change.new_id.id = this.conn.of(it.name_change.new_id.id);
          break;
        case 'ID_ADD':
        case 'ID_REMOVE':
          it.id_change.id = this.conn.of(it.id_change.id);
          break;
        case 'X_RECEIVERS':
          it.ids = it.ids.map((id) => this.conn.of(id));
          break;
        case 'X_HELLO_REFUSED':
          it.hello_refused.pid = this.pid.of(it.hello_refused.pid);
          break;
        case 'PAYLOAD_OFF':
          it.vec.offset = 0;
          break;
        case 'PAYLOAD_VEC':
          it.vec.address = 0;
          break;
        default:
          break;
      }
    }
  }

  connInfo(info: KdbusInfo): void {
    info.id = this.conn.of(info.id);
    this.items(info.items);
  }

  msg(m: KdbusMsg): void {
    m.src_id = this.conn.of(m.src_id);
    m.dst_id = this.conn.of(m.dst_id);
    m.cookie = this.cookie.of(m.cookie);
    m.cookie_reply = this.cookie.of(m.cookie_reply);
    m.timeout_ns = this.deadline.of(m.timeout_ns);
    this.items(m.items);
  }

  event(e: TraceEvent): void {
    switch (e.type) {
      case 'agent-start':
        e.pid = this.pid.num(e.pid);
        break;
      case 'domain-add':
      case 'domain-remove':
        e.domain = this.domain.num(e.domain);
        break;
      case 'bus-add':
        e.domain = this.domain.num(e.domain);
        e.bus = this.bus.num(e.bus);
        e.busInfo.id128 = this.uuid(e.busInfo.id128);
        if (e.creator) {
          e.creator.id = this.busId.of(e.creator.id);
          this.items(e.creator.items);
        }
        break;
      case 'bus-remove':
      case 'endpoint-add':
      case 'endpoint-remove':
        e.bus = this.bus.num(e.bus);
        break;
      case 'conn-add':
        e.bus = this.bus.num(e.bus);
        e.id = this.conn.num(e.id);
        this.connInfo(e.info);
        break;
      case 'conn-remove':
        e.bus = this.bus.num(e.bus);
        e.id = this.conn.num(e.id);
        break;
      case 'names':
        e.bus = this.bus.num(e.bus);
        for (const o of e.owners) this.connInfo(o);
        break;
      case 'message':
        e.bus = this.bus.num(e.bus);
        this.msg(e.msg);
        break;
      case 'loss':
      case 'error':
        if (e.bus !== null) e.bus = this.bus.num(e.bus);
        break;
      case 'snapshot-begin':
      case 'snapshot-end':
        e.token = this.token.num(e.token);
        break;
      default:
        break;
    }
  }
}

/** The events that stay, in order, before any value is mapped (see the module comment). */
function selectEvents(events: readonly TraceEvent[]): TraceEvent[] {
  const kept: TraceEvent[] = [];
  const lastNames = new Map<number, TraceEvent>();
  let snapshots = 0;
  let inDroppedSnapshot = false;
  for (const e of events) {
    if (e.type === 'snapshot-begin') {
      snapshots++;
      inDroppedSnapshot = snapshots > 1;
    }
    const dropped = inDroppedSnapshot;
    if (e.type === 'snapshot-end') inDroppedSnapshot = false;
    if (dropped) continue;
    if (e.type === 'names') {
      lastNames.set(e.bus, e);
      continue;
    }
    if (e.type === 'bus-remove') lastNames.delete(e.bus);
    kept.push(e);
  }
  // One table per bus, in the order the buses first appear (not the order of the last tables: timing).
  const order: number[] = [];
  for (const e of kept) if ('bus' in e && typeof e.bus === 'number' && !order.includes(e.bus)) order.push(e.bus);
  const tail = [...lastNames.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([, e]) => e);
  return kept.concat(tail);
}

export function normaliseTrace(events: TraceEvent[]): TraceEvent[] {
  const n = new Normaliser();
  // Deep copies: the caller's events (often the live model's) stay untouched.
  const out = selectEvents(events).map((e) => JSON.parse(JSON.stringify(e)) as TraceEvent);
  out.forEach((e, i) => {
    n.event(e);
    e.seq = i + 1;
    e.time = i;
  });
  return out;
}
