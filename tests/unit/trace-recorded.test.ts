// SPDX-License-Identifier: MIT
/**
 * The decoder and the model on a stream the real agent wrote: a service
 * answering Echo, Add and Fail and emitting a signal on its own bus,
 * recorded in the guest with `kdbus-agent -o FILE` (the script is in
 * tests/fixtures/trace/README.md). Then the same bytes cut at every length
 * and with corrupted bytes: counted and skipped, never thrown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BusModel, type MessageEntry } from '../../src/model/index.js';
import { decodeEvent } from '../../src/trace/decode-event.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { FrameReader } from '../../src/trace/frame-reader.js';
import { parseTraceLines, serializeTraceLine } from '../../src/trace/jsonl.js';

const RECORDED = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/trace/echo-service.bin')));

function decode(bytes: Uint8Array, chunk = bytes.length): { events: TraceEvent[]; reader: FrameReader } {
  const reader = new FrameReader();
  const events: TraceEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunk) events.push(...reader.push(bytes.subarray(i, i + chunk)).map(decodeEvent));
  events.push(...reader.end().map(decodeEvent));
  return { events, reader };
}

const members = (model: BusModel) =>
  model.messages.filter((m) => m.dbus).map((m) => `${m.messageKind} ${m.dbus!.member ?? m.dbus!.errorName ?? ''}`.trim());

describe('a recorded agent stream', () => {
  const { events, reader } = decode(RECORDED);

  it('decodes cleanly: consecutive sequence numbers from 1, no corrupt frame', () => {
    expect(reader.stats).toMatchObject({ corrupt: 0, skippedBytes: 0, truncated: 0 });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ type: 'agent-start', pid: expect.any(Number) });
    expect(events.filter((e) => e.type === 'malformed' || e.type === 'unknown' || 'fieldError' in e && e.fieldError)).toEqual([]);
  });

  it('builds the model the scenario implies', () => {
    const model = new BusModel();
    model.applyAll(events);
    expect(model.stats).toMatchObject({ malformed: 0, seqGaps: 0, losses: 0, internalErrors: 0 });
    expect(members(model)).toEqual([
      'method-call Echo', 'method-return',
      'method-call Add', 'method-return',
      'method-call Fail', 'error org.example.Error.Failed',
      'signal Tick',
    ]);
    const add = model.messages.find((m) => m.dbus?.member === 'Add')!;
    const sum = model.dbusMessage(model.log[add.reply!] as MessageEntry);
    expect(sum).toMatchObject({ ok: true, message: { body: [{ type: 'i', value: 42 }] } });
    expect(add.latencyNs).toBeGreaterThan(0);
  });

  it('survives the JSON lines round trip unchanged', () => {
    const { events: back, errors } = parseTraceLines(events.map(serializeTraceLine).join('\n'));
    expect(errors).toEqual([]);
    expect(back).toEqual(JSON.parse(JSON.stringify(events)));
  });

  it('reads the same in 1-byte and 7-byte chunks', () => {
    expect(decode(RECORDED, 1).events).toEqual(events);
    expect(decode(RECORDED, 7).events).toEqual(events);
  });

  it('cut at every length: a prefix of the events, the rest counted as truncated', () => {
    for (let n = 0; n < RECORDED.length; n += 13) {
      const cut = decode(RECORDED.subarray(0, n));
      expect(events.slice(0, cut.events.length)).toEqual(cut.events);
      expect(cut.reader.stats.corrupt).toBe(0);
    }
  });

  it('corrupted bytes cost only the frames they hit', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let round = 0; round < 200; round++) {
      const bad = RECORDED.slice();
      const hits = 1 + rand(3);
      for (let h = 0; h < hits; h++) bad[rand(bad.length)]! ^= 1 + rand(255);
      const { events: got, reader } = decode(bad);
      const model = new BusModel();
      model.applyAll(got);
      // Every frame that still passed its CRC is one of the originals; at most one lost per hit.
      const original = new Set(events.map((e) => JSON.stringify(e)));
      for (const e of got) expect(original.has(JSON.stringify(e))).toBe(true);
      expect(got.length).toBeGreaterThanOrEqual(events.length - hits);
      if (got.length < events.length) expect(reader.stats.corrupt).toBeGreaterThan(0);
      expect(model.stats.internalErrors).toBe(0);
    }
  });
});
