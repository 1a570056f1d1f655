// SPDX-License-Identifier: MIT
/** Moving the selection through the diagram: row by row, and between a call and its answer. */
import type { DiagramLayout } from './diagram-layout.js';

/**
 * The log index `delta` rows away from the selected entry (clamped to the
 * rows there are). With nothing selected, or a selection the filter hides,
 * it starts from `fallbackRow` (e.g. the first row on screen).
 */
export function stepSelection(layout: DiagramLayout, selected: number | null, delta: number, fallbackRow = 0): number | null {
  const count = layout.rowCount;
  if (count === 0) return null;
  let row: number;
  if (selected === null) {
    row = Math.min(Math.max(fallbackRow, 0), count - 1);
  } else {
    const at = layout.rowOfLog(selected);
    if (at >= 0) row = Math.min(Math.max(at + delta, 0), count - 1);
    // Hidden by the filter: the nearest shown row in the direction of travel.
    else row = Math.min(Math.max(layout.rowAtOrAfterLog(selected) - (delta < 0 ? 1 : 0), 0), count - 1);
  }
  return layout.logIndex(row);
}

/** The other end of a call/answer pair (reply, error, REPLY_TIMEOUT/DEAD), if the diagram shows it. */
export function partnerOf(layout: DiagramLayout, logIndex: number): number | null {
  const e = layout.logEntry(logIndex);
  if (e?.kind !== 'message') return null;
  const other = e.reply ?? e.replyTo;
  return other !== null && layout.rowOfLog(other) >= 0 ? other : null;
}
