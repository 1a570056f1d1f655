// SPDX-License-Identifier: MIT
/**
 * The playground kernel's trace extension on the host side (kdbus.h
 * "Project extension"): X_TRACE, X_RECEIVERS and X_HELLO_REFUSED items,
 * connection masks in CONN_INFO — decoded, in the model, on the diagram, in
 * the views and in lesson expectations. Traces are built byte by byte the
 * way the agent frames them, then decoded by src/trace.
 */
import { describe, expect, it } from 'vitest';
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { rowShapes } from '../../src/diagram/row-shapes.js';
import { BROADCAST_NOTE, rowSummary } from '../../src/diagram/row-summary.js';
import { allColumns, DEFAULT_METRICS, diagramWidth } from '../../src/diagram/metrics.js';
import { messageLabel } from '../../src/diagram/row-text.js';
import { checkExpectations, type LessonExpectation } from '../../src/lessons/index.js';
import type { BusModel } from '../../src/model/bus-model.js';
import type { MessageEntry } from '../../src/model/message-log.js';
import { normaliseTrace } from '../../src/share/normalise.js';
import { parseItems } from '../../src/trace/kdbus-items.js';
import { parseTraceLines, serializeTraceLine } from '../../src/trace/jsonl.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { connectionGroups, metadataMasksText } from '../../src/views/connection-rows.js';
import { inspectMessage, REFUSED_TRUST } from '../../src/views/inspector.js';
import { diagramSvg } from '../../web/diagram/export.js';
import { eventsOf, modelOf } from '../fixtures/traces/diagram-scenarios.js';
import { ITEM, KDBUS, TraceStream, concat, item, items, kdbusInfo, kdbusMsg, notification, u64 } from '../helpers/trace-builder.js';

// ---- the extension's items, as the kernel writes them ----

const X = { TRACE: 0xa000, RECEIVERS: 0xa001, HELLO_REFUSED: 0xa002 } as const;
/** Attach flag bits (enum kdbus_attach_flags). */
const ATTACH = { TIMESTAMP: 1n, CREDS: 2n, PIDS: 4n, PID_COMM: 1n << 6n, CMDLINE: 1n << 8n } as const;

const xReceivers = (...ids: number[]) => item(X.RECEIVERS, concat(...ids.map((id) => u64(id))));
function comm16(s: string): Uint8Array {
  const b = new Uint8Array(16);
  b.set(new TextEncoder().encode(s).subarray(0, 16));
  return b;
}
function xHelloRefused(o: { flags: bigint; send: bigint; req: bigint; pid: number; uid: number; gid: number; comm: string }): Uint8Array {
  return item(X.HELLO_REFUSED, concat(u64(o.flags), u64(o.send), u64(o.req), u64(o.pid), u64(o.uid), u64(o.gid), comm16(o.comm)));
}

/** A kernel message reporting a refused HELLO: src 0, dst ~0, kernel payload, X_HELLO_REFUSED [+ CONN_DESCRIPTION]. */
function refusedMsg(description?: string): Uint8Array {
  return kdbusMsg(
    { flags: 0, dst: KDBUS.DST_ID_BROADCAST, src: 0, payloadType: 0 },
    xHelloRefused({ flags: KDBUS.HELLO_ACCEPT_FD, send: ATTACH.CREDS, req: ATTACH.PID_COMM | ATTACH.CMDLINE | ATTACH.CREDS, pid: 123, uid: 1000, gid: 100, comm: 'kdbus' }),
    ...(description !== undefined ? [items.string(ITEM.CONN_DESCRIPTION, description)] : []),
    items.timestamp(9, 5_000_900_000, 1_700_000_000_000_000_000n),
  );
}

