// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { HELLO_FLAGS, flagNames } from '../../src/trace/kdbus-names.js';
import { parseKdbusInfo, parseKdbusMsg } from '../../src/trace/kdbus-structs.js';
import { metadataOf } from '../../src/trace/metadata.js';
import { ITEM, KDBUS, concat, item, items, kdbusInfo, kdbusMsg, u64 } from '../helpers/trace-builder.js';

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

function msgOf(bytes: Uint8Array) {
  const r = parseKdbusMsg(bytes);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('kdbus_msg', () => {
  it('decodes the header of a method call, with the union as timeout_ns', () => {
    const m = msgOf(
      kdbusMsg({ flags: KDBUS.MSG_EXPECT_REPLY | KDBUS.MSG_NO_AUTO_START, priority: -5n, dst: 0, src: 7, cookie: 42, word56: 5_000_000_000n }),
    );
    expect(m).toEqual({
      size: 64,
      flags: 3,
      flagNames: ['EXPECT_REPLY', 'NO_AUTO_START'],
      priority: -5,
      dst_id: 0,
      src_id: 7,
      payload_type: '4918622880968897907',
      payloadTypeName: 'DBUS',
      cookie: 42,
      timeout_ns: 5_000_000_000,
      cookie_reply: 0,
      items: [],
    });
  });

  it('gives values above 2^53 as decimal strings: broadcast, flag bit 63, s64 extremes', () => {
    const m = msgOf(
      kdbusMsg({ flags: KDBUS.MSG_SIGNAL | KDBUS.FLAG_NEGOTIATE, priority: -(2n ** 63n), dst: KDBUS.DST_ID_BROADCAST, src: 1, payloadType: 0, cookie: 2n ** 53n, word56: 9 }),
    );
    expect(m.flags).toBe('9223372036854775812');
    expect(m.flagNames).toEqual(['SIGNAL', 'bit63']);
    expect(m.priority).toBe('-9223372036854775808');
    expect(m.dst_id).toBe('18446744073709551615');
    expect(m.cookie).toBe('9007199254740992');
    expect(m.cookie_reply).toBe(9);
    expect(m.timeout_ns).toBe(0);
    expect(m.payloadTypeName).toBe('KERNEL');
    expect(BigInt(m.dst_id)).toBe(KDBUS.DST_ID_BROADCAST);
  });

  it('decodes every metadata item of §13 in the kernel order', () => {
    const caps: [number[], number[], number[], number[]] = [
      [0, 0],
      [0xffffffff, 0x1ff],
      [0x3000, 0],
      [0xffffffff, 0x1ff],
    ];
    const m = msgOf(
      kdbusMsg(
        { dst: 2, src: 3, cookie: 1 },
        items.creds({ uid: 1000, euid: 1001, suid: 1002, fsuid: 1003, gid: 100, egid: 101, sgid: 102, fsgid: 103 }),
        items.pids(321, 322, 1),
        items.auxgroups(4, 24, 27),
        items.string(ITEM.TID_COMM, 'worker'),
        items.string(ITEM.PID_COMM, 'kdbus'),
        items.string(ITEM.EXE, '/usr/bin/kdbus'),
        items.cmdline('kdbus', 'call', 'org.example.Echo'),
        items.string(ITEM.CGROUP, '/user.slice'),
        items.caps(40, caps),
        items.string(ITEM.SECLABEL, 'unconfined'),
        items.audit(3, 1000),
        items.ownedName(KDBUS.NAME_PRIMARY | KDBUS.NAME_ALLOW_REPLACEMENT, 'org.example.A'),
        items.ownedName(KDBUS.NAME_PRIMARY, 'org.example.B'),
        items.string(ITEM.CONN_DESCRIPTION, 'client'),
        items.timestamp(17, 123_456_789, 1_700_000_000_123_456_789n),
      ),
    );
    expect(m.itemsError).toBeUndefined();
    expect(m.items.map((i) => i.typeName)).toEqual([
      'CREDS', 'PIDS', 'AUXGROUPS', 'TID_COMM', 'PID_COMM', 'EXE', 'CMDLINE', 'CGROUP', 'CAPS', 'SECLABEL', 'AUDIT',
      'OWNED_NAME', 'OWNED_NAME', 'CONN_DESCRIPTION', 'TIMESTAMP',
    ]);
    expect(m.items[0]).toEqual({
      type: 0x1001,
      size: 80,
      typeName: 'CREDS',
      creds: { uid: 1000, euid: 1001, suid: 1002, fsuid: 1003, gid: 100, egid: 101, sgid: 102, fsgid: 103 },
    });
    expect(m.items[8]).toEqual({
      type: 0x100a,
      size: 52,
      typeName: 'CAPS',
      caps: { last_cap: 40, inheritable: [0, 0], permitted: [0xffffffff, 0x1ff], effective: [0x3000, 0], bounding: [0xffffffff, 0x1ff] },
    });
    expect(m.items[11]).toEqual({
      type: 0x1004,
      size: 16 + 8 + 14,
      typeName: 'OWNED_NAME',
      name: { flags: 34, flagNames: ['ALLOW_REPLACEMENT', 'PRIMARY'], name: 'org.example.A' },
    });
    expect(m.items[14]).toEqual({
      type: 0x1000,
      size: 40,
      typeName: 'TIMESTAMP',
      timestamp: { seqnum: 17, monotonic_ns: 123_456_789, realtime_ns: '1700000000123456789' },
    });
    expect(metadataOf(m.items)).toEqual({
      creds: { uid: 1000, euid: 1001, suid: 1002, fsuid: 1003, gid: 100, egid: 101, sgid: 102, fsgid: 103 },
      pids: { pid: 321, tid: 322, ppid: 1 },
      auxgroups: [4, 24, 27],
      tidComm: 'worker',
      pidComm: 'kdbus',
      exe: '/usr/bin/kdbus',
      cmdline: ['kdbus', 'call', 'org.example.Echo'],
      cgroup: '/user.slice',
      caps: { last_cap: 40, inheritable: [0, 0], permitted: [0xffffffff, 0x1ff], effective: [0x3000, 0], bounding: [0xffffffff, 0x1ff] },
      seclabel: 'unconfined',
      audit: { sessionid: 3, loginuid: 1000 },
      ownedNames: [
        { name: 'org.example.A', flags: 34, flagNames: ['ALLOW_REPLACEMENT', 'PRIMARY'] },
        { name: 'org.example.B', flags: 32, flagNames: ['PRIMARY'] },
      ],
      description: 'client',
      timestamp: { seqnum: 17, monotonicNs: 123_456_789, realtimeNs: '1700000000123456789' },
    });
  });

  it('decodes message items: DST_NAME, bloom filter, memfd, fds, payload parts', () => {
    const m = msgOf(
      kdbusMsg(
        { flags: KDBUS.MSG_SIGNAL, dst: 9, src: 3, cookie: 5 },
        items.dstName('org.example.Echo'),
        items.bloomFilter(2, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])),
        items.payloadInline(3, 0, new Uint8Array([0x6c, 1, 0])),
        items.memfd(0, 4096, -1),
        items.payloadInline(4096, 1, new Uint8Array([9, 9])),
        items.fds(-1, -1),
      ),
    );
    expect(m.items).toEqual([
      { type: 10, size: 33, typeName: 'DST_NAME', str: 'org.example.Echo' },
      { type: 8, size: 32, typeName: 'BLOOM_FILTER', bloom_filter: { generation: 2, data: b64([1, 2, 3, 4, 5, 6, 7, 8]) } },
      {
        type: 0x1000e,
        size: 35,
        typeName: 'PAYLOAD_INLINE',
        payload: { size: 3, source: 0, sourceName: 'vec', data: b64([0x6c, 1, 0]), truncated: false },
      },
      { type: 4, size: 40, typeName: 'PAYLOAD_MEMFD', memfd: { start: 0, size: 4096, fd: -1, pad: 0 } },
      {
        type: 0x1000e,
        size: 34,
        typeName: 'PAYLOAD_INLINE',
        payload: { size: 4096, source: 1, sourceName: 'memfd', data: b64([9, 9]), truncated: true },
      },
      { type: 5, size: 24, typeName: 'FDS', fds: [-1, -1] },
    ]);
  });

  it('decodes kernel notifications', () => {
    const m = msgOf(
      kdbusMsg(
        { flags: KDBUS.MSG_SIGNAL, dst: KDBUS.DST_ID_BROADCAST, src: 0, payloadType: 0 },
        items.nameChange(ITEM.NAME_CHANGE, [5, KDBUS.NAME_ACTIVATOR | KDBUS.NAME_PRIMARY], [6, KDBUS.NAME_PRIMARY], 'org.x.Y'),
        items.idChange(ITEM.ID_ADD, 6, KDBUS.HELLO_ACCEPT_FD),
        items.replyDead(),
      ),
    );
    expect(m.items).toEqual([
      {
        type: 0x8002,
        size: 16 + 32 + 8,
        typeName: 'NAME_CHANGE',
        name_change: {
          old_id: { id: 5, flags: 48, flagNames: ['ACTIVATOR', 'PRIMARY'] },
          new_id: { id: 6, flags: 32, flagNames: ['PRIMARY'] },
          name: 'org.x.Y',
        },
      },
      { type: 0x8003, size: 32, typeName: 'ID_ADD', id_change: { id: 6, flags: 1, flagNames: ['ACCEPT_FD'] } },
      { type: 0x8006, size: 16, typeName: 'REPLY_DEAD' },
    ]);
  });

  it('keeps an item of unknown type and one of the wrong size undecoded, with their bytes', () => {
    const m = msgOf(kdbusMsg({ dst: 1, src: 2 }, item(0x4242, new Uint8Array([1, 2, 3])), item(ITEM.TIMESTAMP, u64(5))));
    expect(m.items).toEqual([
      { type: 0x4242, size: 19, typeName: 'UNKNOWN', data: b64([1, 2, 3]), error: 'unknown item type 0x4242' },
      { type: 0x1000, size: 24, typeName: 'INVALID', data: b64([5, 0, 0, 0, 0, 0, 0, 0]), error: 'TIMESTAMP payload is 8 bytes, expected 24' },
    ]);
  });

  it('does not accept PAYLOAD_INLINE outside a message', () => {
    const r = parseKdbusInfo(kdbusInfo(1, 0, items.payloadInline(1, 0, new Uint8Array([1]))), HELLO_FLAGS);
    expect(r.ok && r.value.items[0]?.typeName).toBe('UNKNOWN');
  });

  it('stops at an item that runs past the end and keeps the items before it', () => {
    const good = items.string(ITEM.PID_COMM, 'x');
    const broken = concat(u64(200), u64(ITEM.EXE), new Uint8Array(8));
    const m = msgOf(kdbusMsg({ dst: 1, src: 2 }, good, broken));
    expect(m.items.map((i) => i.typeName)).toEqual(['PID_COMM']);
    expect(m.itemsError).toBe('item at offset 88 (size 200) runs past the end at 112');
  });

  it('stops at an item with size < 16', () => {
    const m = msgOf(kdbusMsg({ dst: 1, src: 2 }, concat(u64(8), u64(ITEM.EXE))));
    expect(m.items).toEqual([]);
    expect(m.itemsError).toBe('item at offset 64 has size 8 (< 16)');
  });

  it('refuses a kdbus_msg whose size is beyond its bytes or below the header', () => {
    const bytes = kdbusMsg({ dst: 1, src: 2 }, items.pids(1, 1, 0));
    expect(parseKdbusMsg(bytes.subarray(0, bytes.length - 8))).toEqual({ ok: false, error: `kdbus_msg.size ${bytes.length} outside 64..${bytes.length - 8}` });
    expect(parseKdbusMsg(bytes.subarray(0, 40))).toEqual({ ok: false, error: 'kdbus_msg needs 64 bytes, got 40' });
  });

  it('accepts a last item without trailing padding', () => {
    const bytes = kdbusMsg({ dst: 1, src: 2 }, item(ITEM.PID_COMM, new Uint8Array([0x61, 0]), { pad: false }));
    expect(msgOf(bytes).items).toEqual([{ type: ITEM.PID_COMM, size: 18, typeName: 'PID_COMM', str: 'a' }]);
  });
});

