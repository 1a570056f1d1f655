// SPDX-License-Identifier: MIT
/**
 * BusModel: the bus world and its message log, built incrementally from
 * TraceEvents — live as they stream in (`apply`), or all at once from an
 * imported JSON trace (`applyAll`). Pure data, no DOM, no Node.
 *
 * Scrubbing ("the world as of event i"): the world changes only on
 * structural events, which are rare next to messages, and worlds are
 * immutable values sharing unchanged parts (world.ts). So the model keeps
 * the world after *every* change, tagged with its event index, and
 * `snapshotAt(i)` is a binary search — no replay, O(log n) for any i, and a
 * 50,000-message trace costs no world copies at all for its messages. The
 * log is append-only, so "the log as of i" is a prefix (`logLengthAt`).
 *
 * Change notification: `version` grows by one per `apply`/`applyAll` call;
 * `subscribe` listeners run after each such call.
 *
 * Cost: applying an event is O(1) for messages (plus decoding the D-Bus
 * header); structural events copy the maps they change (O(size of one bus)).
 */
import type { DbusDecodeResult } from '../dbus/message.js';
import type { ErrorEvent, LossEvent, MessageEvent, TraceEvent } from '../trace/events.js';
import { decodeDbusPayload } from './dbus-summary.js';
import { type LogFilter, filterLog } from './log-filter.js';
import { messageEntry } from './message-entry.js';
import type { CallOutcome, LogEntry, MessageEntry } from './message-log.js';
import { type ReduceContext, type RemovalCause, connKey, reduceWorld } from './world-reducer.js';
import { type ConnectionState, EMPTY_WORLD, type EventIndex, type World } from './world.js';

export interface ModelStats {
  /** Events applied (all kinds). */
  events: number;
  messages: number;
  /** `malformed` events (frames whose body broke the contract). */
  malformed: number;
  /** Events of a type this version does not know. */
  unknownEvents: number;
  /** Events whose body ended early at a broken field (`fieldError`). */
  fieldErrors: number;
  /** Sequence jumps, and the number of events they skipped. */
  seqGaps: number;
  missingEvents: number;
  /** Sequence numbers that went backwards outside an agent start (a new stream). */
  seqResets: number;
  losses: number;
  /** Messages the kernel dropped for the agent's monitor (LOSS reason 1 counts). */
  kernelDropped: number;
  /** Events the agent dropped (LOSS reason 2 counts). */
  agentDropped: number;
  agentErrors: number;
  snapshots: number;
  /** Snapshots that could not be trusted to remove anything (events missed during them). */
  incompleteSnapshots: number;
  /** Structural events about a bus the model does not know. */
  orphanEvents: number;
  /** Replies / REPLY_* notifications whose call is not in the trace. */
  unpairedAnswers: number;
  /** Events the model failed on (a bug; the event is kept, the model goes on). */
  internalErrors: number;
}

/** The life of one connection across the whole trace (it outlives the connection). */
export interface ConnectionRecord {
  bus: number;
  id: number;
  /** Event that first reported it (CONN_ADD). */
  firstEventIndex: EventIndex;
  /** Last event that involved it (its CONN_ADD/removal, or a message from or to it). */
  lastEventIndex: EventIndex;
  removedAt: EventIndex | null;
  removedBy: RemovalCause | null;
  fromSnapshot: boolean;
  description: string | null;
  comm: string | null;
  pid: number | null;
  uid: number | null;
  /** Messages it sent; unicast messages addressed to it, and signals the trace says it received (X_RECEIVERS). */
  sent: number;
  received: number;
}

export interface WorldView {
  /** The last event included (−1: none). */
  eventIndex: EventIndex;
  world: World;
  /** Log entries made by events 0..eventIndex. */
  logLength: number;
}

function emptyStats(): ModelStats {
  return {
    events: 0,
    messages: 0,
    malformed: 0,
    unknownEvents: 0,
    fieldErrors: 0,
    seqGaps: 0,
    missingEvents: 0,
    seqResets: 0,
    losses: 0,
    kernelDropped: 0,
    agentDropped: 0,
    agentErrors: 0,
    snapshots: 0,
    incompleteSnapshots: 0,
    orphanEvents: 0,
    unpairedAnswers: 0,
    internalErrors: 0,
  };
}

export class BusModel {
  private readonly eventList: TraceEvent[] = [];
  private readonly logList: LogEntry[] = [];
  private readonly messageList: MessageEntry[] = [];
  /** World after each change, in event order. */
  private readonly worlds: { eventIndex: EventIndex; world: World }[] = [];
  private current: World = EMPTY_WORLD;
  private readonly ctx: ReduceContext = { snapshot: null, changes: [], orphans: 0 };
  private readonly records = new Map<string, ConnectionRecord>();
  private readonly recordList: ConnectionRecord[] = [];
  /** Calls waiting for their answer: `bus:requester:cookie` → log index. */
  private readonly pendingCalls = new Map<string, number>();
  private lastSeq: number | null = null;
  private versionCount = 0;
  private readonly listeners = new Set<() => void>();
  private readonly dbusCache = new WeakMap<MessageEntry, DbusDecodeResult | null>();
  private readonly statsData: ModelStats = emptyStats();