/** A signal from `src` (its name only says which one it is in a test); X_RECEIVERS after the metadata, as the kernel puts it. */
function signal(src: number, name: string, o: { to?: number; receivers?: number[] } = {}): Uint8Array {
  return kdbusMsg(
    { flags: KDBUS.MSG_SIGNAL, dst: o.to ?? KDBUS.DST_ID_BROADCAST, src, cookie: name.length, payloadType: 0 },
    items.pids(100 + src, 100 + src, 1),
    ...(o.receivers ? [xReceivers(...o.receivers)] : []),
  );
}

/** One bus with connections 2 (sender), 3, 4 (peers) and 5 (a monitor), then `msgs`. */
function traceWith(...msgs: Uint8Array[]): TraceEvent[] {
  const s = new TraceStream().agentStart().snapshotBegin(0).domainAdd(1).busAdd(1, 1, '0-demo').endpointAdd(1);
  const masks = (send: bigint, recv: bigint) => [items.attachFlags(ITEM.ATTACH_FLAGS_SEND, send), items.attachFlags(ITEM.ATTACH_FLAGS_RECV, recv)];
  s.connAdd(1, 2, { fromSnapshot: true, info: kdbusInfo(2, KDBUS.HELLO_ACCEPT_FD, ...masks(ATTACH.CREDS | ATTACH.PIDS, 0n), items.pids(102, 102, 1)) });
  s.connAdd(1, 3, { fromSnapshot: true, info: kdbusInfo(3, KDBUS.HELLO_ACCEPT_FD, ...masks(ATTACH.CREDS, ATTACH.TIMESTAMP | ATTACH.PID_COMM)) });
  s.connAdd(1, 4, { fromSnapshot: true }); // an old trace's CONN_ADD: no masks
  s.connAdd(1, 5, { fromSnapshot: true, flags: KDBUS.HELLO_MONITOR });
  s.names(1, [3, KDBUS.NAME_PRIMARY, 'org.example.Listener']).snapshotEnd(0);
  for (const m of msgs) s.message(1, m);
  return eventsOf(s.bytes());
}


const messagesOf = (m: BusModel): MessageEntry[] => [...m.messages];

// ---- decoding ----

