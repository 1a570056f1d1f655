// SPDX-License-Identifier: MIT
/**
 * Marshaling D-Bus 1 messages, in either byte order.
 *
 * The encoder only produces valid messages: it checks every value against
 * the signature, every name against the rules, and the limits, and throws a
 * DbusEncodeError otherwise (unlike the decoder, its input comes from our own
 * code, where an exception is the right signal). Tests that need malformed
 * messages patch the bytes of a valid one.
 */
import { HEADER_FIELDS, missingFieldError, type HeaderFieldSpec } from './header-fields.js';
import {
  DBUS_MAX_ARRAY_LENGTH,
  DBUS_MAX_MESSAGE_LENGTH,
  DBUS_MAX_TOTAL_DEPTH,
  DBUS_MESSAGE_TYPE_CODES,
  DBUS_PROTOCOL_VERSION,
  type DbusBasicValue,
  type DbusHeader,
  type DbusValue,
} from './message.js';
import { objectPathError } from './names.js';
import { alignmentOf, parseSignature, parseSingleCompleteType, signatureOfValue, type DbusBasicType, type DbusType } from './signature.js';
import { WireWriter } from './writer.js';

export class DbusEncodeError extends Error {
  override name = 'DbusEncodeError';
}

/**
 * What the encoder needs of a header. A decoded DbusHeader fits as is
 * (bodyLength is recomputed; a signature given here must equal the one
 * passed to encodeDbusMessage).
 */
export type DbusEncodeHeader = Omit<DbusHeader, 'endian' | 'version' | 'bodyLength' | 'signature'> & {
  /** Default 'l'. */
  endian?: 'l' | 'B';
  version?: number;
  bodyLength?: number;
  signature?: string;
};

export interface DbusEncodeOptions {
  /**
   * Order of the header fields by code. The specification leaves the order
   * free (GLib, for one, writes them in hash table order); fields missing
   * from this list follow in ascending code order, the default.
   */
  fieldOrder?: readonly number[];
  /**
   * Header fields with codes the specification does not define, written as
   * given (readers skip them). Lets a decoded message with such fields be
   * encoded again unchanged; `value` is the variant's content.
   */
  extraFields?: ReadonlyArray<{ code: number; value: DbusValue }>;
}

const utf8 = new TextEncoder();

function fail(message: string): never {
  throw new DbusEncodeError(message);
}

