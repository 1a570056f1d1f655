// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { encodeDbusMessage } from '../../src/dbus/encode.js';
import { BusModel } from '../../src/model/bus-model.js';
import { answerAsOf, type LogEntry, type MessageEntry } from '../../src/model/message-log.js';
import type { World } from '../../src/model/world.js';
import { decodeEvent } from '../../src/trace/decode-event.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { FrameReader } from '../../src/trace/frame-reader.js';
import { parseTraceLines, serializeTraceLine } from '../../src/trace/jsonl.js';
import { ITEM, KDBUS, TraceStream, concat, fields, items, kdbusInfo, kdbusMsg, notification } from '../helpers/trace-builder.js';
import { modelOf } from '../fixtures/traces/diagram-scenarios.js';

const ECHO = 'org.example.Echo';
const PATH = '/org/example/Echo';

function dbus(...args: Parameters<typeof encodeDbusMessage>): Uint8Array {
  return items.payloadInline(encodeDbusMessage(...args).length, 0, encodeDbusMessage(...args));
}

const callBytes = () =>
  kdbusMsg(
    { flags: KDBUS.MSG_EXPECT_REPLY, dst: 0, src: 3, cookie: 7, word56: 30_000_000_000 },
    items.dstName(ECHO),
    dbus({ type: 'method_call', flags: 0, serial: 7, path: PATH, interface: ECHO, member: 'Echo', destination: ECHO }, 's', [
      { type: 's', value: 'hello' },
    ]),
    items.pids(101, 101, 1),
    items.timestamp(4, 1_000_000, 1_700_000_000_001_000_000n),
  );

const replyBytes = () =>
  kdbusMsg(
    { dst: 3, src: 2, cookie: 1, word56: 7 },
    dbus({ type: 'method_return', flags: 1, serial: 1, replySerial: 7, destination: ':1.3' }, 's', [{ type: 's', value: 'hello' }]),
    items.ownedName(KDBUS.NAME_PRIMARY, ECHO),
    items.timestamp(5, 1_250_000, 1_700_000_000_001_250_000n),
  );

const signalBytes = () =>
  kdbusMsg(
    { flags: KDBUS.MSG_SIGNAL, dst: KDBUS.DST_ID_BROADCAST, src: 2, cookie: 2 },
    items.bloomFilter(0, new Uint8Array(64)),
    dbus({ type: 'signal', flags: 1, serial: 2, path: PATH, interface: ECHO, member: 'Pinged' }, '', []),
    items.timestamp(6, 1_400_000, 1_700_000_000_001_400_000n),
  );

/** The scenario of the brief; event indices in comments. */
function scenario(): TraceStream {
  return new TraceStream()
    .agentStart() // 0
    .snapshotBegin(0) // 1
    .domainAdd(1) // 2
    .snapshotEnd(0) // 3
    .busAdd(1, 1, '0-demo', { creator: kdbusInfo(1, KDBUS.MAKE_ACCESS_WORLD, items.string(ITEM.MAKE_NAME, '0-demo'), items.pids(90, 90, 1)) }) // 4
    .endpointAdd(1) // 5
    .connAdd(1, 2, { pid: 100, description: 'echo-service' }) // 6
    .message(1, notification(items.idChange(ITEM.ID_ADD, 2, KDBUS.HELLO_ACCEPT_FD), [1, 500_000])) // 7
    .connAdd(1, 3, { pid: 101, uid: 1000, description: 'client' }) // 8
    .message(1, notification(items.idChange(ITEM.ID_ADD, 3, KDBUS.HELLO_ACCEPT_FD), [2, 600_000])) // 9
    .message(1, notification(items.nameChange(ITEM.NAME_ADD, [0, 0], [2, KDBUS.NAME_PRIMARY], ECHO), [3, 700_000])) // 10
    .names(1, [2, KDBUS.NAME_PRIMARY, ECHO]) // 11
    .message(1, callBytes()) // 12
    .message(1, replyBytes()) // 13
    .message(1, signalBytes()) // 14
    .message(1, notification(items.idChange(ITEM.ID_REMOVE, 3, KDBUS.HELLO_ACCEPT_FD), [7, 1_500_000])) // 15
    .connRemove(1, 3) // 16
    .loss(1, 4, 1) // 17
    .skip(2)
    .connAdd(1, 4, { pid: 102, description: 'late' }) // 18: after a gap of 2
    .skip(2)
    .loss(0, 2, 2) // 19: explains the gap of 2 before it
    .error(1, 12, 'CONN_INFO failed') // 20
    .snapshotBegin(1) // 21
    .domainAdd(1) // 22
    .busAdd(1, 1, '0-demo') // 23
    .endpointAdd(1) // 24
    .connAdd(1, 2, { pid: 100, description: 'echo-service', fromSnapshot: true }) // 25
    .names(1, [2, KDBUS.NAME_PRIMARY, ECHO]) // 26
    .snapshotEnd(1); // 27: connection 4 vanished
}