describe('extension items', () => {
  const decode = (...its: Uint8Array[]) => {
    const bytes = concat(...its);
    return parseItems(bytes, 0, bytes.length, 0, { inlinePayload: false }).items;
  };

  it('decodes X_TRACE, X_RECEIVERS (also empty) and X_HELLO_REFUSED with their flag names', () => {
    const [trace, recv, none, refused] = decode(
      item(X.TRACE, u64(7)),
      xReceivers(5, 7),
      xReceivers(),
      xHelloRefused({ flags: KDBUS.HELLO_ACCEPT_FD, send: ATTACH.CREDS, req: ATTACH.PID_COMM | ATTACH.CMDLINE, pid: 77, uid: 0, gid: 0, comm: 'kdbus' }),
    );
    expect(trace).toEqual({ type: 0xa000, size: 24, typeName: 'X_TRACE', flags: 7, flagNames: ['RECEIVERS', 'REFUSED', 'CONN_MASKS'] });
    expect(recv).toEqual({ type: 0xa001, size: 32, typeName: 'X_RECEIVERS', ids: [5, 7] });
    expect(none).toEqual({ type: 0xa001, size: 16, typeName: 'X_RECEIVERS', ids: [] });
    expect(refused).toEqual({
      type: 0xa002,
      size: 80,
      typeName: 'X_HELLO_REFUSED',
      hello_refused: {
        flags: 1,
        flagNames: ['ACCEPT_FD'],
        attach_flags_send: 2,
        sendNames: ['CREDS'],
        attach_flags_req: 0x140,
        reqNames: ['PID_COMM', 'CMDLINE'],
        pid: 77,
        uid: 0,
        gid: 0,
        comm: 'kdbus',
      },
    });
  });

  it('reads a comm of the full 16 bytes (no NUL) whole', () => {
    const [r] = decode(xHelloRefused({ flags: 0n, send: 0n, req: 1n, pid: 1, uid: 2, gid: 3, comm: 'abcdefghijklmnop' }));
    expect(r).toMatchObject({ typeName: 'X_HELLO_REFUSED', hello_refused: { comm: 'abcdefghijklmnop', pid: 1, uid: 2, gid: 3 } });
  });

  it('keeps items of the wrong size raw as INVALID', () => {
    const bad = decode(
      item(X.TRACE, concat(u64(1), u64(2))),
      item(X.RECEIVERS, new Uint8Array(12)),
      item(X.HELLO_REFUSED, new Uint8Array(56)),
    );
    expect(bad.map((i) => [i.typeName, 'error' in i ? i.error : ''])).toEqual([
      ['INVALID', 'X_TRACE payload is 16 bytes, expected 8'],
      ['INVALID', 'X_RECEIVERS payload is 12 bytes, expected 0 + a multiple of 8'],
      ['INVALID', 'X_HELLO_REFUSED payload is 56 bytes, expected 64'],
    ]);
  });

  it('round-trips through JSON lines like every other item', () => {
    const events = traceWith(signal(2, 'Tick', { receivers: [3] }), refusedMsg('strict-client'));
    const text = events.map(serializeTraceLine).join('\n');
    const back = parseTraceLines(text);
    expect(back.errors).toEqual([]);
    expect(back.events).toEqual(events);
    // A damaged extension item in a file is refused with its path, not trusted.
    const line = serializeTraceLine(events.at(-1)!).replace('"reqNames":[', '"reqNames":[1,');
    expect(parseTraceLines(line).errors[0]!.message).toMatch(/hello_refused\.reqNames\[0\]: expected a string/);
  });

  it('renumbers receivers and the refused pid in a normalised trace', () => {
    const n = normaliseTrace(traceWith(signal(2, 'Tick', { receivers: [4, 3] }), refusedMsg()));
    const msgs = n.filter((e): e is Extract<TraceEvent, { type: 'message' }> => e.type === 'message');
    const recv = msgs[0]!.msg.items.find((i) => i.typeName === 'X_RECEIVERS');
    // Connections numbered in order of first appearance: 2 → 1, 3 → 2, 4 → 3.
    expect(recv).toMatchObject({ ids: [3, 2] });
    const refused = msgs[1]!.msg.items.find((i) => i.typeName === 'X_HELLO_REFUSED');
    expect(refused).toMatchObject({ hello_refused: { pid: expect.any(Number) } });
    expect(refused).not.toMatchObject({ hello_refused: { pid: 123 } });
  });
});

// ---- the model ----

