// SPDX-License-Identifier: MIT
/**
 * The payload of a traced message. The agent replaces payload offsets by
 * PAYLOAD_INLINE items (docs/trace-protocol.md): the D-Bus message of a
 * `KDBUS_PAYLOAD_DBUS` message is the concatenation of the vector parts, in
 * order; memfd parts are listed separately. Decoding is on demand, so a
 * 50,000-message trace costs nothing until someone looks.
 */
import { base64ByteLength, decodeBase64 } from './base64.js';
import type { KdbusMsg } from './kdbus-structs.js';
import { u64ToNumber } from './u64.js';

export interface PayloadPart {
  source: 'vec' | 'memfd' | null;
  /** Full size in the guest. */
  size: number;
  /** Bytes the trace holds (≤ size). */
  kept: number;
  truncated: boolean;
}

export interface PayloadSummary {
  parts: PayloadPart[];
  /** Total size of the vector parts in the guest (the D-Bus message length). */
  vecSize: number;
  /** Whether some vector part was cut by the agent's 64 KiB limit. */
  vecTruncated: boolean;
  memfdSize: number;
  /** Descriptors in FDS items. */
  fds: number;
}

export function payloadSummary(msg: KdbusMsg): PayloadSummary {
  const s: PayloadSummary = { parts: [], vecSize: 0, vecTruncated: false, memfdSize: 0, fds: 0 };
  for (const it of msg.items) {
    if (it.typeName === 'FDS') s.fds += it.fds.length;
    if (it.typeName !== 'PAYLOAD_INLINE') continue;
    const p = it.payload;
    const size = u64ToNumber(p.size);
    s.parts.push({ source: p.sourceName, size, kept: base64ByteLength(p.data), truncated: p.truncated });
    if (p.sourceName === 'vec') {
      s.vecSize += size;
      s.vecTruncated ||= p.truncated;
    } else if (p.sourceName === 'memfd') {
      s.memfdSize += size;
    }
  }
  return s;
}

/**
 * The bytes of the vector parts, concatenated, as far as the trace holds
 * them (a cut part ends the data: what follows it would be misplaced), at
 * most `limit` bytes.
 */
export function vecPayloadBytes(msg: KdbusMsg, limit = Infinity): { bytes: Uint8Array; complete: boolean } {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let complete = true;
  for (const it of msg.items) {
    if (it.typeName !== 'PAYLOAD_INLINE' || it.payload.sourceName !== 'vec') continue;
    const part = decodeBase64(it.payload.data, limit - total);
    if (!part) {
      complete = false;
      break;
    }
    chunks.push(part);
    total += part.length;
    if (it.payload.truncated || part.length < base64ByteLength(it.payload.data)) {
      complete = false;
      break;
    }
  }
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    bytes.set(c, o);
    o += c.length;
  }
  return { bytes, complete };
}
