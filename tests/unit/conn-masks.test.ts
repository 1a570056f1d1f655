// SPDX-License-Identifier: MIT
/**
 * A connection's attach masks after an UPDATE, from the kernel's trace
 * extension (X_CONN_MASKS, guest-image/kdbus/NOTES.md): the connection list
 * shows the masks as of each event, the row is a kernel report without
 * fan-out. Traces are built byte by byte the way the agent frames them.
 */
import { describe, expect, it } from 'vitest';
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { messageLabel } from '../../src/diagram/row-text.js';
import type { BusModel } from '../../src/model/bus-model.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { connectionGroups, metadataMasksText } from '../../src/views/connection-rows.js';
import { eventsOf, modelOf } from '../fixtures/traces/diagram-scenarios.js';
import { ITEM, KDBUS, TraceStream, concat, item, items, kdbusInfo, kdbusMsg, u64 } from '../helpers/trace-builder.js';

const X_CONN_MASKS = 0xa004;
const CREDS = 2n;
const PIDS = 4n;
const TIMESTAMP = 1n;

function masksMsg(id: number, send: bigint, recv: bigint, seqnum: number): Uint8Array {
  return kdbusMsg(
    { flags: 0, dst: KDBUS.DST_ID_BROADCAST, src: 0, payloadType: 0 },
    item(X_CONN_MASKS, concat(u64(id), u64(send), u64(recv))),
    items.timestamp(seqnum, 6_000_000_000 + seqnum, 1_700_000_000_000_000_000n),
  );
}

function traceWith(...msgs: Uint8Array[]): TraceEvent[] {
  const s = new TraceStream().agentStart().snapshotBegin(0).domainAdd(1).busAdd(1, 1, '0-m').endpointAdd(1);
  s.connAdd(1, 2, {
    fromSnapshot: true,
    info: kdbusInfo(2, KDBUS.HELLO_ACCEPT_FD, items.attachFlags(ITEM.ATTACH_FLAGS_SEND, CREDS | PIDS), items.attachFlags(ITEM.ATTACH_FLAGS_RECV, 0n), items.pids(102, 102, 1)),
  });
  s.snapshotEnd(0);
  for (const m of msgs) s.message(1, m);
  return eventsOf(s.bytes());
}

function rowAt(m: BusModel, eventIndex: number) {
  return connectionGroups(m.snapshotAt(eventIndex).world, 1)[0]!.rows.find((r) => r.id === 2)!;
}

describe('X_CONN_MASKS (trace extension)', () => {
  const m = modelOf(traceWith(masksMsg(2, PIDS, TIMESTAMP | CREDS, 4), masksMsg(2, 0n, 0n, 5), masksMsg(9, 0n, 0n, 6)));
  const [first, second, stranger] = m.messages;

  it('replaces the masks from each UPDATE on, keeping the rest of the info', () => {
    expect(metadataMasksText(rowAt(m, first!.eventIndex - 1))).toEqual({ send: 'creds pids', recv: 'nothing', exact: true });
    expect(metadataMasksText(rowAt(m, first!.eventIndex))).toEqual({ send: 'pids', recv: 'timestamp creds', exact: true });
    expect(metadataMasksText(rowAt(m, second!.eventIndex))).toEqual({ send: 'nothing', recv: 'nothing', exact: true });
    expect(rowAt(m, second!.eventIndex).pid).toBe(102);
  });

  it('ignores a report about a connection the world does not have', () => {
    expect(m.snapshotAt(stranger!.eventIndex).world).toBe(m.snapshotAt(second!.eventIndex).world);
  });

  it('is a kernel row about the connection, without fan-out', () => {
    expect(first).toMatchObject({ messageKind: 'notification', notification: 'CONN_MASKS', receivers: null });
    expect(first!.subject?.id).toBe(2);
    expect(messageLabel(first!)).toBe('CONN_MASKS :1.2');
    const layout = new DiagramLayout({});
    layout.sync(m);
    expect(layout.fanOut(layout.rowOfLog(first!.index))).toEqual([]);
  });
});
