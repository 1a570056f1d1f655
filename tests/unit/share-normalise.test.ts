// SPDX-License-Identifier: MIT
/** normaliseTrace on a recorded trace and on copies of it changed the way a second run changes it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseTrace } from '../../src/share/normalise.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { parseTraceLines } from '../../src/trace/jsonl.js';

const recorded = (): TraceEvent[] =>
  parseTraceLines(readFileSync(new URL('../fixtures/traces/echo-call.jsonl', import.meta.url), 'utf8')).events;

/** The same run as seen by another boot: every volatile number different, an extra sync snapshot, NAMES elsewhere. */
function perturbed(): TraceEvent[] {
  const events = recorded();
  const text = JSON.stringify(events)
    // Times and timestamps later, pids and connection ids shifted, a new bus id128.
    .replace(/"time":(\d+)/g, (_, t: string) => `"time":${Number(t) + 123456789}`)
    .replace(/"monotonic_ns":(\d+)/g, (_, t: string) => `"monotonic_ns":${Number(t) + 999}`)
    .replace(/"realtime_ns":"(\d+)"/g, (_, t: string) => `"realtime_ns":"${BigInt(t) + 5000000000n}"`)
    .replace(/"(pid|tid|ppid)":(\d+)/g, (_, k: string, v: string) => `"${k}":${Number(v) + 40}`)
    .replace(/"seq":(\d+)/g, (_, v: string) => `"seq":${Number(v) + 7}`)
    .replace(/"id128":"[^"]+"/g, '"id128":"11111111-2222-4333-8444-555555555555"');
  const out = JSON.parse(text) as TraceEvent[];
  // Connection ids 3, 4, 5 … become 13, 14, 15 … everywhere they are ids.
  const shift = (v: number | string) => (typeof v === 'number' && v >= 3 && v < 100 ? v + 10 : v);
  for (const e of out) {
    if (e.type === 'conn-add') {
      e.id = shift(e.id) as number;
      e.info.id = shift(e.info.id);
    } else if (e.type === 'conn-remove') e.id = shift(e.id) as number;
    else if (e.type === 'names') for (const o of e.owners) o.id = shift(o.id);
    else if (e.type === 'message') {
      e.msg.src_id = shift(e.msg.src_id);
      e.msg.dst_id = shift(e.msg.dst_id);
      for (const it of e.msg.items) {
        if (it.typeName === 'ID_ADD' || it.typeName === 'ID_REMOVE') it.id_change.id = shift(it.id_change.id);
        if (it.typeName === 'NAME_ADD' || it.typeName === 'NAME_REMOVE' || it.typeName === 'NAME_CHANGE') {
          it.name_change.old_id.id = shift(it.name_change.old_id.id);
          it.name_change.new_id.id = shift(it.name_change.new_id.id);
        }
      }
    }
  }
  // A NAMES moved one place later, and a later sync snapshot restating the world.
  const i = out.findIndex((e, k) => k > 6 && e.type === 'names');
  const [names] = out.splice(i, 1);
  out.splice(i + 1, 0, names!);
  const at = Math.floor(out.length / 2);
  out.splice(at, 0,
    { type: 'snapshot-begin', seq: 0, time: 0, token: 9 },
    { type: 'domain-add', seq: 0, time: 0, domain: 1, path: '/sys/fs/kdbus' },
    { type: 'snapshot-end', seq: 0, time: 0, token: 9 });
  return out;
}

describe('normaliseTrace', () => {
  it('maps volatile values to stable ones and keeps the structure', () => {
    const n = normaliseTrace(recorded());
    expect(n.map((e) => e.seq)).toEqual(n.map((_, i) => i + 1));
    expect(n.map((e) => e.time)).toEqual(n.map((_, i) => i));
    const bus = n.find((e) => e.type === 'bus-add');
    expect(bus?.type === 'bus-add' && bus.busInfo.id128).toBe('00000000-0000-0000-0000-000000000001');
    const conns = n.filter((e) => e.type === 'conn-add').map((e) => (e.type === 'conn-add' ? e.id : -1));
    expect(conns.slice(0, 2)).toEqual([1, 2]);
    // NAMES only once per bus, at the end.
    const names = n.filter((e) => e.type === 'names');
    expect(names.length).toBeLessThanOrEqual(1);
    if (names.length) expect(n.at(-1)?.type).toBe('names');
    // Broadcast and kernel ids are kept as they are.
    const signal = n.find((e) => e.type === 'message' && e.msg.src_id === 0);
    expect(signal?.type === 'message' && signal.msg.dst_id).toBe('18446744073709551615');
  });

  it('gives equal results for a second run of the same commands', () => {
    const a = recorded();
    const b = perturbed();
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    expect(normaliseTrace(b)).toEqual(normaliseTrace(a));
  });

  it('does not change its input and is idempotent', () => {
    const a = recorded();
    const copy = JSON.stringify(a);
    const n = normaliseTrace(a);
    expect(JSON.stringify(a)).toBe(copy);
    expect(normaliseTrace(n)).toEqual(n);
  });

  it('tells different runs apart', () => {
    const a = normaliseTrace(recorded());
    // One message fewer.
    const fewer = recorded();
    fewer.splice(fewer.findLastIndex((e) => e.type === 'message'), 1);
    expect(normaliseTrace(fewer)).not.toEqual(a);
    // Another payload.
    const other = recorded();
    const m = other.find((e) => e.type === 'message' && e.msg.items.some((it) => it.typeName === 'PAYLOAD_INLINE'));
    if (m?.type !== 'message') throw new Error('the fixture has no payload');
    for (const it of m.msg.items) if (it.typeName === 'PAYLOAD_INLINE') it.payload.data = 'AAAA';
    expect(normaliseTrace(other)).not.toEqual(a);
    // The reply answering another call (the cookie structure changed).
    const swapped = recorded();
    const reply = swapped.find((e) => e.type === 'message' && e.msg.cookie_reply !== 0);
    if (reply?.type !== 'message') throw new Error('the fixture has no reply');
    reply.msg.cookie_reply = 999;
    expect(normaliseTrace(swapped)).not.toEqual(a);
  });
});
