// SPDX-License-Identifier: MIT
/**
 * Sizes and positions: fixed-height rows (so the visible window is a
 * division, and 50,000 rows cost nothing until drawn), a gutter for the
 * clock, equal columns. A ColumnMap says where each (bus group, slot) is
 * drawn: all of them in the live view, only those used in the exported
 * range in an export (a slide should not carry empty columns).
 */
import type { DiagramLayout } from './diagram-layout.js';

export interface DiagramMetrics {
  rowHeight: number;
  /** Left gutter (the clock). */
  gutterWidth: number;
  columnWidth: number;
  /** The pinned header above the rows. */
  headerHeight: number;
}

export const DEFAULT_METRICS: Readonly<DiagramMetrics> = Object.freeze({
  rowHeight: 24,
  gutterWidth: 84,
  columnWidth: 150,
  headerHeight: 64,
});

/** Columns narrower than this stop being readable; wider ones spread arrows for nothing. */
export const MIN_COLUMN_WIDTH = 124;
export const MAX_COLUMN_WIDTH = 240;

/**
 * Within a row, from its top: the label's baseline above the arrow, the
 * arrow, the baseline of text centred in the row (clock, bands), and the
 * baseline of a lifeline's start tag (below the arrow, where no label is).
 */
export const LABEL_Y = 10.5;
export const ARROW_Y = 15;
export const MID_Y = 16;
export const TAG_Y = 22.5;

export interface ColumnMap {
  count: number;
  /** Drawn column of a slot, or −1 when it is not drawn. */
  column(group: number, slot: number): number;
  /** The (group, slot) drawn in column `c`. */
  slotAt(c: number): { group: number; slot: number } | null;
}

/** Every slot of every group, groups side by side. */
export function allColumns(layout: DiagramLayout): ColumnMap {
  const offsets: number[] = [];
  const back: { group: number; slot: number }[] = [];
  for (const g of layout.groups) {
    offsets.push(back.length);
    for (let s = 0; s < g.slots.length; s++) back.push({ group: g.index, slot: s });
  }
  return {
    count: back.length,
    column: (group, slot) => {
      const o = offsets[group];
      return o === undefined || slot >= (layout.groups[group]?.slots.length ?? 0) ? -1 : o + slot;
    },
    slotAt: (c) => back[c] ?? null,
  };
}

/** Only the slots with a lifeline on some row of first..last (kernel slots of those groups included). */
export function usedColumns(layout: DiagramLayout, first: number, last: number): ColumnMap {
  const used = new Set<string>();
  for (const l of layout.lifelinesIn(first, last)) {
    used.add(`${l.group}:${l.slot}`);
    used.add(`${l.group}:0`);
  }
  const map = new Map<string, number>();
  const back: { group: number; slot: number }[] = [];
  for (const g of layout.groups) {
    for (let s = 0; s < g.slots.length; s++) {
      if (!used.has(`${g.index}:${s}`)) continue;
      map.set(`${g.index}:${s}`, back.length);
      back.push({ group: g.index, slot: s });
    }
  }
  return { count: back.length, column: (group, slot) => map.get(`${group}:${slot}`) ?? -1, slotAt: (c) => back[c] ?? null };
}

/** Column width that fills `available` px with `count` columns, within the readable bounds. */
export function fitColumnWidth(available: number, gutterWidth: number, count: number): number {
  if (count <= 0) return MAX_COLUMN_WIDTH;
  const w = Math.floor((available - gutterWidth) / count);
  return Math.max(MIN_COLUMN_WIDTH, Math.min(MAX_COLUMN_WIDTH, w));
}

export function columnCenter(m: DiagramMetrics, column: number): number {
  return m.gutterWidth + column * m.columnWidth + m.columnWidth / 2;
}

export function diagramWidth(m: DiagramMetrics, columns: number): number {
  return m.gutterWidth + columns * m.columnWidth;
}

export function rowTop(m: DiagramMetrics, row: number): number {
  return row * m.rowHeight;
}
