// SPDX-License-Identifier: MIT
/**
 * Text and JSON views of D-Bus values.
 *
 * The text follows busctl's call/monitor output, which users of the guest's
 * `kdbus` CLI already see: the signature once, then the values; arrays print
 * their item count first; a variant prints its own signature before its value;
 * structs and dict entries print their fields in a row. A container that was
 * cut or malformed ends in "…".
 */
import type { DbusValue } from './message.js';
import { parseSignature, signatureOfValue } from './signature.js';

const ELLIPSIS = '…';

function formatContent(value: DbusValue): string {
  switch (value.type) {
    case 'b':
      return value.value ? 'true' : 'false';
    case 's':
    case 'o':
    case 'g':
      // JSON quoting escapes quotes, backslashes and control characters, so a
      // value can never forge the separators around it.
      return JSON.stringify(value.value);
    case 'x':
    case 't':
      return value.value.toString();
    case 'y':
    case 'n':
    case 'q':
    case 'i':
    case 'u':
    case 'h':
    case 'd':
      return String(value.value);
    case 'a':
      return joinParts([String(value.items.length), ...value.items.map(formatContent)], value.incomplete);
    case '(':
      return joinParts(value.fields.map(formatContent), value.incomplete);
    case '{':
      return joinParts([formatContent(value.key), formatContent(value.value)], false);
    case 'v':
      return `${value.signature} ${formatContent(value.value)}`;
  }
}

function joinParts(parts: string[], incomplete: boolean | undefined): string {
  return (incomplete ? [...parts, ELLIPSIS] : parts).join(' ');
}

/** One value with its signature first, e.g. `a{sv} 1 "k" s "x"`. */
export function formatDbusValue(value: DbusValue): string {
  return `${signatureOfValue(value)} ${formatContent(value)}`;
}

/**
 * A message body: the signature, then every value, e.g. `si "hello" 42`.
 * Values missing from the end (a body decoded only in part) show as "…".
 */
export function formatDbusBody(signature: string, body: DbusValue[]): string {
  if (signature === '' && body.length === 0) return '';
  const parsed = parseSignature(signature);
  const expected = parsed.ok ? parsed.types.length : body.length;
  return joinParts([signature, ...body.map(formatContent)], body.length < expected);
}

/**
 * The same tree as plain JSON data: bigint becomes a decimal string and the
 * doubles JSON cannot hold become "NaN", "Infinity" or "-Infinity", so
 * `JSON.stringify` works and no information is lost.
 */
export function dbusValueToJson(value: DbusValue): unknown {
  switch (value.type) {
    case 'x':
    case 't':
      return { type: value.type, value: value.value.toString() };
    case 'd':
      return { type: 'd', value: Number.isFinite(value.value) ? value.value : String(value.value) };
    case 'a':
      return { ...value, items: value.items.map(dbusValueToJson) };
    case '(':
      return { ...value, fields: value.fields.map(dbusValueToJson) };
    case '{':
      return { ...value, key: dbusValueToJson(value.key), value: dbusValueToJson(value.value) };
    case 'v':
      return { ...value, value: dbusValueToJson(value.value) };
    default:
      return { type: value.type, value: value.value };
  }
}
