// SPDX-License-Identifier: MIT
/**
 * The data model of a decoded D-Bus 1 message (the wire format of the public
 * D-Bus specification, "Message Protocol"). Guest programs put these messages
 * into kdbus payloads; the views read them through this model only, so it
 * stays plain data: no classes, no methods, bigint for 64-bit integers.
 */

export type DbusMessageType = 'method_call' | 'method_return' | 'error' | 'signal';

/** Message type codes of the fixed header (byte 1). 0 is INVALID. */
export const DBUS_MESSAGE_TYPE_CODES: Readonly<Record<DbusMessageType, number>> = {
  method_call: 1,
  method_return: 2,
  error: 3,
  signal: 4,
};

/** Flag bits of the fixed header (byte 2). Unknown bits must be ignored by readers. */
export const DBUS_FLAG_NO_REPLY_EXPECTED = 0x1;
export const DBUS_FLAG_NO_AUTO_START = 0x2;
export const DBUS_FLAG_ALLOW_INTERACTIVE_AUTHORIZATION = 0x4;

/** The only major protocol version there is. */
export const DBUS_PROTOCOL_VERSION = 1;

/** Header field codes (the `y` of each `(yv)` in the header field array). */
export const DBUS_HEADER_FIELD = {
  PATH: 1,
  INTERFACE: 2,
  MEMBER: 3,
  ERROR_NAME: 4,
  REPLY_SERIAL: 5,
  DESTINATION: 6,
  SENDER: 7,
  SIGNATURE: 8,
  UNIX_FDS: 9,
} as const;

/** Limits of the specification ("Valid Signatures", "Message Format"). */
export const DBUS_MAX_MESSAGE_LENGTH = 128 * 1024 * 1024;
export const DBUS_MAX_ARRAY_LENGTH = 64 * 1024 * 1024;
export const DBUS_MAX_SIGNATURE_LENGTH = 255;
export const DBUS_MAX_ARRAY_DEPTH = 32;
export const DBUS_MAX_STRUCT_DEPTH = 32;
/** Containers around a value in all, variants included. */
export const DBUS_MAX_TOTAL_DEPTH = 64;
/** Names (interface, member, error, bus) are at most this many bytes. */
export const DBUS_MAX_NAME_LENGTH = 255;

export interface DbusHeader {
  endian: 'l' | 'B';
  /** A number only for a type code this model does not know (readers must ignore such messages). */
  type: DbusMessageType | number;
  /** 0x1 NO_REPLY_EXPECTED, 0x2 NO_AUTO_START, 0x4 ALLOW_INTERACTIVE_AUTHORIZATION; other bits kept as sent. */
  flags: number;
  version: number;
  serial: number;
  bodyLength: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  /** Absent means an empty body signature. */
  signature?: string;
  unixFds?: number;
}

/** Type codes of the basic (non-container) types. */
export type DbusBasicCode = 'y' | 'b' | 'n' | 'q' | 'i' | 'u' | 'x' | 't' | 'd' | 's' | 'o' | 'g' | 'h';

/**
 * A basic value. 64-bit integers are bigint (a double cannot hold them
 * exactly); `h` is the index into the message's file descriptor list, not a
 * descriptor (the host never sees the guest's descriptors).
 */
export type DbusBasicValue =
  | { type: 'y'; value: number }
  | { type: 'b'; value: boolean }
  | { type: 'n'; value: number }
  | { type: 'q'; value: number }
  | { type: 'i'; value: number }
  | { type: 'u'; value: number }
  | { type: 'x'; value: bigint }
  | { type: 't'; value: bigint }
  | { type: 'd'; value: number }
  | { type: 's'; value: string }
  | { type: 'o'; value: string }
  | { type: 'g'; value: string }
  | { type: 'h'; value: number };

/** An array; `elementSignature` is kept because an empty array has no items to tell it. */
export interface DbusArrayValue {
  type: 'a';
  elementSignature: string;
  items: DbusValue[];
  /** Decoding stopped inside this array (cut or malformed input): `items` holds what came before. */
  incomplete?: true;
}

/** A struct; `signature` is the whole struct signature with its parentheses, e.g. "(si)". */
export interface DbusStructValue {
  type: '(';
  signature: string;
  fields: DbusValue[];
  /** Decoding stopped inside this struct: `fields` is shorter than the signature says. */
  incomplete?: true;
}

/** One key/value pair of a dict (an array of dict entries, `a{kv}`); order is kept as sent. */
export interface DbusDictEntryValue {
  type: '{';
  key: DbusBasicValue;
  value: DbusValue;
  /** Decoding stopped inside `value` (then a container that is itself incomplete). */
  incomplete?: true;
}

/** A variant carries the signature of its value (one complete type). */
export interface DbusVariantValue {
  type: 'v';
  signature: string;
  value: DbusValue;
  /** Decoding stopped inside `value` (then a container that is itself incomplete). */
  incomplete?: true;
}

/**
 * Any D-Bus value. `type` is always the first character of the value's
 * signature, so `'('` is a struct and `'{'` a dict entry.
 */
export type DbusValue = DbusBasicValue | DbusArrayValue | DbusStructValue | DbusDictEntryValue | DbusVariantValue;

/** A header field as it was on the wire, unknown codes included (for the inspector). */
export interface DbusHeaderField {
  code: number;
  /** The value inside the field's variant. */
  value: DbusValue;
  /** False for a code the specification does not define (then it was skipped). */
  known: boolean;
}

export interface DbusMessage {
  header: DbusHeader;
  /** The body values decoded; with `bodyError`, only those before the problem. */
  body: DbusValue[];
  /** Why the body is not complete: cut (see `truncated`) or malformed. The header is valid. */
  bodyError?: string;
  /** The bytes end before the length the header declares. */
  truncated: boolean;
  /** Every header field in wire order (added beyond the shared interface, for the inspector). */
  headerFields: DbusHeaderField[];
  /** Offset of the body from the start of the message (always a multiple of 8). */
  bodyOffset: number;
  /**
   * Bytes after the end of the message, ignored: a kdbus payload carries one
   * message, so anything after it is not decoded, only counted.
   */
  trailingBytes: number;
}

export type DbusDecodeResult =
  | { ok: true; message: DbusMessage }
  | {
      ok: false;
      error: string;
      /** The bytes end inside the header (rather than the header being malformed). */
      truncated: boolean;
      /** Offset of the byte where the problem was found, when known. */
      offset?: number;
    };
