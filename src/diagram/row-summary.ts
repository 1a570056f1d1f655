// SPDX-License-Identifier: MIT
/** What hovering a row tells: a title and a few label/value lines, no bodies (the inspector has those). */
import type { MessageEntry } from '../model/message-log.js';
import type { DiagramLayout } from './diagram-layout.js';
import { isPendingAsOf, rowKind, type RowKind } from './row-shapes.js';
import { bandLabel, entryTimeNs, formatDuration, formatOffset, uniqueName } from './row-text.js';

export interface RowSummary {
  /** A kind word the renderer can colour: a RowKind, or the entry kind of a band. */
  kind: RowKind | 'band';
  title: string;
  lines: [label: string, value: string][];
  /** A caveat to show under the lines (the broadcast approximation of an old trace), or null. */
  note: string | null;
}

const KIND_WORDS: Record<RowKind, string> = {
  call: 'method call',
  call1: 'method call (no reply wanted)',
  return: 'method return',
  error: 'error',
  signal: 'signal (broadcast)',
  usignal: 'signal (unicast)',
  note: 'kernel notification',
  refused: 'HELLO refused',
};

/**
 * The approximation a broadcast's fan-out makes when the trace does not say
 * who received it (a trace recorded before the playground's kernel
 * extension), in words (also for a legend).
 */
export const BROADCAST_NOTE =
  'This trace does not say who received this broadcast (recorded before the playground kernel reported receivers): the fan-out shows every connection alive on the bus then, except the sender and monitors — what a broadcast reaches when all of them match it.';

/** What the legend says about fan-outs: exact from the kernel extension, approximate in old traces. */
export const FANOUT_LEGEND =
  "A plain kdbus monitor does not see who received a broadcast; the playground's kernel tells its monitor (an extension), so a fan-out reaches exactly the connections that took the signal. Traces recorded before that are approximate: see the row's caveat. A dashed unicast signal ending in × was not taken by its destination.";

function who(id: number, names: readonly string[]): string {
  return names.length ? `${uniqueName(id)} (${names.join(', ')})` : uniqueName(id);
}

export function rowSummary(layout: DiagramLayout, row: number, asOf: number | null, t0: number): RowSummary | null {
  const e = layout.entry(row);
  if (!e) return null;
  const when = `${formatOffset(entryTimeNs(e) - t0)} ms · event ${e.eventIndex} · seq ${e.seq}`;
  if (e.kind !== 'message') return { kind: 'band', title: bandLabel(e), lines: [['time', when]], note: null };
  return messageSummary(layout, row, e, asOf, when);
}

function messageSummary(layout: DiagramLayout, row: number, e: MessageEntry, asOf: number | null, when: string): RowSummary {
  const kind = rowKind(e);
  const d = e.dbus;
  const lines: [string, string][] = [['time', when]];
  lines.push(['from', who(e.sender, e.senderNames)]);
  let note: string | null = null;
  if (kind === 'refused') {
    lines.push(['to', 'nobody: no connection was made']);
  } else if (e.notification === 'ENDPOINT_POLICY') {
    lines.push(['to', 'tracing monitors only (kernel extension): the bus tree shows the policy']);
  } else if (e.notification === 'CONN_MASKS') {
    lines.push(['to', 'tracing monitors only (kernel extension): the connection list shows the masks']);
  } else if (e.broadcast && e.receivers !== null) {
    const n = e.receivers.length;
    lines.push(['to', n ? `broadcast · received by ${n} connection${n === 1 ? '' : 's'}: ${e.receivers.map(uniqueName).join(', ')}` : 'broadcast · received by no connection']);
  } else if (e.broadcast) {
    const n = layout.fanOut(row).length;
    lines.push(['to', `broadcast · drawn to ${n} connection${n === 1 ? '' : 's'}`]);
    note = BROADCAST_NOTE;
  } else if (e.destination !== null) {
    lines.push(['to', who(e.destination, e.destinationNames)]);
    if (layout.dropped(row)) lines.push(['received', 'no: the kernel did not queue it (no match rule of the destination matched, or policy hides the sender)']);
  } else {
    lines.push(['to', `${e.destinationName ?? '?'} (no owner known)`]);
  }
  if (d) {
    if (d.path) lines.push(['path', d.path]);
    if (d.interface) lines.push(['interface', d.interface]);
    if (d.member) lines.push(['member', d.member]);
    if (d.errorName) lines.push(['error', d.errorName]);
    if (d.signature) lines.push(['signature', d.signature]);
  } else if (e.dbusError) {
    lines.push(['D-Bus', `unreadable: ${e.dbusError}`]);
  }
  if (e.refused) {
    const r = e.refused;
    lines.push(['process', `pid ${r.pid} · uid ${r.uid} · gid ${r.gid} · comm ${r.comm}`]);
    if (r.description !== null) lines.push(['description', r.description]);
    lines.push(['sends', r.sendMask.join(', ') || 'nothing']);
    lines.push(['bus requires', r.requiredMask.join(', ') || 'nothing']);
    lines.push(['missing', r.missing.join(', ') || 'nothing']);
  } else if (e.notification) lines.push(['notification', notificationText(e)]);
  lines.push(['cookie', String(e.cookie) + (String(e.cookieReply) !== '0' ? ` · answers ${String(e.cookieReply)}` : '')]);
  const size = e.payload.vecSize + e.payload.memfdSize;
  if (size || e.payload.fds) lines.push(['payload', `${size} B${e.payload.memfdSize ? ' (memfd)' : ''}${e.payload.fds ? ` · ${e.payload.fds} fd` : ''}`]);
  if (kind === 'call') {
    if (isPendingAsOf(layout, row, asOf)) lines.push(['answer', e.reply === null ? 'none in the trace' : 'not yet (at the cursor)']);
    else if (e.reply !== null) {
      const shown = layout.rowOfLog(e.reply) >= 0;
      lines.push(['answer', `${e.outcome ?? 'reply'}${e.latencyNs !== null ? ` after ${formatDuration(e.latencyNs)}` : ''}${shown ? ' · Enter jumps to it' : ' (filtered out)'}`]);
    }
  } else if (e.replyTo !== null) {
    const shown = layout.rowOfLog(e.replyTo) >= 0;
    lines.push(['call', `${e.latencyNs !== null ? `${formatDuration(e.latencyNs)} after it` : 'answered'}${shown ? ' · Enter jumps to it' : ' (filtered out)'}`]);
  }
  const title = `${KIND_WORDS[kind]}${d?.member ? ` ${d.member}` : e.notification && kind !== 'refused' ? ` ${e.notification}` : ''}`;
  return { kind, title, lines, note };
}

function notificationText(e: MessageEntry): string {
  const s = e.subject;
  if (!s) return e.notification ?? '';
  if (s.id !== null) return `${e.notification} ${uniqueName(s.id)}`;
  const from = s.oldOwner !== null ? uniqueName(s.oldOwner) : '—';
  const to = s.newOwner !== null ? uniqueName(s.newOwner) : '—';
  return `${e.notification} ${s.name ?? ''}: ${from} → ${to}`;
}