function eventsOf(stream: TraceStream): TraceEvent[] {
  const reader = new FrameReader();
  const events = reader.push(stream.bytes()).map(decodeEvent);
  expect(reader.stats.corrupt).toBe(0);
  return events;
}


/** The world reduced to what a test can state in full. */
function shape(w: World) {
  return {
    agent: w.agent,
    snapshot: w.snapshot,
    domains: [...w.domains.values()],
    buses: [...w.buses.values()].map((b) => ({
      ref: b.ref,
      domain: b.domain,
      dirName: b.dirName,
      name: b.name,
      access: b.access,
      endpoints: [...b.endpoints.keys()],
      connections: [...b.connections.values()].map((c) => ({
        id: c.id,
        description: c.description,
        pid: c.pid,
        uid: c.uid,
        names: c.names,
        fromSnapshot: c.fromSnapshot,
        addedAt: c.addedAt,
      })),
      names: [...b.names.values()],
      namesAt: b.namesAt,
    })),
  };
}

/** A log entry without the bulky parts (the event, payload and D-Bus summaries are checked separately). */
function brief(e: LogEntry) {
  if (e.kind !== 'message') return { ...e };
  return {
    i: e.index,
    ev: e.eventIndex,
    kind: e.messageKind,
    note: e.notification,
    from: e.sender,
    to: e.destination,
    toName: e.destinationName,
    bc: e.broadcast,
    replyTo: e.replyTo,
    reply: e.reply,
    outcome: e.outcome,
    latency: e.latencyNs,
  };
}

const NONE = { domains: [], buses: [], endpoints: [], connections: [] };