  /** Every event applied; event index = position here. */
  get events(): readonly TraceEvent[] {
    return this.eventList;
  }

  get log(): readonly LogEntry[] {
    return this.logList;
  }

  /** The message entries of the log alone, in order (for the sequence diagram). */
  get messages(): readonly MessageEntry[] {
    return this.messageList;
  }

  /** The world after the last event. */
  get world(): World {
    return this.current;
  }

  get version(): number {
    return this.versionCount;
  }

  get stats(): Readonly<ModelStats> {
    return this.statsData;
  }

  /** Every connection the trace has shown, in order of appearance (removed ones included). */
  get connections(): readonly ConnectionRecord[] {
    return this.recordList;
  }

  /** The latest record of connection `id` on `bus`. */
  connection(bus: number, id: number): ConnectionRecord | undefined {
    return this.records.get(connKey(bus, id));
  }

  apply(e: TraceEvent): void {
    this.applyOne(e);
    this.changed();
  }

  applyAll(events: Iterable<TraceEvent>): void {
    for (const e of events) this.applyOne(e);
    this.changed();
  }

  /** Runs `listener` after every apply/applyAll; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The world and log length as of event `eventIndex` (clamped to the events there are). */
  snapshotAt(eventIndex: EventIndex): WorldView {
    const i = Math.min(Math.floor(eventIndex), this.eventList.length - 1);
    if (!(i >= 0)) return { eventIndex: -1, world: EMPTY_WORLD, logLength: 0 };
    // Last world with eventIndex ≤ i.
    let lo = 0;
    let hi = this.worlds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.worlds[mid]!.eventIndex <= i) lo = mid + 1;
      else hi = mid;
    }
    const world = lo === 0 ? EMPTY_WORLD : this.worlds[lo - 1]!.world;
    return { eventIndex: i, world, logLength: this.logLengthAt(i) };
  }

  /** Number of log entries made by events 0..eventIndex. */
  logLengthAt(eventIndex: EventIndex): number {
    let lo = 0;
    let hi = this.logList.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.logList[mid]!.eventIndex <= eventIndex) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Log indices of the entries that pass `f` (see log-filter.ts). */
  filter(f: LogFilter): number[] {
    return filterLog(this.logList, f);
  }

  /** The full D-Bus message (body included) of a message entry, decoded once on first request. */
  dbusMessage(entry: MessageEntry): DbusDecodeResult | null {
    if (this.dbusCache.has(entry)) return this.dbusCache.get(entry) ?? null;
    const r = decodeDbusPayload(entry.event.msg);
    this.dbusCache.set(entry, r);
    return r;
  }

  private changed(): void {
    this.versionCount++;
    for (const l of this.listeners) l();
  }

  private applyOne(e: TraceEvent): void {
    const index = this.eventList.length;
    this.eventList.push(e);
    this.statsData.events++;
    try {
      this.track(e, index);
    } catch {
      // Only a bug in the model gets here; keep the event and go on rather than break the views.
      this.statsData.internalErrors++;
    }
  }

  private track(e: TraceEvent, index: EventIndex): void {
    const s = this.statsData;
    if (e.fieldError !== undefined) s.fieldErrors++;

    // Sequence numbers: a jump is a gap (a reason-2 LOSS of the same size explains it).
    let gap = 0;
    if (e.type !== 'agent-start' && this.lastSeq !== null) {
      if (e.seq > this.lastSeq + 1) gap = e.seq - this.lastSeq - 1;
      else if (e.seq <= this.lastSeq) s.seqResets++;
    }
    this.lastSeq = e.seq;
    const explained = gap > 0 && e.type === 'loss' && e.reason === 2 && e.count === gap;
    if (gap > 0) {
      s.seqGaps++;
      s.missingEvents += gap;
      if (this.ctx.snapshot) this.ctx.snapshot.complete = false;
      if (!explained) {
        this.push({ kind: 'gap', index: 0, eventIndex: index, seq: e.seq, time: e.time, firstMissing: e.seq - gap, count: gap });
      }
    }

    switch (e.type) {
      case 'message':
        this.onMessage(e, index);
        break;
      case 'loss':
        this.onLoss(e, index, explained ? gap : 0);
        break;
      case 'error':
        this.onAgentError(e, index);
        break;
      case 'malformed':
        s.malformed++;
        if (this.ctx.snapshot) this.ctx.snapshot.complete = false;
        break;
      case 'unknown':
        s.unknownEvents++;
        break;
      case 'agent-start':
        this.push({
          kind: 'agent-start',
          index: 0,
          eventIndex: index,
          seq: e.seq,
          time: e.time,
          agent: e.agent,
          kernelRelease: e.kernelRelease,
          pid: e.pid,
        });
        break;
      default:
        break;
    }

    const before = this.current;
    const orphans = this.ctx.orphans;
    const world = reduceWorld(before, e, index, this.ctx);
    s.orphanEvents += this.ctx.orphans - orphans;
    this.ctx.orphans = 0;
    if (world !== before) {
      this.current = world;
      this.worlds.push({ eventIndex: index, world });
    }
    for (const c of this.ctx.changes) {
      switch (c.type) {
        case 'conn-added':
          this.onConnAdded(c.conn, index, c.isNew);
          break;
        case 'conn-removed': {
          const r = this.records.get(connKey(c.bus, c.id));
          if (r && r.removedAt === null) {
            r.removedAt = index;
            r.removedBy = c.cause;
            r.lastEventIndex = index;
          }
          break;
        }
        case 'snapshot-ended':
          s.snapshots++;
          if (!c.complete) s.incompleteSnapshots++;
          this.push({
            kind: 'snapshot',
            index: 0,
            eventIndex: index,
            seq: e.seq,
            time: e.time,
            token: c.token,
            beginAt: c.beginAt,
            complete: c.complete,
            removed: c.removed,
          });
          break;
      }
    }
    this.ctx.changes.length = 0;
  }

  private push(entry: LogEntry): void {
    entry.index = this.logList.length;
    this.logList.push(entry);
  }

  private onConnAdded(conn: ConnectionState, index: EventIndex, isNew: boolean): void {
    const key = connKey(conn.bus, conn.id);
    let r = this.records.get(key);
    if (!r || (isNew && r.removedAt !== null)) {
      r = {
        bus: conn.bus,
        id: conn.id,
        firstEventIndex: index,
        lastEventIndex: index,
        removedAt: null,
        removedBy: null,
        fromSnapshot: conn.fromSnapshot,
        description: null,
        comm: null,
        pid: null,
        uid: null,
        sent: 0,
        received: 0,
      };
      this.records.set(key, r);
      this.recordList.push(r);
    }
    r.lastEventIndex = index;
    r.description = conn.description;
    r.comm = conn.comm;
    r.pid = conn.pid;
    r.uid = conn.uid;
  }

  private onMessage(e: MessageEvent, index: EventIndex): void {
    this.statsData.messages++;
    const entry = messageEntry(e, this.logList.length, index, this.current);
    this.push(entry);
    this.messageList.push(entry);

    const from = this.records.get(connKey(e.bus, entry.sender));
    if (from) {
      from.sent++;
      from.lastEventIndex = index;
    }
    // Exact receivers when the trace names them (the kernel extension's X_RECEIVERS), else the destination.
    for (const id of entry.receivers ?? (entry.destination !== null ? [entry.destination] : [])) {
      const to = this.records.get(connKey(e.bus, id));
      if (to) {
        to.received++;
        to.lastEventIndex = index;
      }
    }

    if (entry.messageKind === 'method-call' && entry.expectReply) {
      this.pendingCalls.set(`${e.bus}:${entry.sender}:${entry.cookie}`, entry.index);
      return;
    }
    const answer: CallOutcome | null =
      entry.messageKind === 'method-return'
        ? 'reply'
        : entry.messageKind === 'error'
          ? 'error'
          : entry.notification === 'REPLY_TIMEOUT'
            ? 'timeout'
            : entry.notification === 'REPLY_DEAD'
              ? 'dead'
              : null;
    if (answer === null || entry.cookieReply === 0) return;
    // The answer goes to the caller, so the call is keyed by the answer's destination.
    const key = `${e.bus}:${entry.destination}:${entry.cookieReply}`;
    const callIndex = this.pendingCalls.get(key);
    const call = callIndex === undefined ? undefined : this.logList[callIndex];
    if (call?.kind !== 'message') {
      this.statsData.unpairedAnswers++;
      return;
    }
    this.pendingCalls.delete(key);
    const latency =
      call.timestamp && entry.timestamp ? entry.timestamp.monotonicNs - call.timestamp.monotonicNs : null;
    call.reply = entry.index;
    call.outcome = answer;
    call.latencyNs = latency;
    entry.replyTo = call.index;
    entry.latencyNs = latency;
  }

  private onLoss(e: LossEvent, index: EventIndex, seqGap: number): void {
    const s = this.statsData;
    s.losses++;
    if (e.reason === 1) s.kernelDropped += e.count;
    if (e.reason === 2) {
      s.agentDropped += e.count;
      if (this.ctx.snapshot) this.ctx.snapshot.complete = false;
    }
    this.push({
      kind: 'loss',
      index: 0,
      eventIndex: index,
      seq: e.seq,
      time: e.time,
      bus: e.bus,
      count: e.count,
      reason: e.reason,
      reasonName: e.reasonName,
      seqGap,
    });
  }

  private onAgentError(e: ErrorEvent, index: EventIndex): void {
    this.statsData.agentErrors++;
    this.push({
      kind: 'agent-error',
      index: 0,
      eventIndex: index,
      seq: e.seq,
      time: e.time,
      bus: e.bus,
      errno: e.errno,
      errnoName: e.errnoName,
      text: e.text,
    });
  }
}
