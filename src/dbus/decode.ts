// SPDX-License-Identifier: MIT
/**
 * Decoding one D-Bus 1 message from the bytes of a kdbus payload.
 *
 * Outcomes, so the views can tell them apart:
 * - header malformed or invalid (names, required fields): `ok: false`;
 * - header cut: `ok: false, truncated: true`;
 * - header fine, body cut or malformed: `ok: true` with `bodyError`, the
 *   values decoded before the problem in `body` (and `truncated` when cut).
 *
 * Bytes after the declared end of the message are not decoded: a kdbus
 * payload holds one message; they are only counted in `trailingBytes`.
 */
import { headerFieldByCode, missingFieldError } from './header-fields.js';
import {
  DBUS_MAX_ARRAY_LENGTH,
  DBUS_MAX_MESSAGE_LENGTH,
  DBUS_PROTOCOL_VERSION,
  type DbusDecodeResult,
  type DbusHeader,
  type DbusHeaderField,
  type DbusMessageType,
  type DbusValue,
} from './message.js';
import { readValue } from './read-value.js';
import { DecodeStop, WireReader, type Region } from './reader.js';
import { parseSignature, type DbusType } from './signature.js';

export interface DbusDecodeOptions {
  /**
   * The caller knows the bytes are the whole payload (not cut by the agent):
   * then a message longer than the bytes is malformed rather than truncated.
   */
  complete?: boolean;
}

const TYPE_BY_CODE: Readonly<Record<number, DbusMessageType>> = {
  1: 'method_call',
  2: 'method_return',
  3: 'error',
  4: 'signal',
};

/** The header field array, as a type tree, read with the generic value reader. */
const HEADER_FIELDS_TYPE: DbusType = {
  code: 'a',
  signature: 'a(yv)',
  element: { code: '(', signature: '(yv)', fields: [{ code: 'y', signature: 'y' }, { code: 'v', signature: 'v' }] },
};

const FIXED_HEADER_LENGTH = 16;

type Failure = Extract<DbusDecodeResult, { ok: false }>;

function fail(error: string, truncated: boolean, offset?: number): Failure {
  return offset === undefined ? { ok: false, error, truncated } : { ok: false, error, truncated, offset };
}

const align8 = (n: number): number => n + ((8 - (n % 8)) % 8);

/** Decode one message. Never throws. */
export function decodeDbusMessage(bytes: Uint8Array, options: DbusDecodeOptions = {}): DbusDecodeResult {
  try {
    return decode(bytes, options);
  } catch (e) {
    // Only a bug in this decoder can get here; report it rather than break the view.
    return fail(`internal decoder error: ${e instanceof Error ? e.message : String(e)}`, false);
  }
}