/** Lone surrogates cannot be UTF-8; TextEncoder would silently turn them into U+FFFD. */
function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function checkInt(v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${what} value ${String(v)} is not an integer in ${min}..${max}`);
  return v;
}

function checkBigInt(v: unknown, min: bigint, max: bigint, what: string): bigint {
  if (typeof v !== 'bigint' || v < min || v > max) fail(`${what} value ${String(v)} is not a bigint in ${min}..${max}`);
  return v;
}

function writeString(w: WireWriter, s: unknown, what: string): void {
  if (typeof s !== 'string') fail(`${what} value is not a string`);
  if (s.includes('\0')) fail(`${what} contains a NUL character`);
  if (hasLoneSurrogate(s)) fail(`${what} contains a lone UTF-16 surrogate`);
  const b = utf8.encode(s);
  w.align(4);
  w.u32(b.length);
  w.bytes(b);
  w.u8(0);
}

function writeSignature(w: WireWriter, s: unknown, what: string): void {
  if (typeof s !== 'string') fail(`${what} value is not a string`);
  const parsed = parseSignature(s);
  if (!parsed.ok) fail(`${what} is invalid: ${parsed.error}`);
  w.u8(s.length); // ASCII only, so characters are bytes
  w.bytes(utf8.encode(s));
  w.u8(0);
}

function writeBasic(w: WireWriter, type: DbusBasicType, value: DbusBasicValue): void {
  const v: unknown = value.value;
  switch (type.code) {
    case 'y':
      return w.u8(checkInt(v, 0, 0xff, 'byte'));
    case 'b':
      if (typeof v !== 'boolean') fail('boolean value is not a boolean');
      w.align(4);
      return w.u32(v ? 1 : 0);
    case 'n':
      w.align(2);
      return w.i16(checkInt(v, -0x8000, 0x7fff, 'int16'));
    case 'q':
      w.align(2);
      return w.u16(checkInt(v, 0, 0xffff, 'uint16'));
    case 'i':
      w.align(4);
      return w.i32(checkInt(v, -0x80000000, 0x7fffffff, 'int32'));
    case 'u':
    case 'h':
      w.align(4);
      return w.u32(checkInt(v, 0, 0xffffffff, type.code === 'u' ? 'uint32' : 'unix fd index'));
    case 'x':
      w.align(8);
      return w.i64(checkBigInt(v, -(1n << 63n), (1n << 63n) - 1n, 'int64'));
    case 't':
      w.align(8);
      return w.u64(checkBigInt(v, 0n, (1n << 64n) - 1n, 'uint64'));
    case 'd':
      if (typeof v !== 'number') fail('double value is not a number');
      w.align(8);
      return w.f64(v);
    case 's':
      return writeString(w, v, 'string');
    case 'o': {
      const bad = typeof v === 'string' ? objectPathError(v) : 'object path value is not a string';
      if (bad) fail(bad);
      return writeString(w, v, 'object path');
    }
    case 'g':
      return writeSignature(w, v, 'signature');
  }
}

function isBasic(value: DbusValue): value is DbusBasicValue {
  return value.type !== 'a' && value.type !== '(' && value.type !== '{' && value.type !== 'v';
}

/** Write `value` as `type`, checking that they agree. `depth` counts enclosing containers. */
function writeValue(w: WireWriter, type: DbusType, value: DbusValue, depth: number): void {
  if (value.type !== type.code) fail(`value of type "${signatureOfValue(value)}" where "${type.signature}" is expected`);
  if ('incomplete' in value && value.incomplete) fail(`cannot encode an incomplete ${type.signature} (decoded from a cut or malformed message)`);
  if (type.code !== 'a' && type.code !== '(' && type.code !== '{' && type.code !== 'v') {
    if (!isBasic(value)) fail(`container value where "${type.signature}" is expected`);
    return writeBasic(w, type, value);
  }
  if (depth + 1 > DBUS_MAX_TOTAL_DEPTH) fail(`values nest deeper than ${DBUS_MAX_TOTAL_DEPTH} containers`);
  switch (type.code) {
    case 'a': {
      if (value.type !== 'a') break;
      if (value.elementSignature !== type.element.signature) {
        fail(`array of "${value.elementSignature}" where "${type.signature}" is expected`);
      }
      w.align(4);
      const lengthAt = w.length;
      w.u32(0);
      // Padding to the element alignment is written even for an empty array.
      w.align(alignmentOf(type.element));
      const start = w.length;
      for (const item of value.items) writeValue(w, type.element, item, depth + 1);
      const length = w.length - start;
      if (length > DBUS_MAX_ARRAY_LENGTH) fail(`array of ${length} bytes, more than the ${DBUS_MAX_ARRAY_LENGTH} allowed`);
      return w.patchU32(lengthAt, length);
    }
    case '(': {
      if (value.type !== '(') break;
      if (value.signature !== type.signature || value.fields.length !== type.fields.length) {
        fail(`struct "${value.signature}" with ${value.fields.length} fields where "${type.signature}" is expected`);
      }
      w.align(8);
      type.fields.forEach((t, i) => {
        const f = value.fields[i];
        if (f === undefined) fail(`struct "${type.signature}" lacks field ${i}`);
        writeValue(w, t, f, depth + 1);
      });
      return;
    }
    case '{': {
      if (value.type !== '{') break;
      w.align(8);
      writeValue(w, type.key, value.key, depth + 1);
      return writeValue(w, type.value, value.value, depth + 1);
    }
    case 'v': {
      if (value.type !== 'v') break;
      const inner = parseSingleCompleteType(value.signature);
      if (!inner.ok) fail(`variant signature: ${inner.error}`);
      writeSignature(w, value.signature, 'variant signature');
      return writeValue(w, inner.type, value.value, depth + 1);
    }
  }
}

function messageTypeCode(type: DbusEncodeHeader['type']): number {
  if (typeof type === 'string') {
    const code = DBUS_MESSAGE_TYPE_CODES[type];
    if (code === undefined) fail(`unknown message type "${String(type)}"`);
    return code;
  }
  return checkInt(type, 1, 0xff, 'message type');
}

/**
 * Marshal a whole message: fixed header, header fields, padding, body.
 * `signature` is the body signature ('' for no body) and `body` its values.
 */
export function encodeDbusMessage(
  header: DbusEncodeHeader,
  signature: string,
  body: readonly DbusValue[],
  options: DbusEncodeOptions = {},
): Uint8Array {
  const endian = header.endian ?? 'l';
  if (endian !== 'l' && endian !== 'B') fail(`endianness "${String(endian)}" is not 'l' or 'B'`);
  if (header.version !== undefined && header.version !== DBUS_PROTOCOL_VERSION) fail(`protocol version ${header.version} is not ${DBUS_PROTOCOL_VERSION}`);
  if (header.signature !== undefined && header.signature !== signature) {
    fail(`header signature "${header.signature}" differs from the body signature "${signature}"`);
  }
  const types = parseSignature(signature);
  if (!types.ok) fail(`body signature: ${types.error}`);
  if (types.types.length !== body.length) fail(`signature "${signature}" has ${types.types.length} types but the body has ${body.length} values`);

  // The header as it will be on the wire, to check the rules the decoder checks.
  const full: DbusHeader = { ...header, endian, version: DBUS_PROTOCOL_VERSION, bodyLength: 0 };
  if (signature === '') delete full.signature;
  else full.signature = signature;
  const missing = missingFieldError(full);
  if (missing) fail(missing);

  const known = HEADER_FIELDS.filter((f) => full[f.key] !== undefined);
  const extra = options.extraFields ?? [];
  for (const f of extra) {
    checkInt(f.code, 1, 0xff, 'extra header field code');
    if (HEADER_FIELDS.some((k) => k.code === f.code)) fail(`extra header field ${f.code} is a known field: set it in the header`);
  }
  const order = options.fieldOrder ?? [];
  const rank = (code: number): number => {
    const i = order.indexOf(code);
    return i >= 0 ? i : order.length + code;
  };
  const present: Array<{ code: number; known?: HeaderFieldSpec; value?: DbusValue }> = [
    ...known.map((k) => ({ code: k.code, known: k })),
    ...extra.map((e) => ({ code: e.code, value: e.value })),
  ];
  present.sort((a, b) => rank(a.code) - rank(b.code));

  const w = new WireWriter(endian === 'l');
  w.u8(endian.charCodeAt(0));
  w.u8(messageTypeCode(header.type));
  w.u8(checkInt(header.flags, 0, 0xff, 'flags'));
  w.u8(DBUS_PROTOCOL_VERSION);
  w.u32(0); // body length, patched below
  w.u32(checkInt(header.serial, 1, 0xffffffff, 'serial'));
  const fieldsLengthAt = w.length;
  w.u32(0);
  const fieldsStart = w.length; // 16: already 8-aligned for the first (yv)
  for (const field of present) {
    w.align(8);
    w.u8(field.code);
    if (field.value) {
      // Same bytes as a variant: its signature, then the value.
      const variant = { type: 'v', signature: signatureOfValue(field.value), value: field.value } as const;
      writeValue(w, { code: 'v', signature: 'v' }, variant, 1);
      continue;
    }
    const f = field.known;
    const v = f ? full[f.key] : undefined;
    if (!f || (typeof v !== 'string' && typeof v !== 'number')) fail(`header field ${field.code} has no string or number value`);
    const bad = f.check?.(v);
    if (bad) fail(`header field ${f.key}: ${bad}`);
    writeSignature(w, f.signature, 'header field signature');
    // The value's JS type is checked by writeBasic against the field's signature.
    const value = { type: f.signature, value: v } as DbusBasicValue;
    writeBasic(w, { code: f.signature, signature: f.signature }, value);
  }
  w.patchU32(fieldsLengthAt, w.length - fieldsStart);
  w.align(8);
  const bodyStart = w.length;
  types.types.forEach((t, i) => {
    const v = body[i];
    if (v === undefined) fail(`body value ${i} is missing`);
    writeValue(w, t, v, 0);
  });
  const bodyLength = w.length - bodyStart;
  if (w.length > DBUS_MAX_MESSAGE_LENGTH) fail(`message of ${w.length} bytes, more than the ${DBUS_MAX_MESSAGE_LENGTH} allowed`);
  w.patchU32(4, bodyLength);
  return w.finish();
}
