// SPDX-License-Identifier: MIT
/**
 * The name table of a bus from a NAMES event: LIST output with one
 * kdbus_info per (connection, name record), each with an OWNED_NAME item
 * carrying the record's KDBUS_NAME_* flags (kdbus spec §8.8).
 */
import { filterItems } from '../trace/kdbus-items.js';
import type { KdbusInfo } from '../trace/kdbus-structs.js';
import { u64HasBit, u64ToNumber } from '../trace/u64.js';
import type { ConnectionNames, NameOwner, NameState } from './world.js';

const IN_QUEUE = 3;
const ACTIVATOR = 4;
const PRIMARY = 5;

export function buildNameTable(owners: readonly KdbusInfo[]): Map<string, NameState> {
  const table = new Map<string, NameState>();
  for (const info of owners) {
    const id = u64ToNumber(info.id);
    for (const item of filterItems(info.items, 'OWNED_NAME')) {
      const { name, flags, flagNames } = item.name;
      let entry = table.get(name);
      if (!entry) {
        entry = { name, primary: null, activator: null, queued: [] };
        table.set(name, entry);
      }
      const owner: NameOwner = { id, flags, flagNames };
      if (u64HasBit(flags, ACTIVATOR)) entry.activator = owner;
      if (u64HasBit(flags, PRIMARY)) entry.primary = owner;
      else if (u64HasBit(flags, IN_QUEUE) && !u64HasBit(flags, ACTIVATOR)) entry.queued.push(owner);
    }
  }
  return table;
}

/** The names of connection `id` in `table`, each list sorted. */
export function namesOfConnection(table: ReadonlyMap<string, NameState>, id: number): ConnectionNames {
  const out: ConnectionNames = { primary: [], queued: [], activator: [] };
  for (const entry of table.values()) {
    if (entry.primary?.id === id) out.primary.push(entry.name);
    if (entry.activator?.id === id) out.activator.push(entry.name);
    if (entry.queued.some((q) => q.id === id)) out.queued.push(entry.name);
  }
  out.primary.sort();
  out.queued.sort();
  out.activator.sort();
  return out;
}

/** The table without the records of connections not in `alive`. */
export function withoutOwners(table: ReadonlyMap<string, NameState>, alive: (id: number) => boolean): Map<string, NameState> {
  const out = new Map<string, NameState>();
  for (const [name, e] of table) {
    const primary = e.primary && alive(e.primary.id) ? e.primary : null;
    const activator = e.activator && alive(e.activator.id) ? e.activator : null;
    const queued = e.queued.filter((q) => alive(q.id));
    if (primary || activator || queued.length) out.set(name, { name, primary, activator, queued });
  }
  return out;
}

/** The names of every connection in `table` at once (one pass); connections without names are absent. */
export function namesByConnection(table: ReadonlyMap<string, NameState>): Map<number, ConnectionNames> {
  const out = new Map<number, ConnectionNames>();
  const of = (id: number): ConnectionNames => {
    let n = out.get(id);
    if (!n) out.set(id, (n = { primary: [], queued: [], activator: [] }));
    return n;
  };
  for (const e of table.values()) {
    if (e.primary) of(e.primary.id).primary.push(e.name);
    if (e.activator) of(e.activator.id).activator.push(e.name);
    for (const q of e.queued) of(q.id).queued.push(e.name);
  }
  for (const n of out.values()) {
    n.primary.sort();
    n.queued.sort();
    n.activator.sort();
  }
  return out;
}

export function emptyConnectionNames(): ConnectionNames {
  return { primary: [], queued: [], activator: [] };
}