describe('model: receivers and refused HELLOs', () => {
  const model = modelOf(
    traceWith(
      signal(2, 'Tick', { receivers: [4, 3] }), // broadcast, exact
      signal(2, 'Quiet', { receivers: [] }), // broadcast nobody took
      signal(2, 'Old'), // broadcast of an old trace
      signal(2, 'Poke', { to: 3, receivers: [] }), // unicast signal, dropped
      signal(2, 'Poke', { to: 3, receivers: [3] }), // unicast signal, delivered
      notification(items.idChange(ITEM.ID_ADD, 9, KDBUS.HELLO_ACCEPT_FD), [1, 5_000_800_000]), // old notification
      refusedMsg('strict-client'),
    ),
  );
  const [tick, quiet, old, dropped, delivered, idAdd, refused] = messagesOf(model);

  it('gives each signal its receivers in delivery order, null when the trace does not say', () => {
    expect(model.stats.internalErrors).toBe(0);
    expect(tick).toMatchObject({ messageKind: 'signal', broadcast: true, receivers: [4, 3] });
    expect(quiet!.receivers).toEqual([]);
    expect(old!.receivers).toBeNull();
    expect(dropped).toMatchObject({ messageKind: 'unicast-signal', destination: 3, receivers: [] });
    expect(delivered!.receivers).toEqual([3]);
    expect(idAdd).toMatchObject({ notification: 'ID_ADD', receivers: null, refused: null });
  });

  it('makes a refused HELLO a notification with the refusal details and what was missing', () => {
    expect(refused).toMatchObject({
      messageKind: 'notification',
      notification: 'HELLO_REFUSED',
      subject: null,
      sender: 0,
      destination: null,
      broadcast: true,
      receivers: null,
    });
    expect(refused!.refused).toEqual({
      pid: 123,
      uid: 1000,
      gid: 100,
      comm: 'kdbus',
      description: 'strict-client',
      helloFlags: ['ACCEPT_FD'],
      sendMask: ['CREDS'],
      requiredMask: ['CREDS', 'PID_COMM', 'CMDLINE'],
      missing: ['PID_COMM', 'CMDLINE'],
    });
  });

  it('counts exact receivers as received, and filters find HELLO_REFUSED by text', () => {
    // :1.3 took Tick and the delivered Poke; it did not take Quiet or the dropped Poke. :1.4 took Tick.
    expect(model.connection(1, 3)!.received).toBe(2);
    expect(model.connection(1, 4)!.received).toBe(1);
    expect(model.filter({ kinds: ['message'], text: 'hello_refused' })).toEqual([refused!.index]);
    expect(model.filter({ kinds: ['message'], messageKinds: ['notification'] })).toEqual([idAdd!.index, refused!.index]);
  });

  it("a connection filter keeps the signals it received, not those it did not take", () => {
    // :1.4 neither sent nor was addressed by anything here: only Tick names it as a receiver.
    expect(model.filter({ kinds: ['message'], connection: 4 })).toEqual([tick!.index]);
    // :1.3: Tick (receiver), and both Pokes (their destination, taken or not).
    expect(model.filter({ kinds: ['message'], connection: 3 })).toEqual([tick!.index, dropped!.index, delivered!.index]);
  });
});

// ---- the diagram ----

