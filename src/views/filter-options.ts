// SPDX-License-Identifier: MIT
/**
 * The choices the filter bar offers: every bus and every connection the
 * trace has shown, removed ones included (the cursor may be in their past).
 */
import type { BusModel } from '../model/bus-model.js';
import { uniqueName } from './connection-rows.js';

export interface BusOption {
  ref: number;
  label: string;
}

export interface ConnectionOption {
  bus: number;
  id: number;
  label: string;
}

export function busOptions(model: BusModel): BusOption[] {
  const byRef = new Map<number, string>();
  for (const e of model.events) if (e.type === 'bus-add') byRef.set(e.bus, e.name);
  return [...byRef].sort((a, b) => a[0] - b[0]).map(([ref, name]) => ({ ref, label: name }));
}

/** Connections of `bus` (all buses when null), in order of appearance, with what identifies them. */
export function connectionOptions(model: BusModel, bus: number | null): ConnectionOption[] {
  const seen = new Set<string>();
  const out: ConnectionOption[] = [];
  for (let i = model.connections.length - 1; i >= 0; i--) {
    // Newest record first, so a re-added id is listed once with its latest details.
    const r = model.connections[i]!;
    const key = `${r.bus}:${r.id}`;
    if ((bus !== null && r.bus !== bus) || seen.has(key)) continue;
    seen.add(key);
    const who = [r.description, r.comm].filter((x) => x).join(', ');
    out.push({ bus: r.bus, id: r.id, label: `${uniqueName(r.id)}${who ? ` ${who}` : ''}${r.removedAt !== null ? ' (gone)' : ''}` });
  }
  return out.sort((a, b) => a.bus - b.bus || a.id - b.id);
}
