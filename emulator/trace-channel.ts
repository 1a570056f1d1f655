// SPDX-License-Identifier: MIT
/**
 * The host end of the trace side channel (virtio console port 1, see
 * docs/trace-protocol.md): bytes from the guest agent become TraceEvents,
 * handed out in batches — one batch per emulator slice, because every call
 * that crosses the worker boundary costs far more than an event.
 *
 * After a saved state is restored, the agent's start-up snapshot was consumed
 * by whoever made the state, so the host asks for a fresh one (`sync`).
 */
import { FrameReader } from '../src/trace/frame-reader.js';
import { decodeEvent } from '../src/trace/decode-event.js';
import type { TraceEvent } from '../src/trace/events.js';

export type TraceListener = (events: TraceEvent[]) => void;

/** Counters of the channel, for status displays and tests. */
export interface TraceChannelStats {
  /** Events decoded and delivered. */
  events: number;
  /** Frames that failed magic, version, length or CRC checks (each skipped). */
  corruptFrames: number;
  /** Bytes skipped while searching for the next frame. */
  skippedBytes: number;
  /** Bytes received from the guest. */
  bytes: number;
}

const SYNC_RETRY_MS = 500;
const SYNC_ATTEMPTS = 60;

export class TraceChannel {
  private readonly reader = new FrameReader();
  private readonly listeners: TraceListener[] = [];
  private pending: TraceEvent[] = [];
  private scheduled = false;
  private bytes = 0;
  private delivered = 0;
  private nextToken = 1;
  /** Waiters for SNAPSHOT_END of a token. */
  private readonly syncWaiters = new Map<number, { begun: boolean; done: () => void }>();
  private closed: string | null = null;
  private firstSnapshotSeen!: () => void;
  /** Resolves when the first complete snapshot (of any token) has been delivered. */
  readonly firstSnapshot = new Promise<void>((resolve) => (this.firstSnapshotSeen = resolve));

  /** @param send writes bytes to the guest's /dev/hvc1 */
  constructor(private readonly send: (bytes: Uint8Array) => void) {}

  onEvents(listener: TraceListener): void {
    this.listeners.push(listener);
  }

  receive(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    for (const frame of this.reader.push(chunk)) {
      const event = decodeEvent(frame);
      this.watchSync(event);
      this.pending.push(event);
    }
    if (this.pending.length && !this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * Asks the agent for a full snapshot and resolves when it has arrived
   * (SNAPSHOT_END with our token). The agent answers in order, after what
   * it had already queued, so this is also a barrier: every event the agent
   * made before the request has been delivered when it resolves.
   */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(this.closed));
    const token = this.nextToken++;
    return new Promise((resolve, reject) => {
      let attempts = 0;
      // Resent every SYNC_RETRY_MS until the snapshot begins (v86 drops input the
      // guest has no buffer for); given up SYNC_ATTEMPTS periods after the request
      // even if it began, so a snapshot cut off by a dying agent cannot hang anyone.
      const ask = () => {
        if (this.closed) return fail(this.closed);
        const waiter = this.syncWaiters.get(token);
        if (!waiter) return; // answered
        if (++attempts > SYNC_ATTEMPTS) return fail(`the guest's trace agent did not answer (sync ${token})`);
        if (!waiter.begun) this.send(new TextEncoder().encode(`sync ${token}\n`));
        timer = setTimeout(ask, SYNC_RETRY_MS);
      };
      const fail = (why: string) => {
        this.syncWaiters.delete(token);
        reject(new Error(why));
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.syncWaiters.set(token, {
        begun: false,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      ask();
    });
  }

  stats(): TraceChannelStats {
    const s = this.reader.stats;
    return { events: this.delivered, corruptFrames: s.corrupt, skippedBytes: s.skippedBytes, bytes: this.bytes };
  }

  /** Fails whatever waits; nothing more is delivered. */
  close(reason: string): void {
    this.closed = reason;
    this.syncWaiters.clear();
  }

  private watchSync(event: TraceEvent): void {
    if (event.type !== 'snapshot-begin' && event.type !== 'snapshot-end') return;
    if (event.type === 'snapshot-end') queueMicrotask(() => queueMicrotask(this.firstSnapshotSeen));
    const waiter = this.syncWaiters.get(event.token);
    if (!waiter) return;
    if (event.type === 'snapshot-begin') {
      waiter.begun = true;
    } else {
      this.syncWaiters.delete(event.token);
      // Resolve after this batch reached the listeners.
      queueMicrotask(() => queueMicrotask(waiter.done));
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.closed) return;
    const batch = this.pending;
    this.pending = [];
    this.delivered += batch.length;
    for (const l of this.listeners) l(batch);
  }
}
