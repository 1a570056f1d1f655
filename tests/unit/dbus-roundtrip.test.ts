// SPDX-License-Identifier: MIT
// Encoder → decoder round trips, exact wire layout of small cases worked out
// by hand from the specification, and the encoder's refusals.
import { describe, expect, it } from 'vitest';
import { decodeDbusMessage } from '../../src/dbus/decode.js';
import { DbusEncodeError, encodeDbusMessage, type DbusEncodeHeader } from '../../src/dbus/encode.js';
import type { DbusMessage, DbusValue } from '../../src/dbus/message.js';

const CALL: DbusEncodeHeader = { type: 'method_call', flags: 0, serial: 1, path: '/p', member: 'M' };

const y = (value: number): DbusValue => ({ type: 'y', value });
const s = (value: string): DbusValue => ({ type: 's', value });
const u = (value: number): DbusValue => ({ type: 'u', value });
const x = (value: bigint): DbusValue => ({ type: 'x', value });
const t = (value: bigint): DbusValue => ({ type: 't', value });
const v = (signature: string, value: DbusValue): DbusValue => ({ type: 'v', signature, value });
const arr = (elementSignature: string, items: DbusValue[]): DbusValue => ({ type: 'a', elementSignature, items });
const st = (signature: string, ...fields: DbusValue[]): DbusValue => ({ type: '(', signature, fields });
const de = (key: DbusValue, value: DbusValue): DbusValue => {
  if (key.type === 'a' || key.type === '(' || key.type === '{' || key.type === 'v') throw new Error('bad key');
  return { type: '{', key, value };
};

function decodeOk(bytes: Uint8Array): DbusMessage {
  const r = decodeDbusMessage(bytes);
  if (!r.ok) throw new Error(r.error);
  return r.message;
}

function roundTrip(signature: string, body: DbusValue[], endian: 'l' | 'B'): DbusMessage {
  const bytes = encodeDbusMessage({ ...CALL, endian }, signature, body);
  const m = decodeOk(bytes);
  expect(m.bodyError).toBeUndefined();
  expect(m.truncated).toBe(false);
  expect(m.header.signature).toBe(signature === '' ? undefined : signature);
  expect(m.header.bodyLength).toBe(bytes.length - m.bodyOffset);
  return m;
}

/** The body bytes of an encoded message. */
function bodyBytes(bytes: Uint8Array): number[] {
  return [...bytes.subarray(decodeOk(bytes).bodyOffset)];
}

