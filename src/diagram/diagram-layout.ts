// SPDX-License-Identifier: MIT
/**
 * DiagramLayout: the sequence diagram of a BusModel under one filter —
 * which rows there are, which lifeline occupies which column on each row,
 * who sends to whom, and the call → answer arcs. Pure data; the renderers
 * (web/diagram) and the SVG export only draw it.
 *
 * It is built by walking the model's events in order, and is incremental:
 * `sync(model)` after the model grew processes only the new events, so a
 * live trace costs O(new events) per update, not O(trace). (Pairing in the
 * model is already final when we see an answer: the call came before it.)
 *
 * Columns: each bus is a group of slots, slot 0 its kernel. A connection
 * gets the lowest free slot of its bus when it appears and frees it when it
 * goes, so short-lived clients reuse columns and the diagram stays as wide
 * as the most connections alive at once, not as the trace's total (Bustle
 * removes a column when its service leaves; reuse is the same idea).
 *
 * Where a lifeline starts: at the ID_ADD notification about it when the
 * trace has one (the agent reports CONN_ADD just after the notification),
 * else at its CONN_ADD; it ends after the rows of its removal event, so the
 * ID_REMOVE notification is still on it.
 *
 * Which connections get a lifeline: all of the buses in view, unless the
 * filter narrows messages by connection, name or text — then only the ones
 * the shown rows involve (else a filtered diagram would be mostly empty
 * columns). Finding out that a connection born earlier is involved means
 * the columns before were wrong: the layout then rebuilds itself.
 */
import type { BusModel } from '../model/bus-model.js';
import { type LogFilter, filterLog } from '../model/log-filter.js';
import { type CallOutcome, isTraceReport, type LogEntry, type MessageEntry } from '../model/message-log.js';
import type { EventIndex } from '../model/world.js';
import type { TraceEvent } from '../trace/events.js';
import type { Arc, BusGroup, Lifeline, LifelineKind } from './types.js';

/** Arcs overlapping on one lifeline nest up to this many lanes; more share the outermost. */
export const MAX_ARC_LANES = 4;
/** Rows per bucket of the arc index (an arc is listed in every bucket it crosses). */
const ARC_BUCKET = 32;
/** Rows per block whose last change is tracked (the renderer's tiles are this size). */
export const CHANGE_BLOCK = 16;

const key = (bus: number, id: number): string => `${bus}:${id}`;

/** Whether the filter narrows messages to some connections (then only involved connections get lifelines). */
export function narrowsConnections(f: LogFilter): boolean {
  return f.connection !== undefined || !!f.name || !!f.text;
}

/** The connections a message involves: sender, destination, and whom a notification is about. */
export function involvedIds(m: MessageEntry): number[] {
  const ids = [m.sender];
  if (m.destination !== null) ids.push(m.destination);
  const s = m.subject;
  if (s) for (const id of [s.id, s.oldOwner, s.newOwner]) if (id !== null) ids.push(id);
  return ids;
}

function outcomeOf(answer: MessageEntry): CallOutcome {
  if (answer.messageKind === 'error') return 'error';
  if (answer.notification === 'REPLY_TIMEOUT') return 'timeout';
  if (answer.notification === 'REPLY_DEAD') return 'dead';
  return 'reply';
}

export class DiagramLayout {
  readonly filter: LogFilter;
  readonly involvedOnly: boolean;
  readonly lifelines: Lifeline[] = [];
  readonly groups: BusGroup[] = [];
  readonly arcs: Arc[] = [];
  /** Grows by one whenever a sync changed something (for memoised views). */
  revision = 0;

  private model: BusModel | null = null;
  private nextEvent = 0;
  private nextLog = 0;
  /** Per row: log index, sender and destination lifelines (−1: none), arc (−1: none). */
  private rowLog: number[] = [];
  private rowFrom: number[] = [];
  private rowTo: number[] = [];
  private rowArc: number[] = [];
  /** Per log index: its row, or −1 when filtered out. */
  private logRow: number[] = [];
  private groupOfBus = new Map<number, number>();
  /** `bus:id` → its current lifeline (alive, or an inferred one not yet displaced). */
  private open = new Map<string, number>();
  private arcBuckets: number[][] = [];
  private arcsOf = new Map<number, number[]>();
  /** Involved-only mode: the `bus:id` keys the filtered rows involve. */
  private involved = new Set<string>();
  /** Per block of CHANGE_BLOCK rows: the revision that last changed how one of its rows is drawn. */
  private blockRevision: number[] = [];

