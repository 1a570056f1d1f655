// SPDX-License-Identifier: MIT
/**
 * Custom endpoints' policies from the kernel's trace extension
 * (X_ENDPOINT_POLICY, guest-image/kdbus/NOTES.md): decoded, kept in the
 * world per bus (the latest report wins), shown by the bus tree, drawn as a
 * kernel row without fan-out, and matched by lesson expectations. Traces
 * are built byte by byte the way the agent frames them.
 */
import { describe, expect, it } from 'vitest';
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { rowSummary } from '../../src/diagram/row-summary.js';
import { messageLabel } from '../../src/diagram/row-text.js';
import { checkExpectations } from '../../src/lessons/index.js';
import type { BusModel } from '../../src/model/bus-model.js';
import { endpointPolicyOf } from '../../src/model/endpoint-policy.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { parseTraceLines, serializeTraceLine } from '../../src/trace/jsonl.js';
import { busTree } from '../../src/views/bus-tree.js';
import { eventsOf, modelOf } from '../fixtures/traces/diagram-scenarios.js';
import { KDBUS, TraceStream, cstr, item, items, kdbusMsg } from '../helpers/trace-builder.js';

const X_ENDPOINT_POLICY = 0xa003;
const NAME = 15;
const USER = 1;
const GROUP = 2;
const WORLD = 3;
const SEE = 0;
const TALK = 1;
const OWN = 2;

/** The kernel's report: endpoint name, then NAME + POLICY_ACCESS items; a TIMESTAMP like every kernel message. */
function policyMsg(endpoint: string, entries: [string, [number, number, number][]][], seqnum = 7): Uint8Array {
  const its: Uint8Array[] = [item(X_ENDPOINT_POLICY, cstr(endpoint))];
  for (const [name, rules] of entries) {
    its.push(items.string(NAME, name));
    for (const [type, access, id] of rules) its.push(items.policyAccess(type, access, id));
  }
  its.push(items.timestamp(seqnum, 5_000_000_000 + seqnum, 1_700_000_000_000_000_000n));
  return kdbusMsg({ flags: 0, dst: KDBUS.DST_ID_BROADCAST, src: 0, payloadType: 0 }, ...its);
}

function traceWith(...msgs: Uint8Array[]): TraceEvent[] {
  const s = new TraceStream().agentStart().snapshotBegin(0).domainAdd(1).busAdd(1, 1, '0-ep').endpointAdd(1);
  s.connAdd(1, 2, { fromSnapshot: true }).snapshotEnd(0);
  s.endpointAdd(1, '0-guests', 0o100666);
  for (const m of msgs) s.message(1, m);
  return eventsOf(s.bytes());
}


const guestsOf = (m: BusModel) => busTree(m.world)[0]!.buses[0]!.endpoints.find((e) => e.name === '0-guests')!;

describe('X_ENDPOINT_POLICY (trace extension)', () => {
  const made = policyMsg('0-guests', [], 5);
  const updated = policyMsg('0-guests', [
    ['org.example.Echo', [[WORLD, TALK, 0]]],
    ['org.example.Admin.*', [[USER, OWN, 1000], [GROUP, SEE, 100]]],
  ], 6);

  it('decodes to the endpoint and its entries, rules named as in kdbus.h', () => {
    const e = traceWith(updated).find((x) => x.type === 'message');
    expect(e?.type).toBe('message');
    if (e?.type !== 'message') return;
    expect(endpointPolicyOf(e.msg.items)).toEqual({
      endpoint: '0-guests',
      entries: [
        { name: 'org.example.Echo', rules: [{ type: 'WORLD', access: 'TALK', id: 0 }] },
        { name: 'org.example.Admin.*', rules: [{ type: 'USER', access: 'OWN', id: 1000 }, { type: 'GROUP', access: 'SEE', id: 100 }] },
      ],
    });
  });

  it('the tree shows the latest policy; before any report it says the trace does not carry one', () => {
    const none = modelOf(traceWith());
    expect(guestsOf(none).rules).toBeNull();
    expect(busTree(none.world)[0]!.buses[0]!.endpoints.find((e) => e.isDefault)!.rules).toBeNull();
    const m = modelOf(traceWith(made, updated));
    expect(guestsOf(m).rules).toEqual(['org.example.Echo: anyone may TALK', 'org.example.Admin.*: uid 1000 may OWN, gid 100 may SEE']);
    // as of the first report (just made): no entries yet
    const first = m.messages[0]!;
    expect(busTree(m.snapshotAt(first.eventIndex).world)[0]!.buses[0]!.endpoints.find((e) => e.name === '0-guests')!.rules).toEqual([]);
    // an empty UPDATE clears it again
    expect(guestsOf(modelOf(traceWith(made, updated, policyMsg('0-guests', [], 8)))).rules).toEqual([]);
  });

  it('a user message that looks like one changes nothing', () => {
    const fake = kdbusMsg({ flags: KDBUS.MSG_SIGNAL, dst: KDBUS.DST_ID_BROADCAST, src: 2, payloadType: 0 }, item(X_ENDPOINT_POLICY, cstr('0-guests')));
    expect(guestsOf(modelOf(traceWith(fake))).rules).toBeNull();
  });

  it('is a kernel row about the endpoint, with no fan-out and no broadcast caveat', () => {
    const m = modelOf(traceWith(updated));
    const entry = m.messages[0]!;
    expect(entry.messageKind).toBe('notification');
    expect(entry.notification).toBe('ENDPOINT_POLICY');
    expect(entry.subject?.name).toBe('0-guests');
    expect(messageLabel(entry)).toBe('ENDPOINT_POLICY 0-guests');
    const layout = new DiagramLayout({});
    layout.sync(m);
    const row = layout.rowOfLog(entry.index);
    expect(row).toBeGreaterThanOrEqual(0);
    expect(layout.fanOut(row)).toEqual([]);
    const summary = rowSummary(layout, row, null, 0);
    expect(summary?.note).toBeNull();
    expect(summary?.lines).toContainEqual(['to', 'tracing monitors only (kernel extension): the bus tree shows the policy']);
  });

  it('lesson expectations match notification=ENDPOINT_POLICY and name=<endpoint>', () => {
    const events = traceWith(updated);
    const r = checkExpectations([
      { kind: 'event', type: 'message', where: { bus: '0-ep', notification: 'ENDPOINT_POLICY', name: '0-guests' }, line: 1 },
      { kind: 'event', type: 'message', where: { notification: 'ENDPOINT_POLICY', name: '0-other' }, line: 2 },
    ], events, 0, '');
    expect(r.map((x) => x.ok)).toEqual([true, false]);
  });

  it('survives JSON lines', () => {
    const events = traceWith(updated);
    const again = parseTraceLines(events.map(serializeTraceLine).join('\n'));
    expect(again.errors).toEqual([]);
    expect(guestsOf(modelOf(again.events)).rules).toEqual(guestsOf(modelOf(events)).rules);
  });
});