const CASES: Array<[string, string, DbusValue[]]> = [
  ['every basic type at its limits', 'ybnqiuxtdsogh', [
    y(255), { type: 'b', value: true }, { type: 'n', value: -32768 }, { type: 'q', value: 65535 },
    { type: 'i', value: -2147483648 }, u(4294967295), x(-(2n ** 63n)), t(2n ** 64n - 1n),
    { type: 'd', value: -0.1 }, s('héllo ✓ 😀 \u{feff}'), { type: 'o', value: '/a/b' }, { type: 'g', value: 'a{sv}(yv)' },
    { type: 'h', value: 3 },
  ]],
  ['zeros and small values', 'ybnqiuxtds', [
    y(0), { type: 'b', value: false }, { type: 'n', value: 0 }, { type: 'q', value: 0 }, { type: 'i', value: 0 },
    u(0), x(0n), t(0n), { type: 'd', value: 0 }, s(''),
  ]],
  ['non-finite doubles', 'ddd', [{ type: 'd', value: Number.POSITIVE_INFINITY }, { type: 'd', value: Number.NEGATIVE_INFINITY }, { type: 'd', value: Number.NaN }]],
  ['a dict of variants', 'a{sv}', [arr('{sv}', [
    de(s('a'), v('s', s('x'))),
    de(s('b'), v('t', t(5n))),
    de(s('c'), v('a{sv}', arr('{sv}', [de(s('d'), v('ay', arr('y', [y(1), y(2)])))]))),
    de(s('e'), v('(yt)', st('(yt)', y(1), t(2n)))),
  ])]],
  ['dicts with every basic key type', 'a{yy}a{bs}a{nx}a{qt}a{id}a{us}a{xs}a{ts}a{ds}a{ss}a{os}a{gs}a{hs}', [
    arr('{yy}', [de(y(1), y(2))]),
    arr('{bs}', [de({ type: 'b', value: true }, s('t'))]),
    arr('{nx}', [de({ type: 'n', value: -2 }, x(-3n))]),
    arr('{qt}', [de({ type: 'q', value: 2 }, t(3n))]),
    arr('{id}', [de({ type: 'i', value: -2 }, { type: 'd', value: 1.5 })]),
    arr('{us}', [de(u(7), s('seven'))]),
    arr('{xs}', [de(x(-7n), s('-seven'))]),
    arr('{ts}', [de(t(7n), s('seven'))]),
    arr('{ds}', [de({ type: 'd', value: 0.5 }, s('half'))]),
    arr('{ss}', [de(s('k'), s('v')), de(s('k'), s('duplicate keys are kept, in order'))]),
    arr('{os}', [de({ type: 'o', value: '/' }, s('root'))]),
    arr('{gs}', [de({ type: 'g', value: 'ai' }, s('sig'))]),
    arr('{hs}', [de({ type: 'h', value: 0 }, s('fd'))]),
  ]],
  ['nested structs and arrays', '(i(s(yx))a(ty))aaay', [
    st('(i(s(yx))a(ty))', { type: 'i', value: -1 }, st('(s(yx))', s('in'), st('(yx)', y(9), x(10n))), arr('(ty)', [st('(ty)', t(1n), y(2)), st('(ty)', t(3n), y(4))])),
    arr('aay', [arr('ay', [arr('y', [y(1)]), arr('y', [])]), arr('ay', [])]),
  ]],
  ['empty arrays of 8-aligned elements (padding still written)', 'yaxya(yy)ya{sv}yad', [
    y(1), arr('x', []), y(2), arr('(yy)', []), y(3), arr('{sv}', []), y(4), arr('d', []),
  ]],
  ['variants in variants', 'v', [v('v', v('v', v('av', arr('v', [v('i', { type: 'i', value: 1 }), v('s', s('two'))]))))]],
  ['an empty body', '', []],
];

describe('round trips', () => {
  for (const endian of ['l', 'B'] as const) {
    for (const [name, signature, body] of CASES) {
      it(`${name} (${endian === 'l' ? 'little' : 'big'} endian)`, () => {
        expect(roundTrip(signature, body, endian).body).toEqual(body);
      });
    }
  }

  it('a value after every possible misalignment', () => {
    // Shift a value of each alignment by 0..7 bytes in front of it.
    for (const endian of ['l', 'B'] as const) {
      for (let shift = 0; shift < 8; shift++) {
        for (const [sig, val] of [['n', { type: 'n', value: -5 }], ['u', u(0xdeadbeef)], ['x', x(-5n)], ['(y)', st('(y)', y(1))], ['s', s('z')], ['g', { type: 'g', value: 'i' }], ['v', v('q', { type: 'q', value: 7 })]] as const) {
          const pre = Array.from({ length: shift }, (_, i) => y(i + 1));
          const body = [...pre, val];
          expect(roundTrip(`${'y'.repeat(shift)}${sig}`, body, endian).body).toEqual(body);
        }
      }
    }
  });

  it('header fields survive, in both byte orders', () => {
    for (const endian of ['l', 'B'] as const) {
      const header: DbusEncodeHeader = {
        endian,
        type: 'signal',
        flags: 0x7,
        serial: 0xfffffffe,
        path: '/org/example/Obj',
        interface: 'org.example.Iface',
        member: 'Changed',
        destination: ':1.99',
        sender: 'org.example.Svc',
        unixFds: 2,
      };
      const m = decodeOk(encodeDbusMessage(header, 'hh', [{ type: 'h', value: 0 }, { type: 'h', value: 1 }]));
      expect(m.header).toEqual({ ...header, version: 1, signature: 'hh', bodyLength: 8 });
    }
  });

  it('error and method_return messages carry their reply serial', () => {
    const e = decodeOk(encodeDbusMessage({ type: 'error', flags: 1, serial: 5, replySerial: 4, errorName: 'a.b.Error' }, 's', [s('why')]));
    expect(e.header).toMatchObject({ type: 'error', replySerial: 4, errorName: 'a.b.Error' });
    const r = decodeOk(encodeDbusMessage({ type: 'method_return', flags: 0, serial: 6, replySerial: 5 }, '', []));
    expect(r.header).toMatchObject({ type: 'method_return', replySerial: 5, bodyLength: 0 });
    expect(r.header.signature).toBeUndefined();
  });

  it('a decoded header can be encoded again as it is', () => {
    const bytes = encodeDbusMessage({ ...CALL, interface: 'a.b', destination: 'a.b' }, 'as', [arr('s', [s('x')])]);
    const m = decodeOk(bytes);
    expect(encodeDbusMessage(m.header, m.header.signature ?? '', m.body)).toEqual(bytes);
  });

  it('unknown header fields are written when asked, and skipped by the decoder', () => {
    const extra = { code: 200, value: arr('s', [s('future')]) };
    const bytes = encodeDbusMessage(CALL, 'y', [y(1)], { extraFields: [extra], fieldOrder: [200, 3, 1, 8] });
    const m = decodeOk(bytes);
    expect(m.headerFields).toEqual([
      { code: 200, value: extra.value, known: false },
      { code: 3, value: s('M'), known: true },
      { code: 1, value: { type: 'o', value: '/p' }, known: true },
      { code: 8, value: { type: 'g', value: 'y' }, known: true },
    ]);
    expect(m.header).toEqual({ ...CALL, endian: 'l', version: 1, signature: 'y', bodyLength: 1 });
    expect(m.body).toEqual([y(1)]);
    // And the same message encodes back byte for byte from what was decoded.
    const again = encodeDbusMessage(m.header, 'y', m.body, {
      fieldOrder: m.headerFields.map((f) => f.code),
      extraFields: m.headerFields.filter((f) => !f.known),
    });
    expect(again).toEqual(bytes);
  });
});

