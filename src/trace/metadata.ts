// SPDX-License-Identifier: MIT
/**
 * Metadata items (kdbus spec §13) of a message or a kdbus_info gathered into
 * one record, for the connection list and the inspector. Absent items are
 * null (or empty lists); numbers that are ids or times are converted to JS
 * numbers (exact below 2^53, which holds for all of them except realtime,
 * kept as U64).
 */
import type { KdbusCaps, KdbusCreds, KdbusItem, KdbusPids } from './kdbus-items.js';
import { type U64, u64ToNumber } from './u64.js';

export interface Metadata {
  creds: KdbusCreds | null;
  pids: KdbusPids | null;
  auxgroups: U64[] | null;
  tidComm: string | null;
  pidComm: string | null;
  exe: string | null;
  /** CMDLINE split on NUL. */
  cmdline: string[] | null;
  cgroup: string | null;
  caps: KdbusCaps | null;
  seclabel: string | null;
  audit: { sessionid: number; loginuid: number } | null;
  /** OWNED_NAME items in order. */
  ownedNames: { name: string; flags: U64; flagNames: string[] }[];
  description: string | null;
  timestamp: { seqnum: number; monotonicNs: number; realtimeNs: U64 } | null;
}

export function metadataOf(items: readonly KdbusItem[]): Metadata {
  const m: Metadata = {
    creds: null,
    pids: null,
    auxgroups: null,
    tidComm: null,
    pidComm: null,
    exe: null,
    cmdline: null,
    cgroup: null,
    caps: null,
    seclabel: null,
    audit: null,
    ownedNames: [],
    description: null,
    timestamp: null,
  };
  for (const it of items) {
    switch (it.typeName) {
      case 'CREDS':
        m.creds = it.creds;
        break;
      case 'PIDS':
        m.pids = it.pids;
        break;
      case 'AUXGROUPS':
        m.auxgroups = it.gids;
        break;
      case 'TID_COMM':
        m.tidComm = it.str;
        break;
      case 'PID_COMM':
        m.pidComm = it.str;
        break;
      case 'EXE':
        m.exe = it.str;
        break;
      case 'CMDLINE':
        m.cmdline = it.args;
        break;
      case 'CGROUP':
        m.cgroup = it.str;
        break;
      case 'CAPS':
        m.caps = it.caps;
        break;
      case 'SECLABEL':
        m.seclabel = it.str;
        break;
      case 'AUDIT':
        m.audit = it.audit;
        break;
      case 'OWNED_NAME':
        m.ownedNames.push({ name: it.name.name, flags: it.name.flags, flagNames: it.name.flagNames });
        break;
      case 'CONN_DESCRIPTION':
        m.description = it.str;
        break;
      case 'TIMESTAMP':
        m.timestamp = {
          seqnum: u64ToNumber(it.timestamp.seqnum),
          monotonicNs: u64ToNumber(it.timestamp.monotonic_ns),
          realtimeNs: it.timestamp.realtime_ns,
        };
        break;
      default:
        break;
    }
  }
  return m;
}
