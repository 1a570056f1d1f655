// SPDX-License-Identifier: MIT
/**
 * The trace as a file: export as JSON lines (the format of
 * `kdbus-playground trace`, one TraceEvent per line) and import of such a
 * file into a fresh BusModel, so every view works from a file alone,
 * without a guest.
 */
import { BusModel } from '../model/bus-model.js';
import type { TraceEvent } from '../trace/events.js';
import { type TraceLineError, parseTraceLines, serializeTraceLine } from '../trace/jsonl.js';

export const TRACE_MIME = 'application/x-ndjson';
export const PCAP_MIME = 'application/vnd.tcpdump.pcap';

/** All events, one JSON line each, newline-terminated (an empty trace is an empty file). */
export function traceToJsonLines(events: readonly TraceEvent[]): string {
  let out = '';
  for (const e of events) out += serializeTraceLine(e) + '\n';
  return out;
}

export interface ImportedTrace {
  model: BusModel;
  /** Lines that were not events (shown to the user, never thrown). */
  errors: TraceLineError[];
}

/** Builds a model from the text of a JSON-lines trace file. */
export function importTraceText(text: string): ImportedTrace {
  const { events, errors } = parseTraceLines(text);
  const model = new BusModel();
  model.applyAll(events);
  return { model, errors };
}

/** `kdbus-trace-2026-11-27T16-20-05.jsonl`: sortable, no characters a file system dislikes. */
export function exportFileName(base: string, extension: string, when: Date): string {
  const stamp = when.toISOString().slice(0, 19).replace(/:/g, '-');
  return `${base}-${stamp}.${extension}`;
}
