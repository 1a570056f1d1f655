// SPDX-License-Identifier: MIT
/**
 * The timeline cursor. `asOf` is an event index: every view shows the
 * world and the log as they were right after that event; null is live
 * (always the latest event).
 *
 * Stepping moves by one *message* of the filtered log, so a teacher can
 * walk a conversation call by call: "back" hides the latest visible
 * message and stops just before it (the world as it was when that message
 * was about to be sent), "forward" shows the next one. Forward from the
 * last message returns to live.
 */

/** How many of the sorted event indices `events` are ≤ `position`. */
export function countAtOrBefore(events: readonly number[], position: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]! <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The cursor position a null (live) cursor stands for. */
export function effectivePosition(asOf: number | null, lastEvent: number): number {
  return asOf === null ? lastEvent : Math.min(asOf, lastEvent);
}

/**
 * One message back. `messageEvents`: event indices of the messages the
 * views show, ascending. Returns the new cursor (never live).
 */
export function stepBack(messageEvents: readonly number[], asOf: number | null, lastEvent: number): number {
  const position = effectivePosition(asOf, lastEvent);
  const visible = countAtOrBefore(messageEvents, position);
  if (visible === 0) return position;
  return messageEvents[visible - 1]! - 1;
}

/** One message forward; null (live) once past the last message. */
export function stepForward(messageEvents: readonly number[], asOf: number | null, lastEvent: number): number | null {
  if (asOf === null) return null;
  const visible = countAtOrBefore(messageEvents, Math.min(asOf, lastEvent));
  const next = messageEvents[visible];
  return next === undefined ? null : next;
}

/** The first message's cursor (just before it): where "go to start" lands. */
export function startPosition(messageEvents: readonly number[]): number {
  const first = messageEvents[0];
  return first === undefined ? -1 : first - 1;
}
