// SPDX-License-Identifier: MIT
/**
 * The pcap export: the file layout byte by byte (libpcap's classic format,
 * nanosecond magic, LINKTYPE_DBUS), and Debian's tshark decoding it —
 * member names, serials, body strings and the kernel's realtime timestamps.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeDbusMessage } from '../../src/dbus/encode.js';
import { LINKTYPE_DBUS, PCAP_MAGIC_NANOSECONDS, messagesToPcap, writePcap } from '../../src/export/pcap.js';
import { BusModel } from '../../src/model/bus-model.js';
import { decodeEvent } from '../../src/trace/decode-event.js';
import { FrameReader } from '../../src/trace/frame-reader.js';
import { ITEM, KDBUS, TraceStream, items, kdbusMsg, notification } from '../helpers/trace-builder.js';

const ECHO = 'org.example.Echo';
const dir = mkdtempSync(join(tmpdir(), 'kp-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dbusPart(bytes: Uint8Array, keep = bytes.length): Uint8Array {
  return items.payloadInline(bytes.length, 0, bytes.subarray(0, keep));
}

const callDbus = encodeDbusMessage(
  { type: 'method_call', flags: 0, serial: 7, path: '/org/example/Echo', interface: ECHO, member: 'Echo', destination: ECHO },
  's',
  [{ type: 's', value: 'hello pcap' }],
);
const replyDbus = encodeDbusMessage({ type: 'method_return', flags: 1, serial: 1, replySerial: 7, destination: ':1.3' }, 's', [
  { type: 's', value: 'hello pcap' },
]);
const signalDbus = encodeDbusMessage({ type: 'signal', flags: 1, serial: 2, path: '/org/example/Echo', interface: ECHO, member: 'Pinged' }, 'u', [
  { type: 'u', value: 42 },
]);
const bigDbus = encodeDbusMessage({ type: 'method_call', flags: 1, serial: 9, path: '/big', interface: ECHO, member: 'Big' }, 's', [
  { type: 's', value: 'x'.repeat(1000) },
]);

function model(): BusModel {
  const s = new TraceStream()
    .agentStart()
    .domainAdd(1)
    .busAdd(1, 1, '0-demo')
    .endpointAdd(1)
    .connAdd(1, 2)
    .connAdd(1, 3)
    .message(1, notification(items.idChange(ITEM.ID_ADD, 3, 0), [1, 900_000]))
    .message(
      1,
      kdbusMsg(
        { flags: KDBUS.MSG_EXPECT_REPLY, dst: 0, src: 3, cookie: 7, word56: 1_000_000_000 },
        items.dstName(ECHO),
        // The D-Bus message split over two vectors, as a client may send it: the packet is their concatenation.
        dbusPart(callDbus.subarray(0, 40)),
        dbusPart(callDbus.subarray(40)),
        items.timestamp(4, 1_000_000, 1_700_000_000_001_000_000n),
      ),
    )
    .message(1, kdbusMsg({ dst: 3, src: 2, cookie: 1, word56: 7 }, dbusPart(replyDbus), items.timestamp(5, 1_250_000, 1_700_000_000_001_250_000n)))
    // No TIMESTAMP: its time is estimated from the agent's monotonic event time.
    .message(1, kdbusMsg({ flags: KDBUS.MSG_SIGNAL, dst: KDBUS.DST_ID_BROADCAST, src: 2, cookie: 2 }, dbusPart(signalDbus)))
    // Cut by the agent: 200 of its bytes kept.
    .message(1, kdbusMsg({ dst: 2, src: 3, cookie: 9 }, dbusPart(bigDbus, 200), items.timestamp(6, 2_000_000, 1_700_000_000_002_000_000n)));
  const reader = new FrameReader();
  const m = new BusModel();
  m.applyAll(reader.push(s.bytes()).map(decodeEvent));
  return m;
}

describe('pcap export', () => {
  it('writes the classic libpcap layout with the nanosecond magic and LINKTYPE_DBUS', () => {
    const bytes = writePcap([{ timeNs: 1_700_000_000_123_456_789n, data: new Uint8Array([1, 2, 3]), originalLength: 10 }]);
    const v = new DataView(bytes.buffer);
    expect(v.getUint32(0, true)).toBe(PCAP_MAGIC_NANOSECONDS);
    expect([v.getUint16(4, true), v.getUint16(6, true)]).toEqual([2, 4]);
    expect(v.getUint32(16, true)).toBeGreaterThanOrEqual(65536);
    expect(v.getUint32(20, true)).toBe(LINKTYPE_DBUS);
    expect(LINKTYPE_DBUS).toBe(231);
    expect([v.getUint32(24, true), v.getUint32(28, true), v.getUint32(32, true), v.getUint32(36, true)]).toEqual([1_700_000_000, 123_456_789, 3, 10]);
    expect([...bytes.subarray(40)]).toEqual([1, 2, 3]);
    expect(bytes.length).toBe(43);
  });

  it('puts one D-Bus message per packet and leaves out kernel notifications', () => {
    const r = messagesToPcap(model().messages);
    expect(r).toMatchObject({ packets: 4, skipped: 1, cut: 1, estimatedTimes: 1, clock: 'realtime' });
    const v = new DataView(r.bytes.buffer);
    // First packet: the call, both vectors joined.
    expect(v.getUint32(32, true)).toBe(callDbus.length);
    expect([...r.bytes.subarray(40, 40 + callDbus.length)]).toEqual([...callDbus]);
  });

  it('is decoded by tshark: members, serials, body strings and kernel times', () => {
    const file = join(dir, 'trace.pcap');
    writeFileSync(file, messagesToPcap(model().messages).bytes);
    const out = execFileSync(
      'tshark',
      ['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'dbus.message_type', '-e', 'dbus.serial', '-e', 'dbus.member', '-e', 'dbus.reply_serial', '-e', 'dbus.type.string', '-e', 'dbus.type.uint32'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const rows = out.trim().split('\n').map((l) => l.split('|'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual(['1700000000.001000000', String(callDbus.length), String(callDbus.length), '1', '7', 'Echo', '', 'hello pcap', '']);
    expect(rows[1]).toEqual(['1700000000.001250000', String(replyDbus.length), String(replyDbus.length), '2', '1', '', '7', 'hello pcap', '']);
    // The signal had no timestamp: the agent's event time, moved onto the realtime clock by the nearest timestamp's offset.
    expect(rows[2]!.slice(3)).toEqual(['4', '2', 'Pinged', '', '', '42']);
    const t = Number(rows[2]![0]);
    expect(t).toBeGreaterThan(1_700_000_000);
    // The cut message: its full length recorded, 200 bytes captured.
    expect(rows[3]!.slice(1, 6)).toEqual([String(bigDbus.length), '200', '1', '9', 'Big']);
    const frames = (filter: string) =>
      execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .split('\n')
        .filter((x) => x);
    // Nothing malformed, no warnings; the cut message shows as a short capture, as it should.
    expect(frames('_ws.malformed || _ws.expert.severity >= "warning"')).toEqual([]);
    expect(frames('_ws.short')).toEqual(['4']);
  });

  it('makes an empty but valid file from a trace without D-Bus messages', () => {
    const r = messagesToPcap([]);
    expect(r.bytes.length).toBe(24);
    const file = join(dir, 'empty.pcap');
    writeFileSync(file, r.bytes);
    expect(execFileSync('tshark', ['-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()).toBe('');
  });
});
