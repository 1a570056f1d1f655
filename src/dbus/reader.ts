// SPDX-License-Identifier: MIT
/**
 * A bounds-checked cursor over a D-Bus message.
 *
 * Every read is checked against two ends: the end of the region the message
 * itself declares (header field array, body, an array's length) and the end
 * of the bytes we actually have. Crossing the first is a malformed message;
 * crossing only the second means the bytes were cut (our agent truncates
 * payloads at 64 KiB), which the views must show differently.
 */
import type { DbusValue } from './message.js';

export type StopKind = 'truncated' | 'malformed';

/**
 * Why decoding stopped. Internal: thrown inside the decoder, always caught by
 * decodeDbusMessage. `partial` carries the container that was being filled
 * when the problem was found, so callers can still show what came before it.
 */
export class DecodeStop extends Error {
  constructor(
    readonly kind: StopKind,
    readonly offset: number,
    message: string,
    public partial?: DbusValue,
  ) {
    super(message);
  }
}

/** A stretch of the message that the message declares, e.g. the body or an array. */
export interface Region {
  /** Offset just past the region, from the start of the message. */
  end: number;
  /** Used in error messages: "the body", "the array at byte 40". */
  name: string;
}

export class WireReader {
  /** Offset from the start of the message: alignment is measured from there. */
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  malformed(message: string, offset = this.pos): DecodeStop {
    return new DecodeStop('malformed', offset, message);
  }

  /** Ensure `n` bytes from the cursor are inside `region` and present. */
  need(n: number, region: Region, what: string): void {
    if (this.pos + n > region.end) {
      throw this.malformed(`${what} at byte ${this.pos} needs ${n} bytes, past the end of ${region.name} at byte ${region.end}`);
    }
    if (this.pos + n > this.bytes.length) {
      throw new DecodeStop('truncated', this.pos, `${what} at byte ${this.pos} is cut: the data ends at byte ${this.bytes.length}`);
    }
  }

  /** Skip padding to a multiple of `alignment`; the spec requires padding bytes to be zero. */
  align(alignment: number, region: Region, what: string): void {
    const pad = (alignment - (this.pos % alignment)) % alignment;
    if (pad === 0) return;
    this.need(pad, region, `padding before ${what}`);
    for (let i = 0; i < pad; i++) {
      if (this.bytes[this.pos + i] !== 0) throw this.malformed(`padding byte at ${this.pos + i} before ${what} is not zero`, this.pos + i);
    }
    this.pos += pad;
  }

  u8(): number {
    return this.view.getUint8(this.pos++);
  }

  // The multi-byte readers assume need() was called: DataView would throw a
  // RangeError otherwise, which decodeDbusMessage also catches as a last resort.
  u16(): number {
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  i16(): number {
    const v = this.view.getInt16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  i32(): number {
    const v = this.view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.view.getBigUint64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    const v = this.view.getBigInt64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  f64(): number {
    const v = this.view.getFloat64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }

  /** A view of the next `n` bytes (no copy), advancing the cursor. */
  take(n: number): Uint8Array {
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}