describe('wire layout, worked out by hand from the specification', () => {
  it('the fixed header and one header field', () => {
    const bytes = encodeDbusMessage({ type: 'method_return', flags: 0x1, serial: 0x01020304, replySerial: 9 }, '', []);
    expect([...bytes]).toEqual([
      0x6c, 2, 0x1, 1, // 'l', METHOD_RETURN, NO_REPLY_EXPECTED, version 1
      0, 0, 0, 0, // body length
      4, 3, 2, 1, // serial, little endian
      8, 0, 0, 0, // header field array: 8 bytes
      5, 1, 0x75, 0, 9, 0, 0, 0, // (REPLY_SERIAL, variant "u" 9): code, sig len 1, 'u', NUL, uint32
    ]);
  });

  it('big endian writes the most significant byte first', () => {
    const bytes = encodeDbusMessage({ type: 'method_return', flags: 0, serial: 0x01020304, replySerial: 9, endian: 'B' }, '', []);
    expect([...bytes.subarray(0, 12)]).toEqual([0x42, 2, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4]);
    expect([...bytes.subarray(20, 24)]).toEqual([0, 0, 0, 9]);
  });

  it('8-byte values are aligned from the message start, with zero padding', () => {
    const bytes = encodeDbusMessage(CALL, 'yt', [y(0xaa), t(0x0102030405060708n)]);
    expect(bodyBytes(bytes)).toEqual([0xaa, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('array length excludes the padding before the first element but includes padding between elements', () => {
    const bytes = encodeDbusMessage(CALL, 'a(y)', [arr('(y)', [st('(y)', y(1)), st('(y)', y(2))])]);
    // length, pad to 8, struct 1, pad 7, struct 2: length = 1 + 7 + 1 = 9.
    expect(bodyBytes(bytes)).toEqual([9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
  });

  it('an empty array of int64 still has the padding after its length', () => {
    const bytes = encodeDbusMessage(CALL, 'axy', [arr('x', []), y(7)]);
    expect(bodyBytes(bytes)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 7]);
  });

  it('strings are length, UTF-8 bytes and NUL; signatures a byte length; variants their signature first', () => {
    const bytes = encodeDbusMessage(CALL, 'sgv', [s('é'), { type: 'g', value: 'ai' }, v('y', y(5))]);
    expect(bodyBytes(bytes)).toEqual([2, 0, 0, 0, 0xc3, 0xa9, 0, 2, 0x61, 0x69, 0, 1, 0x79, 0, 5]);
  });

  it('booleans take four bytes', () => {
    expect(bodyBytes(encodeDbusMessage(CALL, 'yb', [y(1), { type: 'b', value: true }]))).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
  });
});

describe('the encoder refuses what is not a valid message', () => {
  const bad: Array<[string, () => unknown, string]> = [
    ['a value of the wrong type', () => encodeDbusMessage(CALL, 's', [u(1)]), 'value of type "u" where "s" is expected'],
    ['too few values', () => encodeDbusMessage(CALL, 'ss', [s('a')]), 'has 2 types but the body has 1 values'],
    ['an invalid signature', () => encodeDbusMessage(CALL, 'a', []), 'array without element type'],
    ['a byte out of range', () => encodeDbusMessage(CALL, 'y', [y(256)]), 'byte value 256'],
    ['a fractional int32', () => encodeDbusMessage(CALL, 'i', [{ type: 'i', value: 1.5 }]), 'int32 value 1.5'],
    ['a uint64 out of range', () => encodeDbusMessage(CALL, 't', [t(2n ** 64n)]), 'uint64 value'],
    ['a NUL in a string', () => encodeDbusMessage(CALL, 's', [s('a\0b')]), 'NUL'],
    ['a lone surrogate', () => encodeDbusMessage(CALL, 's', [s('a\ud800b')]), 'surrogate'],
    ['an invalid object path', () => encodeDbusMessage(CALL, 'o', [{ type: 'o', value: '/a/' }]), "ends with '/'"],
    ['an array with another element type', () => encodeDbusMessage(CALL, 'ai', [arr('u', [])]), 'array of "u"'],
    ['a struct with too few fields', () => encodeDbusMessage(CALL, '(ii)', [st('(ii)', { type: 'i', value: 1 })]), 'with 1 fields'],
    ['a variant with two types', () => encodeDbusMessage(CALL, 'v', [v('ii', y(1))]), 'holds 2 complete types'],
    ['a variant whose value disagrees', () => encodeDbusMessage(CALL, 'v', [v('s', y(1))]), 'value of type "y" where "s" is expected'],
    ['an incomplete value', () => encodeDbusMessage(CALL, 'ay', [{ type: 'a', elementSignature: 'y', items: [], incomplete: true }]), 'incomplete'],
    ['a method call without member', () => encodeDbusMessage({ type: 'method_call', flags: 0, serial: 1, path: '/' }, '', []), 'required member'],
    ['a signal without interface', () => encodeDbusMessage({ type: 'signal', flags: 0, serial: 1, path: '/', member: 'M' }, '', []), 'required interface'],
    ['an error without reply serial', () => encodeDbusMessage({ type: 'error', flags: 0, serial: 1, errorName: 'a.b' }, '', []), 'required replySerial'],
    ['serial 0', () => encodeDbusMessage({ ...CALL, serial: 0 }, '', []), 'serial value 0'],
    ['an invalid interface name', () => encodeDbusMessage({ ...CALL, interface: 'nodots' }, '', []), 'interface name "nodots"'],
    ['an invalid destination', () => encodeDbusMessage({ ...CALL, destination: 'a..b' }, '', []), 'bus name "a..b"'],
    ['a header signature that disagrees', () => encodeDbusMessage({ ...CALL, signature: 'i' }, 's', [s('')]), 'differs'],
    ['an extra field with a known code', () => encodeDbusMessage(CALL, '', [], { extraFields: [{ code: 1, value: s('') }] }), 'is a known field'],
    ['nesting deeper than 64 containers', () => {
      let val: DbusValue = y(1);
      let sig = 'y';
      for (let i = 0; i < 64; i++) {
        val = v(sig, val);
        sig = 'v';
      }
      return encodeDbusMessage(CALL, 'v', [v(sig, val)]);
    }, 'deeper than 64'],
  ];
  it.each(bad)('%s', (_name, fn, message) => {
    expect(fn).toThrow(DbusEncodeError);
    expect(fn).toThrow(message);
  });

  it('accepts 64 nested containers exactly', () => {
    let val: DbusValue = y(1);
    let sig = 'y';
    for (let i = 0; i < 63; i++) {
      val = v(sig, val);
      sig = 'v';
    }
    const m = decodeOk(encodeDbusMessage(CALL, 'v', [v(sig, val)]));
    expect(m.body).toEqual([v(sig, val)]);
  });
});