  constructor(filter: LogFilter) {
    this.filter = filter;
    this.involvedOnly = narrowsConnections(filter);
  }

  get rowCount(): number {
    return this.rowLog.length;
  }

  /** Columns over all groups. */
  get columnCount(): number {
    let n = 0;
    for (const g of this.groups) n += g.slots.length;
    return n;
  }

  /** Catches up with `model` (a different model, or one that shrank, starts over). Returns whether anything changed. */
  sync(model: BusModel): boolean {
    if (model !== this.model || model.events.length < this.nextEvent || model.log.length < this.nextLog) this.reset(model);
    const events = model.events;
    if (this.nextEvent >= events.length) return false;
    const log = model.log;
    const fresh = filterLog(log.slice(this.nextLog), this.filter);
    if (this.involvedOnly && this.learnInvolved(model, fresh)) {
      // A connection seen before is involved after all: its column was never allocated. Start over.
      this.reset(model);
      return this.sync(model);
    }
    let p = 0;
    for (let e = this.nextEvent; e < events.length; e++) {
      for (let entry = log[this.nextLog]; entry && entry.eventIndex <= e; entry = log[++this.nextLog]) {
        if (entry.kind === 'message' && entry.notification === 'ID_ADD' && entry.subject?.id != null) {
          this.birth(entry.bus, entry.subject.id, 'peer', true, e);
        }
        if (fresh[p] === entry.index) {
          p++;
          this.addRow(entry);
        } else {
          this.logRow.push(-1);
        }
      }
      this.structural(model, events[e]!, e);
    }
    this.nextEvent = events.length;
    this.revision++;
    return true;
  }

  // ---- reading ----

  logIndex(row: number): number {
    return this.rowLog[row] ?? -1;
  }

  entry(row: number): LogEntry | undefined {
    const i = this.rowLog[row];
    return i === undefined ? undefined : this.model?.log[i];
  }

  /** Any log entry of the model, shown or not. */
  logEntry(logIndex: number): LogEntry | undefined {
    return this.model?.log[logIndex];
  }

  /** The row of log entry `logIndex`, or −1 if it is filtered out (or unknown). */
  rowOfLog(logIndex: number): number {
    return this.logRow[logIndex] ?? -1;
  }

  /** The first row whose log index is ≥ `logIndex` (rowCount if none). */
  rowAtOrAfterLog(logIndex: number): number {
    return this.searchRows((r) => this.rowLog[r]! >= logIndex);
  }

  /** The first row made by an event after `eventIndex` (rowCount if none): rows from there on are "later". */
  firstRowAfterEvent(eventIndex: EventIndex): number {
    const log = this.model?.log;
    if (!log) return 0;
    return this.searchRows((r) => log[this.rowLog[r]!]!.eventIndex > eventIndex);
  }

  from(row: number): Lifeline | null {
    return this.lifelines[this.rowFrom[row] ?? -1] ?? null;
  }

  to(row: number): Lifeline | null {
    return this.lifelines[this.rowTo[row] ?? -1] ?? null;
  }

  /**
   * The revision that last changed anything drawn on rows of block `b`
   * (rows b·CHANGE_BLOCK …): new rows, an arc reaching back over it, a
   * lifeline starting, ending or stretching there. A renderer may keep a
   * block's drawing while this stays the same (and its columns do).
   */
  blockChangedAt(b: number): number {
    return this.blockRevision[b] ?? 0;
  }

  /** The arc that starts or ends on `row`. */
  arcAt(row: number): Arc | null {
    return this.arcs[this.rowArc[row] ?? -1] ?? null;
  }

  /** Arcs that cross rows first..last (inclusive), each once, in creation order. */
  arcsIn(first: number, last: number): Arc[] {
    const seen = new Set<number>();
    for (let b = Math.max(0, Math.floor(first / ARC_BUCKET)); b <= Math.floor(last / ARC_BUCKET); b++) {
      for (const a of this.arcBuckets[b] ?? []) {
        const arc = this.arcs[a]!;
        if (arc.callRow <= last && arc.replyRow >= first) seen.add(a);
      }
    }
    return [...seen].sort((x, y) => x - y).map((a) => this.arcs[a]!);
  }

