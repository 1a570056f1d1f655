// SPDX-License-Identifier: MIT
/**
 * The D-Bus side of a traced message: header fields for the log (decoded
 * for every message, so the log can show and filter member names) and the
 * full message on demand (body values are only decoded when a view asks).
 *
 * Small messages are decoded whole for their header (stopping inside a body
 * costs src/dbus an exception, more than decoding a short body); for large
 * ones src/dbus gets just the bytes up to the body, so the cost of the
 * header does not grow with the body.
 */
import { decodeDbusMessage } from '../dbus/decode.js';
import type { DbusDecodeResult, DbusMessageType } from '../dbus/message.js';
import type { KdbusMsg } from '../trace/kdbus-structs.js';
import { vecPayloadBytes } from '../trace/payload.js';

/** What the log needs of a D-Bus header. */
export interface DbusSummary {
  type: DbusMessageType | number;
  flags: number;
  serial: number;
  replySerial: number | null;
  path: string | null;
  interface: string | null;
  member: string | null;
  errorName: string | null;
  destination: string | null;
  sender: string | null;
  signature: string;
  bodyLength: number;
}

const FIXED_HEADER = 16;
/** Messages up to this size are decoded whole: cheaper than stopping early inside the body. */
const WHOLE_LIMIT = 4096;

/** Bytes from the message start to the start of its body (header fields and padding), if the fixed header tells. */
function bodyOffset(prefix: Uint8Array): number | null {
  if (prefix.length < FIXED_HEADER) return null;
  const v = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  return (FIXED_HEADER + v.getUint32(12, prefix[0] === 0x6c) + 7) & ~7;
}

/**
 * The header of the D-Bus message carried by `msg`, or null if it carries
 * none (a kernel notification, another payload type, no payload bytes).
 */
export function dbusHeaderSummary(msg: KdbusMsg): { summary: DbusSummary | null; error: string | null } {
  if (msg.payloadTypeName !== 'DBUS') return { summary: null, error: null };
  let { bytes, complete } = vecPayloadBytes(msg, WHOLE_LIMIT);
  if (bytes.length === 0) return { summary: null, error: complete ? 'no payload' : 'payload data unreadable' };
  if (!complete) {
    // A large message: hand over only the header, the body would be decoded for nothing.
    const end = bodyOffset(bytes);
    if (end !== null && end > bytes.length) bytes = vecPayloadBytes(msg, end).bytes;
    else if (end !== null) bytes = bytes.subarray(0, end);
  }
  const r = decodeDbusMessage(bytes, { complete });
  if (!r.ok) return { summary: null, error: r.error };
  const h = r.message.header;
  return {
    summary: {
      type: h.type,
      flags: h.flags,
      serial: h.serial,
      replySerial: h.replySerial ?? null,
      path: h.path ?? null,
      interface: h.interface ?? null,
      member: h.member ?? null,
      errorName: h.errorName ?? null,
      destination: h.destination ?? null,
      sender: h.sender ?? null,
      signature: h.signature ?? '',
      bodyLength: h.bodyLength,
    },
    error: null,
  };
}

/** The whole D-Bus message of `msg`, body included, or null if it carries none. */
export function decodeDbusPayload(msg: KdbusMsg): DbusDecodeResult | null {
  if (msg.payloadTypeName !== 'DBUS') return null;
  const { bytes, complete } = vecPayloadBytes(msg);
  if (bytes.length === 0) return null;
  return decodeDbusMessage(bytes, { complete });
}
