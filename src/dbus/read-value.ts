// SPDX-License-Identifier: MIT
/**
 * Signature-directed reading of D-Bus values ("Marshaling (Wire Format)").
 *
 * The bytes carry no type tags: only the signature says what they are, so
 * every length is checked against the region that holds it before anything
 * is sliced or allocated, and no array is preallocated from a length read off
 * the wire (items are appended while bytes remain, and every item takes at
 * least one byte, so a loop always ends).
 */
import {
  DBUS_MAX_ARRAY_LENGTH,
  DBUS_MAX_TOTAL_DEPTH,
  type DbusArrayValue,
  type DbusBasicValue,
  type DbusDictEntryValue,
  type DbusStructValue,
  type DbusValue,
  type DbusVariantValue,
} from './message.js';
import { objectPathError } from './names.js';
import { DecodeStop, type Region, type WireReader } from './reader.js';
import { alignmentOf, parseSingleCompleteType, parseSignature, type DbusBasicType, type DbusType } from './signature.js';

// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is content.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ascii = new TextDecoder('latin1');

const NAMES: Readonly<Record<string, string>> = {
  y: 'byte',
  b: 'boolean',
  n: 'int16',
  q: 'uint16',
  i: 'int32',
  u: 'uint32',
  x: 'int64',
  t: 'uint64',
  d: 'double',
  h: 'unix fd index',
  s: 'string',
  o: 'object path',
  g: 'signature',
  a: 'array',
  '(': 'struct',
  '{': 'dict entry',
  v: 'variant',
};

function nameOf(type: DbusType): string {
  return NAMES[type.code] ?? type.code;
}

/** A string or object path: uint32 length, UTF-8 bytes, NUL. */
function readString(r: WireReader, region: Region, what: string): string {
  r.align(4, region, what);
  const at = r.pos;
  r.need(4, region, `length of ${what}`);
  const len = r.u32();
  // need() compares against the region first: a lying length is reported, not allocated.
  r.need(len + 1, region, `${what} of ${len} bytes`);
  const raw = r.take(len);
  const nul = raw.indexOf(0);
  if (nul >= 0) throw r.malformed(`${what} at byte ${at} contains a NUL byte at byte ${at + 4 + nul}`, at + 4 + nul);
  if (r.u8() !== 0) throw r.malformed(`${what} at byte ${at} is not followed by a NUL byte`, r.pos - 1);
  try {
    return utf8.decode(raw);
  } catch {
    throw r.malformed(`${what} at byte ${at} is not valid UTF-8`, at);
  }
}

/** A signature: uint8 length, ASCII type codes, NUL; it must be valid. */
function readSignatureString(r: WireReader, region: Region, what: string): string {
  const at = r.pos;
  r.need(1, region, `length of ${what}`);
  const len = r.u8();
  r.need(len + 1, region, `${what} of ${len} bytes`);
  const sig = ascii.decode(r.take(len));
  if (r.u8() !== 0) throw r.malformed(`${what} at byte ${at} is not followed by a NUL byte`, r.pos - 1);
  const parsed = parseSignature(sig);
  if (!parsed.ok) throw r.malformed(`${what} at byte ${at} is invalid: ${parsed.error}`, at);
  return sig;
}

function readBasic(r: WireReader, type: DbusBasicType, region: Region): DbusBasicValue {
  const what = nameOf(type);
  switch (type.code) {
    case 'y':
      r.need(1, region, what);
      return { type: 'y', value: r.u8() };
    case 'b': {
      r.align(4, region, what);
      r.need(4, region, what);
      const at = r.pos;
      const v = r.u32();
      if (v > 1) throw r.malformed(`boolean at byte ${at} is ${v}, not 0 or 1`, at);
      return { type: 'b', value: v === 1 };
    }
    case 'n':
    case 'q':
      r.align(2, region, what);
      r.need(2, region, what);
      return type.code === 'n' ? { type: 'n', value: r.i16() } : { type: 'q', value: r.u16() };
    case 'i':
    case 'u':
    case 'h':
      r.align(4, region, what);
      r.need(4, region, what);
      return type.code === 'i' ? { type: 'i', value: r.i32() } : { type: type.code, value: r.u32() };
    case 'x':
    case 't':
    case 'd':
      r.align(8, region, what);
      r.need(8, region, what);
      if (type.code === 'x') return { type: 'x', value: r.i64() };
      if (type.code === 't') return { type: 't', value: r.u64() };
      return { type: 'd', value: r.f64() };
    case 's':
      return { type: 's', value: readString(r, region, what) };
    case 'o': {
      const at = r.pos;
      const value = readString(r, region, what);
      const bad = objectPathError(value);
      if (bad) throw r.malformed(`${bad} (at byte ${at})`, at);
      return { type: 'o', value };
    }
    case 'g':
      return { type: 'g', value: readSignatureString(r, region, what) };
  }
}

