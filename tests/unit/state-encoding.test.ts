// SPDX-License-Identifier: MIT
/**
 * The stored state: the x86 branch filter is exactly reversible and helps on
 * real i386 code (the committed initrd: busybox and our tools), and the
 * filter + xz encoding made by Debian's xz decodes back, while a damaged file
 * gets an error naming it and the problem.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeState } from '../../emulator/node/state-file.js';
import { decodeState } from '../../src/guest/state-encoding.js';
import { decodeX86Branches, encodeX86Branches } from '../../src/guest/x86-branch-filter.js';

const initrd = new Uint8Array(readFileSync(new URL('../../public/guest/initrd.img', import.meta.url)));

function roundTrip(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  encodeX86Branches(copy);
  const encoded = copy.slice();
  decodeX86Branches(copy);
  expect(Buffer.compare(copy, bytes)).toBe(0);
  return encoded;
}

describe('x86 branch filter', () => {
  it('rewrites a call as the absolute target, and back', () => {
    // call +0x10 at 0x100: target 0x100 + 5 + 0x10 = 0x115; call -0x20 at 0x200: 0x1e5.
    const code = new Uint8Array(0x300);
    code.set([0xe8, 0x10, 0, 0, 0], 0x100);
    code.set([0xe9, 0xe0, 0xff, 0xff, 0xff], 0x200);
    const encoded = roundTrip(code);
    expect([...encoded.subarray(0x100, 0x105)]).toEqual([0xe8, 0x15, 0x01, 0, 0]);
    expect([...encoded.subarray(0x200, 0x205)]).toEqual([0xe9, 0xe5, 0x01, 0, 0]);
  });

  it('makes calls of one function equal', () => {
    const code = new Uint8Array(64);
    code.set([0xe8, 0x1b, 0, 0, 0], 0); // both call 0x20
    code.set([0xe8, 0x0b, 0, 0, 0], 16);
    const encoded = roundTrip(code);
    expect([...encoded.subarray(0, 5)]).toEqual([...encoded.subarray(16, 21)]);
  });

  it('leaves offsets beyond +/-16 MiB, and the last 4 bytes, alone', () => {
    const code = Uint8Array.of(0xe8, 1, 2, 3, 0x40, 0xe8, 0, 0, 0);
    expect([...roundTrip(code)]).toEqual([...code]);
  });

  it('is exactly reversible on any bytes, however dense the E8/E9', () => {
    for (let seed = 0; seed < 20; seed++) {
      const bytes = randomBytes(4096 + seed);
      for (let i = 0; i < bytes.length; i += 1 + (bytes[i]! % 7)) bytes[i] = i % 3 ? 0xe8 : 0xff;
      roundTrip(new Uint8Array(bytes));
    }
    roundTrip(new Uint8Array(0));
    roundTrip(Uint8Array.of(0xe8, 0xe8, 0xe8, 0xe8, 0xe8, 0xff, 0x00, 0xe9, 0xff));
  });

  it('helps a compressor on real i386 code', () => {
    const encoded = roundTrip(initrd);
    expect(Buffer.compare(encoded, initrd)).not.toBe(0);
    expect(deflateRawSync(encoded, { level: 9 }).length).toBeLessThan(deflateRawSync(initrd, { level: 9 }).length * 0.98);
  });
});

describe('state encoding (filter + xz)', () => {
  it('decodes what Debian xz encoded', async () => {
    const packed = await encodeState(initrd);
    expect(packed.length).toBeLessThan(initrd.length / 2);
    expect(Buffer.compare(await decodeState('state.bin.xz', packed), initrd)).toBe(0);
  }, 60_000);

  it('names the file and the problem when it is damaged', async () => {
    const packed = await encodeState(initrd.subarray(0, 256 * 1024));
    await expect(decodeState('state.bin.xz', packed.subarray(0, packed.length - 8))).rejects.toThrow(/^state\.bin\.xz: could not be decompressed: truncated/);
    const flipped = packed.slice();
    flipped[packed.length >> 1]! ^= 0x40;
    await expect(decodeState('state.bin.xz', flipped)).rejects.toThrow(/^state\.bin\.xz: could not be decompressed: corrupt data/);
    await expect(decodeState('state.bin.xz', new TextEncoder().encode('<html>'))).rejects.toThrow(/^state\.bin\.xz: is not an xz file/);
  }, 60_000);
});
