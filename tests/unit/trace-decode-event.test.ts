// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/trace/decode-event.js';
import type { TraceFrame } from '../../src/trace/frame-reader.js';
import { validateEvent } from '../../src/trace/validate-event.js';
import { EVENT, FIELD, ITEM, KDBUS, concat, fields as F, id128, item, items, kdbusInfo, kdbusMsg, u64 } from '../helpers/trace-builder.js';

const fr = (type: number, ...fs: Uint8Array[]): TraceFrame => ({ version: 1, type, seq: 7, time: 1234, body: concat(...fs) });
const b64 = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString('base64');

const creatorInfo = kdbusInfo(
  1,
  KDBUS.MAKE_ACCESS_WORLD,
  items.string(ITEM.MAKE_NAME, '0-demo'),
  items.attachFlags(ITEM.ATTACH_FLAGS_RECV, 0x2),
  items.pids(90, 90, 1),
);

describe('decodeEvent', () => {
  it('AGENT_START', () => {
    expect(decodeEvent(fr(EVENT.AGENT_START, F.text('kdbus-agent 1'), F.name('6.1.0-kdbus'), F.id(77)))).toEqual({
      type: 'agent-start',
      seq: 7,
      time: 1234,
      agent: 'kdbus-agent 1',
      kernelRelease: '6.1.0-kdbus',
      pid: 77,
    });
  });

  it('DOMAIN_ADD and DOMAIN_REMOVE', () => {
    expect(decodeEvent(fr(EVENT.DOMAIN_ADD, F.domain(1), F.path('/sys/fs/kdbus')))).toEqual({
      type: 'domain-add',
      seq: 7,
      time: 1234,
      domain: 1,
      path: '/sys/fs/kdbus',
    });
    expect(decodeEvent(fr(EVENT.DOMAIN_REMOVE, F.domain(3)))).toEqual({ type: 'domain-remove', seq: 7, time: 1234, domain: 3 });
  });

  it('BUS_ADD with the creator info', () => {
    const e = decodeEvent(
      fr(
        EVENT.BUS_ADD,
        F.domain(1),
        F.bus(2),
        F.name('0-demo'),
        F.stat(0o100666, 0, 0),
        F.busInfo(KDBUS.MAKE_ACCESS_WORLD, id128(0xa0), 64, 1),
        F.info(creatorInfo),
      ),
    );
    expect(e).toEqual({
      type: 'bus-add',
      seq: 7,
      time: 1234,
      domain: 1,
      bus: 2,
      name: '0-demo',
      stat: { mode: 0o100666, modeText: '-rw-rw-rw-', uid: 0, gid: 0 },
      busInfo: { flags: 2, flagNames: ['ACCESS_WORLD'], id128: 'a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf', bloom: { size: 64, n_hash: 1 } },
      creator: {
        size: creatorInfo.length,
        id: 1,
        flags: 2,
        flagNames: ['ACCESS_WORLD'],
        items: [
          { type: 11, size: 23, typeName: 'MAKE_NAME', str: '0-demo' },
          { type: 13, size: 24, typeName: 'ATTACH_FLAGS_RECV', flags: 2, flagNames: ['CREDS'] },
          { type: 0x1002, size: 40, typeName: 'PIDS', pids: { pid: 90, tid: 90, ppid: 1 } },
        ],
      },
    });
  });

  it('BUS_ADD without the optional creator info', () => {
    const e = decodeEvent(fr(EVENT.BUS_ADD, F.domain(1), F.bus(2), F.name('0-x'), F.stat(0o100600, 5, 6), F.busInfo(0, id128(), 8, 1)));
    expect(e).toMatchObject({ type: 'bus-add', creator: null, stat: { modeText: '-rw-------', uid: 5, gid: 6 } });
  });

  it('BUS_REMOVE, ENDPOINT_ADD, ENDPOINT_REMOVE', () => {
    expect(decodeEvent(fr(EVENT.BUS_REMOVE, F.bus(2)))).toEqual({ type: 'bus-remove', seq: 7, time: 1234, bus: 2 });
    expect(decodeEvent(fr(EVENT.ENDPOINT_ADD, F.bus(2), F.name('0-custom'), F.stat(0o100660, 0, 10)))).toEqual({
      type: 'endpoint-add',
      seq: 7,
      time: 1234,
      bus: 2,
      name: '0-custom',
      stat: { mode: 0o100660, modeText: '-rw-rw----', uid: 0, gid: 10 },
    });
    expect(decodeEvent(fr(EVENT.ENDPOINT_REMOVE, F.bus(2), F.name('0-custom')))).toEqual({
      type: 'endpoint-remove',
      seq: 7,
      time: 1234,
      bus: 2,
      name: '0-custom',
    });
  });

  it('CONN_ADD from a snapshot, and a bare one', () => {
    const info = kdbusInfo(5, KDBUS.HELLO_ACCEPT_FD, items.pids(300, 300, 1), items.string(ITEM.CONN_DESCRIPTION, 'svc'));
    expect(decodeEvent(fr(EVENT.CONN_ADD, F.bus(2), F.id(5), F.flags(1), F.info(info)))).toEqual({
      type: 'conn-add',
      seq: 7,
      time: 1234,
      bus: 2,
      id: 5,
      flags: 1,
      fromSnapshot: true,
      info: {
        size: info.length,
        id: 5,
        flags: 1,
        flagNames: ['ACCEPT_FD'],
        items: [
          { type: 0x1002, size: 40, typeName: 'PIDS', pids: { pid: 300, tid: 300, ppid: 1 } },
          { type: 0x100d, size: 20, typeName: 'CONN_DESCRIPTION', str: 'svc' },
        ],
      },
    });
    expect(decodeEvent(fr(EVENT.CONN_ADD, F.bus(2), F.id(6), F.flags(0), F.info(kdbusInfo(6, 0))))).toMatchObject({
      fromSnapshot: false,
      info: { size: 24, id: 6, flags: 0, flagNames: [], items: [] },
    });
  });

  it('CONN_REMOVE', () => {
    expect(decodeEvent(fr(EVENT.CONN_REMOVE, F.bus(2), F.id(5)))).toEqual({ type: 'conn-remove', seq: 7, time: 1234, bus: 2, id: 5 });
  });

  it('NAMES with one record per owner, and an empty table', () => {
    const e = decodeEvent(
      fr(
        EVENT.NAMES,
        F.bus(2),
        F.info(kdbusInfo(5, 0, items.ownedName(KDBUS.NAME_PRIMARY, 'org.a.B'))),
        F.info(kdbusInfo(6, 0, items.ownedName(KDBUS.NAME_IN_QUEUE | KDBUS.NAME_QUEUE, 'org.a.B'))),
      ),
    );
    expect(e.type === 'names' && e.owners.map((o) => [o.id, o.items[0]])).toEqual([
      [5, { type: 0x1004, size: 32, typeName: 'OWNED_NAME', name: { flags: 32, flagNames: ['PRIMARY'], name: 'org.a.B' } }],
      [6, { type: 0x1004, size: 32, typeName: 'OWNED_NAME', name: { flags: 12, flagNames: ['QUEUE', 'IN_QUEUE'], name: 'org.a.B' } }],
    ]);
    expect(decodeEvent(fr(EVENT.NAMES, F.bus(2)))).toEqual({ type: 'names', seq: 7, time: 1234, bus: 2, owners: [] });
  });

  it('MESSAGE', () => {
    const msg = kdbusMsg(
      { flags: KDBUS.MSG_EXPECT_REPLY, dst: 5, src: 6, cookie: 3, word56: 10 ** 12 },
      items.payloadInline(4, 0, new Uint8Array([1, 2, 3, 4])),
      items.timestamp(1, 2, 3),
    );
    const e = decodeEvent(fr(EVENT.MESSAGE, F.bus(2), F.msg(msg)));
    expect(e).toMatchObject({
      type: 'message',
      bus: 2,
      msg: { size: msg.length, src_id: 6, dst_id: 5, cookie: 3, timeout_ns: 10 ** 12, cookie_reply: 0, flagNames: ['EXPECT_REPLY'] },
    });
    expect(e.type === 'message' && e.msg.items.map((i) => i.typeName)).toEqual(['PAYLOAD_INLINE', 'TIMESTAMP']);
  });

  it('LOSS of both reasons; bus 0 means no bus', () => {
    expect(decodeEvent(fr(EVENT.LOSS, F.bus(2), F.count(4), F.reason(1)))).toEqual({
      type: 'loss',
      seq: 7,
      time: 1234,
      bus: 2,
      count: 4,
      reason: 1,
      reasonName: 'kernel-dropped',
    });
    expect(decodeEvent(fr(EVENT.LOSS, F.bus(0), F.count(9), F.reason(2)))).toMatchObject({ bus: null, reasonName: 'agent-dropped' });
    expect(decodeEvent(fr(EVENT.LOSS, F.bus(0), F.count(9), F.reason(3)))).toMatchObject({ reasonName: null, reason: 3 });
  });

  it('ERROR with and without a bus', () => {
    expect(decodeEvent(fr(EVENT.ERROR, F.bus(2), F.reason(12), F.text('LIST failed')))).toEqual({
      type: 'error',
      seq: 7,
      time: 1234,
      bus: 2,
      errno: 12,
      errnoName: 'ENOMEM',
      text: 'LIST failed',
    });
    expect(decodeEvent(fr(EVENT.ERROR, F.reason(4242), F.text('x')))).toMatchObject({ bus: null, errno: 4242, errnoName: null });
  });

  it('SNAPSHOT_BEGIN and SNAPSHOT_END', () => {
    expect(decodeEvent(fr(EVENT.SNAPSHOT_BEGIN, F.count(3)))).toEqual({ type: 'snapshot-begin', seq: 7, time: 1234, token: 3 });
    expect(decodeEvent(fr(EVENT.SNAPSHOT_END, F.count(0)))).toEqual({ type: 'snapshot-end', seq: 7, time: 1234, token: 0 });
  });

  it('ignores unknown fields and reads a repeated field once', () => {
    expect(decodeEvent(fr(EVENT.BUS_REMOVE, item(0x10fff, u64(1)), F.bus(2), F.bus(3)))).toEqual({
      type: 'bus-remove',
      seq: 7,
      time: 1234,
      bus: 2,
    });
  });

  it('keeps an unknown event type with its raw fields', () => {
    expect(decodeEvent(fr(99, F.bus(2), item(0x10fff, new Uint8Array([1, 2, 3]))))).toEqual({
      type: 'unknown',
      seq: 7,
      time: 1234,
      eventType: 99,
      fields: [
        { type: FIELD.BUS, data: b64(u64(2)) },
        { type: 0x10fff, data: b64([1, 2, 3]) },
      ],
    });
  });

  it('makes a malformed event of a body missing a required field', () => {
    const body = F.bus(2);
    expect(decodeEvent(fr(EVENT.CONN_REMOVE, body))).toEqual({
      type: 'malformed',
      seq: 7,
      time: 1234,
      eventType: EVENT.CONN_REMOVE,
      reason: 'missing ID field',
      bodySize: body.length,
      bodyHead: b64(body),
    });
  });

  it('makes a malformed event of a short field, a bad kdbus_msg, a ref above 2^53, a broken NAMES record', () => {
    expect(decodeEvent(fr(EVENT.BUS_REMOVE, item(FIELD.BUS, new Uint8Array(4))))).toMatchObject({
      type: 'malformed',
      reason: 'BUS field has 4 bytes, expected 8',
    });
    expect(decodeEvent(fr(EVENT.MESSAGE, F.bus(1), F.msg(new Uint8Array(63))))).toMatchObject({
      type: 'malformed',
      reason: 'kdbus_msg needs 64 bytes, got 63',
    });
    expect(decodeEvent(fr(EVENT.BUS_REMOVE, F.bus(2n ** 60n)))).toMatchObject({
      type: 'malformed',
      reason: 'BUS value 1152921504606846976 is above 2^53',
    });
    expect(decodeEvent(fr(EVENT.NAMES, F.bus(1), F.info(kdbusInfo(1, 0)), F.info(new Uint8Array(16))))).toMatchObject({
      type: 'malformed',
      reason: 'KDBUS_INFO #2: kdbus_info needs 24 bytes, got 16',
    });
  });

  it('uses the fields before a broken field header and says so', () => {
    const e = decodeEvent(fr(EVENT.CONN_REMOVE, F.bus(2), F.id(5), concat(u64(4), u64(FIELD.TEXT))));
    expect(e).toEqual({
      type: 'conn-remove',
      seq: 7,
      time: 1234,
      bus: 2,
      id: 5,
      fieldError: 'field at offset 48 has size 4 (body is 64 bytes)',
    });
    // ...but a required field after the break is missing.
    expect(decodeEvent(fr(EVENT.CONN_REMOVE, F.bus(2), concat(u64(999), u64(FIELD.ID)), F.id(5)))).toMatchObject({
      type: 'malformed',
      reason: 'missing ID field',
    });
  });

  it('accepts a body whose last field has no padding', () => {
    const body = concat(F.bus(2), item(FIELD.NAME, new Uint8Array([0x62, 0x75, 0x73, 0]), { pad: false }));
    expect(body.length % 8).toBe(4);
    expect(decodeEvent(fr(EVENT.ENDPOINT_REMOVE, body))).toEqual({ type: 'endpoint-remove', seq: 7, time: 1234, bus: 2, name: 'bus' });
  });

  it('turns any body into a valid event: no internal failure, always the JSON schema', () => {
    let seed = 1;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 2000; n++) {
      const type = 1 + Math.floor(rnd() * 16);
      // Random fields of plausible types and sizes, sometimes broken.
      const parts: Uint8Array[] = [];
      const count = Math.floor(rnd() * 5);
      for (let k = 0; k < count; k++) {
        const ftype = 0x10001 + Math.floor(rnd() * 14);
        const data = Uint8Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256));
        parts.push(rnd() < 0.1 ? data : item(ftype, data));
      }
      const e = decodeEvent(fr(type, ...parts));
      if (e.type === 'malformed') expect(e.reason).not.toMatch(/decoder failure/);
      expect(validateEvent(JSON.parse(JSON.stringify(e)))).toEqual({ ok: true, event: e });
    }
  });

  it('turns a damaged realistic message into a valid event', () => {
    const body = concat(
      F.bus(1),
      F.msg(
        kdbusMsg(
          { flags: KDBUS.MSG_EXPECT_REPLY, dst: 0, src: 3, cookie: 9, word56: 10 ** 9 },
          items.dstName('org.example.Echo'),
          items.payloadInline(40, 0, new Uint8Array(40).fill(7)),
          items.creds({ uid: 1, euid: 1, suid: 1, fsuid: 1, gid: 1, egid: 1, sgid: 1, fsgid: 1 }),
          items.caps(40, [[0, 0], [1, 1], [2, 2], [3, 3]]),
          items.cmdline('a', 'b'),
          items.ownedName(KDBUS.NAME_PRIMARY, 'org.x.Y'),
          items.nameChange(ITEM.NAME_ADD, [0, 0], [3, KDBUS.NAME_PRIMARY], 'org.x.Y'),
          items.timestamp(1, 2, 3),
        ),
      ),
    );
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 3000; n++) {
      const damaged = body.slice();
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) damaged[Math.floor(rnd() * damaged.length)] = Math.floor(rnd() * 256);
      const e = decodeEvent(fr(EVENT.MESSAGE, damaged));
      if (e.type === 'malformed') expect(e.reason).not.toMatch(/decoder failure/);
      expect(validateEvent(JSON.parse(JSON.stringify(e)))).toEqual({ ok: true, event: e });
    }
  });
});
