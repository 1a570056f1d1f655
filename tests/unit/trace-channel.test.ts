// SPDX-License-Identifier: MIT
/**
 * The host end of the trace channel, with the test playing the guest agent:
 * batching per slice, the sync handshake (resent until the snapshot begins,
 * resolved after its end was delivered, given up when nothing comes) and
 * corrupt bytes counted. The real agent behind it is tested in
 * tests/node/trace.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TraceChannel } from '../../emulator/trace-channel.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { concat, EVENT, eventFrame, fields } from '../helpers/trace-builder.js';

const begin = (seq: number, token: number) => eventFrame(EVENT.SNAPSHOT_BEGIN, seq, 1000, fields.count(token));
const snapshot = (seq: number, token: number) => concat(
  begin(seq, token),
  eventFrame(EVENT.DOMAIN_ADD, seq + 1, 1001, fields.domain(1), fields.path('/sys/fs/kdbus')),
  eventFrame(EVENT.SNAPSHOT_END, seq + 2, 1002, fields.count(token)),
);

function channel() {
  const sent: string[] = [];
  const batches: TraceEvent[][] = [];
  const ch = new TraceChannel((bytes) => sent.push(new TextDecoder().decode(bytes)));
  ch.onEvents((b) => batches.push(b));
  return { ch, sent, batches };
}

describe('TraceChannel', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers the events of one slice as one batch, in order', async () => {
    const { ch, batches } = channel();
    const s = snapshot(1, 0);
    ch.receive(s.subarray(0, 10));
    ch.receive(s.subarray(10));
    await Promise.resolve();
    expect(batches.map((b) => b.map((e) => e.type))).toEqual([['snapshot-begin', 'domain-add', 'snapshot-end']]);
    await ch.firstSnapshot;
    expect(ch.stats()).toMatchObject({ events: 3, corruptFrames: 0, bytes: s.length });
  });

  it('sync: asks again every 500 ms until the snapshot begins, resolves after its end was delivered', async () => {
    const { ch, sent, batches } = channel();
    let done = false;
    const p = ch.sync().then(() => { done = true; });
    expect(sent).toEqual(['sync 1\n']);
    await vi.advanceTimersByTimeAsync(1100);
    expect(sent).toEqual(['sync 1\n', 'sync 1\n', 'sync 1\n']);
    const s = snapshot(7, 1);
    const head = begin(7, 1).length;
    ch.receive(s.subarray(0, head)); // the begin only
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toHaveLength(3); // begun: no more asking
    expect(done).toBe(false);
    ch.receive(s.subarray(head));
    await p;
    expect(batches.flat().at(-1)).toMatchObject({ type: 'snapshot-end', token: 1 });
  });

  it('ignores snapshots of other tokens', async () => {
    const { ch } = channel();
    let done = false;
    void ch.sync().then(() => { done = true; });
    ch.receive(snapshot(1, 9));
    await vi.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
  });

  it('gives up with a clear error when the agent never answers, or never finishes', async () => {
    const { ch } = channel();
    const silent = ch.sync();
    const silentErr = silent.catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(await silentErr).toMatch(/trace agent did not answer \(sync 1\)/);

    const cut = ch.sync();
    const cutErr = cut.catch((e: Error) => e.message);
    ch.receive(begin(1, 2)); // begins, never ends
    await vi.advanceTimersByTimeAsync(31_000);
    expect(await cutErr).toMatch(/sync 2/);
  });

  it('fails waiting syncs when closed, and refuses new ones', async () => {
    const { ch } = channel();
    const p = ch.sync().catch((e: Error) => e.message);
    ch.close('the machine stopped');
    await vi.advanceTimersByTimeAsync(600);
    expect(await p).toBe('the machine stopped');
    await expect(ch.sync()).rejects.toThrow('the machine stopped');
  });

  it('counts garbage between frames and goes on', async () => {
    const { ch, batches } = channel();
    ch.receive(concat(new Uint8Array([1, 2, 3, 0x4b, 0x50]), snapshot(1, 0)));
    await Promise.resolve();
    expect(batches.flat().map((e) => e.type)).toEqual(['snapshot-begin', 'domain-add', 'snapshot-end']);
    expect(ch.stats().skippedBytes).toBe(5);
  });
});
