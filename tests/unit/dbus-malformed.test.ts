// SPDX-License-Identifier: MIT
// Malformed, cut and randomly mutated messages: the decoder must say what is
// wrong, tell "cut" from "malformed", keep what came before, and never throw.
import { describe, expect, it } from 'vitest';
import { decodeDbusMessage } from '../../src/dbus/decode.js';
import { encodeDbusMessage, type DbusEncodeHeader } from '../../src/dbus/encode.js';
import { dbusValueToJson, formatDbusBody } from '../../src/dbus/format.js';
import type { DbusDecodeResult, DbusMessage, DbusValue } from '../../src/dbus/message.js';
import { loadGlibFixtures } from '../fixtures/dbus/load.js';

const CALL: DbusEncodeHeader = { type: 'method_call', flags: 0, serial: 1, path: '/p', member: 'M' };
/** A base that lacks every optional field, so tests can inject any of them. */
const RETURN: DbusEncodeHeader = { type: 'method_return', flags: 0, serial: 1, replySerial: 1 };
const PLACEHOLDER_CODE = 250;

const s = (value: string): DbusValue => ({ type: 's', value });
const y = (value: number): DbusValue => ({ type: 'y', value });

function decodeOk(bytes: Uint8Array): DbusMessage {
  const r = decodeDbusMessage(bytes);
  if (!r.ok) throw new Error(r.error);
  return r.message;
}

function failure(r: DbusDecodeResult): { error: string; truncated: boolean } {
  if (r.ok) throw new Error(`decoded although it should not: ${JSON.stringify(r.message.header)}`);
  return r;
}

function u32(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(offset, value, copy[0] === 0x6c);
  return copy;
}

function patch(bytes: Uint8Array, offset: number, ...values: number[]): Uint8Array {
  const copy = bytes.slice();
  values.forEach((b, i) => (copy[offset + i] = b));
  return copy;
}

/** Offset of the first occurrence of `needle` (an ASCII string) at or after `from`. */
function find(bytes: Uint8Array, needle: string, from = 0): number {
  const i = Buffer.from(bytes).indexOf(needle, from, 'latin1');
  if (i < 0) throw new Error(`"${needle}" not found`);
  return i;
}

/**
 * A method_return carrying header field `code` with `value`, written first:
 * encoded as an unknown field (so the encoder's checks do not apply) and
 * then given its real code. `sig` optionally replaces the variant's one-letter
 * signature byte (same layout, another type).
 */
function withField(code: number, value: DbusValue, base: DbusEncodeHeader = RETURN, sig?: string): Uint8Array {
  const bytes = encodeDbusMessage(base, '', [], { extraFields: [{ code: PLACEHOLDER_CODE, value }], fieldOrder: [PLACEHOLDER_CODE] });
  expect(bytes[16]).toBe(PLACEHOLDER_CODE);
  const out = patch(bytes, 16, code);
  return sig === undefined ? out : patch(out, 18, sig.charCodeAt(0));
}

/** Replace the body of an encoded message with raw bytes (and fix the body length). */
function withBody(bytes: Uint8Array, body: number[]): Uint8Array {
  const offset = decodeOk(bytes).bodyOffset;
  const out = new Uint8Array(offset + body.length);
  out.set(bytes.subarray(0, offset));
  out.set(body, offset);
  return u32(out, 4, body.length);
}