describe('diagram: exact fan-out, dropped unicast signals, refused HELLOs', () => {
  const model = modelOf(
    traceWith(
      signal(2, 'Tick', { receivers: [4, 3, 42] }), // 42 has no column
      signal(2, 'Old'),
      signal(2, 'Poke', { to: 3, receivers: [] }),
      signal(2, 'Poke', { to: 3, receivers: [3] }),
      refusedMsg(),
    ),
  );
  const layout = new DiagramLayout({});
  layout.sync(model);
  const rowOf = (m: MessageEntry) => layout.rowOfLog(m.index);
  const [tick, old, dropped, delivered, refused] = messagesOf(model).map(rowOf) as [number, number, number, number, number];
  const columns = allColumns(layout);
  const drawing = { metrics: DEFAULT_METRICS, columns, t0: 0, width: diagramWidth(DEFAULT_METRICS, columns.count) };
  const classes = (row: number) => rowShapes(layout, row, drawing).map((s) => s.c);

  it('fans a broadcast out to exactly its receivers with a column, else to everyone alive but monitors', () => {
    expect(layout.fanOut(tick).map((l) => l.id)).toEqual([4, 3]);
    expect(layout.exactFanOut(tick)).toBe(true);
    expect(layout.fanOut(old).map((l) => l.id)).toEqual([3, 4]);
    expect(layout.exactFanOut(old)).toBe(false);
    expect(layout.fanOut(refused)).toEqual([]);
  });

  it('draws the heads of the exact fan-out only', () => {
    expect(classes(tick).filter((c) => c === 'kd-head kd-signal')).toHaveLength(2);
  });

  it('draws a unicast signal its destination did not take as dashed with a cross, a taken one with a head', () => {
    expect(layout.dropped(dropped)).toBe(true);
    expect(layout.dropped(delivered)).toBe(false);
    expect(classes(dropped)).toEqual(expect.arrayContaining(['kd-line kd-dropped kd-usignal', 'kd-line kd-cross kd-usignal']));
    expect(classes(dropped)).not.toContain('kd-head kd-usignal');
    expect(classes(delivered)).toContain('kd-head kd-usignal');
    expect(classes(delivered)).not.toContain('kd-line kd-dropped kd-usignal');
  });

  it('draws a refused HELLO as a cross on the kernel lifeline, labelled, without fan-out', () => {
    const shapes = rowShapes(layout, refused, drawing);
    expect(layout.from(refused)?.kind).toBe('kernel');
    expect(shapes.map((s) => s.c)).toEqual(['kd-time', 'kd-line kd-cross kd-refused', 'kd-label kd-refused']);
    const label = shapes.find((s) => s.t === 'text' && s.c.startsWith('kd-label'));
    expect(label).toMatchObject({ s: 'HELLO refused: pid 123 (kdbus), uid 1000 — missing PID_COMM, CMDLINE' });
    expect(messageLabel(layout.entry(refused) as MessageEntry)).toBe('HELLO refused: pid 123 (kdbus), uid 1000 — missing PID_COMM, CMDLINE');
  });

  it('summarises exact fan-outs without the caveat, approximate ones with it, and the refusal', () => {
    const line = (row: number, label: string) => Object.fromEntries(rowSummary(layout, row, null, 0)!.lines)[label];
    expect(line(tick, 'to')).toBe('broadcast · received by 3 connections: :1.4, :1.3, :1.42');
    expect(rowSummary(layout, tick, null, 0)!.note).toBeNull();
    expect(line(old, 'to')).toBe('broadcast · drawn to 2 connections');
    expect(rowSummary(layout, old, null, 0)!.note).toBe(BROADCAST_NOTE);
    expect(line(dropped, 'received')).toMatch(/^no: the kernel did not queue it/);
    expect(line(delivered, 'received')).toBeUndefined();
    const r = rowSummary(layout, refused, null, 0)!;
    expect(r).toMatchObject({ kind: 'refused', title: 'HELLO refused', note: null });
    expect(Object.fromEntries(r.lines)).toMatchObject({
      to: 'nobody: no connection was made',
      process: 'pid 123 · uid 1000 · gid 100 · comm kdbus',
      sends: 'CREDS',
      'bus requires': 'CREDS, PID_COMM, CMDLINE',
      missing: 'PID_COMM, CMDLINE',
    });
  });

  it('puts the broadcast caveat in an SVG export only for approximate fan-outs', () => {
    const svg = (row: number) => diagramSvg(model, { filter: {}, asOf: null, theme: 'light', range: [layout.logIndex(row), layout.logIndex(row)] });
    expect(svg(tick)).not.toContain(BROADCAST_NOTE.slice(0, 30));
    expect(svg(old)).toContain(BROADCAST_NOTE.slice(0, 30));
    const refusedSvg = svg(refused);
    expect(refusedSvg).not.toContain(BROADCAST_NOTE.slice(0, 30));
    expect(refusedSvg).toContain('HELLO refused: pid 123 (kdbus), uid 1000');
    expect(refusedSvg).toMatch(/<path [^>]*class="kd-line kd-cross kd-refused"[^>]*stroke="#953800"/);
  });
});

// ---- the views ----

