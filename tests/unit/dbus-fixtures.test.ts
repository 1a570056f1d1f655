// SPDX-License-Identifier: MIT
// The decoder and encoder against messages made by another implementation
// (GLib's Gio.DBusMessage, see tests/fixtures/dbus/make-fixtures.py).
import { describe, expect, it } from 'vitest';
import { decodeDbusMessage } from '../../src/dbus/decode.js';
import { encodeDbusMessage } from '../../src/dbus/encode.js';
import { loadGlibFixtures } from '../fixtures/dbus/load.js';

const fixtures = loadGlibFixtures();

describe('GLib fixtures', () => {
  it('are all there (a fixture that failed to load would make the loops below vacuous)', () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual(
      [
        'alignment',
        'big-endian-types',
        'deep-nesting',
        'error',
        'little-endian-types',
        'method-call',
        'method-return',
        'no-body',
        'signal',
        'unix-fds',
      ].sort(),
    );
  });

  for (const f of fixtures) {
    describe(f.name, () => {
      it('decodes to the header and body GLib describes', () => {
        const r = decodeDbusMessage(f.bytes);
        if (!r.ok) throw new Error(r.error);
        const m = r.message;
        expect(m.header).toEqual(f.header);
        expect(m.body).toEqual(f.body);
        expect(m.bodyError).toBeUndefined();
        expect(m.truncated).toBe(false);
        expect(m.trailingBytes).toBe(0);
        expect(m.headerFields.map((h) => h.code).sort((a, b) => a - b)).toEqual(f.headerFieldCodes);
        expect(m.headerFields.every((h) => h.known)).toBe(true);
      });

      it('is encoded byte for byte as GLib did (header field order taken from the blob)', () => {
        const r = decodeDbusMessage(f.bytes);
        if (!r.ok) throw new Error(r.error);
        const fieldOrder = r.message.headerFields.map((h) => h.code);
        const bytes = encodeDbusMessage(f.header, f.header.signature ?? '', f.body, { fieldOrder });
        expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(f.bytes).toString('hex'));
      });
    });
  }

  it('big and little endian encodings of the same message differ only in byte order', () => {
    const be = fixtures.find((f) => f.name === 'big-endian-types');
    const le = fixtures.find((f) => f.name === 'little-endian-types');
    if (!be || !le) throw new Error('missing fixture');
    expect(be.bytes[0]).toBe(0x42);
    expect(le.bytes[0]).toBe(0x6c);
    expect(Buffer.from(be.bytes).equals(Buffer.from(le.bytes))).toBe(false);
    const dbe = decodeDbusMessage(be.bytes);
    const dle = decodeDbusMessage(le.bytes);
    if (!dbe.ok || !dle.ok) throw new Error('decode failed');
    expect(dbe.message.body).toEqual(dle.message.body);
    expect({ ...dbe.message.header, endian: 'l' }).toEqual(dle.message.header);
  });
});