describe('malformed fixed header', () => {
  it('an empty buffer is cut, not malformed', () => {
    expect(failure(decodeDbusMessage(new Uint8Array()))).toMatchObject({ truncated: true, error: 'empty message: no bytes' });
  });

  it('a wrong endianness byte is malformed even when the rest is missing', () => {
    expect(failure(decodeDbusMessage(new Uint8Array([0x58])))).toEqual({ ok: false, truncated: false, offset: 0, error: "endianness byte is 0x58, not 'l' or 'B'" });
    const good = encodeDbusMessage(CALL, '', []);
    expect(failure(decodeDbusMessage(patch(good, 0, 0x62))).error).toContain("endianness byte is 0x62");
  });

  it('a protocol version other than 1', () => {
    const r = failure(decodeDbusMessage(patch(encodeDbusMessage(CALL, '', []), 3, 2)));
    expect(r).toMatchObject({ truncated: false, error: 'protocol version is 2, not 1' });
  });

  it('message type 0', () => {
    expect(failure(decodeDbusMessage(patch(encodeDbusMessage(CALL, '', []), 1, 0))).error).toBe('message type is 0 (INVALID)');
  });

  it('an unknown message type is decoded as a number (readers must ignore it, the inspector shows it)', () => {
    const m = decodeOk(patch(encodeDbusMessage(CALL, 'y', [y(3)]), 1, 9));
    expect(m.header.type).toBe(9);
    expect(m.body).toEqual([y(3)]);
  });

  it('serial 0', () => {
    expect(failure(decodeDbusMessage(u32(encodeDbusMessage(CALL, '', []), 8, 0))).error).toBe('serial is 0');
  });

  it('a header field array over 64 MiB, and a message over 128 MiB, without reading any further', () => {
    const good = encodeDbusMessage(CALL, '', []);
    expect(failure(decodeDbusMessage(u32(good, 12, 64 * 1024 * 1024 + 1)))).toMatchObject({ truncated: false, error: expect.stringContaining('more than the 67108864 allowed') as unknown });
    expect(failure(decodeDbusMessage(u32(good, 4, 0xfffffff0)))).toMatchObject({ truncated: false, error: expect.stringContaining('more than the 134217728 allowed') as unknown });
  });

  it('a fixed header shorter than 16 bytes is cut', () => {
    expect(failure(decodeDbusMessage(encodeDbusMessage(CALL, '', []).subarray(0, 15)))).toMatchObject({ truncated: true, error: expect.stringContaining('header cut') as unknown });
  });
});

describe('malformed header fields', () => {
  it('a known field with the wrong signature', () => {
    expect(failure(decodeDbusMessage(withField(2, { type: 'u', value: 5 }))).error).toBe('header: header field interface (2) has signature "u", not "s"');
  });

  it('a field twice', () => {
    expect(failure(decodeDbusMessage(withField(3, s('N'), CALL))).error).toBe('header: header field member (3) appears twice');
  });

  it('field code 0', () => {
    expect(failure(decodeDbusMessage(withField(0, s('x')))).error).toBe('header: header field code 0 (INVALID)');
  });

  it('an unknown field code is skipped, whatever its type', () => {
    const m = decodeOk(withField(77, { type: 'a', elementSignature: 'x', items: [{ type: 'x', value: 1n }] }));
    expect(m.headerFields[0]).toEqual({ code: 77, value: { type: 'a', elementSignature: 'x', items: [{ type: 'x', value: 1n }] }, known: false });
    expect(m.header).toEqual({ ...RETURN, endian: 'l', version: 1, bodyLength: 0 });
  });

  it.each([
    [2, s('nodots'), 'header: header field interface: interface name "nodots" has fewer than two elements'],
    [3, s('9lives'), 'header: header field member: member name "9lives" is not [A-Za-z_][A-Za-z0-9_]*'],
    [4, s('a.'), 'header: header field errorName: error name "a." has an empty element'],
    [6, s('org.1x'), 'header: header field destination: bus name "org.1x" has an invalid element "1x"'],
    [7, s(':1'), 'header: header field sender: bus name ":1" has fewer than two elements'],
  ] as const)('invalid name in field %i', (code, value, error) => {
    expect(failure(decodeDbusMessage(withField(code, value)))).toMatchObject({ truncated: false, error });
  });

  it('an invalid object path in the path field', () => {
    const r = failure(decodeDbusMessage(withField(1, s('/a/'), RETURN, 'o')));
    expect(r.error).toMatch(/^header: object path "\/a\/" ends with '\/' \(at byte \d+\)$/);
  });

  it('reply serial 0', () => {
    const base = encodeDbusMessage(RETURN, '', []);
    // REPLY_SERIAL is the only field: code at 16, "u" at 17..19, value at 20.
    expect(failure(decodeDbusMessage(u32(base, 20, 0))).error).toBe('header: header field replySerial: reply serial is 0');
  });

  it('a bad body signature in the header', () => {
    const bytes = encodeDbusMessage(CALL, 'ai', [{ type: 'a', elementSignature: 'i', items: [] }]);
    const r = failure(decodeDbusMessage(patch(bytes, find(bytes, 'ai'), 'a'.charCodeAt(0), 'a'.charCodeAt(0))));
    expect(r.error).toMatch(/^header: signature at byte \d+ is invalid: array without element type/);
  });

  it('required fields per message type', () => {
    const noPath = patch(encodeDbusMessage(RETURN, '', []), 1, 1); // now a method_call
    expect(failure(decodeDbusMessage(noPath)).error).toBe('header: method_call message without the required path header field');
    const noReply = patch(encodeDbusMessage(CALL, '', []), 1, 2);
    expect(failure(decodeDbusMessage(noReply)).error).toBe('header: method_return message without the required replySerial header field');
    const noIface = patch(encodeDbusMessage(CALL, '', []), 1, 4);
    expect(failure(decodeDbusMessage(noIface)).error).toBe('header: signal message without the required interface header field');
    const noErrorName = patch(encodeDbusMessage(RETURN, '', []), 1, 3);
    expect(failure(decodeDbusMessage(noErrorName)).error).toBe('header: error message without the required errorName header field');
  });

  it('a header field array whose length runs past the buffer is cut; with complete: true it is malformed', () => {
    const bytes = u32(encodeDbusMessage(CALL, '', []), 12, 4000);
    expect(failure(decodeDbusMessage(bytes))).toMatchObject({ truncated: true, error: expect.stringContaining('header cut') as unknown });
    expect(failure(decodeDbusMessage(bytes, { complete: true }))).toMatchObject({ truncated: false, error: expect.stringContaining('holds only') as unknown });
  });
});