function decode(bytes: Uint8Array, options: DbusDecodeOptions): DbusDecodeResult {
  // Check each fixed byte as soon as it is present, so a short buffer that is
  // already wrong is reported as malformed rather than cut.
  const endianByte = bytes[0];
  if (endianByte === undefined) return fail('empty message: no bytes', true, 0);
  if (endianByte !== 0x6c && endianByte !== 0x42) {
    return fail(`endianness byte is 0x${endianByte.toString(16).padStart(2, '0')}, not 'l' or 'B'`, false, 0);
  }
  const typeCode = bytes[1];
  if (typeCode === 0) return fail('message type is 0 (INVALID)', false, 1);
  const version = bytes[3];
  if (version !== undefined && version !== DBUS_PROTOCOL_VERSION) {
    return fail(`protocol version is ${version}, not ${DBUS_PROTOCOL_VERSION}`, false, 3);
  }
  if (bytes.length < FIXED_HEADER_LENGTH) {
    return fail(`header cut: only ${bytes.length} of the ${FIXED_HEADER_LENGTH} bytes of the fixed header`, true, bytes.length);
  }

  const r = new WireReader(bytes, endianByte === 0x6c);
  r.pos = 2;
  const flags = r.u8();
  r.pos = 4;
  const bodyLength = r.u32();
  const serial = r.u32();
  const fieldsLength = r.u32();
  if (serial === 0) return fail('serial is 0', false, 8);
  if (fieldsLength > DBUS_MAX_ARRAY_LENGTH) {
    return fail(`header field array is ${fieldsLength} bytes long, more than the ${DBUS_MAX_ARRAY_LENGTH} allowed`, false, 12);
  }
  const headerEnd = FIXED_HEADER_LENGTH + fieldsLength;
  const bodyOffset = align8(headerEnd);
  const total = bodyOffset + bodyLength;
  if (total > DBUS_MAX_MESSAGE_LENGTH) {
    return fail(`message declares ${total} bytes, more than the ${DBUS_MAX_MESSAGE_LENGTH} allowed`, false, 4);
  }
  if (options.complete && bytes.length < total) {
    return fail(`message declares ${total} bytes but the payload holds only ${bytes.length}`, false, bytes.length);
  }

  // Header fields: an a(yv) whose length we just read, starting at byte 12.
  r.pos = 12;
  let fieldArray: DbusValue;
  try {
    fieldArray = readValue(r, HEADER_FIELDS_TYPE, { end: headerEnd, name: 'the header field array' }, 0);
  } catch (e) {
    if (e instanceof DecodeStop) {
      return e.kind === 'truncated' ? fail(`header cut: ${e.message}`, true, e.offset) : fail(`header: ${e.message}`, false, e.offset);
    }
    throw e;
  }

  const type: DbusMessageType | number = typeCode !== undefined ? (TYPE_BY_CODE[typeCode] ?? typeCode) : 0;
  const header: DbusHeader = { endian: endianByte === 0x6c ? 'l' : 'B', type, flags, version: DBUS_PROTOCOL_VERSION, serial, bodyLength };
  const headerFields: DbusHeaderField[] = [];
  const problem = interpretFields(fieldArray, header, headerFields);
  if (problem) return fail(`header: ${problem}`, false);

  // Body: after zero padding to 8, exactly `bodyLength` bytes of the signature's values.
  const truncated = bytes.length < total;
  const body: DbusValue[] = [];
  let bodyError: string | undefined;
  const bodyRegion: Region = { end: total, name: 'the body' };
  const types = parseSignature(header.signature ?? '');
  try {
    r.align(8, bodyRegion, 'the body');
    if (!types.ok) throw r.malformed(types.error); // cannot happen: 'g' was validated
    for (const t of types.types) body.push(readValue(r, t, bodyRegion, 0));
    if (r.pos < total) {
      bodyError =
        types.types.length === 0
          ? `body has ${bodyLength} bytes but the message has no signature`
          : `body has ${total - r.pos} bytes after the values of signature "${header.signature ?? ''}"`;
    }
  } catch (e) {
    if (!(e instanceof DecodeStop)) throw e;
    if (e.partial) body.push(e.partial);
    bodyError = e.kind === 'truncated' ? `body cut after ${bytes.length} of ${total} bytes: ${e.message}` : `body: ${e.message}`;
  }

  return {
    ok: true,
    message: {
      header,
      body,
      ...(bodyError !== undefined ? { bodyError } : {}),
      truncated,
      headerFields,
      bodyOffset,
      trailingBytes: Math.max(0, bytes.length - total),
    },
  };
}

/**
 * Fill `header` from the decoded a(yv). Returns why the header is invalid,
 * or undefined. Unknown codes are kept in `out` and otherwise skipped, as the
 * specification asks of readers.
 */
function interpretFields(fieldArray: DbusValue, header: DbusHeader, out: DbusHeaderField[]): string | undefined {
  if (fieldArray.type !== 'a') return 'header field array is not an array';
  const seen = new Set<number>();
  for (const item of fieldArray.items) {
    if (item.type !== '(') return 'header field is not a struct';
    const [codeValue, variant] = item.fields;
    if (codeValue?.type !== 'y' || variant?.type !== 'v') return 'header field is not (yv)';
    const code = codeValue.value;
    if (code === 0) return 'header field code 0 (INVALID)';
    const spec = headerFieldByCode(code);
    out.push({ code, value: variant.value, known: spec !== undefined });
    if (!spec) continue;
    if (seen.has(code)) return `header field ${spec.key} (${code}) appears twice`;
    seen.add(code);
    const v = variant.value;
    if (variant.signature !== spec.signature || (v.type !== 's' && v.type !== 'o' && v.type !== 'g' && v.type !== 'u')) {
      return `header field ${spec.key} (${code}) has signature "${variant.signature}", not "${spec.signature}"`;
    }
    const bad = spec.check?.(v.value);
    if (bad) return `header field ${spec.key}: ${bad}`;
    // The signature check above ties each key to its value type.
    (header as unknown as Record<string, string | number>)[spec.key] = v.value;
  }
  return missingFieldError(header);
}
