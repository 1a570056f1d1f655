// SPDX-License-Identifier: MIT
/**
 * The sequence diagram's data, apart from any drawing: lifelines placed in
 * columns over time, rows (one per log entry that passes the filter, in
 * kernel order) and arcs joining calls to their answers. Rows are counted
 * from 0 in the filtered order; "row" always means that position, "log
 * index" the entry's position in BusModel.log.
 */
import type { CallOutcome } from '../model/message-log.js';
import type { EventIndex } from '../model/world.js';

/**
 * - kernel: the bus itself (sender of notifications), one per bus;
 * - peer: a connection the trace saw arrive or found by a snapshot;
 * - monitor: a connection with the MONITOR flag (it receives, never sends,
 *   and a broadcast does not fan out to it);
 * - inferred: a connection messages name but the trace never introduced
 *   (the agent missed it); it lives from its first to its last mention.
 */
export type LifelineKind = 'kernel' | 'peer' | 'monitor' | 'inferred';

export interface Lifeline {
  /** Position in DiagramLayout.lifelines. */
  index: number;
  bus: number;
  /** Connection id; 0 for the kernel. */
  id: number;
  kind: LifelineKind;
  /** Bus group (DiagramLayout.groups) and slot inside it; slot 0 is the kernel's. */
  group: number;
  slot: number;
  /** First row it exists on. */
  startRow: number;
  /** Last row it exists on, inclusive; Infinity while it is alive (through the last row there is). */
  endRow: number;
  /** It appeared during the trace (drawn with a start cap and tag), rather than being there when the trace began. */
  born: boolean;
  /** It was removed (drawn with an end mark on endRow). */
  died: boolean;
  /** The events that started and ended it (null: not ended; inferred lifelines have no events). */
  startEvent: EventIndex | null;
  endEvent: EventIndex | null;
}

/** The columns of one bus: slot 0 the kernel, then connections; a slot is reused once its lifeline ended. */
export interface BusGroup {
  index: number;
  bus: number;
  /** Lifeline indices per slot, in row order (they never overlap within a slot). */
  slots: number[][];
}

/** Call → answer, drawn on the caller's lifeline. */
export interface Arc {
  index: number;
  callRow: number;
  replyRow: number;
  /** The caller's lifeline (the call's sender). */
  lifeline: number;
  /** Nesting level among arcs on the same lifeline that overlap (0 innermost). */
  lane: number;
  outcome: CallOutcome;
  latencyNs: number | null;
}