describe('malformed body: ok with bodyError, values before the problem kept', () => {
  function bodyProblem(bytes: Uint8Array): DbusMessage {
    const m = decodeOk(bytes);
    expect(m.bodyError).toBeDefined();
    expect(m.truncated).toBe(false);
    return m;
  }

  it('invalid UTF-8 in a string (a bad byte, an overlong NUL, an encoded surrogate)', () => {
    const bytes = encodeDbusMessage(CALL, 'ys', [y(1), s('abc')]);
    const at = find(bytes, 'abc', decodeOk(bytes).bodyOffset);
    for (const bad of [[0x61, 0xff, 0x63], [0xc0, 0x80, 0x63], [0xed, 0xa0, 0x80]]) {
      const m = bodyProblem(patch(bytes, at, ...bad));
      expect(m.bodyError).toMatch(/^body: string at byte \d+ is not valid UTF-8$/);
      expect(m.body).toEqual([y(1)]);
    }
  });

  it('a NUL inside a string, and a string without its NUL', () => {
    const bytes = encodeDbusMessage(CALL, 's', [s('abc')]);
    const at = find(bytes, 'abc', decodeOk(bytes).bodyOffset);
    expect(bodyProblem(patch(bytes, at + 1, 0)).bodyError).toBe(`body: string at byte ${at - 4} contains a NUL byte at byte ${at + 1}`);
    expect(bodyProblem(patch(bytes, at + 3, 0x21)).bodyError).toBe(`body: string at byte ${at - 4} is not followed by a NUL byte`);
  });

  it('a boolean that is neither 0 nor 1', () => {
    const bytes = encodeDbusMessage(CALL, 'sbs', [s('a'), { type: 'b', value: true }, s('b')]);
    const off = decodeOk(bytes).bodyOffset + 8;
    const m = bodyProblem(patch(bytes, off, 2));
    expect(m.bodyError).toBe(`body: boolean at byte ${off} is 2, not 0 or 1`);
    expect(m.body).toEqual([s('a')]);
  });

  it('an invalid object path in the body', () => {
    const bytes = encodeDbusMessage(CALL, 'o', [{ type: 'o', value: '/a/b' }]);
    expect(bodyProblem(patch(bytes, find(bytes, '/a/b', decodeOk(bytes).bodyOffset) + 3, 0x2f)).bodyError).toMatch(/^body: object path "\/a\/\/" ends with '\/'/);
  });

  it('a variant with a bad signature, or with two types', () => {
    const bytes = encodeDbusMessage(CALL, 'v', [{ type: 'v', signature: 'ay', value: { type: 'a', elementSignature: 'y', items: [] } }]);
    const at = decodeOk(bytes).bodyOffset + 1;
    expect(bodyProblem(patch(bytes, at, 0x7a)).bodyError).toContain('variant signature at byte');
    expect(bodyProblem(patch(bytes, at, 0x7a)).bodyError).toContain('unknown type code "z"');
    expect(bodyProblem(patch(bytes, at, 0x79)).bodyError).toContain('signature "yy" holds 2 complete types where one is required');
  });

  it('variants nested 64 deep are fine, 65 deep are refused', () => {
    const base = encodeDbusMessage(CALL, 'v', [{ type: 'v', signature: 'y', value: y(0) }]);
    const nested = (n: number): number[] => [...Array.from({ length: n - 1 }, () => [1, 0x76, 0]).flat(), 1, 0x79, 0, 42];
    const ok = decodeOk(withBody(base, nested(64)));
    expect(ok.bodyError).toBeUndefined();
    let inner = ok.body[0];
    let depth = 0;
    while (inner?.type === 'v') {
      inner = inner.value;
      depth++;
    }
    expect([depth, inner]).toEqual([64, y(42)]);
    const deep = bodyProblem(withBody(base, nested(65)));
    expect(deep.bodyError).toMatch(/^body: variant at byte \d+ nests deeper than 64 containers$/);
    expect(deep.body).toEqual([]);
  });

  it('arrays whose length lies', () => {
    const bytes = encodeDbusMessage(CALL, 'auy', [{ type: 'a', elementSignature: 'u', items: [{ type: 'u', value: 1 }, { type: 'u', value: 2 }] }, y(9)]);
    const at = decodeOk(bytes).bodyOffset;
    expect(bodyProblem(u32(bytes, at, 1000)).bodyError).toBe(`body: array at byte ${at} claims 1000 bytes, past the end of the body at byte ${bytes.length}`);
    expect(bodyProblem(u32(bytes, at, 0x4000001)).bodyError).toBe(`body: array at byte ${at} is 67108865 bytes long, more than the 67108864 allowed`);
    // 6 bytes: the second uint32 crosses the end of the array.
    const six = bodyProblem(u32(bytes, at, 6));
    expect(six.bodyError).toBe(`body: uint32 at byte ${at + 8} needs 4 bytes, past the end of the array at byte ${at} at byte ${at + 10}`);
    expect(six.body).toEqual([{ type: 'a', elementSignature: 'u', items: [{ type: 'u', value: 1 }], incomplete: true }]);
    // 4 bytes: the array ends early and the rest no longer fits the signature.
    expect(bodyProblem(u32(bytes, at, 4)).bodyError).toContain('body has');
  });

  it('non-zero padding', () => {
    const bytes = encodeDbusMessage(CALL, 'yt', [y(1), { type: 't', value: 2n }]);
    const at = decodeOk(bytes).bodyOffset;
    expect(bodyProblem(patch(bytes, at + 3, 1)).bodyError).toBe(`body: padding byte at ${at + 3} before uint64 is not zero`);
  });

  it('bytes in the body beyond its values, or a body without signature', () => {
    const bytes = encodeDbusMessage(CALL, 'y', [y(1)]);
    const m = bodyProblem(withBody(bytes, [1, 0, 0]));
    expect(m.bodyError).toBe('body has 2 bytes after the values of signature "y"');
    expect(m.body).toEqual([y(1)]);
    expect(bodyProblem(withBody(encodeDbusMessage(RETURN, '', []), [0, 0])).bodyError).toBe('body has 2 bytes but the message has no signature');
  });

  it('a problem deep inside containers keeps the containers decoded so far', () => {
    const entry = (k: string, b: boolean): DbusValue => ({ type: '(', signature: '(sb)', fields: [s(k), { type: 'b', value: b }] });
    const bytes = encodeDbusMessage(CALL, 'a(sb)', [{ type: 'a', elementSignature: '(sb)', items: [entry('one', true), entry('two', true)] }]);
    const m = bodyProblem(patch(bytes, find(bytes, 'two') + 4, 5));
    expect(m.body).toEqual([
      { type: 'a', elementSignature: '(sb)', incomplete: true, items: [entry('one', true), { type: '(', signature: '(sb)', fields: [s('two')], incomplete: true }] },
    ]);
    expect(formatDbusBody('a(sb)', m.body)).toBe('a(sb) 2 "one" true "two" … …');
  });
});

