// SPDX-License-Identifier: MIT
/**
 * v86 reports serial output one byte per event. Crossing a worker boundary
 * (or even calling xterm) per byte is far too slow, so bytes are gathered
 * and flushed once per emulator slice: the flush is a microtask, which runs
 * right after the slice of emulation that produced the bytes.
 */
export class ByteBatcher {
  private buf = new Uint8Array(256);
  private len = 0;
  private scheduled = false;

  constructor(private readonly flush: (bytes: Uint8Array) => void) {}

  push(byte: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = byte;
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    if (out.length) this.flush(out);
  }
}
