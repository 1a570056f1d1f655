// SPDX-License-Identifier: MIT
/** The sequence diagram's layout (src/diagram) on model states built from byte-level traces. */
import { describe, expect, it } from 'vitest';
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import type { Lifeline } from '../../src/diagram/types.js';
import { isPendingAsOf } from '../../src/diagram/row-shapes.js';
import { BusModel } from '../../src/model/bus-model.js';
import type { LogFilter } from '../../src/model/log-filter.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { BusScript, busyScenario, ECHO, echoScenario, modelOf } from '../fixtures/traces/diagram-scenarios.js';
import { KDBUS, items, kdbusMsg } from '../helpers/trace-builder.js';


function layoutOf(model: BusModel, filter: LogFilter = {}): DiagramLayout {
  const l = new DiagramLayout(filter);
  l.sync(model);
  return l;
}

/** A lifeline as a test states it. */
const life = (l: Lifeline | null) =>
  l && { id: l.id, kind: l.kind, slot: l.slot, start: l.startRow, end: l.endRow, born: l.born, died: l.died };

/** Rows as [kind, from id, to id] (band rows: [entry kind]). */
function rowsOf(layout: DiagramLayout): (string | number | null)[][] {
  const out: (string | number | null)[][] = [];
  for (let r = 0; r < layout.rowCount; r++) {
    const e = layout.entry(r)!;
    if (e.kind !== 'message') out.push([e.kind]);
    else out.push([e.notification ?? e.messageKind, layout.from(r)?.id ?? null, layout.to(r)?.id ?? null]);
  }
  return out;
}

describe('diagram layout of the echo scenario', () => {
  const model = modelOf(echoScenario().events());
  const layout = layoutOf(model);

  it('has one row per log entry, in kernel order, with sender and receiver lifelines', () => {
    expect(model.stats.internalErrors).toBe(0);
    expect(layout.rowCount).toBe(model.log.length);
    expect(rowsOf(layout)).toEqual([
      ['agent-start'],
      ['snapshot'],
      ['ID_ADD', 0, null],
      ['NAME_ADD', 0, null],
      ['method-call', 3, 2], // to org.example.Echo, resolved to its owner
      ['method-return', 2, 3],
      ['method-call', 3, 2],
      ['error', 2, 3],
      ['method-call', 3, 2], // Note, no reply wanted
      ['signal', 2, null],
      ['unicast-signal', 2, 3],
      ['ID_REMOVE', 0, null],
      ['ID_ADD', 0, null],
      ['method-call', 4, 2],
      ['REPLY_TIMEOUT', 0, 4],
      ['method-call', 4, null], // to a name nobody owns
      ['loss'],
    ]);
  });

  it('gives each connection a lifeline from its appearance to its removal, reusing freed columns', () => {
    expect(layout.groups).toHaveLength(1);
    expect(layout.groups[0]!.slots).toHaveLength(3);
    expect(layout.lifelines.map(life)).toEqual([
      // The start snapshot finds the bus and the service after the agent-start row.
      { id: 0, kind: 'kernel', slot: 0, start: 1, end: Infinity, born: false, died: false },
      { id: 2, kind: 'peer', slot: 1, start: 1, end: Infinity, born: false, died: false },
      // :1.3 starts on its ID_ADD row and ends after its ID_REMOVE row.
      { id: 3, kind: 'peer', slot: 2, start: 2, end: 11, born: true, died: true },
      // :1.4 takes the column :1.3 left.
      { id: 4, kind: 'peer', slot: 2, start: 12, end: Infinity, born: true, died: false },
    ]);
    expect(life(layout.occupant(0, 2, 11))?.id).toBe(3);
    expect(life(layout.occupant(0, 2, 12))?.id).toBe(4);
    expect(layout.occupant(0, 2, 1)).toBeNull();
    expect(layout.occupant(0, 0, 0)).toBeNull();
    expect(layout.lifelinesIn(12, 16).map((l) => l.id)).toEqual([0, 2, 4]);
    expect(layout.lifelinesIn(0, 1).map((l) => l.id)).toEqual([0, 2]);
  });

  it('fans a broadcast out to the connections alive then, except the sender, and the subject of an ID_ADD/ID_REMOVE', () => {
    expect(layout.fanOut(9).map((l) => l.id)).toEqual([3]); // Pinged from :1.2
    expect(layout.fanOut(2).map((l) => l.id)).toEqual([2]); // ID_ADD :1.3 goes to :1.2, not to :1.3
    expect(layout.fanOut(3).map((l) => l.id)).toEqual([2, 3]); // NAME_ADD: both
    expect(layout.fanOut(12).map((l) => l.id)).toEqual([2]); // ID_ADD :1.4: :1.3 is gone
    expect(layout.fanOut(4)).toEqual([]); // not a broadcast
  });

  it('joins calls to their answers with arcs on the caller, with the kernel-timestamp latency', () => {
    const arcs = layout.arcs.map((a) => ({ call: a.callRow, reply: a.replyRow, caller: layout.lifelines[a.lifeline]!.id, lane: a.lane, outcome: a.outcome, latency: a.latencyNs }));
    expect(arcs).toEqual([
      { call: 4, reply: 5, caller: 3, lane: 0, outcome: 'reply', latency: 251_000 },
      { call: 6, reply: 7, caller: 3, lane: 0, outcome: 'error', latency: 81_000 },
      { call: 13, reply: 14, caller: 4, lane: 0, outcome: 'timeout', latency: 25_001_000 },
    ]);
    expect(layout.arcAt(5)).toBe(layout.arcs[0]);
    expect(layout.arcAt(4)).toBe(layout.arcs[0]);
    expect(layout.arcAt(8)).toBeNull();
    expect(layout.arcsIn(5, 6).map((a) => a.index)).toEqual([0, 1]);
    expect(layout.arcsIn(8, 12)).toEqual([]);
  });

  it('maps between rows and log entries and finds the rows after a timeline cursor', () => {
    expect(layout.rowOfLog(4)).toBe(4);
    expect(layout.logIndex(13)).toBe(13);
    const callEvent = layout.entry(4)!.eventIndex;
    expect(layout.firstRowAfterEvent(callEvent)).toBe(5);
    expect(layout.firstRowAfterEvent(-1)).toBe(0);
    expect(layout.firstRowAfterEvent(model.events.length)).toBe(layout.rowCount);
  });

  it('knows which calls wait for an answer as of a cursor', () => {
    const callEvent = layout.entry(4)!.eventIndex;
    expect(isPendingAsOf(layout, 4, callEvent)).toBe(true);
    expect(isPendingAsOf(layout, 4, callEvent + 1)).toBe(false);
    expect(isPendingAsOf(layout, 4, null)).toBe(false);
    expect(isPendingAsOf(layout, 8, null)).toBe(false); // wants no reply
    expect(isPendingAsOf(layout, 15, null)).toBe(true); // never answered
    expect(isPendingAsOf(layout, 5, null)).toBe(false); // a reply
  });
});

