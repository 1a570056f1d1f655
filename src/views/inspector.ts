// SPDX-License-Identifier: MIT
/**
 * What the inspector shows of one message, as plain text fields: the kdbus
 * header, the D-Bus header fields, the decoded body, every item (with a
 * one-line summary), every metadata item with a note on how far it can be
 * trusted, and the payload as text and hex. Pure: the React inspector only
 * lays these out, and unit tests check the content.
 */
import type { BusModel } from '../model/bus-model.js';
import { answerAsOf, isTraceReport, type MessageEntry } from '../model/message-log.js';
import { formatDbusBody, formatDbusValue } from '../dbus/format.js';
import type { KdbusItem } from '../trace/kdbus-items.js';
import { capabilityNames } from '../trace/kdbus-names.js';
import { vecPayloadBytes } from '../trace/payload.js';
import { type U64, u64Equals, u64ToNumber } from '../trace/u64.js';
import { bytesAsText, hexDump } from './bytes-text.js';
import { uniqueName } from './connection-rows.js';
import { formatDuration, formatGuestTime, formatSize } from './format-units.js';
import { type TrustNote, trustNote } from './trust-notes.js';

export interface InspectorField {
  label: string;
  value: string;
}

export interface InspectorItem {
  /** Position among the message's items. */
  position: number;
  typeName: string;
  /** The item type number, hex (as in kdbus.h). */
  typeHex: string;
  size: number;
  summary: string;
  /** Set for metadata items. */
  trust: TrustNote | null;
}

export interface InspectorMetadata {
  typeName: string;
  label: string;
  value: string;
  trust: TrustNote;
}

export interface InspectorPayload {
  /** Size of the D-Bus message in the guest (all vector parts). */
  size: number;
  /** Bytes the trace holds. */
  kept: number;
  /** The agent cut it at its payload limit. */
  truncated: boolean;
  /** Bytes shown below (at most SHOWN_BYTES). */
  shown: number;
  text: string;
  hex: string;
  memfdSize: number;
  fds: number;
}

export interface InspectorView {
  index: number;
  eventIndex: number;
  kind: MessageEntry['messageKind'];
  /** e.g. `method call org.example.Echo.Echo`. */
  title: string;
  from: string;
  to: string;
  time: string;
  header: InspectorField[];
  /** The D-Bus header fields; null when the message carries no D-Bus message. */
  dbus: InspectorField[] | null;
  dbusError: string | null;
  /** The decoded body (text as `kdbus call` prints it); null without a D-Bus message. */
  body: { signature: string; text: string; values: string[]; error: string | null } | null;
  items: InspectorItem[];
  metadata: InspectorMetadata[];
  payload: InspectorPayload | null;
  /**
   * For a signal (broadcast, unicast, kernel broadcast): who received it.
   * `exact`: the kernel said (X_RECEIVERS, the playground's extension), and
   * `list` names each receiver with its well-known names at the time; else
   * the trace does not say (recorded before the extension) and `list` is empty.
   * null for calls and answers (they go to their destination).
   */
  receivers: { exact: boolean; list: string[] } | null;
  /** For a refused HELLO: who was refused and why, with how far each part can be trusted. */
  refused: { fields: InspectorField[]; trust: string } | null;
  /** For a call or an answer: its other end, as known at the cursor. */
  pairing: string | null;
  /** The message lies after the timeline cursor (the views show the past). */
  afterCursor: boolean;
}

/** The inspector shows at most this much payload (a 64 KiB hex dump helps nobody on a projector). */
export const SHOWN_BYTES = 4096;

const KIND_LABEL: Record<MessageEntry['messageKind'], string> = {
  'method-call': 'method call',
  'method-return': 'method return',
  error: 'error',
  signal: 'signal',
  'unicast-signal': 'unicast signal',
  notification: 'kernel notification',
};

export function messageTitle(e: MessageEntry): string {
  const kind = KIND_LABEL[e.messageKind];
  if (e.notification) return `${kind} ${e.notification}${e.subject?.name ? ' ' + e.subject.name : ''}`;
  const d = e.dbus;
  if (!d) return kind;
  if (e.messageKind === 'error') return `${kind} ${d.errorName ?? ''}`.trim();
  const member = [d.interface, d.member].filter((x) => x).join('.');
  return member ? `${kind} ${member}` : kind;
}

/** A connection as the views name it: `:1.3 (org.example.Echo)`; 0 is the kernel. */
export function participantLabel(id: number | null, names: readonly string[]): string {
  if (id === 0) return 'kernel';
  if (id === null) return names.length ? names.join(', ') : 'unknown';
  return names.length ? `${uniqueName(id)} (${names.join(', ')})` : uniqueName(id);
}

const flagsText = (names: readonly string[], value: U64): string => (names.length ? `${names.join(' | ')} (${value})` : String(value));

