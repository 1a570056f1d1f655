// SPDX-License-Identifier: MIT
/**
 * `struct kdbus_msg` and `struct kdbus_info` (kdbus.h) decoded from the
 * guest's bytes (little-endian, 8-aligned) into plain JSON data.
 */
import { type FlagSet, KDBUS_PAYLOAD_DBUS, MSG_FLAGS, flagNames } from './kdbus-names.js';
import { type KdbusItem, parseItems } from './kdbus-items.js';
import { type S64, type U64, readS64, readU64, u64HasBit } from './u64.js';

export const KDBUS_MSG_HEADER_SIZE = 64;
export const KDBUS_INFO_HEADER_SIZE = 24;

/**
 * A `struct kdbus_msg` with its items. The union at offset 56 is given as
 * both `timeout_ns` (the word when EXPECT_REPLY is set, else 0) and
 * `cookie_reply` (the word when EXPECT_REPLY is clear, else 0), so readers
 * need not know the rule, and the raw word is still recoverable.
 */
export interface KdbusMsg {
  size: number;
  flags: U64;
  flagNames: string[];
  priority: S64;
  dst_id: U64;
  src_id: U64;
  payload_type: U64;
  /** `KERNEL` (0), `DBUS` (KDBUS_PAYLOAD_DBUS), or null for another value. */
  payloadTypeName: 'KERNEL' | 'DBUS' | null;
  cookie: U64;
  timeout_ns: U64;
  cookie_reply: U64;
  items: KdbusItem[];
  /** The item walk stopped early for this reason; `items` holds those before. */
  itemsError?: string;
}

/** A `struct kdbus_info` with its items; `flags` are HELLO flags for a connection, bus flags for a bus. */
export interface KdbusInfo {
  size: number;
  id: U64;
  flags: U64;
  flagNames: string[];
  items: KdbusItem[];
  itemsError?: string;
}

export type StructResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Decodes a kdbus_msg at the start of `bytes` (bytes past `msg.size` are ignored). */
export function parseKdbusMsg(bytes: Uint8Array): StructResult<KdbusMsg> {
  if (bytes.length < KDBUS_MSG_HEADER_SIZE) {
    return { ok: false, error: `kdbus_msg needs ${KDBUS_MSG_HEADER_SIZE} bytes, got ${bytes.length}` };
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = readU64(v, 0);
  if (typeof size !== 'number' || size < KDBUS_MSG_HEADER_SIZE || size > bytes.length) {
    return { ok: false, error: `kdbus_msg.size ${size} outside ${KDBUS_MSG_HEADER_SIZE}..${bytes.length}` };
  }
  const flags = readU64(v, 8);
  const payloadType = readU64(v, 40);
  const word56 = readU64(v, 56);
  const expectReply = u64HasBit(flags, 0);
  const { items, error } = parseItems(bytes, KDBUS_MSG_HEADER_SIZE, size, 0, { inlinePayload: true });
  const msg: KdbusMsg = {
    size,
    flags,
    flagNames: flagNames(flags, MSG_FLAGS),
    priority: readS64(v, 16),
    dst_id: readU64(v, 24),
    src_id: readU64(v, 32),
    payload_type: payloadType,
    payloadTypeName: payloadType === 0 ? 'KERNEL' : payloadType === KDBUS_PAYLOAD_DBUS ? 'DBUS' : null,
    cookie: readU64(v, 48),
    timeout_ns: expectReply ? word56 : 0,
    cookie_reply: expectReply ? 0 : word56,
    items,
  };
  if (error !== undefined) msg.itemsError = error;
  return { ok: true, value: msg };
}

/** Decodes a kdbus_info at the start of `bytes`; `flagSet` names its `flags`. */
export function parseKdbusInfo(bytes: Uint8Array, flagSet: FlagSet): StructResult<KdbusInfo> {
  if (bytes.length < KDBUS_INFO_HEADER_SIZE) {
    return { ok: false, error: `kdbus_info needs ${KDBUS_INFO_HEADER_SIZE} bytes, got ${bytes.length}` };
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = readU64(v, 0);
  if (typeof size !== 'number' || size < KDBUS_INFO_HEADER_SIZE || size > bytes.length) {
    return { ok: false, error: `kdbus_info.size ${size} outside ${KDBUS_INFO_HEADER_SIZE}..${bytes.length}` };
  }
  const flags = readU64(v, 16);
  const { items, error } = parseItems(bytes, KDBUS_INFO_HEADER_SIZE, size, 0, { inlinePayload: false });
  const info: KdbusInfo = { size, id: readU64(v, 8), flags, flagNames: flagNames(flags, flagSet), items };
  if (error !== undefined) info.itemsError = error;
  return { ok: true, value: info };
}
