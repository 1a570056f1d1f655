// SPDX-License-Identifier: MIT
/**
 * Validity of object paths and of interface, member, error and bus names
 * ("Valid Names" and "Valid Object Paths" of the D-Bus specification).
 * Each check returns why a name is invalid, or undefined when it is valid,
 * so that the inspector can show the reason rather than just "invalid".
 */
import { DBUS_MAX_NAME_LENGTH } from './message.js';

const PATH_ELEMENT = /^[A-Za-z0-9_]+$/;
/** Interface, error name and member elements: no leading digit. */
const IDENT_ELEMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Well-known bus name elements may also hold '-'. */
const BUS_ELEMENT = /^[A-Za-z_-][A-Za-z0-9_-]*$/;
/** Unique name elements may start with a digit (":1.42"). */
const UNIQUE_ELEMENT = /^[A-Za-z0-9_-]+$/;

export function objectPathError(path: string): string | undefined {
  if (path === '/') return undefined;
  if (!path.startsWith('/')) return `object path "${path}" does not start with '/'`;
  if (path.endsWith('/')) return `object path "${path}" ends with '/'`;
  const elements = path.slice(1).split('/');
  for (const e of elements) {
    if (e === '') return `object path "${path}" has an empty element`;
    if (!PATH_ELEMENT.test(e)) return `object path "${path}" has an element "${e}" with characters other than [A-Za-z0-9_]`;
  }
  return undefined;
}

function lengthError(what: string, name: string): string | undefined {
  if (name.length === 0) return `${what} is empty`;
  // The limit is in bytes; valid names are ASCII, invalid ones fail later anyway.
  if (name.length > DBUS_MAX_NAME_LENGTH) return `${what} is ${name.length} bytes long, more than ${DBUS_MAX_NAME_LENGTH}`;
  return undefined;
}

function dottedNameError(what: string, name: string): string | undefined {
  const len = lengthError(what, name);
  if (len) return len;
  const elements = name.split('.');
  if (elements.length < 2) return `${what} "${name}" has fewer than two elements`;
  for (const e of elements) {
    if (e === '') return `${what} "${name}" has an empty element`;
    if (!IDENT_ELEMENT.test(e)) return `${what} "${name}" has an invalid element "${e}"`;
  }
  return undefined;
}

export function interfaceNameError(name: string): string | undefined {
  return dottedNameError('interface name', name);
}

/** Error names follow the interface name rules. */
export function errorNameError(name: string): string | undefined {
  return dottedNameError('error name', name);
}

export function memberNameError(name: string): string | undefined {
  const len = lengthError('member name', name);
  if (len) return len;
  if (!IDENT_ELEMENT.test(name)) return `member name "${name}" is not [A-Za-z_][A-Za-z0-9_]*`;
  return undefined;
}

export function busNameError(name: string): string | undefined {
  const len = lengthError('bus name', name);
  if (len) return len;
  const unique = name.startsWith(':');
  const elements = (unique ? name.slice(1) : name).split('.');
  if (elements.length < 2) return `bus name "${name}" has fewer than two elements`;
  for (const e of elements) {
    if (e === '') return `bus name "${name}" has an empty element`;
    if (!(unique ? UNIQUE_ELEMENT : BUS_ELEMENT).test(e)) return `bus name "${name}" has an invalid element "${e}"`;
  }
  return undefined;
}
