// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { FrameReader, type TraceFrame } from '../../src/trace/frame-reader.js';
import { concat, frame } from '../helpers/trace-builder.js';

const body = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
const summary = (fs: TraceFrame[]) => fs.map((f) => ({ type: f.type, seq: f.seq, time: f.time, body: [...f.body] }));

function readAll(stream: Uint8Array, chunk: number): { frames: TraceFrame[]; reader: FrameReader } {
  const reader = new FrameReader();
  const frames: TraceFrame[] = [];
  for (let i = 0; i < stream.length; i += chunk) frames.push(...reader.push(stream.subarray(i, i + chunk)));
  frames.push(...reader.end());
  return { frames, reader };
}

describe('FrameReader', () => {
  const a = frame(11, 1, 1000, body(13));
  const b = frame(2, 2, 2000, body(8, 5));
  const c = frame(15, 3, 3000, new Uint8Array());

  it('reads header fields and the body of one frame', () => {
    const r = new FrameReader();
    const [f, ...rest] = r.push(a);
    expect(rest).toEqual([]);
    expect(f).toEqual({ version: 1, type: 11, seq: 1, time: 1000, body: body(13) });
    expect(r.stats).toEqual({ frames: 1, corrupt: 0, skippedBytes: 0, truncated: 0 });
  });

  it('reads 64-bit sequence numbers and times exactly below 2^53', () => {
    const r = new FrameReader();
    const [f] = r.push(frame(1, 2 ** 40 + 3, 2 ** 52 + 1, new Uint8Array()));
    expect(f?.seq).toBe(2 ** 40 + 3);
    expect(f?.time).toBe(2 ** 52 + 1);
  });

  it('decodes frames split at every possible byte', () => {
    const stream = concat(a, b, c);
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = new FrameReader();
      const frames = [...r.push(stream.subarray(0, cut)), ...r.push(stream.subarray(cut))];
      expect(summary(frames)).toEqual(summary([...new FrameReader().push(stream)]));
      expect(frames.map((f) => f.seq)).toEqual([1, 2, 3]);
      expect(r.stats).toEqual({ frames: 3, corrupt: 0, skippedBytes: 0, truncated: 0 });
    }
  });

  it('decodes a large frame fed one byte at a time', () => {
    const big = frame(11, 9, 9, body(70_001, 3));
    const { frames, reader } = readAll(concat(a, big, b), 1);
    expect(frames.map((f) => [f.seq, f.body.length])).toEqual([
      [1, 13],
      [9, 70_001],
      [2, 8],
    ]);
    expect(frames[1]!.body).toEqual(body(70_001, 3));
    expect(reader.stats).toEqual({ frames: 3, corrupt: 0, skippedBytes: 0, truncated: 0 });
  });

  it('accepts a body of exactly 1 MiB', () => {
    const { frames, reader } = readAll(frame(11, 1, 0, body(1024 * 1024)), 65536);
    expect(frames).toHaveLength(1);
    expect(reader.stats.corrupt).toBe(0);
  });

  it('skips a frame with a bad CRC and counts it once', () => {
    const bad = frame(11, 2, 0, body(20), { crcXor: 1 });
    const { frames, reader } = readAll(concat(a, bad, b), 3);
    expect(frames.map((f) => f.seq)).toEqual([1, 2]);
    expect(frames[1]!.type).toBe(2); // the good frame b (also seq 2), not the bad one
    expect(reader.stats).toEqual({ frames: 2, corrupt: 1, skippedBytes: bad.length, truncated: 0 });
  });

  it('skips garbage between frames, including a partial magic, as one corrupt run', () => {
    const garbage = new TextEncoder().encode('noise KPT more KP');
    for (const chunk of [1, 2, 5, 1000]) {
      const { frames, reader } = readAll(concat(a, garbage, b, c), chunk);
      expect(frames.map((f) => f.seq)).toEqual([1, 2, 3]);
      expect(reader.stats).toEqual({ frames: 3, corrupt: 1, skippedBytes: garbage.length, truncated: 0 });
    }
  });

  it('counts garbage before the first frame', () => {
    const { frames, reader } = readAll(concat(new Uint8Array([0, 0, 0, 9]), a), 1);
    expect(frames).toHaveLength(1);
    expect(reader.stats).toMatchObject({ corrupt: 1, skippedBytes: 4 });
  });

  it('refuses an unknown version and resynchronises on the next frame', () => {
    const v2 = frame(11, 2, 0, body(8), { version: 2 });
    const { frames, reader } = readAll(concat(v2, b), 1);
    expect(frames.map((f) => f.type)).toEqual([2]);
    expect(reader.stats).toEqual({ frames: 1, corrupt: 1, skippedBytes: v2.length, truncated: 0 });
  });

  it('refuses a body length above 1 MiB at once, without waiting for the body', () => {
    const huge = frame(11, 2, 0, body(8), { length: 1024 * 1024 + 1 });
    const r = new FrameReader();
    expect(summary(r.push(concat(huge, b)))).toEqual(summary(new FrameReader().push(b)));
    expect(r.stats).toEqual({ frames: 1, corrupt: 1, skippedBytes: huge.length, truncated: 0 });
  });

  it('counts a stream that ends inside a frame as truncated', () => {
    const cut = b.subarray(0, 30);
    const { frames, reader } = readAll(concat(a, cut), 4);
    expect(frames.map((f) => f.seq)).toEqual([1]);
    expect(reader.stats).toEqual({ frames: 1, corrupt: 0, skippedBytes: 0, truncated: 1 });
  });

  it('counts a stream that ends inside the body as truncated', () => {
    const { frames, reader } = readAll(concat(a, a.subarray(0, a.length - 9)), 1000);
    expect(frames).toHaveLength(1);
    expect(reader.stats.truncated).toBe(1);
  });

  it('at the end, recovers frames hidden behind a header whose length was damaged', () => {
    // The damaged header announces more bytes than the rest of the stream holds.
    const damaged = frame(11, 1, 0, body(8), { length: 4000 });
    const r = new FrameReader();
    expect(r.push(concat(damaged, b, c))).toEqual([]);
    expect(r.end().map((f) => f.seq)).toEqual([2, 3]);
    expect(r.stats).toEqual({ frames: 2, corrupt: 1, skippedBytes: damaged.length, truncated: 0 });
  });

  it('can read a new stream after end()', () => {
    const r = new FrameReader();
    r.push(a.subarray(0, 10));
    r.end();
    expect(r.push(b).map((f) => f.seq)).toEqual([2]);
    expect(r.stats).toMatchObject({ frames: 1, truncated: 1 });
  });

  it('does not take padding for garbage, and handles a frame right after a body of odd length', () => {
    const odd = frame(3, 5, 0, body(1));
    expect(odd.length).toBe(32 + 8);
    const { frames, reader } = readAll(concat(odd, odd, odd), 1);
    expect(frames).toHaveLength(3);
    expect(reader.stats.skippedBytes).toBe(0);
  });

  it('ignores empty chunks', () => {
    const r = new FrameReader();
    expect(r.push(new Uint8Array())).toEqual([]);
    expect(r.push(a)).toHaveLength(1);
  });
});
