// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { FrameDecoder, encodeFrame } from '../../emulator/kpd-frames.js';
import { kmsgText } from '../../emulator/kpd-channel.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('kpd frames', () => {
  it('encodes a header line and the raw payload', () => {
    expect(text(encodeFrame('E', 7, 'ls -l'))).toBe('E 7 5\nls -l');
    expect(text(encodeFrame('P', 1))).toBe('P 1 0\n');
  });

  it('decodes frames split at every possible byte', () => {
    const payload = new Uint8Array([0, 10, 255, 49, 32, 10]);
    const stream = new Uint8Array([...encodeFrame('1', 3, payload), ...encodeFrame('X', 3, '0')]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder();
      const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(frames.map((f) => [f.type, f.id, [...f.payload]])).toEqual([
        ['1', 3, [...payload]],
        ['X', 3, [...new TextEncoder().encode('0')]],
      ]);
    }
  });

  it('skips noise before a header and drops malformed lines', () => {
    const d = new FrameDecoder();
    const noise = new TextEncoder().encode('\x00garbage\nZ nope 1\n');
    expect(d.push(new Uint8Array([...noise, ...encodeFrame('R', 0)]))).toEqual([
      { type: 'R', id: 0, payload: new Uint8Array() },
    ]);
  });

  it('refuses a header that announces an oversized payload', () => {
    const d = new FrameDecoder();
    expect(d.push(new TextEncoder().encode(`1 1 ${2 ** 21}\n`))).toEqual([]);
    expect(d.push(encodeFrame('R', 0))).toHaveLength(1);
  });

  it('takes the message out of a /dev/kmsg record', () => {
    const rec = new TextEncoder().encode('4,123,456789,-;WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2\n SUBSYSTEM=x\n');
    expect(kmsgText(rec)).toBe('WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2');
  });
});
