// SPDX-License-Identifier: MIT
/**
 * The pinned header: for each column, the lifeline it holds at the top of
 * the screen (or, if none, the first that starts on screen), with its unique
 * name, well-known names and process. Names change over time, so they are
 * read from the world as of the last row on screen — capped at the timeline
 * cursor (the header must not know the future) and at the connection's end
 * (a gone connection shows what it had).
 */
import type { BusModel } from '../model/bus-model.js';
import type { DiagramLayout } from './diagram-layout.js';
import type { ColumnMap } from './metrics.js';
import { uniqueName } from './row-text.js';
import type { Lifeline, LifelineKind } from './types.js';

export interface HeaderCell {
  column: number;
  bus: number;
  lifeline: Lifeline | null;
  kind: LifelineKind | null;
  /** `:1.3`, or `kernel`. */
  title: string;
  /** Well-known names it owns (primary owner), activator names marked. */
  names: string[];
  /** Description, command and pid, as far as known. */
  detail: string;
  /** It starts after the timeline cursor. */
  later: boolean;
}

export interface HeaderGroup {
  bus: number;
  /** The bus name without its uid prefix, e.g. `demo`; `bus <ref>` when unknown. */
  name: string;
  firstColumn: number;
  columnCount: number;
}

export interface HeaderView {
  cells: HeaderCell[];
  groups: HeaderGroup[];
}

/** The lifeline column `c` shows for rows top..bottom. */
function cellLifeline(layout: DiagramLayout, group: number, slot: number, top: number, bottom: number): Lifeline | null {
  const at = layout.occupant(group, slot, top);
  if (at) return at;
  for (const li of layout.groups[group]?.slots[slot] ?? []) {
    const l = layout.lifelines[li]!;
    if (l.startRow > bottom) break;
    if (l.startRow >= top && l.endRow >= l.startRow) return l;
  }
  return null;
}

export function headerView(
  model: BusModel,
  layout: DiagramLayout,
  columns: ColumnMap,
  top: number,
  bottom: number,
  asOf: number | null,
  dimRow: number,
): HeaderView {
  const last = layout.entry(Math.min(Math.max(bottom, 0), layout.rowCount - 1));
  let ref = last ? last.eventIndex : model.events.length - 1;
  if (asOf !== null) ref = Math.min(ref, asOf);
  const world = model.snapshotAt(ref).world;
  const cells: HeaderCell[] = [];
  const groups: HeaderGroup[] = [];
  for (let c = 0; c < columns.count; c++) {
    const at = columns.slotAt(c)!;
    const bus = layout.groups[at.group]!.bus;
    const g = groups.at(-1);
    if (g?.bus === bus) g.columnCount++;
    else groups.push({ bus, name: busName(model, bus, ref), firstColumn: c, columnCount: 1 });
    const l = cellLifeline(layout, at.group, at.slot, top, bottom);
    if (!l) {
      cells.push({ column: c, bus, lifeline: null, kind: null, title: '', names: [], detail: '', later: false });
      continue;
    }
    const later = l.startRow >= dimRow;
    if (l.id === 0) {
      cells.push({ column: c, bus, lifeline: l, kind: l.kind, title: 'kernel', names: [], detail: `bus ${groups.at(-1)!.name}`, later });
      continue;
    }
    // A gone connection shows its last names; one that starts later, none yet.
    const w = l.endEvent !== null && l.endEvent <= ref ? model.snapshotAt(l.endEvent - 1).world : world;
    const conn = w.buses.get(l.bus)?.connections.get(l.id);
    const rec = model.connection(l.bus, l.id);
    const names = conn ? [...conn.names.primary.filter((nm) => !conn.names.activator.includes(nm)), ...conn.names.activator.map((nm) => `${nm} (activator)`)] : [];
    const desc = conn?.description ?? rec?.description ?? null;
    const comm = conn?.comm ?? rec?.comm ?? null;
    const pid = conn?.pid ?? rec?.pid ?? null;
    const detail = [desc, comm && comm !== desc ? comm : null, pid !== null ? `pid ${pid}` : null].filter((x) => x).join(' · ');
    const kindNote = l.kind === 'monitor' ? 'monitor' : l.kind === 'inferred' ? 'not introduced by the trace' : '';
    cells.push({
      column: c,
      bus,
      lifeline: l,
      kind: l.kind,
      title: uniqueName(l.id),
      names,
      detail: [detail, kindNote].filter((x) => x).join(' · '),
      later,
    });
  }
  return { cells, groups };
}

/** Names of buses no world at hand has any more, found once per model and bus. */
const goneBusNames = new WeakMap<BusModel, Map<number, string>>();

function busName(model: BusModel, bus: number, ref: number): string {
  const b = model.snapshotAt(ref).world.buses.get(bus) ?? model.world.buses.get(bus);
  if (b) return b.name;
  let cache = goneBusNames.get(model);
  if (!cache) goneBusNames.set(model, (cache = new Map()));
  let name = cache.get(bus);
  if (name === undefined) {
    name = `bus ${bus}`;
    for (let i = model.events.length - 1; i >= 0; i--) {
      const e = model.events[i]!;
      if (e.type === 'bus-add' && e.bus === bus) {
        const dash = e.name.indexOf('-');
        name = dash >= 0 ? e.name.slice(dash + 1) : e.name;
        break;
      }
    }
    cache.set(bus, name);
  }
  return name;
}
