// SPDX-License-Identifier: MIT
/**
 * The filter bar's state and its translation into the model's LogFilter.
 * Kept as the user typed it (strings may be empty, null means "any"), so
 * the inputs show exactly what is stored.
 */
import type { LogFilter } from '../model/log-filter.js';
import type { MessageKind } from '../model/message-log.js';

export interface FilterState {
  bus: number | null;
  connection: number | null;
  /** Part of a well-known or unique name. */
  name: string;
  /** Part of the member (or interface, path, error name, signature). */
  text: string;
  /** Message kinds to show; null shows all. */
  kinds: readonly MessageKind[] | null;
}

export const EMPTY_FILTER: FilterState = Object.freeze({ bus: null, connection: null, name: '', text: '', kinds: null });

export const MESSAGE_KINDS: readonly { kind: MessageKind; label: string; title: string }[] = [
  { kind: 'method-call', label: 'calls', title: 'method calls' },
  { kind: 'method-return', label: 'returns', title: 'method returns' },
  { kind: 'error', label: 'errors', title: 'error replies' },
  { kind: 'signal', label: 'signals', title: 'broadcast signals' },
  { kind: 'unicast-signal', label: 'unicast', title: 'signals sent to one connection' },
  { kind: 'notification', label: 'kernel', title: 'kernel notifications (ID_ADD, NAME_CHANGE, REPLY_TIMEOUT, …)' },
];

/** `:1.42` or `42` → 42; anything else → null. */
export function parseConnectionId(text: string): number | null {
  const m = /^\s*(?::1\.)?(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

export function toLogFilter(f: FilterState): LogFilter {
  const out: LogFilter = {};
  if (f.bus !== null) out.bus = f.bus;
  if (f.connection !== null) out.connection = f.connection;
  // A unique name typed into the name box means that connection.
  const asId = f.name.trim().startsWith(':') ? parseConnectionId(f.name) : null;
  if (asId !== null && out.connection === undefined) out.connection = asId;
  else if (f.name.trim()) out.name = f.name.trim();
  if (f.text.trim()) out.text = f.text.trim();
  if (f.kinds !== null) out.messageKinds = f.kinds;
  return out;
}

export function isFilterActive(f: FilterState): boolean {
  return f.bus !== null || f.connection !== null || f.name.trim() !== '' || f.text.trim() !== '' || f.kinds !== null;
}

/** Kinds with `kind` switched on or off (all on again is stored as null). */
export function toggleKind(kinds: readonly MessageKind[] | null, kind: MessageKind): readonly MessageKind[] | null {
  const all = MESSAGE_KINDS.map((k) => k.kind);
  const current = kinds ?? all;
  const next = current.includes(kind) ? current.filter((k) => k !== kind) : all.filter((k) => k === kind || current.includes(k));
  return next.length === all.length ? null : next;
}
