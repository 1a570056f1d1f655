// SPDX-License-Identifier: MIT
/**
 * Splits the guest agent's byte stream (docs/trace-protocol.md, "Stream")
 * into frames. Bytes arrive in chunks of any size, so a frame may straddle
 * any number of chunks; the reader keeps what it has not used yet in a
 * growable buffer (amortised O(1) per byte even with 1-byte chunks).
 *
 * Robustness: bad data costs a counter, never an exception. A frame that
 * fails the magic, version, length or CRC check counts one corrupt frame;
 * the reader then skips one byte and searches for the next magic, counting
 * every byte it skips. A run of garbage between two frames is one corrupt
 * frame, however long.
 */
import { crc32 } from './crc32.js';

export interface TraceFrame {
  version: number;
  /** Event type (docs/trace-protocol.md, "Events"). */
  type: number;
  /** Sequence number; exact up to 2^53 (the agent counts from 1). */
  seq: number;
  /** The guest's CLOCK_MONOTONIC in ns when the agent made the event (exact up to 2^53 ns ≈ 104 days). */
  time: number;
  /** The body (a copy, owned by the frame). */
  body: Uint8Array;
}

export interface FrameReaderStats {
  /** Frames delivered. */
  frames: number;
  /** Bad headers, CRC mismatches and garbage runs, each counted once. */
  corrupt: number;
  /** Bytes thrown away while searching for a frame (padding not included). */
  skippedBytes: number;
  /** Streams that ended inside a frame (at most one per `end()`). */
  truncated: number;
}

export const TRACE_MAGIC: readonly number[] = [0x4b, 0x50, 0x54, 0x52]; // "KPTR"
export const TRACE_VERSION = 1;
export const TRACE_HEADER_SIZE = 32;
export const TRACE_MAX_BODY = 1024 * 1024;

/** Bytes of zero padding after a body of `length` bytes. */
export function framePadding(length: number): number {
  return (8 - (length % 8)) % 8;
}

export class FrameReader {
  readonly stats: FrameReaderStats = { frames: 0, corrupt: 0, skippedBytes: 0, truncated: 0 };

  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  /** Unused bytes are buf[head, tail). */
  private head = 0;
  private tail = 0;
  /** Padding bytes of the last frame still to be skipped. */
  private padPending = 0;
  /** Inside a garbage run that was already counted as a corrupt frame. */
  private resyncing = false;

  /** Adds a chunk and returns the frames it completed, in stream order. */
  push(chunk: Uint8Array): TraceFrame[] {
    this.append(chunk);
    return this.drain();
  }

  /**
   * Ends the stream. Bytes left over belong to a frame that never completed:
   * counted as truncated. If a complete frame follows the incomplete one's
   * start, the incomplete header was bogus (a damaged length): it counts as
   * corrupt instead and the frames behind it are returned. Afterwards the
   * reader is empty and may read a new stream.
   */
  end(): TraceFrame[] {
    const out: TraceFrame[] = [];
    while (this.head < this.tail) {
      const next = this.findMagic(this.head + 1, true);
      if (next >= this.tail) {
        this.stats.truncated++;
        break;
      }
      const before = { ...this.stats };
      const headStart = this.head;
      this.head = next;
      this.padPending = 0;
      this.resyncing = false;
      const frames = this.drain();
      if (frames.length === 0) {
        Object.assign(this.stats, before);
        this.stats.truncated++;
        break;
      }
      this.stats.corrupt++;
      this.stats.skippedBytes += next - headStart;
      for (const f of frames) out.push(f);
    }
    this.head = this.tail = 0;
    this.padPending = 0;
    this.resyncing = false;
    return out;
  }

  private append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.tail + chunk.length > this.buf.length) {
      // Move the unused bytes to the front, and grow if that is not enough.
      const used = this.tail - this.head;
      const need = used + chunk.length;
      if (need > this.buf.length) {
        const bigger = new Uint8Array(Math.max(need, this.buf.length * 2));
        bigger.set(this.buf.subarray(this.head, this.tail));
        this.buf = bigger;
        this.view = new DataView(bigger.buffer);
      } else {
        this.buf.copyWithin(0, this.head, this.tail);
      }
      this.head = 0;
      this.tail = used;
    }
    this.buf.set(chunk, this.tail);
    this.tail += chunk.length;
  }

  /**
   * Position of the first magic at or after `from`; with `fullOnly` false a
   * magic prefix at the very end also counts (it may complete in the next
   * chunk). Returns `this.tail` when there is none.
   */
  private findMagic(from: number, fullOnly: boolean): number {
    const b = this.buf;
    let i = from;
    while (i < this.tail) {
      i = b.indexOf(0x4b, i);
      if (i < 0 || i >= this.tail) return this.tail;
      let k = 1;
      while (k < 4 && i + k < this.tail && b[i + k] === TRACE_MAGIC[k]) k++;
      if (k === 4) return i;
      if (i + k === this.tail && !fullOnly) return i;
      i++;
    }
    return this.tail;
  }

  private corruptHere(): void {
    // The whole bad frame and any garbage after it count as one corrupt frame.
    this.stats.corrupt++;
    this.resyncing = true;
    this.head++;
    this.stats.skippedBytes++;
  }

  private drain(): TraceFrame[] {
    const out: TraceFrame[] = [];
    const b = this.buf;
    for (;;) {
      while (this.padPending > 0 && this.head < this.tail) {
        if (b[this.head] !== 0) {
          this.padPending = 0; // not padding after all: let the magic search judge it
          break;
        }
        this.head++;
        this.padPending--;
      }
      if (this.padPending > 0 || this.head >= this.tail) break;

      const m = this.findMagic(this.head, false);
      if (m > this.head) {
        if (!this.resyncing) this.stats.corrupt++;
        this.resyncing = true;
        this.stats.skippedBytes += m - this.head;
        this.head = m;
      }
      const avail = this.tail - this.head;
      if (avail < TRACE_HEADER_SIZE) break; // also covers a partial magic at the end

      const v = this.view;
      const s = this.head;
      const version = v.getUint16(s + 4, true);
      const type = v.getUint16(s + 6, true);
      const length = v.getUint32(s + 8, true);
      if (version !== TRACE_VERSION || length > TRACE_MAX_BODY) {
        this.corruptHere();
        continue;
      }
      if (avail < TRACE_HEADER_SIZE + length) break;
      const expected = v.getUint32(s + 12, true);
      const crc = crc32(b, crc32(b, 0, s, s + 12), s + 16, s + TRACE_HEADER_SIZE + length);
      if (crc !== expected) {
        this.corruptHere();
        continue;
      }
      out.push({
        version,
        type,
        seq: v.getUint32(s + 16, true) + v.getUint32(s + 20, true) * 0x1_0000_0000,
        time: v.getUint32(s + 24, true) + v.getUint32(s + 28, true) * 0x1_0000_0000,
        body: b.slice(s + TRACE_HEADER_SIZE, s + TRACE_HEADER_SIZE + length),
      });
      this.stats.frames++;
      this.head = s + TRACE_HEADER_SIZE + length;
      this.padPending = framePadding(length);
      this.resyncing = false;
    }
    if (this.head === this.tail) this.head = this.tail = 0;
    return out;
  }
}