describe('BusModel on the scenario', () => {
  const events = eventsOf(scenario());
  const m = modelOf(events);

  it('sees every event and counts what went wrong', () => {
    expect(events).toHaveLength(28);
    expect(m.stats).toEqual({
      events: 28,
      messages: 7,
      malformed: 0,
      unknownEvents: 0,
      fieldErrors: 0,
      seqGaps: 2,
      missingEvents: 4,
      seqResets: 0,
      losses: 2,
      kernelDropped: 4,
      agentDropped: 2,
      agentErrors: 1,
      snapshots: 2,
      incompleteSnapshots: 0,
      orphanEvents: 0,
      unpairedAnswers: 0,
      internalErrors: 0,
    });
  });

  it('ends with the world of the last snapshot', () => {
    expect(shape(m.world)).toEqual({
      agent: { name: 'kdbus-agent 1', kernelRelease: '6.1.0-kdbus', pid: 50, startedAt: 0 },
      snapshot: null,
      domains: [{ ref: 1, path: '/sys/fs/kdbus', addedAt: 2 }],
      buses: [
        {
          ref: 1,
          domain: 1,
          dirName: '0-demo',
          name: 'demo',
          access: 'world',
          endpoints: ['bus'],
          connections: [
            { id: 2, description: 'echo-service', pid: 100, uid: 0, names: { primary: [ECHO], queued: [], activator: [] }, fromSnapshot: false, addedAt: 6 },
          ],
          names: [{ name: ECHO, primary: { id: 2, flags: 32, flagNames: ['PRIMARY'] }, activator: null, queued: [] }],
          namesAt: 26,
        },
      ],
    });
  });

  it('keeps the bus details and the full connection state', () => {
    const bus = m.world.buses.get(1)!;
    expect(bus).toMatchObject({
      ownerUid: 0,
      mode: 0o100666,
      modeText: '-rw-rw-rw-',
      flags: 2,
      flagNames: ['ACCESS_WORLD'],
      id128: '01020304-0506-0708-090a-0b0c0d0e0f10',
      bloomSize: 64,
      bloomHashes: 1,
      requiredMetadata: null,
      addedAt: 4,
    });
    // The second BUS_ADD had no creator info: the first one's is kept.
    expect(bus.creator?.metadata.pids).toEqual({ pid: 90, tid: 90, ppid: 1 });
    const conn = bus.connections.get(2)!;
    expect(conn).toEqual({
      bus: 1,
      id: 2,
      flags: 1,
      flagNames: ['ACCEPT_FD'],
      acceptFd: true,
      activator: false,
      policyHolder: false,
      monitor: false,
      description: 'echo-service',
      pid: 100,
      comm: 'kdbus',
      uid: 0,
      metadata: {
        creds: { uid: 0, euid: 0, suid: 0, fsuid: 0, gid: 0, egid: 0, sgid: 0, fsgid: 0 },
        pids: { pid: 100, tid: 100, ppid: 1 },
        auxgroups: null,
        tidComm: null,
        pidComm: 'kdbus',
        exe: null,
        cmdline: null,
        cgroup: null,
        caps: null,
        seclabel: null,
        audit: null,
        ownedNames: [],
        description: 'echo-service',
        timestamp: null,
      },
      info: (events[25] as TraceEvent & { type: 'conn-add' }).info,
      names: { primary: [ECHO], queued: [], activator: [] },
      fromSnapshot: false,
      addedAt: 6,
      infoAt: 25,
    });
  });

  it('logs messages, gaps, losses, errors and snapshots in order', () => {
    expect(m.log.map(brief)).toEqual([
      { kind: 'agent-start', index: 0, eventIndex: 0, seq: 1, time: 5_000_001_000, agent: 'kdbus-agent 1', kernelRelease: '6.1.0-kdbus', pid: 50 },
      { kind: 'snapshot', index: 1, eventIndex: 3, seq: 4, time: 5_000_004_000, token: 0, beginAt: 1, complete: true, removed: NONE },
      { i: 2, ev: 7, kind: 'notification', note: 'ID_ADD', from: 0, to: null, toName: null, bc: true, replyTo: null, reply: null, outcome: null, latency: null },
      { i: 3, ev: 9, kind: 'notification', note: 'ID_ADD', from: 0, to: null, toName: null, bc: true, replyTo: null, reply: null, outcome: null, latency: null },
      { i: 4, ev: 10, kind: 'notification', note: 'NAME_ADD', from: 0, to: null, toName: null, bc: true, replyTo: null, reply: null, outcome: null, latency: null },
      { i: 5, ev: 12, kind: 'method-call', note: null, from: 3, to: 2, toName: ECHO, bc: false, replyTo: null, reply: 6, outcome: 'reply', latency: 250_000 },
      { i: 6, ev: 13, kind: 'method-return', note: null, from: 2, to: 3, toName: null, bc: false, replyTo: 5, reply: null, outcome: null, latency: 250_000 },
      { i: 7, ev: 14, kind: 'signal', note: null, from: 2, to: null, toName: null, bc: true, replyTo: null, reply: null, outcome: null, latency: null },
      { i: 8, ev: 15, kind: 'notification', note: 'ID_REMOVE', from: 0, to: null, toName: null, bc: true, replyTo: null, reply: null, outcome: null, latency: null },
      { kind: 'loss', index: 9, eventIndex: 17, seq: 18, time: 5_000_018_000, bus: 1, count: 4, reason: 1, reasonName: 'kernel-dropped', seqGap: 0 },
      { kind: 'gap', index: 10, eventIndex: 18, seq: 21, time: 5_000_019_000, firstMissing: 19, count: 2 },
      { kind: 'loss', index: 11, eventIndex: 19, seq: 24, time: 5_000_020_000, bus: null, count: 2, reason: 2, reasonName: 'agent-dropped', seqGap: 2 },
      { kind: 'agent-error', index: 12, eventIndex: 20, seq: 25, time: 5_000_021_000, bus: 1, errno: 12, errnoName: 'ENOMEM', text: 'CONN_INFO failed' },
      {
        kind: 'snapshot',
        index: 13,
        eventIndex: 27,
        seq: 32,
        time: 5_000_028_000,
        token: 1,
        beginAt: 21,
        complete: true,
        removed: { ...NONE, connections: [{ bus: 1, id: 4 }] },
      },
    ]);
    expect(m.messages.map((e) => e.index)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('resolves names, subjects and D-Bus headers of messages', () => {
    const [idAdd, , nameAdd, call, reply, signal] = m.messages as MessageEntry[];
    expect(idAdd!.subject).toEqual({ id: 2, name: null, oldOwner: null, newOwner: null });
    expect(nameAdd!.subject).toEqual({ id: null, name: ECHO, oldOwner: null, newOwner: 2 });
    expect(call).toMatchObject({
      senderNames: [],
      destinationNames: [ECHO],
      expectReply: true,
      cookie: 7,
      cookieReply: 0,
      timestamp: { seqnum: 4, monotonicNs: 1_000_000, realtimeNs: '1700000000001000000' },
      dbus: { type: 'method_call', serial: 7, path: PATH, interface: ECHO, member: 'Echo', signature: 's', destination: ECHO, replySerial: null },
      dbusError: null,
      payload: { vecSize: call!.payload.parts[0]!.size, vecTruncated: false, memfdSize: 0, fds: 0 },
    });
    expect(reply).toMatchObject({ senderNames: [ECHO], destinationNames: [], cookieReply: 7, dbus: { type: 'method_return', replySerial: 7, member: null } });
    expect(signal).toMatchObject({ senderNames: [ECHO], dbus: { type: 'signal', member: 'Pinged', signature: '' } });
  });

  it('decodes a D-Bus body only when asked, and once', () => {
    const call = m.messages[3]!;
    const r = m.dbusMessage(call);
    expect(r?.ok && r.message.body).toEqual([{ type: 's', value: 'hello' }]);
    expect(m.dbusMessage(call)).toBe(r);
    expect(m.dbusMessage(m.messages[0]!)).toBeNull(); // a notification carries none
  });

  it('records connection lifetimes and activity', () => {
    expect(m.connections).toEqual([
      { bus: 1, id: 2, firstEventIndex: 6, lastEventIndex: 25, removedAt: null, removedBy: null, fromSnapshot: false, description: 'echo-service', comm: 'kdbus', pid: 100, uid: 0, sent: 2, received: 1 },
      { bus: 1, id: 3, firstEventIndex: 8, lastEventIndex: 16, removedAt: 16, removedBy: 'conn-remove', fromSnapshot: false, description: 'client', comm: 'kdbus', pid: 101, uid: 1000, sent: 1, received: 1 },
      { bus: 1, id: 4, firstEventIndex: 18, lastEventIndex: 27, removedAt: 27, removedBy: 'snapshot', fromSnapshot: false, description: 'late', comm: 'kdbus', pid: 102, uid: 0, sent: 0, received: 0 },
    ]);
    expect(m.connection(1, 3)?.removedBy).toBe('conn-remove');
  });

  it('gives the world as of any event', () => {
    const conns = (i: number) => [...(m.snapshotAt(i).world.buses.get(1)?.connections.keys() ?? [])];
    expect(m.snapshotAt(-1)).toEqual({ eventIndex: -1, world: { agent: null, domains: new Map(), buses: new Map(), snapshot: null }, logLength: 0 });
    expect(shape(m.snapshotAt(1).world)).toMatchObject({ snapshot: { token: 0, beginAt: 1 }, domains: [], buses: [] });
    expect(m.snapshotAt(3)).toMatchObject({ eventIndex: 3, logLength: 2 });
    expect(shape(m.snapshotAt(3).world).domains).toEqual([{ ref: 1, path: '/sys/fs/kdbus', addedAt: 2 }]);
    expect(m.snapshotAt(4).world.buses.get(1)?.endpoints.size).toBe(0);
    expect(conns(8)).toEqual([2, 3]);
    expect(m.snapshotAt(10).world.buses.get(1)?.names.size).toBe(0);
    expect(m.snapshotAt(11).world.buses.get(1)?.connections.get(2)?.names.primary).toEqual([ECHO]);
    expect(m.snapshotAt(12).logLength).toBe(6);
    expect(conns(15)).toEqual([2, 3]);
    expect(conns(16)).toEqual([2]);
    expect(conns(18)).toEqual([2, 4]);
    expect(m.snapshotAt(26).world.snapshot).toEqual({ token: 1, beginAt: 21 });
    expect(conns(26)).toEqual([2, 4]);
    expect(conns(27)).toEqual([2]);
    expect(m.snapshotAt(1000)).toEqual({ eventIndex: 27, world: m.world, logLength: 14 });
    // Worlds of events that changed nothing are the same object.
    expect(m.snapshotAt(13).world).toBe(m.snapshotAt(11).world);
  });

  it('shows the answer of a call only from the answer on', () => {
    const call = m.messages[3]!;
    expect(answerAsOf(m.log, call, 12)).toBeNull();
    expect(answerAsOf(m.log, call, 13)).toEqual({ reply: 6, outcome: 'reply', latencyNs: 250_000 });
  });

  it('filters the log', () => {
    const kinds = (f: Parameters<BusModel['filter']>[0]) => m.filter(f).map((i) => brief(m.log[i]!)).map((e) => ('kind' in e ? e.kind : ''));
    expect(m.filter({ messageKinds: ['method-call', 'method-return'], kinds: ['message'] })).toEqual([5, 6]);
    // Connection 3: its ID_ADD, its call, the reply to it, its ID_REMOVE; and the gap/loss/error/snapshot markers.
    expect(m.filter({ connection: 3 })).toEqual([0, 1, 3, 5, 6, 8, 9, 10, 11, 12, 13]);
    expect(m.filter({ connection: 3, kinds: ['message'] })).toEqual([3, 5, 6, 8]);
    expect(m.filter({ name: 'example.echo', kinds: ['message'] })).toEqual([4, 5, 6, 7]);
    expect(m.filter({ text: 'ping', kinds: ['message'] })).toEqual([7]);
    expect(m.filter({ text: 'id_remove', kinds: ['message'] })).toEqual([8]);
    expect(m.filter({ bus: 2 })).toEqual([0, 1, 10, 11, 13]);
    expect(m.filter({ fromEvent: 12, toEvent: 14 })).toEqual([5, 6, 7]);
    expect(kinds({ kinds: ['gap', 'loss'] })).toEqual(['loss', 'gap', 'loss']);
  });

  it('rebuilds the same model from its JSON lines', () => {
    const text = m.events.map(serializeTraceLine).join('\n');
    const parsed = parseTraceLines(text);
    expect(parsed.errors).toEqual([]);
    const again = modelOf(parsed.events);
    expect(again.events).toEqual(m.events);
    expect(again.log).toEqual(m.log);
    expect(again.connections).toEqual(m.connections);
    expect(again.stats).toEqual(m.stats);
    expect(again.world).toEqual(m.world);
    for (const i of [3, 11, 16, 26]) expect(again.snapshotAt(i)).toEqual(m.snapshotAt(i));
  });

  it('gives the same model applied event by event', () => {
    const live = new BusModel();
    let notified = 0;
    live.subscribe(() => notified++);
    for (const e of events) live.apply(e);
    expect(live.version).toBe(28);
    expect(notified).toBe(28);
    expect(live.log).toEqual(m.log);
    expect(live.world).toEqual(m.world);
    expect(m.version).toBe(1);
  });
});

describe('BusModel details', () => {
  const base = () => new TraceStream().agentStart().snapshotBegin(0).domainAdd(1).busAdd(1, 1, '0-x').endpointAdd(1).snapshotEnd(0);

  it('does not remove anything after a snapshot during which events were lost', () => {
    const s = base().connAdd(1, 2).connAdd(1, 3).snapshotBegin(5).domainAdd(1).busAdd(1, 1, '0-x').endpointAdd(1).skip(1).connAdd(1, 2, { fromSnapshot: true }).names(1).snapshotEnd(5);
    const m = modelOf(eventsOf(s));
    expect([...m.world.buses.get(1)!.connections.keys()]).toEqual([2, 3]);
    expect(m.log.at(-1)).toMatchObject({ kind: 'snapshot', token: 5, complete: false, removed: NONE });
    expect(m.stats).toMatchObject({ snapshots: 2, incompleteSnapshots: 1, seqGaps: 1 });
  });

  it('removes whole buses, domains and endpoints a complete snapshot does not mention', () => {
    const s = base().domainAdd(2, '/tmp/d').busAdd(2, 5, '0-y').endpointAdd(5).connAdd(5, 9).endpointAdd(1, '0-custom').snapshotBegin(1).domainAdd(1).busAdd(1, 1, '0-x').endpointAdd(1).names(1).snapshotEnd(1);
    const m = modelOf(eventsOf(s));
    expect(m.log.at(-1)).toMatchObject({
      kind: 'snapshot',
      complete: true,
      removed: { domains: [2], buses: [5], endpoints: [{ bus: 1, name: '0-custom' }], connections: [{ bus: 5, id: 9 }] },
    });
    expect([...m.world.domains.keys()]).toEqual([1]);
    expect([...m.world.buses.keys()]).toEqual([1]);
    expect(m.connection(5, 9)).toMatchObject({ removedBy: 'snapshot' });
  });

  it('removes the connections of a removed bus and of a removed domain', () => {
    const s = base().connAdd(1, 2).domainAdd(2, '/d').busAdd(2, 3, '0-z').connAdd(3, 4).busRemove(1).domainRemove(2);
    const m = modelOf(eventsOf(s));
    expect(m.world.buses.size).toBe(0);
    expect(m.connection(1, 2)).toMatchObject({ removedBy: 'bus-remove', removedAt: 10 });
    expect(m.connection(3, 4)).toMatchObject({ removedBy: 'domain-remove', removedAt: 11 });
  });

  it('builds the name table with queue and activator, and per-connection lists', () => {
    const N = KDBUS;
    const s = base()
      .connAdd(1, 2, { flags: N.HELLO_ACTIVATOR })
      .connAdd(1, 3)
      .connAdd(1, 4)
      .names(1, [2, N.NAME_ACTIVATOR | N.NAME_IN_QUEUE, 'a.B'], [3, N.NAME_PRIMARY | N.NAME_QUEUE, 'a.B'], [4, N.NAME_IN_QUEUE | N.NAME_QUEUE, 'a.B'], [2, N.NAME_ACTIVATOR | N.NAME_PRIMARY, 'a.C']);
    const bus = modelOf(eventsOf(s)).world.buses.get(1)!;
    expect(bus.names.get('a.B')).toEqual({
      name: 'a.B',
      primary: { id: 3, flags: 36, flagNames: ['QUEUE', 'PRIMARY'] },
      activator: { id: 2, flags: 24, flagNames: ['IN_QUEUE', 'ACTIVATOR'] },
      queued: [{ id: 4, flags: 12, flagNames: ['QUEUE', 'IN_QUEUE'] }],
    });
    expect(bus.names.get('a.C')).toMatchObject({ primary: { id: 2 }, activator: { id: 2 }, queued: [] });
    expect(bus.connections.get(2)).toMatchObject({ activator: true, names: { primary: ['a.C'], queued: [], activator: ['a.B', 'a.C'] } });
    expect(bus.connections.get(4)!.names).toEqual({ primary: [], queued: ['a.B'], activator: [] });
    // A later NAMES replaces the whole table.
    const after = modelOf(eventsOf(s.names(1, [4, N.NAME_PRIMARY, 'a.D']))).world.buses.get(1)!;
    expect([...after.names.keys()]).toEqual(['a.D']);
    expect(after.connections.get(3)!.names.primary).toEqual([]);
  });

  it('pairs error replies, REPLY_TIMEOUT and REPLY_DEAD with their calls, and counts strays', () => {
    const call = (cookie: number, mono: number) =>
      kdbusMsg({ flags: KDBUS.MSG_EXPECT_REPLY, dst: 2, src: 3, cookie, word56: 10 ** 10 }, items.timestamp(cookie, mono, 0));
    const s = base()
      .connAdd(1, 2)
      .connAdd(1, 3)
      .message(1, call(10, 1000))
      .message(
        1,
        kdbusMsg(
          { dst: 3, src: 2, cookie: 1, word56: 10 },
          dbus({ type: 'error', flags: 1, serial: 5, replySerial: 10, errorName: 'org.example.Failed' }, '', []),
          items.timestamp(11, 1500, 0),
        ),
      )
      .message(1, call(20, 2000))
      .message(1, notification(items.replyTimeout(), [21, 9000], { dst: 3, cookie: 20 }))
      .message(1, call(30, 3000))
      .message(1, notification(items.replyDead(), [31, 3300], { dst: 3, cookie: 30 }))
      .message(1, kdbusMsg({ dst: 3, src: 2, cookie: 2, word56: 99 })) // answers nothing
      .message(1, kdbusMsg({ dst: 2, src: 3, cookie: 40 })); // a call that wants no reply
    const m = modelOf(eventsOf(s));
    const msgs = m.messages.map((e) => [e.messageKind, e.notification, e.replyTo, e.reply, e.outcome, e.latencyNs]);
    expect(msgs).toEqual([
      ['method-call', null, null, 3, 'error', 500],
      ['error', null, 2, null, null, 500],
      ['method-call', null, null, 5, 'timeout', 7000],
      ['notification', 'REPLY_TIMEOUT', 4, null, null, 7000],
      ['method-call', null, null, 7, 'dead', 300],
      ['notification', 'REPLY_DEAD', 6, null, null, 300],
      ['method-return', null, null, null, null, null],
      ['method-call', null, null, null, null, null],
    ]);
    expect(m.messages[1]!.dbus?.errorName).toBe('org.example.Failed');
    expect(m.messages[3]!.destination).toBe(3);
    expect(m.stats.unpairedAnswers).toBe(1);
  });

  it('tells broadcast signals from unicast ones, and names the sender from the name table', () => {
    const s = base()
      .connAdd(1, 2)
      .names(1, [2, KDBUS.NAME_PRIMARY, 'a.B'])
      .message(1, kdbusMsg({ flags: KDBUS.MSG_SIGNAL, dst: 5, src: 2 }, items.bloomFilter(0, new Uint8Array(8))))
      .message(1, kdbusMsg({ flags: KDBUS.MSG_SIGNAL, dst: KDBUS.DST_ID_BROADCAST, src: 2 }, items.bloomFilter(0, new Uint8Array(8))));
    const m = modelOf(eventsOf(s));
    expect(m.messages.map((e) => [e.messageKind, e.destination, e.broadcast, e.senderNames])).toEqual([
      ['unicast-signal', 5, false, ['a.B']],
      ['signal', null, true, ['a.B']],
    ]);
  });

  it('reports a D-Bus header it cannot read, and a message sent to an unknown name', () => {
    const s = base().message(1, kdbusMsg({ dst: 0, src: 2, cookie: 1 }, items.dstName('no.Body'), items.payloadInline(4, 0, new Uint8Array([0x6c, 1, 0, 1]))));
    const [e] = modelOf(eventsOf(s)).messages;
    expect(e).toMatchObject({ destination: null, destinationName: 'no.Body', destinationNames: ['no.Body'], dbus: null });
    expect(e!.dbusError).toMatch(/cut/);
  });

  it('counts malformed, unknown and orphan events, and treats a backwards sequence as a new base', () => {
    const s = base();
    const bytes = concat(
      s.bytes(),
      new TraceStream().skip(100).event(9, fields.text('CONN_REMOVE without its fields')).event(99).bytes(),
      new TraceStream().skip(101).endpointAdd(7).connAdd(7, 1).names(7).bytes(),
    );
    const m = modelOf(new FrameReader().push(bytes).map(decodeEvent));
    expect(m.stats).toMatchObject({ malformed: 1, unknownEvents: 1, orphanEvents: 3, seqGaps: 1, missingEvents: 100 - 6, seqResets: 1, internalErrors: 0 });
  });

  it('does not see a gap across an agent restart', () => {
    const bytes = concat(base().bytes(), new TraceStream().agentStart(51).snapshotBegin(0).bytes());
    const m = modelOf(new FrameReader().push(bytes).map(decodeEvent));
    expect(m.stats).toMatchObject({ seqGaps: 0, seqResets: 0 });
    expect(m.log.filter((e) => e.kind === 'agent-start').map((e) => e.eventIndex)).toEqual([0, 6]);
    expect(m.world.agent).toEqual({ name: 'kdbus-agent 1', kernelRelease: '6.1.0-kdbus', pid: 51, startedAt: 6 });
  });
});