  /** The lifeline in `slot` of `group` on `row`, if any. */
  occupant(group: number, slot: number, row: number): Lifeline | null {
    const list = this.groups[group]?.slots[slot];
    if (!list) return null;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lifelines[list[mid]!]!.startRow <= row) lo = mid + 1;
      else hi = mid;
    }
    const l = lo > 0 ? this.lifelines[list[lo - 1]!] : undefined;
    return l && row <= l.endRow ? l : null;
  }

  /** Lifelines that exist on some row of first..last, by group, slot and row. */
  lifelinesIn(first: number, last: number): Lifeline[] {
    const out: Lifeline[] = [];
    for (const g of this.groups) {
      for (const list of g.slots) {
        // Within a slot, lifelines follow each other: skip those that ended before `first`.
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (this.lifelines[list[mid]!]!.endRow < first) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < list.length; i++) {
          const l = this.lifelines[list[i]!]!;
          if (l.startRow > last) break;
          out.push(l);
        }
      }
    }
    return out;
  }

  /**
   * Where a broadcast on `row` goes. When the trace says (the project's
   * kernel extension gives each signal an X_RECEIVERS item), exactly the
   * connections the kernel queued it on, in delivery order. Old traces do
   * not say, and a plain kdbus monitor cannot see it: then this is every
   * connection alive on the bus then except the sender, monitors, and the
   * subject of an ID_ADD/ID_REMOVE — what a broadcast reaches when every
   * connection matches it (BROADCAST_NOTE). Either way restricted to
   * connections with a column on that row. A refused HELLO goes to nobody.
   */
  fanOut(row: number): Lifeline[] {
    const e = this.entry(row);
    if (e?.kind !== 'message' || !e.broadcast || isTraceReport(e)) return [];
    const g = this.groupOfBus.get(e.bus);
    const group = g === undefined ? undefined : this.groups[g];
    if (!group) return [];
    const alive: Lifeline[] = [];
    for (let s = 1; s < group.slots.length; s++) {
      const l = this.occupant(group.index, s, row);
      if (l && l.kind !== 'kernel') alive.push(l);
    }
    if (e.receivers !== null) {
      const byId = new Map(alive.map((l) => [l.id, l]));
      // A receiver without a column (filtered away, or never introduced) is skipped.
      return e.receivers.map((id) => byId.get(id)).filter((l): l is Lifeline => l !== undefined);
    }
    const skip = e.notification === 'ID_ADD' || e.notification === 'ID_REMOVE' ? e.subject?.id : undefined;
    return alive.filter((l) => l.kind !== 'monitor' && l.id !== e.sender && l.id !== skip);
  }

  /** Whether the fan-out of the broadcast on `row` is what the kernel reported (false: the approximation). */
  exactFanOut(row: number): boolean {
    const e = this.entry(row);
    return e?.kind === 'message' && e.broadcast && e.receivers !== null;
  }

  /**
   * Whether the unicast signal on `row` was dropped: the trace says who got
   * it (X_RECEIVERS) and its destination is not among them (no match rule
   * of the destination matched it, or policy hid the sender). False when
   * the trace does not say.
   */
  dropped(row: number): boolean {
    const e = this.entry(row);
    return e?.kind === 'message' && e.messageKind === 'unicast-signal' && e.receivers !== null && (e.destination === null || !e.receivers.includes(e.destination));
  }

  /** Bus group of `bus`, if it has one. */
  groupOf(bus: number): BusGroup | undefined {
    const g = this.groupOfBus.get(bus);
    return g === undefined ? undefined : this.groups[g];
  }

  // ---- building ----

  private searchRows(pred: (row: number) => boolean): number {
    let lo = 0;
    let hi = this.rowLog.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Rows first..last are drawn differently from the coming revision on. */
  private touch(first: number, last: number): void {
    const rev = this.revision + 1;
    for (let b = Math.max(0, Math.floor(first / CHANGE_BLOCK)); b <= Math.floor(last / CHANGE_BLOCK); b++) this.blockRevision[b] = rev;
  }

  private reset(model: BusModel): void {
    this.model = model;
    this.nextEvent = 0;
    this.nextLog = 0;
    this.rowLog = [];
    this.rowFrom = [];
    this.rowTo = [];
    this.rowArc = [];
    this.logRow = [];
    this.lifelines.length = 0;
    this.groups.length = 0;
    this.arcs.length = 0;
    this.groupOfBus.clear();
    this.open.clear();
    this.arcBuckets = [];
    this.arcsOf.clear();
    this.involved.clear();
    this.blockRevision = [];
    if (this.involvedOnly) this.learnInvolved(model, filterLog(model.log, this.filter));
  }

  /** Notes the connections `indices` involve; true if one of them appeared before the events already processed. */
  private learnInvolved(model: BusModel, indices: readonly number[]): boolean {
    let stale = false;
    for (const i of indices) {
      const e = model.log[i];
      if (e?.kind !== 'message') continue;
      for (const id of involvedIds(e)) {
        const k = key(e.bus, id);
        if (id === 0 || this.involved.has(k)) continue;
        this.involved.add(k);
        const rec = model.connection(e.bus, id);
        if (rec && rec.firstEventIndex < this.nextEvent) stale = true;
      }
    }
    // The connection the filter names is involved even where no row shows it yet.
    const c = this.filter.connection;
    if (c !== undefined) {
      for (const rec of model.connections) {
        const k = key(rec.bus, rec.id);
        if (rec.id !== c || this.involved.has(k)) continue;
        this.involved.add(k);
        if (rec.firstEventIndex < this.nextEvent) stale = true;
      }
    }
    return stale;
  }

  private busInView(bus: number): boolean {
    return this.filter.bus === undefined || this.filter.bus === bus;
  }

  private wanted(bus: number, id: number): boolean {
    return this.busInView(bus) && (!this.involvedOnly || this.involved.has(key(bus, id)));
  }

  private addRow(entry: LogEntry): void {
    const row = this.rowLog.length;
    this.rowLog.push(entry.index);
    this.logRow.push(row);
    this.rowArc.push(-1);
    this.touch(row, row);
    if (entry.kind !== 'message') {
      this.rowFrom.push(-1);
      this.rowTo.push(-1);
      return;
    }
    const from = this.lifelineFor(entry.bus, entry.sender, row);
    const to = entry.destination === null ? -1 : this.lifelineFor(entry.bus, entry.destination, row);
    this.rowFrom.push(from);
    this.rowTo.push(to);
    if (entry.replyTo !== null) this.addArc(entry, row);
  }

  private addArc(answer: MessageEntry, replyRow: number): void {
    const callRow = this.logRow[answer.replyTo!] ?? -1;
    const caller = this.rowFrom[callRow] ?? -1;
    if (callRow < 0 || caller < 0) return;
    let list = this.arcsOf.get(caller);
    if (!list) this.arcsOf.set(caller, (list = []));
    // Arcs on this lifeline still open at the call overlap this one; they ended earlier, so they are inside it.
    const used = new Set<number>();
    for (let i = list.length - 1; i >= 0; i--) {
      const a = this.arcs[list[i]!]!;
      if (a.replyRow < callRow) break;
      used.add(a.lane);
    }
    let lane = 0;
    while (used.has(lane) && lane < MAX_ARC_LANES - 1) lane++;
    const arc: Arc = {
      index: this.arcs.length,
      callRow,
      replyRow,
      lifeline: caller,
      lane,
      outcome: outcomeOf(answer),
      latencyNs: answer.latencyNs,
    };
    this.arcs.push(arc);
    list.push(arc.index);
    this.rowArc[callRow] = arc.index;
    this.rowArc[replyRow] = arc.index;
    this.touch(callRow, replyRow);
    for (let b = Math.floor(callRow / ARC_BUCKET); b <= Math.floor(replyRow / ARC_BUCKET); b++) {
      (this.arcBuckets[b] ??= []).push(arc.index);
    }
  }

  /** The lifeline of connection `id` (0: the kernel) on `row`, made up if the trace never introduced it. */
  private lifelineFor(bus: number, id: number, row: number): number {
    const k = key(bus, id);
    const li = this.open.get(k);
    if (li !== undefined) {
      const l = this.lifelines[li]!;
      if (l.kind === 'inferred' && row > l.endRow) {
        this.touch(l.endRow, row);
        l.endRow = row;
      }
      return li;
    }
    const g = this.ensureGroup(bus, row, false, null);
    if (id === 0) return this.groups[g]!.slots[0]!.at(-1)!;
    return this.addLifeline(bus, id, 'inferred', g, row, row, false, null);
  }

  /** The group of `bus`, with a live kernel lifeline starting at `row` if it had none. */
  private ensureGroup(bus: number, row: number, born: boolean, event: EventIndex | null): number {
    let g = this.groupOfBus.get(bus);
    if (g === undefined) {
      g = this.groups.length;
      this.groups.push({ index: g, bus, slots: [[]] });
      this.groupOfBus.set(bus, g);
    }
    if (!this.open.has(key(bus, 0))) {
      const l = this.push({ bus, id: 0, kind: 'kernel', group: g, slot: 0, startRow: row, endRow: Infinity, born, died: false, startEvent: event, endEvent: null });
      this.groups[g]!.slots[0]!.push(l.index);
      this.open.set(key(bus, 0), l.index);
    }
    return g;
  }

  private push(l: Omit<Lifeline, 'index'>): Lifeline {
    const full: Lifeline = { index: this.lifelines.length, ...l };
    this.lifelines.push(full);
    return full;
  }

  private addLifeline(
    bus: number,
    id: number,
    kind: LifelineKind,
    g: number,
    startRow: number,
    endRow: number,
    born: boolean,
    event: EventIndex | null,
  ): number {
    const group = this.groups[g]!;
    const slot = this.freeSlot(group, startRow);
    const l = this.push({ bus, id, kind, group: g, slot, startRow, endRow, born, died: false, startEvent: event, endEvent: null });
    (group.slots[slot] ??= []).push(l.index);
    this.open.set(key(bus, id), l.index);
    return l.index;
  }

  /** Lowest slot (≥ 1) free on `row`: empty or ended; failing that, one whose inferred lifeline was last mentioned before. */
  private freeSlot(group: BusGroup, row: number): number {
    let inferred = -1;
    for (let s = 1; s < group.slots.length; s++) {
      const last = group.slots[s]!.at(-1);
      const l = last === undefined ? undefined : this.lifelines[last]!;
      if (!l || (l.kind !== 'inferred' && l.endRow < row)) return s;
      if (inferred < 0 && l.kind === 'inferred' && l.endRow < row) inferred = s;
    }
    if (inferred >= 0) {
      // Displace it: if the connection is mentioned again, it gets a new lifeline elsewhere.
      const l = this.lifelines[group.slots[inferred]!.at(-1)!]!;
      if (this.open.get(key(l.bus, l.id)) === l.index) this.open.delete(key(l.bus, l.id));
      return inferred;
    }
    group.slots.push([]);
    return group.slots.length - 1;
  }

  private birth(bus: number, id: number, kind: LifelineKind, born: boolean, event: EventIndex): void {
    if (!this.wanted(bus, id)) return;
    const li = this.open.get(key(bus, id));
    if (li !== undefined) {
      // Already there (its ID_ADD came first, or messages named it before the agent did): now it is known.
      const l = this.lifelines[li]!;
      if (l.kind === 'inferred') {
        this.touch(l.startRow, this.rowLog.length);
        l.kind = kind;
        l.endRow = Infinity;
      } else if (kind === 'monitor' && l.kind !== kind) {
        this.touch(l.startRow, this.rowLog.length);
        l.kind = kind;
      }
      l.startEvent ??= event;
      return;
    }
    const row = this.rowLog.length;
    const g = this.ensureGroup(bus, row, false, null);
    this.addLifeline(bus, id, kind, g, row, Infinity, born, event);
  }

  private death(bus: number, id: number, event: EventIndex): void {
    const k = key(bus, id);
    const li = this.open.get(k);
    if (li === undefined) return;
    this.open.delete(k);
    const l = this.lifelines[li]!;
    if (l.kind === 'inferred') return; // it ends where it was last mentioned
    l.endRow = this.rowLog.length - 1;
    l.died = true;
    this.touch(l.endRow, l.endRow);
    l.endEvent = event;
    if (l.endRow < l.startRow) {
      // Born and gone with no row in between (e.g. before a filter's first row): it takes no column.
      const list = this.groups[l.group]!.slots[l.slot]!;
      if (list.at(-1) === li) list.pop();
    }
  }

  private structural(model: BusModel, e: TraceEvent, index: EventIndex): void {
    switch (e.type) {
      case 'bus-add':
        if (this.busInView(e.bus) && !this.involvedOnly && !this.open.has(key(e.bus, 0))) {
          const during = model.snapshotAt(index).world.snapshot !== null;
          this.ensureGroup(e.bus, this.rowLog.length, !during, index);
        }
        break;
      case 'conn-add': {
        const conn = model.snapshotAt(index).world.buses.get(e.bus)?.connections.get(e.id);
        this.birth(e.bus, e.id, conn?.monitor ? 'monitor' : 'peer', !e.fromSnapshot, index);
        break;
      }
      case 'conn-remove':
        this.death(e.bus, e.id, index);
        break;
      case 'bus-remove':
      case 'domain-remove':
      case 'snapshot-end': {
        // Removals these imply are in the model's records (connections) and worlds (buses).
        const buses = model.snapshotAt(index).world.buses;
        for (const li of [...this.open.values()]) {
          const l = this.lifelines[li]!;
          if (!buses.has(l.bus) || (l.id !== 0 && model.connection(l.bus, l.id)?.removedAt === index)) this.death(l.bus, l.id, index);
        }
        break;
      }
      default:
        break;
    }
  }
}