describe('cut messages', () => {
  const fixtures = loadGlibFixtures();

  it('every prefix of every GLib fixture: never throws, always flagged as cut, values a prefix of the real ones', () => {
    let bodyCuts = 0;
    let expectedBodyCuts = 0;
    for (const f of fixtures) {
      const full = decodeOk(f.bytes);
      const headerEnd = 16 + new DataView(f.bytes.buffer, f.bytes.byteOffset).getUint32(12, f.header.endian === 'l');
      let lastComplete = 0;
      expectedBodyCuts += f.bytes.length - headerEnd;
      for (let n = 0; n < f.bytes.length; n++) {
        const r = decodeDbusMessage(f.bytes.subarray(0, n));
        if (n < headerEnd) {
          expect(r, `${f.name} cut at ${n}`).toMatchObject({ ok: false, truncated: true });
          continue;
        }
        if (!r.ok) throw new Error(`${f.name} cut at ${n}: ${r.error}`);
        bodyCuts++;
        const m = r.message;
        expect(m.truncated).toBe(true);
        expect(m.header).toEqual(full.header);
        expect(m.bodyError, `${f.name} cut at ${n}`).toMatch(new RegExp(`^body cut after ${n} of ${f.bytes.length} bytes: .* is cut: the data ends at byte ${n}$`));
        // Complete values equal the real ones; only the last may be partial.
        m.body.forEach((val, i) => {
          if ('incomplete' in val && val.incomplete) expect(i).toBe(m.body.length - 1);
          else expect(val).toEqual(full.body[i]);
        });
        // The number of complete values never goes down as more bytes arrive.
        const count = m.body.filter((val) => !('incomplete' in val)).length;
        expect(count).toBeGreaterThanOrEqual(lastComplete);
        lastComplete = count;
      }
      expect(decodeOk(f.bytes).truncated).toBe(false);
    }
    // Every cut after the header fields was decoded as a cut message.
    expect(bodyCuts).toBe(expectedBodyCuts);
    expect(bodyCuts).toBeGreaterThan(500);
  });

  it('a dict cut in the middle keeps its complete entries and the entry being read', () => {
    const dict: DbusValue = {
      type: 'a',
      elementSignature: '{sv}',
      items: ['alpha', 'beta', 'gamma'].map((k) => ({ type: '{', key: { type: 's', value: k }, value: { type: 'v', signature: 'as', value: { type: 'a', elementSignature: 's', items: [s(`${k}1`), s(`${k}2`)] } } })),
    };
    const bytes = encodeDbusMessage(CALL, 'sa{sv}', [s('head'), dict]);
    const cut = find(bytes, 'gamma2') + 2;
    const m = decodeOk(bytes.subarray(0, cut));
    expect(m.truncated).toBe(true);
    expect(m.body).toEqual([
      s('head'),
      {
        type: 'a',
        elementSignature: '{sv}',
        incomplete: true,
        items: [
          dict.items[0],
          dict.items[1],
          { type: '{', key: s('gamma'), incomplete: true, value: { type: 'v', signature: 'as', incomplete: true, value: { type: 'a', elementSignature: 's', incomplete: true, items: [s('gamma1')] } } },
        ],
      },
    ]);
    expect(formatDbusBody('sa{sv}', m.body)).toBe('sa{sv} "head" 3 "alpha" as 2 "alpha1" "alpha2" "beta" as 2 "beta1" "beta2" "gamma" as 1 "gamma1" … …');
  });

  it('a cut in the padding between header and body: header decoded, body empty', () => {
    // Member last: the header fields end 6 bytes before the body.
    const bytes = encodeDbusMessage(CALL, 'y', [y(1)], { fieldOrder: [1, 8, 3] });
    const m0 = decodeOk(bytes);
    const headerEnd = 16 + new DataView(bytes.buffer).getUint32(12, true);
    expect(m0.bodyOffset - headerEnd).toBeGreaterThan(1); // there is padding to cut into
    const m = decodeOk(bytes.subarray(0, headerEnd + 1));
    expect(m).toMatchObject({ truncated: true, body: [], header: m0.header });
    expect(m.bodyError).toContain('padding before the body');
  });

  it('with complete: true a short message is malformed, not cut', () => {
    const bytes = encodeDbusMessage(CALL, 's', [s('hello')]);
    const r = failure(decodeDbusMessage(bytes.subarray(0, bytes.length - 2), { complete: true }));
    expect(r).toMatchObject({ truncated: false, error: `message declares ${bytes.length} bytes but the payload holds only ${bytes.length - 2}` });
    expect(decodeOk(bytes.subarray(0, bytes.length - 2)).truncated).toBe(true);
  });

  it('bytes after the message are ignored and counted', () => {
    const bytes = encodeDbusMessage(CALL, 's', [s('hello')]);
    const longer = new Uint8Array(bytes.length + 5);
    longer.set(bytes);
    longer.set([1, 2, 3, 4, 5], bytes.length);
    const m = decodeOk(longer);
    expect(m).toMatchObject({ trailingBytes: 5, truncated: false, body: [s('hello')] });
    expect(m.bodyError).toBeUndefined();
  });

  it('decodes from a view into a larger buffer (byteOffset not 0)', () => {
    const bytes = encodeDbusMessage(CALL, 'xs', [{ type: 'x', value: -2n }, s('off')]);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(decodeOk(big.subarray(3)).body).toEqual([{ type: 'x', value: -2n }, s('off')]);
  });
});

