// SPDX-License-Identifier: MIT
/**
 * The header fields of the specification: their codes, the one signature
 * each must have, which message types require which, and the name rules
 * their values follow. Shared by the decoder and the encoder so both enforce
 * the same rules.
 */
import { DBUS_HEADER_FIELD, type DbusHeader, type DbusMessageType } from './message.js';
import { busNameError, errorNameError, interfaceNameError, memberNameError, objectPathError } from './names.js';

export type HeaderFieldKey = 'path' | 'interface' | 'member' | 'errorName' | 'replySerial' | 'destination' | 'sender' | 'signature' | 'unixFds';

export interface HeaderFieldSpec {
  code: number;
  key: HeaderFieldKey;
  /** The only signature the field's variant may have. */
  signature: 'o' | 's' | 'u' | 'g';
  /** Why a value is invalid beyond its type, or undefined. */
  check?: (value: string | number) => string | undefined;
}

const asString =
  (f: (s: string) => string | undefined) =>
  (v: string | number): string | undefined =>
    f(String(v));

export const HEADER_FIELDS: readonly HeaderFieldSpec[] = [
  { code: DBUS_HEADER_FIELD.PATH, key: 'path', signature: 'o', check: asString(objectPathError) },
  { code: DBUS_HEADER_FIELD.INTERFACE, key: 'interface', signature: 's', check: asString(interfaceNameError) },
  { code: DBUS_HEADER_FIELD.MEMBER, key: 'member', signature: 's', check: asString(memberNameError) },
  { code: DBUS_HEADER_FIELD.ERROR_NAME, key: 'errorName', signature: 's', check: asString(errorNameError) },
  // A reply to serial 0 would answer nothing: serials start at 1.
  { code: DBUS_HEADER_FIELD.REPLY_SERIAL, key: 'replySerial', signature: 'u', check: (v) => (v === 0 ? 'reply serial is 0' : undefined) },
  { code: DBUS_HEADER_FIELD.DESTINATION, key: 'destination', signature: 's', check: asString(busNameError) },
  { code: DBUS_HEADER_FIELD.SENDER, key: 'sender', signature: 's', check: asString(busNameError) },
  { code: DBUS_HEADER_FIELD.SIGNATURE, key: 'signature', signature: 'g' },
  { code: DBUS_HEADER_FIELD.UNIX_FDS, key: 'unixFds', signature: 'u' },
];

export function headerFieldByCode(code: number): HeaderFieldSpec | undefined {
  return HEADER_FIELDS.find((f) => f.code === code);
}

/** Fields each message type must carry ("Message Types" of the specification). */
export const REQUIRED_FIELDS: Readonly<Record<DbusMessageType, readonly HeaderFieldKey[]>> = {
  method_call: ['path', 'member'],
  method_return: ['replySerial'],
  error: ['errorName', 'replySerial'],
  signal: ['path', 'interface', 'member'],
};

/** The first required field `header` lacks, as an error message, or undefined. */
export function missingFieldError(header: DbusHeader): string | undefined {
  if (typeof header.type === 'number') return undefined; // unknown types: no rules known
  for (const key of REQUIRED_FIELDS[header.type]) {
    if (header[key] === undefined) return `${header.type} message without the required ${key} header field`;
  }
  return undefined;
}