describe('diagram layout, incremental and filtered', () => {
  const events = echoScenario().events();

  it('builds the same diagram event by event as all at once', () => {
    const whole = layoutOf(modelOf(events));
    const model = new BusModel();
    const live = new DiagramLayout({});
    for (const e of events) {
      model.apply(e);
      live.sync(model);
    }
    expect(rowsOf(live)).toEqual(rowsOf(whole));
    expect(live.lifelines).toEqual(whole.lifelines);
    expect(live.arcs).toEqual(whole.arcs);
    expect(live.sync(model)).toBe(false);
  });

  it('with a connection filter, draws only the connections the shown rows involve', () => {
    const model = modelOf(events);
    const layout = layoutOf(model, { connection: 4 });
    expect(layout.lifelines.map((l) => l.id)).toEqual([0, 2, 4]);
    // :1.4 gets the first free column: :1.3 never had one.
    expect(life(layout.lifelines.find((l) => l.id === 4)!)).toMatchObject({ slot: 2, born: true });
    expect(rowsOf(layout).filter((r) => r.length > 1)).toEqual([
      ['ID_ADD', 0, null],
      ['method-call', 4, 2],
      ['REPLY_TIMEOUT', 0, 4],
      ['method-call', 4, null],
    ]);
    // Fan-out only reaches drawn connections.
    expect(layout.fanOut(layout.rowOfLog(12)).map((l) => l.id)).toEqual([2]);
  });

  it('rebuilds live when a connection seen earlier turns out to be involved', () => {
    const model = new BusModel();
    const live = new DiagramLayout({ text: 'Poke' });
    for (const e of events) {
      model.apply(e);
      live.sync(model);
    }
    const whole = layoutOf(model, { text: 'Poke' });
    expect(live.lifelines).toEqual(whole.lifelines);
    expect(rowsOf(live)).toEqual(rowsOf(whole));
    expect(whole.lifelines.map((l) => l.id)).toEqual([0, 2, 3]);
  });

  it('with a message-kind filter, keeps every lifeline', () => {
    const layout = layoutOf(modelOf(events), { messageKinds: ['signal'], kinds: ['message'] });
    expect(rowsOf(layout)).toEqual([['signal', 2, null]]);
    expect(layout.lifelines.map((l) => l.id)).toEqual([0, 2, 3, 4]);
    expect(layout.fanOut(0).map((l) => l.id)).toEqual([3]);
  });

  it('with a bus filter, shows only that bus', () => {
    expect(layoutOf(modelOf(events), { bus: 7 }).groups).toEqual([]);
    expect(layoutOf(modelOf(events), { bus: 1 }).rowCount).toBe(17);
  });
});

