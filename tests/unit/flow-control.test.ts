// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { FlowControlledWriter, HIGH_WATER, LOW_WATER, type WriteTarget } from '../../web/flow-control.js';

class FakeTerminal implements WriteTarget {
  readonly queue: Array<{ data: Uint8Array; done?: () => void }> = [];
  write(data: Uint8Array, done?: () => void): void {
    this.queue.push({ data, done });
  }
  /** xterm finished parsing the oldest write. */
  parseOne(): void {
    this.queue.shift()?.done?.();
  }
}

describe('FlowControlledWriter', () => {
  it('passes chunks through and pauses above the high mark, resumes below the low mark', () => {
    const term = new FakeTerminal();
    const events: boolean[] = [];
    const w = new FlowControlledWriter(term, (p) => events.push(p));
    const chunk = new Uint8Array(64 * 1024);
    const count = Math.ceil(HIGH_WATER / chunk.length) + 1;
    for (let i = 0; i < count; i++) w.write(chunk);
    expect(term.queue).toHaveLength(count);
    expect(events).toEqual([true]);
    while (w.pendingBytes >= LOW_WATER) term.parseOne();
    expect(events).toEqual([true, false]);
    while (term.queue.length) term.parseOne();
    expect(w.pendingBytes).toBe(0);
    expect(events).toEqual([true, false]);
  });

  it('does not pause for ordinary output', () => {
    const term = new FakeTerminal();
    const events: boolean[] = [];
    const w = new FlowControlledWriter(term, (p) => events.push(p));
    for (let i = 0; i < 1000; i++) {
      w.write(new Uint8Array(100));
      term.parseOne();
    }
    expect(events).toEqual([]);
  });

  it('forgets writes to an old terminal and resumes the producer', () => {
    const old = new FakeTerminal();
    const events: boolean[] = [];
    const w = new FlowControlledWriter(old, (p) => events.push(p));
    w.write(new Uint8Array(HIGH_WATER + 1));
    expect(events).toEqual([true]);
    const next = new FakeTerminal();
    w.retarget(next);
    expect(events).toEqual([true, false]);
    old.parseOne(); // a late callback from the old terminal changes nothing
    expect(w.pendingBytes).toBe(0);
    w.write(new Uint8Array(10));
    expect(next.queue).toHaveLength(1);
    expect(w.pendingBytes).toBe(10);
  });

  it('drops output while no terminal is attached', () => {
    const w = new FlowControlledWriter(null, () => undefined);
    w.write(new Uint8Array(10));
    expect(w.pendingBytes).toBe(0);
  });
});