describe('kdbus_info', () => {
  it('decodes a CONN_INFO record with policy and attach items', () => {
    const r = parseKdbusInfo(
      kdbusInfo(
        12,
        KDBUS.HELLO_ACTIVATOR,
        items.string(ITEM.CONN_DESCRIPTION, 'activator'),
        items.policyAccess(3, 1, 0),
        items.attachFlags(ITEM.ATTACH_FLAGS_SEND, (1n << 64n) - 1n),
        items.bloomParameter(64, 1),
      ),
      HELLO_FLAGS,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        size: 24 + 32 + 40 + 24 + 32,
        id: 12,
        flags: 2,
        flagNames: ['ACTIVATOR'],
        items: [
          { type: 0x100d, size: 26, typeName: 'CONN_DESCRIPTION', str: 'activator' },
          {
            type: 0x2000,
            size: 40,
            typeName: 'POLICY_ACCESS',
            policy_access: { type: 3, typeName: 'WORLD', access: 1, accessName: 'TALK', id: 0 },
          },
          {
            type: 12,
            size: 24,
            typeName: 'ATTACH_FLAGS_SEND',
            flags: '18446744073709551615',
            flagNames: [
              'TIMESTAMP', 'CREDS', 'PIDS', 'AUXGROUPS', 'NAMES', 'TID_COMM', 'PID_COMM', 'EXE', 'CMDLINE', 'CGROUP',
              'CAPS', 'SECLABEL', 'AUDIT', 'CONN_DESCRIPTION',
              ...Array.from({ length: 50 }, (_, i) => `bit${i + 14}`),
            ],
          },
          { type: 7, size: 32, typeName: 'BLOOM_PARAMETER', bloom_parameter: { size: 64, n_hash: 1 } },
        ],
      },
    });
  });

  it('names the NEGOTIATE flag bit', () => {
    expect(flagNames('9223372036854775809', HELLO_FLAGS)).toEqual(['ACCEPT_FD', 'NEGOTIATE']);
  });
});
