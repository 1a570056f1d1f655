// SPDX-License-Identifier: MIT
/**
 * Filtering the log for the views (a linear scan: 50,000 entries take a few
 * milliseconds, and the result is a plain index list the views can page).
 *
 * Message entries must pass every given criterion. The other entries (gaps,
 * losses, errors, agent starts, snapshots) mark places where the picture
 * may be incomplete, so they are subject only to `kinds`, `bus` (when they
 * concern one bus) and the event range — a filtered view still shows them.
 */
import type { LogEntry, LogEntryKind, MessageEntry, MessageKind } from './message-log.js';
import type { EventIndex } from './world.js';

export interface LogFilter {
  /** Entry kinds to keep (default: all). */
  kinds?: readonly LogEntryKind[];
  /** Message kinds to keep (default: all). */
  messageKinds?: readonly MessageKind[];
  bus?: number;
  /**
   * A connection id: sender, destination, the subject of a notification, or
   * one of a signal's receivers (when the trace names them: the kernel's
   * trace extension).
   */
  connection?: number;
  /** Case-insensitive part of a sender or destination name, or of a NAME_* notification's name. */
  name?: string;
  /** Case-insensitive part of the member, interface, path, error name, signature or notification kind. */
  text?: string;
  /** Event index range, inclusive. */
  fromEvent?: EventIndex;
  toEvent?: EventIndex;
}

const has = (hay: string | null, needle: string): boolean => hay !== null && hay.toLowerCase().includes(needle);

function messageMatches(m: MessageEntry, f: LogFilter, name: string | null, text: string | null): boolean {
  if (f.messageKinds && !f.messageKinds.includes(m.messageKind)) return false;
  if (f.connection !== undefined) {
    const c = f.connection;
    if (m.sender !== c && m.destination !== c && m.subject?.id !== c && m.subject?.oldOwner !== c && m.subject?.newOwner !== c
      && !m.receivers?.includes(c)) {
      return false;
    }
  }
  if (name !== null) {
    const names = [...m.senderNames, ...m.destinationNames, m.destinationName, m.subject?.name ?? null];
    if (!names.some((n) => has(n, name))) return false;
  }
  if (text !== null) {
    const d = m.dbus;
    const fields = d ? [d.member, d.interface, d.path, d.errorName, d.signature] : [];
    if (!fields.some((x) => has(x, text)) && !has(m.notification, text)) return false;
  }
  return true;
}

/** Indices of the entries of `log` that pass `f`, in log order. */
export function filterLog(log: readonly LogEntry[], f: LogFilter): number[] {
  const name = f.name ? f.name.toLowerCase() : null;
  const text = f.text ? f.text.toLowerCase() : null;
  const out: number[] = [];
  for (const e of log) {
    if (f.fromEvent !== undefined && e.eventIndex < f.fromEvent) continue;
    if (f.toEvent !== undefined && e.eventIndex > f.toEvent) continue;
    if (f.kinds && !f.kinds.includes(e.kind)) continue;
    if (f.bus !== undefined && 'bus' in e && e.bus !== null && e.bus !== f.bus) continue;
    if (e.kind === 'message' && !messageMatches(e, f, name, text)) continue;
    out.push(e.index);
  }
  return out;
}