function enter(r: WireReader, depth: number, what: string): number {
  if (depth + 1 > DBUS_MAX_TOTAL_DEPTH) throw r.malformed(`${what} at byte ${r.pos} nests deeper than ${DBUS_MAX_TOTAL_DEPTH} containers`);
  return depth + 1;
}

/** Attach what a nested read produced before it stopped, then let the stop go on up. */
function rethrowWith(e: unknown, partial: DbusValue | undefined): never {
  if (e instanceof DecodeStop) e.partial = partial;
  throw e;
}

function readArray(r: WireReader, type: Extract<DbusType, { code: 'a' }>, region: Region, depth: number): DbusArrayValue {
  r.align(4, region, 'array');
  const at = r.pos;
  r.need(4, region, 'array length');
  const len = r.u32();
  if (len > DBUS_MAX_ARRAY_LENGTH) throw r.malformed(`array at byte ${at} is ${len} bytes long, more than the ${DBUS_MAX_ARRAY_LENGTH} allowed`, at);
  // The padding to the first element is not counted in the length, and is
  // there even when the array is empty.
  r.align(alignmentOf(type.element), region, 'first array element');
  const inner = enter(r, depth, 'array');
  const end = r.pos + len;
  if (end > region.end) throw r.malformed(`array at byte ${at} claims ${len} bytes, past the end of ${region.name} at byte ${region.end}`, at);
  const arrayRegion: Region = { end, name: `the array at byte ${at}` };
  const value: DbusArrayValue = { type: 'a', elementSignature: type.element.signature, items: [] };
  try {
    while (r.pos < end) value.items.push(readValue(r, type.element, arrayRegion, inner));
  } catch (e) {
    if (e instanceof DecodeStop && e.partial) value.items.push(e.partial);
    value.incomplete = true;
    rethrowWith(e, value);
  }
  return value;
}

function readStruct(r: WireReader, type: Extract<DbusType, { code: '(' }>, region: Region, depth: number): DbusStructValue {
  r.align(8, region, 'struct');
  const inner = enter(r, depth, 'struct');
  const value: DbusStructValue = { type: '(', signature: type.signature, fields: [] };
  try {
    for (const f of type.fields) value.fields.push(readValue(r, f, region, inner));
  } catch (e) {
    if (e instanceof DecodeStop && e.partial) value.fields.push(e.partial);
    value.incomplete = true;
    rethrowWith(e, value);
  }
  return value;
}

function readDictEntry(r: WireReader, type: Extract<DbusType, { code: '{' }>, region: Region, depth: number): DbusDictEntryValue {
  r.align(8, region, 'dict entry');
  const inner = enter(r, depth, 'dict entry');
  const key = readBasic(r, type.key, region);
  try {
    return { type: '{', key, value: readValue(r, type.value, region, inner) };
  } catch (e) {
    // An entry is kept only if part of its value could be shown.
    const partial = e instanceof DecodeStop ? e.partial : undefined;
    return rethrowWith(e, partial && { type: '{', key, value: partial, incomplete: true });
  }
}

function readVariant(r: WireReader, region: Region, depth: number): DbusVariantValue {
  const at = r.pos;
  const signature = readSignatureString(r, region, 'variant signature');
  const parsed = parseSingleCompleteType(signature);
  if (!parsed.ok) throw r.malformed(`variant at byte ${at}: ${parsed.error}`, at);
  const inner = enter(r, depth, 'variant');
  try {
    return { type: 'v', signature, value: readValue(r, parsed.type, region, inner) };
  } catch (e) {
    const partial = e instanceof DecodeStop ? e.partial : undefined;
    return rethrowWith(e, partial && { type: 'v', signature, value: partial, incomplete: true });
  }
}

/**
 * Read one value of `type` at the cursor. `depth` counts the containers
 * around it (variants included) for the limit of 64.
 * Throws DecodeStop; on a stop inside a container, `partial` holds it.
 */
export function readValue(r: WireReader, type: DbusType, region: Region, depth: number): DbusValue {
  switch (type.code) {
    case 'a':
      return readArray(r, type, region, depth);
    case '(':
      return readStruct(r, type, region, depth);
    case '{':
      return readDictEntry(r, type, region, depth);
    case 'v':
      return readVariant(r, region, depth);
    default:
      return readBasic(r, type, region);
  }
}