describe('views: masks, receivers and refusals', () => {
  const model = modelOf(traceWith(signal(2, 'Tick', { receivers: [3, 4] }), signal(2, 'Old'), refusedMsg('strict-client')));
  const [tick, old, refused] = messagesOf(model);

  it('shows each connection’s send and receive masks, falling back for an old trace', () => {
    const rows = connectionGroups(model.world, 1)[0]!.rows;
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(2)).toMatchObject({ attachSend: ['CREDS', 'PIDS'], attachRecv: [] });
    expect(metadataMasksText(byId.get(2)!)).toEqual({ send: 'creds pids', recv: 'nothing', exact: true });
    expect(metadataMasksText(byId.get(3)!)).toEqual({ send: 'creds', recv: 'timestamp pid_comm', exact: true });
    // a ~0 mask (sanitized to all 14 flags) is said in two words, not fourteen
    const all = ['TIMESTAMP', 'CREDS', 'PIDS', 'AUXGROUPS', 'NAMES', 'TID_COMM', 'PID_COMM', 'EXE', 'CMDLINE', 'CGROUP', 'CAPS', 'SECLABEL', 'AUDIT', 'CONN_DESCRIPTION'];
    expect(metadataMasksText({ ...byId.get(3)!, attachSend: all, attachRecv: all.slice(1) }).send).toBe('all metadata');
    expect(metadataMasksText({ ...byId.get(3)!, attachSend: all, attachRecv: all.slice(1) }).recv).toMatch(/^creds pids .* conn_description$/);
    expect(byId.get(4)).toMatchObject({ attachSend: null, attachRecv: null });
    expect(metadataMasksText(byId.get(4)!)).toEqual({ send: 'creds pids pid_comm', recv: null, exact: false });
  });

  it('lists the receivers with their names in the inspector, or says an old trace does not tell', () => {
    expect(inspectMessage(model, tick!, null).receivers).toEqual({ exact: true, list: [':1.3 (org.example.Listener)', ':1.4'] });
    expect(inspectMessage(model, old!, null).receivers).toEqual({ exact: false, list: [] });
    const items = inspectMessage(model, tick!, null).items.find((i) => i.typeName === 'X_RECEIVERS');
    expect(items).toMatchObject({ typeHex: '0xa001', summary: 'queued on :1.3, :1.4', trust: null });
  });

  it('shows the refusal with a trust note in the inspector', () => {
    const v = inspectMessage(model, refused!, null);
    expect(v.to).toBe('nobody (no connection was made)');
    expect(v.title).toBe('kernel notification HELLO_REFUSED');
    expect(v.receivers).toBeNull();
    expect(v.refused!.trust).toBe(REFUSED_TRUST);
    expect(REFUSED_TRUST).toMatch(/comm is the name the process gave itself/);
    expect(Object.fromEntries(v.refused!.fields.map((f) => [f.label, f.value]))).toEqual({
      pid: '123',
      uid: '1000',
      gid: '100',
      comm: 'kdbus',
      description: 'strict-client',
      'HELLO flags': 'ACCEPT_FD',
      'offered to send': 'CREDS',
      'bus requires': 'CREDS | PID_COMM | CMDLINE',
      missing: 'PID_COMM | CMDLINE',
    });
  });
});

// ---- lesson expectations ----

describe('lesson expectations on refused HELLOs', () => {
  const trace = traceWith(signal(2, 'Tick', { receivers: [3] }), refusedMsg());
  const ev = (where: Record<string, string>): LessonExpectation => ({ kind: 'event', type: 'message', where, line: 1 });
  const ok = (where: Record<string, string>) => checkExpectations([ev(where)], trace, 0, '')[0]!;

  it('matches notification=HELLO_REFUSED, with the refused caller’s comm and uid', () => {
    expect(ok({ notification: 'HELLO_REFUSED' })).toMatchObject({ ok: true, matched: 1 });
    expect(ok({ kind: 'notification', notification: 'HELLO_REFUSED', comm: 'kdbus', uid: '1000' })).toMatchObject({ ok: true, matched: 1 });
    expect(ok({ notification: 'HELLO_REFUSED', uid: '0' })).toMatchObject({ ok: false, matched: 0 });
    expect(ok({ notification: 'ID_ADD' })).toMatchObject({ ok: false, matched: 0 });
  });

  it('finds no HELLO_REFUSED in a trace without one', () => {
    const plain = traceWith(signal(2, 'Tick'));
    expect(checkExpectations([ev({ notification: 'HELLO_REFUSED' })], plain, 0, '')[0]).toMatchObject({ ok: false });
  });
});
