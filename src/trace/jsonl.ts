// SPDX-License-Identifier: MIT
/**
 * The JSON-lines trace file: one TraceEvent (events.ts) per line. Blank
 * lines are ignored; a line that is not JSON, or not an event, is reported
 * with its 1-based line number and skipped, never thrown.
 */
import type { TraceEvent } from './events.js';
import { validateEvent } from './validate-event.js';

/** One event as one line of JSON (without the newline). */
export function serializeTraceLine(e: TraceEvent): string {
  return JSON.stringify(e);
}

export interface TraceLineError {
  line: number;
  message: string;
}

/** Parses one line: the event, or why it is not one. */
export function parseTraceLine(line: string): { ok: true; event: TraceEvent } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  return validateEvent(value);
}

export function parseTraceLines(text: string): { events: TraceEvent[]; errors: TraceLineError[] } {
  const events: TraceEvent[] = [];
  const errors: TraceLineError[] = [];
  // Walk the text with indexOf rather than split('\n'): one line alive at a time.
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    line++;
    const raw = text.slice(start, nl);
    start = nl + 1;
    if (raw.trim() === '') continue;
    const r = parseTraceLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (r.ok) events.push(r.event);
    else errors.push({ line, message: r.error });
  }
  return { events, errors };
}
