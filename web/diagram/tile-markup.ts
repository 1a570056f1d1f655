// SPDX-License-Identifier: MIT
/**
 * One tile of the page's diagram: rows first..last with the lifelines, arcs
 * and marks that cross them, as the markup of one <svg> whose viewBox is
 * that band of the diagram (so arcs and lines running on into the next
 * tile are clipped at its edge and continue there). Rows are <g data-row>
 * elements for hit testing and tests.
 */
import type { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { arcShapes, lifelineShapes, type WindowDrawing } from '../../src/diagram/lifeline-shapes.js';
import { rowShapes, type RowDrawing } from '../../src/diagram/row-shapes.js';
import { shapesMarkup } from './shape-markup.js';

export type TileDrawing = RowDrawing & Omit<WindowDrawing, 'dimRow'>;

export function tileMarkup(
  layout: DiagramLayout,
  first: number,
  last: number,
  d: TileDrawing,
  dimRow: number,
  pending: (row: number) => boolean,
): string {
  const wd: WindowDrawing = { metrics: d.metrics, columns: d.columns, label: d.label, dimRow };
  const life = lifelineShapes(layout, first, last, wd);
  const arcs = arcShapes(layout, first, last, wd);
  let out = shapesMarkup(life.under);
  out += shapesMarkup(arcs.filter((s) => s.c !== 'kd-arc-hit'));
  for (let r = first; r <= last; r++) {
    const e = layout.entry(r);
    const kind = e?.kind === 'message' ? e.messageKind : (e?.kind ?? '');
    const dim = r >= dimRow;
    out += `<g class="kd-row${dim ? ' kd-dim' : ''}" data-row="${r}" data-log="${layout.logIndex(r)}" data-event="${e?.eventIndex ?? ''}" data-kind="${kind}"${dim ? ' data-dimmed="true"' : ''}>`;
    out += shapesMarkup(rowShapes(layout, r, d, pending(r)));
    out += '</g>';
  }
  out += shapesMarkup(life.over);
  out += shapesMarkup(arcs.filter((s) => s.c === 'kd-arc-hit'));
  return out;
}
