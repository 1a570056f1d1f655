// SPDX-License-Identifier: MIT
/**
 * Lifelines, arcs and the "now" line for a window of rows. Lifelines are
 * drawn under the rows; a connection that appears during the trace starts
 * with a cap (⊤) and a tag naming it on its first row, one that goes ends
 * with a mark (×) on its last. The tag sits right of the lifeline below the
 * arrow line — the first row is usually the ID_ADD notification, whose
 * label must stay readable above the line. Everything after the timeline
 * cursor (`dimRow` and below) carries `kd-dim`.
 *
 * Arcs join a call to its answer on the caller's lifeline, on the side away
 * from the call's arrow, nested by lane so overlapping calls stay apart.
 */
import type { DiagramLayout } from './diagram-layout.js';
import { ARROW_Y, type ColumnMap, type DiagramMetrics, TAG_Y, columnCenter } from './metrics.js';
import { fitText } from './row-text.js';
import { type Shape, n } from './shapes.js';
import type { Lifeline } from './types.js';

export interface WindowDrawing {
  metrics: DiagramMetrics;
  columns: ColumnMap;
  /** First row that is "later" than the timeline cursor (rowCount when live). */
  dimRow: number;
  /** Text of a lifeline's start tag. */
  label(l: Lifeline): string;
}

/** Where a born lifeline starts within its row (its cap). */
const CAP_Y = 3;
/** Centre of the end mark within its row: below the arrow, inside the row (rows are drawn in separate tiles). */
const DEATH_Y = ARROW_Y + 4.5;

/** Last row a lifeline is drawn on (an open one runs to the last row there is). */
export function lastRowOf(layout: DiagramLayout, l: Lifeline): number {
  return Math.min(l.endRow, layout.rowCount - 1);
}

export function lifelineShapes(layout: DiagramLayout, first: number, last: number, d: WindowDrawing): { under: Shape[]; over: Shape[] } {
  const m = d.metrics;
  const H = m.rowHeight;
  const under: Shape[] = [];
  const over: Shape[] = [];
  for (const l of layout.lifelinesIn(first, last)) {
    const c = d.columns.column(l.group, l.slot);
    const end = lastRowOf(layout, l);
    if (c < 0 || end < l.startRow) continue;
    const x = columnCenter(m, c);
    const s = Math.max(l.startRow, first);
    const e = Math.min(end, last);
    const y1 = s === l.startRow && l.born ? s * H + CAP_Y : s * H;
    const y2 = l.died && e === l.endRow ? e * H + DEATH_Y : (e + 1) * H;
    const cls = `kd-life kd-life-${l.kind}`;
    const split = d.dimRow * H;
    if (split <= y1) {
      under.push({ t: 'line', x1: x, y1, x2: x, y2, c: `${cls} kd-dim` });
    } else if (split >= y2) {
      under.push({ t: 'line', x1: x, y1, x2: x, y2, c: cls });
    } else {
      under.push({ t: 'line', x1: x, y1, x2: x, y2: split, c: cls });
      under.push({ t: 'line', x1: x, y1: split, x2: x, y2, c: `${cls} kd-dim` });
    }
    if (l.born && l.startRow >= first && l.startRow <= last) {
      const dim = l.startRow >= d.dimRow ? ' kd-dim' : '';
      const top = l.startRow * H;
      over.push({ t: 'line', x1: x - 7, y1: top + CAP_Y, x2: x + 7, y2: top + CAP_Y, c: `kd-cap kd-life-${l.kind}${dim}` });
      over.push({ t: 'text', x: x + 5, y: top + TAG_Y, s: fitText(d.label(l), m.columnWidth / 2 - 8), c: `kd-birth-text${dim}` });
    }
    if (l.died && l.endRow >= first && l.endRow <= last) {
      const dim = l.endRow >= d.dimRow ? ' kd-dim' : '';
      const cy = l.endRow * H + DEATH_Y;
      const r = 3.5;
      over.push({ t: 'path', d: `M${n(x - r)} ${n(cy - r)}L${n(x + r)} ${n(cy + r)}M${n(x - r)} ${n(cy + r)}L${n(x + r)} ${n(cy - r)}`, c: `kd-death${dim}` });
    }
  }
  return { under, over };
}

/** Offset of an arc's outermost point from its lifeline, by lane. */
export function arcBulge(lane: number): number {
  return 10 + lane * 7;
}

export function arcShapes(layout: DiagramLayout, first: number, last: number, d: WindowDrawing, hit = true): Shape[] {
  const m = d.metrics;
  const out: Shape[] = [];
  for (const a of layout.arcsIn(first, last)) {
    const l = layout.lifelines[a.lifeline];
    const c = l ? d.columns.column(l.group, l.slot) : -1;
    if (!l || c < 0) continue;
    const x = columnCenter(m, c);
    // Away from the call's arrow: left of the lifeline when the callee is to the right.
    const callee = layout.to(a.callRow);
    const cc = callee ? d.columns.column(callee.group, callee.slot) : -1;
    const side = cc > c || cc < 0 ? -1 : 1;
    const b = x + side * arcBulge(a.lane) * (4 / 3); // a cubic reaches 3/4 of its control offset
    const y1 = a.callRow * m.rowHeight + ARROW_Y;
    const y2 = a.replyRow * m.rowHeight + ARROW_Y;
    const path = `M${n(x)} ${n(y1)}C${n(b)} ${n(y1)} ${n(b)} ${n(y2)} ${n(x)} ${n(y2)}`;
    const dim = a.replyRow >= d.dimRow ? ' kd-dim' : '';
    out.push({ t: 'path', d: path, c: `kd-arc kd-arc-${a.outcome}${dim}` });
    if (hit) out.push({ t: 'path', d: path, c: 'kd-arc-hit', arc: a.index });
  }
  return out;
}

/** The timeline cursor: a line above the first later row, when it is within first..last+1. */
export function nowShapes(layout: DiagramLayout, first: number, last: number, d: WindowDrawing, width: number): Shape[] {
  const r = d.dimRow;
  if (r <= 0 || r >= layout.rowCount || r < first || r > last + 1) return [];
  const y = r * d.metrics.rowHeight;
  return [
    { t: 'line', x1: 0, y1: y, x2: width, y2: y, c: 'kd-now' },
    { t: 'text', x: 6, y: y - 3, s: 'now', c: 'kd-now-text' },
  ];
}