function idText(v: U64): string {
  if (u64Equals(v, '18446744073709551615')) return 'BROADCAST (~0)';
  return String(v);
}

function realtimeText(ns: U64): string {
  const ms = u64ToNumber(ns) / 1e6;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ns) : `${d.toISOString()}`;
}

function dbusFlagsText(flags: number): string {
  const names: string[] = [];
  if (flags & 1) names.push('NO_REPLY_EXPECTED');
  if (flags & 2) names.push('NO_AUTO_START');
  if (flags & 4) names.push('ALLOW_INTERACTIVE_AUTHORIZATION');
  return names.length ? `${names.join(' | ')} (${flags})` : String(flags);
}

/** One line about an item's content. */
export function itemSummary(it: KdbusItem): string {
  if ('str' in it) {
    return it.typeName === 'X_ENDPOINT_POLICY'
      ? `policy of endpoint ${JSON.stringify(it.str)} (the NAME and POLICY_ACCESS items that follow)`
      : JSON.stringify(it.str);
  }
  switch (it.typeName) {
    case 'PAYLOAD_INLINE': {
      const p = it.payload;
      const kept = p.truncated ? `, trace keeps the first ${formatSize(Math.floor((p.data.length * 3) / 4))}` : '';
      return `${p.sourceName ?? `source ${p.source}`} part, ${formatSize(u64ToNumber(p.size))}${kept}`;
    }
    case 'PAYLOAD_VEC':
      return `${it.vec.size} bytes at address ${it.vec.address}`;
    case 'PAYLOAD_OFF':
      return `${it.vec.size} bytes at pool offset ${it.vec.offset}`;
    case 'PAYLOAD_MEMFD':
      return `memfd fd ${it.memfd.fd}, ${it.memfd.size} bytes from ${it.memfd.start}`;
    case 'FDS':
    case 'CANCEL_FD':
      return it.fds.length ? `fds ${it.fds.join(', ')}` : 'no fds';
    case 'BLOOM_PARAMETER':
      return `${it.bloom_parameter.size} bytes, ${it.bloom_parameter.n_hash} hash functions`;
    case 'BLOOM_FILTER':
      return `generation ${it.bloom_filter.generation}, ${Math.floor((it.bloom_filter.data.length * 3) / 4)} bytes`;
    case 'BLOOM_MASK':
      return `${Math.floor((it.data.length * 3) / 4)} bytes`;
    case 'CMDLINE':
      return it.args.map((a) => JSON.stringify(a)).join(' ');
    case 'ATTACH_FLAGS_SEND':
    case 'ATTACH_FLAGS_RECV':
      return flagsText(it.flagNames, it.flags);
    case 'ID':
    case 'DST_ID':
      return idText(it.id);
    case 'TIMESTAMP':
      return `seqnum ${it.timestamp.seqnum}, monotonic ${formatGuestTime(u64ToNumber(it.timestamp.monotonic_ns))}, realtime ${realtimeText(it.timestamp.realtime_ns)}`;
    case 'CREDS': {
      const c = it.creds;
      return `uid ${c.uid} euid ${c.euid} suid ${c.suid} fsuid ${c.fsuid} · gid ${c.gid} egid ${c.egid} sgid ${c.sgid} fsgid ${c.fsgid}`;
    }
    case 'PIDS':
      return `pid ${it.pids.pid} tid ${it.pids.tid} ppid ${it.pids.ppid}`;
    case 'AUXGROUPS':
      return it.gids.length ? `groups ${it.gids.join(', ')}` : 'no groups';
    case 'OWNED_NAME':
      return `${it.name.name} (${it.name.flagNames.join(' | ') || 'no flags'})`;
    case 'CAPS': {
      const eff = capabilityNames(it.caps.effective);
      return `effective: ${eff.length ? (eff.length > 6 ? `${eff.length} capabilities` : eff.join(' ')) : 'none'} · last cap ${it.caps.last_cap}`;
    }
    case 'AUDIT':
      return `loginuid ${it.audit.loginuid}, session ${it.audit.sessionid}`;
    case 'POLICY_ACCESS':
      return `${it.policy_access.typeName ?? it.policy_access.type} ${it.policy_access.id}: ${it.policy_access.accessName ?? it.policy_access.access}`;
    case 'NAME_ADD':
    case 'NAME_REMOVE':
    case 'NAME_CHANGE': {
      const n = it.name_change;
      const who = (x: { id: U64 }) => (x.id === 0 ? 'nobody' : uniqueName(u64ToNumber(x.id)));
      return `${n.name}: ${who(n.old_id)} → ${who(n.new_id)}`;
    }
    case 'ID_ADD':
    case 'ID_REMOVE':
      return `${uniqueName(u64ToNumber(it.id_change.id))} (${it.id_change.flagNames.join(' | ') || 'no flags'})`;
    case 'REPLY_TIMEOUT':
      return 'the call timed out';
    case 'REPLY_DEAD':
      return 'the callee went away without answering';
    case 'NEGOTIATE':
      return it.types.join(', ');
    case 'X_TRACE':
      return flagsText(it.flagNames, it.flags);
    case 'X_RECEIVERS':
      return it.ids.length ? `queued on ${it.ids.map((id) => uniqueName(u64ToNumber(id))).join(', ')}` : 'queued on no connection';
    case 'X_HELLO_REFUSED': {
      const r = it.hello_refused;
      return `pid ${r.pid} (${JSON.stringify(r.comm)}) uid ${r.uid} gid ${r.gid} · sends ${r.sendNames.join(' | ') || 'nothing'} · bus requires ${r.reqNames.join(' | ') || 'nothing'}`;
    }
    case 'X_CONN_MASKS': {
      const m = it.conn_masks;
      return `connection ${uniqueName(u64ToNumber(m.id))} now sends ${m.sendNames.join(' | ') || 'nothing'} · wants ${m.recvNames.join(' | ') || 'nothing'}`;
    }
    case 'UNKNOWN':
    case 'INVALID':
      return `${it.error} (${Math.floor((it.data.length * 3) / 4)} bytes kept)`;
  }
}

