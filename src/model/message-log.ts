// SPDX-License-Identifier: MIT
/**
 * The ordered log of what happened on the buses: every traced message, plus
 * entries for what the views must show between messages — sequence gaps
 * and LOSS reports (something is missing here), agent errors, agent starts
 * and completed snapshots.
 *
 * Entries are appended in event order and never removed. Pairing fills in
 * `reply` / `outcome` / `latencyNs` of a call when its answer arrives, so a
 * view showing the log "as of event i" must ignore a pairing whose other end
 * has an eventIndex above i (see `answerAsOf`).
 */
import type { MessageEvent } from '../trace/events.js';
import type { Metadata } from '../trace/metadata.js';
import type { PayloadSummary } from '../trace/payload.js';
import type { U64 } from '../trace/u64.js';
import type { DbusSummary } from './dbus-summary.js';
import type { SnapshotRemovals } from './world-reducer.js';
import type { EventIndex } from './world.js';

export type MessageKind = 'method-call' | 'method-return' | 'error' | 'signal' | 'unicast-signal' | 'notification';

/**
 * The kernel's notifications, plus two of the project's kernel extension
 * (kernel broadcasts only a tracing monitor gets): HELLO_REFUSED, a HELLO
 * refused for missing metadata (X_HELLO_REFUSED), and ENDPOINT_POLICY, a
 * custom endpoint's policy (X_ENDPOINT_POLICY; subject.name is the
 * endpoint, the world holds the policy), and CONN_MASKS, a connection's
 * attach masks after an UPDATE (X_CONN_MASKS; subject.id is the connection,
 * the world holds the masks).
 */
export type NotificationKind =
  | 'ID_ADD'
  | 'ID_REMOVE'
  | 'NAME_ADD'
  | 'NAME_REMOVE'
  | 'NAME_CHANGE'
  | 'REPLY_TIMEOUT'
  | 'REPLY_DEAD'
  | 'HELLO_REFUSED'
  | 'ENDPOINT_POLICY'
  | 'CONN_MASKS';

/**
 * Kernel messages of the project's trace extension that only a tracing
 * monitor receives: they are reports about the bus, sent to nobody, so they
 * never fan out and never carry receivers.
 */
const TRACE_REPORTS: ReadonlySet<NotificationKind> = new Set<NotificationKind>(['HELLO_REFUSED', 'ENDPOINT_POLICY', 'CONN_MASKS']);

export function isTraceReport(e: { notification: NotificationKind | null }): boolean {
  return e.notification !== null && TRACE_REPORTS.has(e.notification);
}

/** How a call ended: answered, answered with an error, or the kernel's REPLY_TIMEOUT / REPLY_DEAD. */
export type CallOutcome = 'reply' | 'error' | 'timeout' | 'dead';

interface EntryBase {
  /** Position in the log. */
  index: number;
  /** Position of the event that made it in BusModel.events. */
  eventIndex: EventIndex;
  seq: number;
  /** Guest monotonic ns of the event. */
  time: number;
}

/** What a kernel notification is about. */
export interface NotificationSubject {
  /** ID_ADD/ID_REMOVE: the connection; NAME_*: null. */
  id: number | null;
  /** NAME_*: the name. */
  name: string | null;
  /** NAME_*: previous and new owner (null for none). */
  oldOwner: number | null;
  newOwner: number | null;
}

/**
 * A HELLO the bus refused (ECONNREFUSED: it would not send the metadata the
 * bus requires). No connection ever existed for it. pid, uid and gid are the
 * kernel's view of the caller; comm and description are what the caller
 * said about itself.
 */
export interface HelloRefusal {
  pid: number;
  uid: number;
  gid: number;
  comm: string;
  /** The CONN_DESCRIPTION it gave at HELLO, if any. */
  description: string | null;
  /** HELLO flags of the refused call, by name. */
  helloFlags: string[];
  /** Attach flags it offered to send / the bus requires / required but not offered, by name. */
  sendMask: string[];
  requiredMask: string[];
  missing: string[];
}