describe('diagram layout, edge cases', () => {
  it('makes up a lifeline for a connection the trace never introduced, from its first to its last mention', () => {
    const b = new BusScript().start();
    b.existing(2).snapshotEnd([[2, ECHO]]);
    const c = { cookie: 0 };
    b.call(9, 2, 'Echo', { out: c }).reply(2, 9, c.cookie).signal(2, 'Tick');
    const layout = layoutOf(modelOf(b.events()));
    const inferred = layout.lifelines.find((l) => l.id === 9)!;
    expect(life(inferred)).toEqual({ id: 9, kind: 'inferred', slot: 2, start: 2, end: 3, born: false, died: false });
    // After its last mention it is not a broadcast receiver.
    expect(layout.fanOut(4)).toEqual([]);
  });

  it('ends the kernel and connection lifelines of a removed bus', () => {
    const b = new BusScript().start();
    b.existing(2).snapshotEnd();
    b.signal(2, 'Tick');
    b.s.busRemove(1);
    const model = modelOf(b.events());
    const layout = layoutOf(model);
    expect(layout.lifelines.map(life)).toEqual([
      { id: 0, kind: 'kernel', slot: 0, start: 1, end: 2, born: false, died: true },
      { id: 2, kind: 'peer', slot: 1, start: 1, end: 2, born: false, died: true },
    ]);
  });

  it('draws a message to itself as a row from and to the same lifeline', () => {
    const b = new BusScript().start();
    b.existing(2).snapshotEnd();
    b.call(2, 2, 'Self', { noReply: true });
    const layout = layoutOf(modelOf(b.events()));
    expect(layout.from(2)).toBe(layout.to(2));
  });

  it('nests arcs of overlapping calls from one caller in lanes', () => {
    const b = new BusScript().start();
    b.existing(2).existing(3).existing(4).snapshotEnd();
    const outer = { cookie: 0 };
    const inner = { cookie: 0 };
    b.call(2, 3, 'Outer', { out: outer }).call(2, 4, 'Inner', { out: inner }).reply(4, 2, inner.cookie).reply(3, 2, outer.cookie);
    const layout = layoutOf(modelOf(b.events()));
    expect(layout.arcs.map((a) => [a.callRow, a.replyRow, a.lane])).toEqual([
      [3, 4, 0],
      [2, 5, 1],
    ]);
  });

  it('puts each bus in its own group of columns, its kernel first', () => {
    const b = new BusScript().start();
    b.existing(2).snapshotEnd([[2, ECHO]]);
    // A second bus on the same stream.
    b.s.busAdd(1, 2, '0-other').endpointAdd(2).connAdd(2, 5, { description: 'elsewhere' });
    b.signal(2, 'Tick');
    b.s.message(2, kdbusMsg({ flags: KDBUS.MSG_SIGNAL, dst: KDBUS.DST_ID_BROADCAST, src: 5, cookie: 1 }, items.timestamp(99, 6_000_000_000, 1)));
    const model = modelOf(b.events());
    const all = layoutOf(model);
    expect(all.groups.map((g) => [g.bus, g.slots.length])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(rowsOf(all).slice(-2)).toEqual([
      ['signal', 2, null],
      ['signal', 5, null],
    ]);
    expect(all.fanOut(all.rowCount - 1)).toEqual([]); // alone on its bus
    const one = layoutOf(model, { bus: 2 });
    expect(one.groups.map((g) => g.bus)).toEqual([2]);
    expect(rowsOf(one).filter((r) => r.length > 1)).toEqual([['signal', 5, null]]);
  });

  it('keeps columns bounded by the connections alive at once on a busy bus', () => {
    const model = modelOf(busyScenario(3000).events());
    const layout = layoutOf(model);
    expect(model.stats.messages).toBeGreaterThanOrEqual(3000);
    const clients = model.connections.filter((c) => c.id >= 10).length;
    expect(clients).toBeGreaterThan(100);
    // kernel + 3 services + at most 5 clients (a departing one's column frees after its row).
    expect(layout.groups[0]!.slots.length).toBeLessThanOrEqual(10);
    // Every message row has a sender lifeline that exists on that row.
    for (let r = 0; r < layout.rowCount; r++) {
      const e = layout.entry(r)!;
      if (e.kind !== 'message') continue;
      const from = layout.from(r)!;
      expect(from.startRow <= r && r <= from.endRow, `row ${r}`).toBe(true);
      expect(from.kind).not.toBe('inferred');
    }
    expect(model.stats.unpairedAnswers).toBe(0);
    expect(layout.arcs.length).toBeGreaterThan(1000);
  });
});
