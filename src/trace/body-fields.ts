// SPDX-License-Identifier: MIT
/**
 * The fields of a frame body (docs/trace-protocol.md, "Bodies: fields"):
 * kdbus-item-shaped records `u64 size, u64 type, data, padding`. This module
 * walks them and reads the typed values the event decoder needs; a missing or
 * unreadable required field throws a FieldError, which the decoder turns into
 * a `malformed` event.
 */
import { type FlagSet, flagNames, modeText } from './kdbus-names.js';
import { align8, decodeCString } from './kdbus-items.js';
import { type KdbusInfo, type KdbusMsg, parseKdbusInfo, parseKdbusMsg } from './kdbus-structs.js';
import type { BusInfo, FileStat } from './events.js';
import { type U64, readU64 } from './u64.js';

export interface BodyField {
  /** Field type as sent. */
  type: U64;
  data: Uint8Array;
}

export interface BodyFields {
  fields: BodyField[];
  /** Why the walk stopped before the end of the body (a field with size < 16 or running past the body). */
  error?: string;
}

/**
 * Splits a body into fields. The last field's padding may be missing (the
 * body then simply ends with its data).
 */
export function readBodyFields(body: Uint8Array): BodyFields {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const fields: BodyField[] = [];
  let off = 0;
  while (off < body.length) {
    if (body.length - off < 16) return { fields, error: `${body.length - off} stray bytes at offset ${off}` };
    const size = readU64(view, off);
    if (typeof size !== 'number' || size < 16 || size > body.length - off) {
      return { fields, error: `field at offset ${off} has size ${size} (body is ${body.length} bytes)` };
    }
    fields.push({ type: readU64(view, off + 8), data: body.subarray(off + 16, off + size) });
    off += align8(size);
  }
  return { fields };
}

export class FieldError extends Error {}

const FIELD_NAMES: Readonly<Record<number, string>> = {
  0x10001: 'DOMAIN',
  0x10002: 'BUS',
  0x10003: 'PATH',
  0x10004: 'NAME',
  0x10005: 'STAT',
  0x10006: 'ID',
  0x10007: 'KDBUS_MSG',
  0x10008: 'KDBUS_INFO',
  0x10009: 'BUS_INFO',
  0x1000a: 'COUNT',
  0x1000b: 'REASON',
  0x1000c: 'TEXT',
  0x1000d: 'FLAGS',
};

const fieldName = (type: number): string => FIELD_NAMES[type] ?? `0x${type.toString(16)}`;

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Typed access to the fields of one body. Fields of other types are ignored; a repeated field counts once (the first). */
export class FieldReader {
  constructor(private readonly fields: readonly BodyField[]) {}

  has(type: number): boolean {
    return this.fields.some((f) => f.type === type);
  }

  private first(type: number): Uint8Array | undefined {
    return this.fields.find((f) => f.type === type)?.data;
  }

  private need(type: number, minBytes: number): DataView {
    const data = this.first(type);
    if (!data) throw new FieldError(`missing ${fieldName(type)} field`);
    if (data.length < minBytes) {
      throw new FieldError(`${fieldName(type)} field has ${data.length} bytes, expected ${minBytes}`);
    }
    return new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  /** A u64 field as a safe-integer number (refs, ids, counts, tokens). */
  number(type: number): number {
    const v = readU64(this.need(type, 8), 0);
    if (typeof v !== 'number') throw new FieldError(`${fieldName(type)} value ${v} is above 2^53`);
    return v;
  }

  optionalNumber(type: number): number | null {
    return this.has(type) ? this.number(type) : null;
  }

  u64(type: number): U64 {
    return readU64(this.need(type, 8), 0);
  }

  string(type: number): string {
    const data = this.first(type);
    if (!data) throw new FieldError(`missing ${fieldName(type)} field`);
    return decodeCString(data);
  }

  stat(type: number): FileStat {
    const v = this.need(type, 12);
    const mode = v.getUint32(0, true);
    return { mode, modeText: modeText(mode), uid: v.getUint32(4, true), gid: v.getUint32(8, true) };
  }

  /** REASON: u32 reason or errno (then u32 zero). */
  reason(type: number): number {
    return this.need(type, 4).getUint32(0, true);
  }

  busInfo(type: number, flagSet: FlagSet): BusInfo {
    const v = this.need(type, 40);
    const flags = readU64(v, 0);
    const id = hex(new Uint8Array(v.buffer, v.byteOffset + 8, 16));
    return {
      flags,
      flagNames: flagNames(flags, flagSet),
      id128: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`,
      bloom: { size: readU64(v, 24), n_hash: readU64(v, 32) },
    };
  }

  msg(type: number): KdbusMsg {
    const data = this.first(type);
    if (!data) throw new FieldError(`missing ${fieldName(type)} field`);
    const r = parseKdbusMsg(data);
    if (!r.ok) throw new FieldError(r.error);
    return r.value;
  }

  /** Every field of `type` as a kdbus_info, in order. */
  infos(type: number, flagSet: FlagSet): KdbusInfo[] {
    return this.fields
      .filter((f) => f.type === type)
      .map((f, i) => {
        const r = parseKdbusInfo(f.data, flagSet);
        if (!r.ok) throw new FieldError(`${fieldName(type)} #${i + 1}: ${r.error}`);
        return r.value;
      });
  }
}