export interface MessageEntry extends EntryBase {
  kind: 'message';
  bus: number;
  messageKind: MessageKind;
  notification: NotificationKind | null;
  subject: NotificationSubject | null;
  /** For HELLO_REFUSED: who was refused and why. */
  refused: HelloRefusal | null;
  /** src_id: the sending connection, 0 for the kernel. */
  sender: number;
  /** The sender's well-known names when it sent (its OWNED_NAME metadata, else the name table). */
  senderNames: string[];
  /** The connection it was sent to: dst_id, or the owner of `destinationName` at the time; null for broadcasts or an unknown owner. */
  destination: number | null;
  /** DST_NAME, when sent to a well-known name. */
  destinationName: string | null;
  /** The destination connection's names at the time (with `destinationName`). */
  destinationNames: string[];
  broadcast: boolean;
  /**
   * For a signal (broadcast, unicast, kernel broadcast): the connections the
   * kernel queued it on, in delivery order, from the X_RECEIVERS item of the
   * project's kernel extension. null when the trace does not say (a trace
   * recorded before the extension, or a message that is not a signal: a
   * call or an answer goes to its destination).
   */
  receivers: number[] | null;
  cookie: U64;
  /** Cookie of the call this answers (0: none). */
  cookieReply: U64;
  expectReply: boolean;
  /** The kernel's TIMESTAMP item (sender's send time), if the monitor got one. */
  timestamp: Metadata['timestamp'];
  dbus: DbusSummary | null;
  /** Why the D-Bus header could not be read (for DBUS payloads only). */
  dbusError: string | null;
  payload: PayloadSummary;
  /** For an answer (reply, error, REPLY_TIMEOUT, REPLY_DEAD): the log index of its call. */
  replyTo: number | null;
  /** For a call: the log index of its answer. */
  reply: number | null;
  /** For a call: how it ended, once it did. */
  outcome: CallOutcome | null;
  /** Call → answer time from the kernel timestamps (both ends), ns; on both entries. */
  latencyNs: number | null;
  /** The event itself: all the kdbus data. */
  event: MessageEvent;
}

/** The sequence numbers jumped: events the agent made never arrived (dropped, or in corrupt frames). */
export interface GapEntry extends EntryBase {
  kind: 'gap';
  firstMissing: number;
  count: number;
}

/** The agent's LOSS report. For reason 2 the dropped events' gap is folded in (`seqGap`). */
export interface LossEntry extends EntryBase {
  kind: 'loss';
  bus: number | null;
  count: number;
  reason: number;
  reasonName: 'kernel-dropped' | 'agent-dropped' | null;
  /** Size of the sequence gap just before this event that this loss explains (0: none). */
  seqGap: number;
}

export interface AgentErrorEntry extends EntryBase {
  kind: 'agent-error';
  bus: number | null;
  errno: number;
  errnoName: string | null;
  text: string;
}

export interface AgentStartEntry extends EntryBase {
  kind: 'agent-start';
  agent: string;
  kernelRelease: string;
  pid: number;
}

/** A snapshot ended; what it removed from the world. */
export interface SnapshotEntry extends EntryBase {
  kind: 'snapshot';
  token: number;
  beginAt: EventIndex | null;
  /** False when events were missed during it (or its begin was never seen): nothing was removed. */
  complete: boolean;
  removed: SnapshotRemovals;
}

export type LogEntry = MessageEntry | GapEntry | LossEntry | AgentErrorEntry | AgentStartEntry | SnapshotEntry;
export type LogEntryKind = LogEntry['kind'];

/**
 * The answer of a call as known at event `eventIndex`: the reply entry index
 * and outcome, or null if the answer came later (or never).
 */
export function answerAsOf(
  log: readonly LogEntry[],
  call: MessageEntry,
  eventIndex: EventIndex,
): { reply: number; outcome: CallOutcome; latencyNs: number | null } | null {
  if (call.reply === null || call.outcome === null) return null;
  const r = log[call.reply];
  if (!r || r.eventIndex > eventIndex) return null;
  return { reply: call.reply, outcome: call.outcome, latencyNs: call.latencyNs };
}