const METADATA_LABEL: Record<string, string> = {
  TIMESTAMP: 'timestamp',
  CREDS: 'credentials',
  PIDS: 'pids',
  AUXGROUPS: 'groups',
  OWNED_NAME: 'owned name',
  TID_COMM: 'thread name (comm)',
  PID_COMM: 'process name (comm)',
  EXE: 'executable',
  CMDLINE: 'command line',
  CGROUP: 'cgroup',
  CAPS: 'capabilities',
  SECLABEL: 'security label',
  AUDIT: 'audit',
  CONN_DESCRIPTION: 'description',
};

function header(e: MessageEntry): InspectorField[] {
  const m = e.event.msg;
  const fields: InspectorField[] = [
    { label: 'cookie', value: String(m.cookie) },
    { label: 'reply cookie', value: m.cookie_reply === 0 ? '0 (not an answer)' : String(m.cookie_reply) },
    { label: 'flags', value: flagsText(m.flagNames, m.flags) },
    { label: 'priority', value: String(m.priority) },
    {
      label: 'timeout',
      value: m.timeout_ns === 0 ? (e.expectReply ? '0' : '— (no reply expected)') : formatDuration(u64ToNumber(m.timeout_ns)),
    },
    { label: 'src_id', value: m.src_id === 0 ? '0 (kernel)' : `${m.src_id} (${uniqueName(u64ToNumber(m.src_id))})` },
    { label: 'dst_id', value: m.dst_id === 0 ? `0 (to the name ${e.destinationName ?? '?'})` : idText(m.dst_id) },
    { label: 'payload type', value: m.payloadTypeName ?? String(m.payload_type) },
    { label: 'size', value: `${m.size} bytes (kdbus_msg with items, as traced)` },
  ];
  if (m.itemsError) fields.push({ label: 'items error', value: m.itemsError });
  return fields;
}

function dbusFields(e: MessageEntry): InspectorField[] | null {
  const d = e.dbus;
  if (!d) return null;
  const f: InspectorField[] = [{ label: 'type', value: String(d.type) }];
  const add = (label: string, v: string | number | null) => {
    if (v !== null && v !== '') f.push({ label, value: String(v) });
  };
  add('serial', d.serial);
  add('reply serial', d.replySerial);
  f.push({ label: 'flags', value: dbusFlagsText(d.flags) });
  add('path', d.path);
  add('interface', d.interface);
  add('member', d.member);
  add('error name', d.errorName);
  add('destination', d.destination);
  add('sender', d.sender);
  f.push({ label: 'signature', value: d.signature === '' ? '(empty)' : d.signature });
  f.push({ label: 'body length', value: `${d.bodyLength} bytes` });
  return f;
}

function bodyOf(model: BusModel, e: MessageEntry): InspectorView['body'] {
  if (!e.dbus) return null;
  const r = model.dbusMessage(e);
  if (!r) return null;
  if (!r.ok) return { signature: e.dbus.signature, text: '', values: [], error: r.error };
  const msg = r.message;
  const sig = msg.header.signature ?? '';
  const error = msg.bodyError ?? (msg.truncated ? 'the trace holds only part of the message' : null);
  return { signature: sig, text: formatDbusBody(sig, msg.body), values: msg.body.map(formatDbusValue), error };
}

function metadataValue(it: KdbusItem): string {
  return itemSummary(it);
}

