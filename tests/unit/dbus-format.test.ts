// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { decodeDbusMessage } from '../../src/dbus/decode.js';
import { dbusValueToJson, formatDbusBody, formatDbusValue } from '../../src/dbus/format.js';
import type { DbusValue } from '../../src/dbus/message.js';
import { loadGlibFixtures } from '../fixtures/dbus/load.js';

const s = (value: string): DbusValue => ({ type: 's', value });
const sv = (k: string, sig: string, value: DbusValue): DbusValue => ({ type: '{', key: { type: 's', value: k }, value: { type: 'v', signature: sig, value } });

describe('formatDbusValue (busctl style)', () => {
  const cases: Array<[DbusValue, string]> = [
    [s('hello'), 's "hello"'],
    [{ type: 'i', value: 42 }, 'i 42'],
    [{ type: 'y', value: 255 }, 'y 255'],
    [{ type: 'b', value: false }, 'b false'],
    [{ type: 'n', value: -3 }, 'n -3'],
    [{ type: 'q', value: 3 }, 'q 3'],
    [{ type: 'u', value: 4294967295 }, 'u 4294967295'],
    [{ type: 'x', value: -(2n ** 63n) }, 'x -9223372036854775808'],
    [{ type: 't', value: 2n ** 64n - 1n }, 't 18446744073709551615'],
    [{ type: 'd', value: 2.5 }, 'd 2.5'],
    [{ type: 'd', value: Number.NaN }, 'd NaN'],
    [{ type: 'o', value: '/org/x' }, 'o "/org/x"'],
    [{ type: 'g', value: 'a{sv}' }, 'g "a{sv}"'],
    [{ type: 'h', value: 1 }, 'h 1'],
    [s('say "hi"\\\n\t\u0001'), 's "say \\"hi\\"\\\\\\n\\t\\u0001"'],
    [{ type: 'a', elementSignature: 's', items: [] }, 'as 0'],
    [{ type: 'a', elementSignature: 'i', items: [{ type: 'i', value: 1 }, { type: 'i', value: 2 }] }, 'ai 2 1 2'],
    [{ type: 'a', elementSignature: '{sv}', items: [sv('k', 's', s('x')), sv('n', 'u', { type: 'u', value: 7 })] }, 'a{sv} 2 "k" s "x" "n" u 7'],
    [{ type: '(', signature: '(sai)', fields: [s('a'), { type: 'a', elementSignature: 'i', items: [{ type: 'i', value: 5 }] }] }, '(sai) "a" 1 5'],
    [{ type: 'v', signature: 'v', value: { type: 'v', signature: 'ay', value: { type: 'a', elementSignature: 'y', items: [{ type: 'y', value: 0 }] } } }, 'v v ay 1 0'],
  ];
  // Named by the expected text: the values hold bigints, which %j cannot print.
  it.each(cases.map(([value, text]) => [text, value] as const))('%s', (text, value) => {
    expect(formatDbusValue(value)).toBe(text);
  });

  it('marks containers that were cut', () => {
    const cut: DbusValue = { type: 'a', elementSignature: 's', items: [s('a')], incomplete: true };
    expect(formatDbusValue(cut)).toBe('as 1 "a" …');
  });
});

describe('formatDbusBody', () => {
  it('prints the signature once, then every value', () => {
    expect(formatDbusBody('sia{sv}', [s('hello'), { type: 'i', value: 42 }, { type: 'a', elementSignature: '{sv}', items: [sv('k', 's', s('x'))] }])).toBe(
      'sia{sv} "hello" 42 1 "k" s "x"',
    );
  });

  it('is empty for an empty body', () => {
    expect(formatDbusBody('', [])).toBe('');
  });

  it('shows values missing at the end of a body decoded in part', () => {
    expect(formatDbusBody('sii', [s('x')])).toBe('sii "x" …');
  });

  it('formats every GLib fixture body the way GLib lists its values (spot checks)', () => {
    const f = loadGlibFixtures().find((x) => x.name === 'method-call');
    if (!f) throw new Error('fixture missing');
    const text = formatDbusBody(f.header.signature ?? '', f.body);
    expect(text.startsWith('sia{sv}vasa(si) "hello" 42 5 "name" s "kdbus" "count" u 3 ')).toBe(true);
    expect(text.endsWith(' d 2.5 3 "a" "" "c" 2 "one" 1 "two" 2')).toBe(true);
  });
});

describe('dbusValueToJson', () => {
  it('turns bigints and non-finite doubles into strings and keeps the tree', () => {
    const value: DbusValue = {
      type: '(',
      signature: '(xtdda{sv})',
      fields: [
        { type: 'x', value: -(2n ** 63n) },
        { type: 't', value: 2n ** 64n - 1n },
        { type: 'd', value: Number.NEGATIVE_INFINITY },
        { type: 'd', value: 0.5 },
        { type: 'a', elementSignature: '{sv}', items: [sv('k', 'x', { type: 'x', value: 5n })], incomplete: true },
      ],
    };
    const json = dbusValueToJson(value);
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      type: '(',
      signature: '(xtdda{sv})',
      fields: [
        { type: 'x', value: '-9223372036854775808' },
        { type: 't', value: '18446744073709551615' },
        { type: 'd', value: '-Infinity' },
        { type: 'd', value: 0.5 },
        {
          type: 'a',
          elementSignature: '{sv}',
          incomplete: true,
          items: [{ type: '{', key: { type: 's', value: 'k' }, value: { type: 'v', signature: 'x', value: { type: 'x', value: '5' } } }],
        },
      ],
    });
  });

  it("gives, for decoded GLib messages, the JSON that make-fixtures.py wrote from GLib's values", () => {
    // make-fixtures.py describes GLib's values in the same shape (64-bit as strings).
    for (const f of loadGlibFixtures()) {
      const r = decodeDbusMessage(f.bytes);
      if (!r.ok) throw new Error(r.error);
      expect(r.message.body.map(dbusValueToJson)).toEqual(f.rawBody);
    }
  });
});
