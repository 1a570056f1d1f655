// SPDX-License-Identifier: MIT
/**
 * The message log as a pcap file that Wireshark and tshark open:
 * link type 231 (LINKTYPE_DBUS), one D-Bus 1 message per packet, starting
 * with its endianness byte (no authentication handshake, as that link type
 * defines).
 *
 * A packet's D-Bus message is what the kdbus message carried with
 * payload_type KDBUS_PAYLOAD_DBUS: its vector payload parts concatenated
 * (docs/trace-protocol.md). Kernel notifications and other payload types
 * carry no D-Bus message and are left out, counted in the result.
 *
 * Times come from the kernel: the message's KDBUS_ITEM_TIMESTAMP, whose
 * realtime_ns gives the packet's wall-clock time. The classic pcap format
 * with the nanosecond magic keeps that resolution. A message without a
 * TIMESTAMP (its receiver did not ask for one) gets the agent's monotonic
 * event time moved onto the realtime clock by the offset the nearest
 * timestamped message showed, so packets stay in order; without any
 * timestamp at all, the monotonic time is used as it is (since boot).
 */
import type { MessageEntry } from '../model/message-log.js';
import { vecPayloadBytes } from '../trace/payload.js';
import { u64ToBigInt } from '../trace/u64.js';

/** LINKTYPE_DBUS in the tcpdump.org link-type registry. */
export const LINKTYPE_DBUS = 231;
/** Magic of a classic pcap file whose fraction field counts nanoseconds. */
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
/** Snap length written when no packet is bigger (the agent keeps at most 64 KiB per message). */
const DEFAULT_SNAPLEN = 262_144;

export interface PcapPacket {
  /** Nanoseconds since the Unix epoch (or since boot, see `clock`). */
  timeNs: bigint;
  /** The bytes kept (the D-Bus message, maybe cut). */
  data: Uint8Array;
  /** The length of the whole message in the guest. */
  originalLength: number;
}

export interface PcapResult {
  bytes: Uint8Array;
  packets: number;
  /** Messages without a D-Bus payload (kernel notifications, other payload types). */
  skipped: number;
  /** Packets whose message the agent cut at its payload limit (caplen < len). */
  cut: number;
  /** Packets whose time was estimated rather than read from their own TIMESTAMP. */
  estimatedTimes: number;
  /** 'realtime' when some message had a TIMESTAMP to anchor the clock; else times are since boot. */
  clock: 'realtime' | 'monotonic';
}

/** Writes a pcap file of `packets` (in the order given). */
export function writePcap(packets: readonly PcapPacket[]): Uint8Array {
  const maxLen = packets.reduce((m, p) => Math.max(m, p.data.length), 0);
  const snaplen = Math.max(DEFAULT_SNAPLEN, maxLen);
  const size = GLOBAL_HEADER + packets.reduce((n, p) => n + RECORD_HEADER + p.data.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  // Little-endian throughout: readers tell the byte order by the magic.
  v.setUint32(0, PCAP_MAGIC_NANOSECONDS, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true); // thiszone
  v.setUint32(12, 0, true); // sigfigs
  v.setUint32(16, snaplen, true);
  v.setUint32(20, LINKTYPE_DBUS, true);
  let at = GLOBAL_HEADER;
  for (const p of packets) {
    const t = p.timeNs < 0n ? 0n : p.timeNs;
    v.setUint32(at, Number(t / 1_000_000_000n), true);
    v.setUint32(at + 4, Number(t % 1_000_000_000n), true);
    v.setUint32(at + 8, p.data.length, true);
    v.setUint32(at + 12, Math.max(p.originalLength, p.data.length), true);
    out.set(p.data, at + RECORD_HEADER);
    at += RECORD_HEADER + p.data.length;
  }
  return out;
}

/** The D-Bus message bytes of a message entry, as far as the trace holds them; null if it carries none. */
export function dbusMessageBytes(entry: MessageEntry): { data: Uint8Array; originalLength: number } | null {
  const msg = entry.event.msg;
  if (msg.payloadTypeName !== 'DBUS') return null;
  const { bytes } = vecPayloadBytes(msg);
  if (bytes.length === 0) return null;
  return { data: bytes, originalLength: Math.max(entry.payload.vecSize, bytes.length) };
}

/**
 * The pcap file of `messages` (a model's message entries, in log order).
 * See the file comment for what is left out and how times are chosen.
 */
export function messagesToPcap(messages: readonly MessageEntry[]): PcapResult {
  // realtime − monotonic, from the kernel's TIMESTAMPs; the agent's event time is on the monotonic clock.
  const offsets: { at: number; offset: bigint }[] = [];
  for (const m of messages) {
    const ts = m.event.msg.items.find((it) => it.typeName === 'TIMESTAMP');
    if (ts?.typeName === 'TIMESTAMP') {
      offsets.push({ at: m.index, offset: u64ToBigInt(ts.timestamp.realtime_ns) - u64ToBigInt(ts.timestamp.monotonic_ns) });
    }
  }
  // `offsets` is in log order: a binary search finds the nearest one.
  const nearestOffset = (index: number): bigint | null => {
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]!.at < index) lo = mid + 1;
      else hi = mid;
    }
    const after = offsets[lo];
    const before = offsets[lo - 1];
    if (!before) return after?.offset ?? null;
    if (!after) return before.offset;
    return index - before.at <= after.at - index ? before.offset : after.offset;
  };

  const packets: PcapPacket[] = [];
  let skipped = 0;
  let cut = 0;
  let estimated = 0;
  for (const m of messages) {
    const bytes = dbusMessageBytes(m);
    if (!bytes) {
      skipped++;
      continue;
    }
    let timeNs: bigint;
    const ts = m.event.msg.items.find((it) => it.typeName === 'TIMESTAMP');
    if (ts?.typeName === 'TIMESTAMP') {
      timeNs = u64ToBigInt(ts.timestamp.realtime_ns);
    } else {
      estimated++;
      timeNs = BigInt(m.time) + (nearestOffset(m.index) ?? 0n);
    }
    if (bytes.data.length < bytes.originalLength) cut++;
    packets.push({ timeNs, ...bytes });
  }
  return {
    bytes: writePcap(packets),
    packets: packets.length,
    skipped,
    cut,
    estimatedTimes: estimated,
    clock: offsets.length ? 'realtime' : 'monotonic',
  };
}