function payloadOf(e: MessageEntry): InspectorPayload | null {
  const p = e.payload;
  if (p.parts.length === 0 && p.fds === 0) return null;
  const { bytes } = vecPayloadBytes(e.event.msg, SHOWN_BYTES);
  const kept = p.parts.filter((x) => x.source === 'vec').reduce((n, x) => n + x.kept, 0);
  return {
    size: p.vecSize,
    kept,
    truncated: p.vecTruncated,
    shown: bytes.length,
    text: bytesAsText(bytes),
    // 8 bytes a line: the dump fits the inspector beside the diagram.
    hex: hexDump(bytes, 8),
    memfdSize: p.memfdSize,
    fds: p.fds,
  };
}

function pairingOf(model: BusModel, e: MessageEntry, asOf: number): string | null {
  const log = model.log;
  if (e.messageKind === 'method-call' && e.expectReply) {
    const a = answerAsOf(log, e, asOf);
    if (!a) return 'no answer yet';
    const latency = a.latencyNs !== null ? ` after ${formatDuration(a.latencyNs)}` : '';
    return `${a.outcome === 'reply' ? 'answered' : a.outcome === 'error' ? 'answered with an error' : a.outcome === 'timeout' ? 'timed out' : 'callee died'} (#${a.reply})${latency}`;
  }
  if (e.replyTo !== null) {
    const latency = e.latencyNs !== null ? `, ${formatDuration(e.latencyNs)} after it` : '';
    return `answers call #${e.replyTo}${latency}`;
  }
  return null;
}

/** Why a refused HELLO's details can (and cannot) be trusted. */
export const REFUSED_TRUST =
  "pid, uid and gid are the kernel's own view of the process that called HELLO: it cannot choose them. comm is the name the process gave itself (prctl PR_SET_NAME, /proc/self/comm), so it can lie, and so can the description.";

function receiversOf(model: BusModel, e: MessageEntry): InspectorView['receivers'] {
  const signal = e.messageKind === 'signal' || e.messageKind === 'unicast-signal' || (e.messageKind === 'notification' && e.broadcast);
  if (!signal || isTraceReport(e)) return null;
  if (e.receivers === null) return { exact: false, list: [] };
  const conns = model.snapshotAt(e.eventIndex).world.buses.get(e.bus)?.connections;
  return { exact: true, list: e.receivers.map((id) => participantLabel(id, conns?.get(id)?.names.primary ?? [])) };
}

function refusedOf(e: MessageEntry): InspectorView['refused'] {
  const r = e.refused;
  if (!r) return null;
  const words = (names: readonly string[]) => names.join(' | ') || 'nothing';
  const fields: InspectorField[] = [
    { label: 'pid', value: String(r.pid) },
    { label: 'uid', value: String(r.uid) },
    { label: 'gid', value: String(r.gid) },
    { label: 'comm', value: r.comm },
  ];
  if (r.description !== null) fields.push({ label: 'description', value: r.description });
  fields.push(
    { label: 'HELLO flags', value: words(r.helloFlags) },
    { label: 'offered to send', value: words(r.sendMask) },
    { label: 'bus requires', value: words(r.requiredMask) },
    { label: 'missing', value: words(r.missing) },
  );
  return { fields, trust: REFUSED_TRUST };
}

/**
 * The inspector's view of `entry` as of event `asOf` (null: live). Decoding
 * the body is done here, on demand (the model caches it).
 */
export function inspectMessage(model: BusModel, entry: MessageEntry, asOf: number | null): InspectorView {
  const cursor = asOf ?? model.events.length - 1;
  const items: InspectorItem[] = entry.event.msg.items.map((it, position) => ({
    position,
    typeName: it.typeName,
    typeHex: typeof it.type === 'number' ? `0x${it.type.toString(16)}` : String(it.type),
    size: it.size,
    summary: itemSummary(it),
    trust: trustNote(it.typeName),
  }));
  const metadata: InspectorMetadata[] = [];
  for (const it of entry.event.msg.items) {
    const trust = trustNote(it.typeName);
    if (trust) metadata.push({ typeName: it.typeName, label: METADATA_LABEL[it.typeName] ?? it.typeName, value: metadataValue(it), trust });
  }
  return {
    index: entry.index,
    eventIndex: entry.eventIndex,
    kind: entry.messageKind,
    title: messageTitle(entry),
    from: participantLabel(entry.sender, entry.senderNames),
    to: entry.refused ? 'nobody (no connection was made)' : entry.broadcast ? 'broadcast' : participantLabel(entry.destination, entry.destinationNames),
    time: formatGuestTime(entry.time),
    header: header(entry),
    dbus: dbusFields(entry),
    dbusError: entry.dbusError,
    body: bodyOf(model, entry),
    items,
    metadata,
    payload: payloadOf(entry),
    receivers: receiversOf(model, entry),
    refused: refusedOf(entry),
    pairing: pairingOf(model, entry, cursor),
    afterCursor: entry.eventIndex > cursor,
  };
}
