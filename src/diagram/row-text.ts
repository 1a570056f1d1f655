// SPDX-License-Identifier: MIT
/** The words of the diagram: connection names, row labels, times. */
import type { LogEntry, MessageEntry } from '../model/message-log.js';

/** The D-Bus spelling of a kdbus connection id (`:1.<id>`); 0 is the kernel. */
export function uniqueName(id: number): string {
  return id === 0 ? 'kernel' : `:1.${id}`;
}

/** A duration for people: ns, µs, ms or s with three significant digits or so. */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1_000) return `${Math.round(ns)} ns`;
  if (a < 1_000_000) return `${(ns / 1_000).toFixed(a < 10_000 ? 2 : a < 100_000 ? 1 : 0)} µs`;
  if (a < 1_000_000_000) return `${(ns / 1_000_000).toFixed(a < 10_000_000 ? 2 : a < 100_000_000 ? 1 : 0)} ms`;
  return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

/** Time since the trace began, in ms with µs precision (the gutter's clock, as Bustle has). */
export function formatOffset(ns: number): string {
  return (ns / 1_000_000).toFixed(3);
}

/** When an entry happened: the kernel's timestamp of a message when it has one, else the agent's event time. */
export function entryTimeNs(e: LogEntry): number {
  return e.kind === 'message' && e.timestamp ? e.timestamp.monotonicNs : e.time;
}

/** The last dotted component of a D-Bus error name: `org.freedesktop.DBus.Error.Failed` → `Failed`. */
function lastPart(name: string): string {
  const i = name.lastIndexOf('.');
  return i >= 0 ? name.slice(i + 1) : name;
}

/** The label written on a message's arrow. */
export function messageLabel(m: MessageEntry): string {
  const d = m.dbus;
  switch (m.messageKind) {
    case 'method-call':
    case 'signal':
    case 'unicast-signal':
      return d?.member ?? (d ? '(no member)' : m.event.msg.payloadTypeName ?? 'message');
    case 'method-return':
      return m.latencyNs !== null ? `↩ ${formatDuration(m.latencyNs)}` : '↩ return';
    case 'error': {
      const name = d?.errorName ? lastPart(d.errorName) : 'error';
      return m.latencyNs !== null ? `✕ ${name} ${formatDuration(m.latencyNs)}` : `✕ ${name}`;
    }
    case 'notification':
      return notificationLabel(m);
  }
}

function notificationLabel(m: MessageEntry): string {
  const s = m.subject;
  switch (m.notification) {
    case 'ID_ADD':
    case 'ID_REMOVE':
      return `${m.notification} ${s?.id != null ? uniqueName(s.id) : ''}`.trimEnd();
    case 'NAME_ADD':
    case 'NAME_REMOVE':
    case 'NAME_CHANGE':
      return `${m.notification} ${s?.name ?? ''}`.trimEnd();
    case 'REPLY_TIMEOUT':
    case 'REPLY_DEAD':
      return m.latencyNs !== null ? `${m.notification} ${formatDuration(m.latencyNs)}` : m.notification;
    case 'HELLO_REFUSED':
      return refusalLabel(m);
    case 'ENDPOINT_POLICY':
      return `ENDPOINT_POLICY ${s?.name ?? ''}`.trimEnd();
    case 'CONN_MASKS':
      return `CONN_MASKS ${s?.id != null ? uniqueName(s.id) : ''}`.trimEnd();
    default:
      return 'notification';
  }
}

/** `HELLO refused: pid 123 (kdbus), uid 0 — missing PID_COMM, CMDLINE`. */
export function refusalLabel(m: MessageEntry): string {
  const r = m.refused;
  if (!r) return 'HELLO refused';
  const why = r.missing.length ? `missing ${r.missing.join(', ')}` : `requires ${r.requiredMask.join(', ') || 'nothing'}`;
  return `HELLO refused: pid ${r.pid} (${r.comm}), uid ${r.uid} — ${why}`;
}

/** The text of a full-width row (an entry that is not a message). */
export function bandLabel(e: Exclude<LogEntry, MessageEntry>): string {
  switch (e.kind) {
    case 'gap':
      return `⚠ ${e.count} event${e.count === 1 ? '' : 's'} missing (seq ${e.firstMissing}${e.count > 1 ? `–${e.firstMissing + e.count - 1}` : ''})`;
    case 'loss':
      return e.reasonName === 'kernel-dropped'
        ? `⚠ the kernel dropped ${e.count} message${e.count === 1 ? '' : 's'} for the monitor`
        : e.reasonName === 'agent-dropped'
          ? `⚠ the agent dropped ${e.count} event${e.count === 1 ? '' : 's'}`
          : `⚠ ${e.count} lost (reason ${e.reason})`;
    case 'agent-error':
      return `⚠ agent: ${e.text}${e.errnoName ? ` (${e.errnoName})` : ''}`;
    case 'agent-start':
      return `agent started: ${e.agent}, kernel ${e.kernelRelease}`;
    case 'snapshot': {
      const n = e.removed.connections.length + e.removed.buses.length + e.removed.endpoints.length + e.removed.domains.length;
      if (!e.complete) return 'snapshot incomplete: events were missed during it, nothing removed';
      return n ? `snapshot: ${n} thing${n === 1 ? '' : 's'} gone unseen, removed` : 'snapshot: the world as the agent sees it';
    }
  }
}

/** How many characters of a sans-serif 11 px text fit in `width` px (a conservative average width). */
export const CHAR_PX = 6.4;

export function fitText(text: string, width: number): string {
  const n = Math.floor(width / CHAR_PX);
  if (text.length <= n) return text;
  return n <= 1 ? '' : `${text.slice(0, n - 1)}…`;
}
