// SPDX-License-Identifier: MIT
/**
 * Frames of the host control channel (ttyS1) spoken with the guest daemon
 * kpd (guest-image/tools/kpd.c, which documents the frame types):
 *
 *   frame := TYPE ' ' ID ' ' LEN '\n' PAYLOAD[LEN]
 *
 * Binary safe: payloads are length-prefixed, never escaped.
 */

export interface Frame {
  type: string;
  id: number;
  payload: Uint8Array;
}

const encoder = new TextEncoder();

export function encodeFrame(type: string, id: number, payload: Uint8Array | string = new Uint8Array()): Uint8Array {
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const head = encoder.encode(`${type} ${id} ${body.length}\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

const MAX_HEADER = 64;
const MAX_PAYLOAD = 1 << 20;

/**
 * Incremental decoder: push bytes as they arrive, get whole frames back.
 * Bytes before the first valid header (e.g. line noise while the guest's
 * 8250 driver initialises) are skipped, never fatal.
 */
export class FrameDecoder {
  private buf = new Uint8Array(0);

  push(chunk: Uint8Array): Frame[] {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    this.buf = merged;
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) break;
      frames.push(frame);
    }
    return frames;
  }

  private next(): Frame | null {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) {
        if (this.buf.length > MAX_HEADER) this.buf = this.buf.slice(this.buf.length - MAX_HEADER);
        return null;
      }
      const m = /^(\S) (\d+) (\d+)$/.exec(new TextDecoder().decode(this.buf.subarray(0, nl)));
      if (!m || Number(m[3]) > MAX_PAYLOAD) {
        this.buf = this.buf.slice(nl + 1); // not a header: drop the line
        continue;
      }
      const len = Number(m[3]);
      if (this.buf.length < nl + 1 + len) return null;
      const payload = this.buf.slice(nl + 1, nl + 1 + len);
      this.buf = this.buf.slice(nl + 1 + len);
      return { type: m[1]!, id: Number(m[2]), payload };
    }
  }
}