describe('fuzzing', () => {
  /** A small seeded PRNG (mulberry32): failures reproduce. */
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('random mutations of the fixtures never throw, finish fast, and what decodes cleanly re-encodes the same', () => {
    const fixtures = loadGlibFixtures();
    const rand = rng(0x6b646275);
    const int = (n: number): number => Math.floor(rand() * n);
    const started = performance.now();
    const outcomes = { ok: 0, bodyError: 0, failed: 0, reencoded: 0 };
    for (let iter = 0; iter < 5000; iter++) {
      const f = fixtures[int(fixtures.length)];
      if (!f) throw new Error('no fixture');
      let b = [...f.bytes];
      const bodyOffset = decodeOk(f.bytes).bodyOffset;
      const mutations = 1 + int(4);
      for (let m = 0; m < mutations; m++) {
        // Half of the mutations hit the body, which the header would otherwise shadow.
        const at = rand() < 0.5 && b.length > bodyOffset ? bodyOffset + int(b.length - bodyOffset) : int(b.length);
        switch (int(6)) {
          case 0: b[at] = int(256); break; // random byte
          case 1: b[at] = (b[at] ?? 0) ^ (1 << int(8)); break; // bit flip
          case 2: b[at] = [0, 0xff, 0x7f, 0x80][int(4)] ?? 0; break; // boundary values
          case 3: b = b.slice(0, at); break; // cut
          case 4: b.splice(at, 0, ...Array.from({ length: 1 + int(8) }, () => int(256))); break; // insert
          case 5: b.splice(at, 1 + int(8)); break; // delete
        }
      }
      const bytes = new Uint8Array(b);
      const r = decodeDbusMessage(bytes);
      if (!r.ok) {
        expect(r.error.length).toBeGreaterThan(0);
        expect(r.error).not.toContain('internal decoder error');
        outcomes.failed++;
        continue;
      }
      const m = r.message;
      // The views' helpers must cope with whatever came out.
      JSON.stringify(m.body.map(dbusValueToJson));
      formatDbusBody(m.header.signature ?? '', m.body);
      if (m.bodyError !== undefined) {
        expect(m.bodyError).not.toContain('internal decoder error');
        outcomes.bodyError++;
        continue;
      }
      outcomes.ok++;
      // Whatever the decoder accepts in full is a message our encoder would
      // write: encoding it again gives the same message.
      const again = encodeDbusMessage(m.header, m.header.signature ?? '', m.body, {
        fieldOrder: m.headerFields.map((h) => h.code),
        extraFields: m.headerFields.filter((h) => !h.known),
      });
      const back = decodeOk(again);
      expect(back.header).toEqual(m.header);
      expect(back.body).toEqual(m.body);
      // Byte for byte too, except that a double may hold a NaN payload we do not keep.
      if (!JSON.stringify(m.body.map(dbusValueToJson)).includes('"NaN"')) {
        expect(Buffer.from(again).equals(Buffer.from(bytes.subarray(0, bytes.length - m.trailingBytes)))).toBe(true);
      }
      outcomes.reencoded++;
    }
    const elapsed = performance.now() - started;
    // Each kind of outcome happened, so the loop tested something.
    expect(outcomes.failed).toBeGreaterThan(100);
    expect(outcomes.bodyError).toBeGreaterThan(100);
    expect(outcomes.ok).toBeGreaterThan(50);
    expect(elapsed).toBeLessThan(20_000);
  });
});
