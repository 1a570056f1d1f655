// SPDX-License-Identifier: MIT
/**
 * The diagram as a standalone SVG document, and that SVG as a PNG.
 *
 * The SVG is drawn from the same shapes as the page (src/diagram), for a
 * range of rows, with only the columns that range uses, the header written
 * in (not pinned), a title line and a legend. Styles are presentation
 * attributes on every element (see diagram-theme.ts: slide software ignores
 * stylesheets); the class names stay for anyone restyling it. diagramSvg is
 * pure string building and runs in Node too; svgToPngBlob needs a browser.
 */
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { headerView } from '../../src/diagram/header-cells.js';
import { arcShapes, lifelineShapes, nowShapes, type WindowDrawing } from '../../src/diagram/lifeline-shapes.js';
import { DEFAULT_METRICS, diagramWidth, usedColumns, type DiagramMetrics } from '../../src/diagram/metrics.js';
import { isPendingAsOf, rowShapes, type RowDrawing } from '../../src/diagram/row-shapes.js';
import { BROADCAST_NOTE } from '../../src/diagram/row-summary.js';
import { CHAR_PX, fitText, uniqueName } from '../../src/diagram/row-text.js';
import type { Shape } from '../../src/diagram/shapes.js';
import type { BusModel } from '../../src/model/bus-model.js';
import type { LogFilter } from '../../src/model/log-filter.js';
import { isTraceReport } from '../../src/model/message-log.js';
import { FONT_FAMILY, resolveStyle, styleRules, type DiagramTheme, type StyleRule } from './diagram-theme.js';
import { LEGEND_ITEMS } from './legend-items.js';
import { escapeXml, shapeMarkup } from './shape-markup.js';

export interface DiagramSvgOptions {
  filter: LogFilter;
  asOf: number | null;
  /** Log indices, inclusive: the entries to draw (those the filter keeps). Default: all. */
  range?: [number, number];
  theme: DiagramTheme;
}

const TITLE_H = 26;
const LEGEND_ROW_H = 20;
const PAD = 8;

const esc = escapeXml;

function attrs(rules: readonly StyleRule[], c: string): string {
  let out = ` class="${esc(c)}"`;
  for (const [k, v] of Object.entries(resolveStyle(rules, c))) out += ` ${k}="${esc(v)}"`;
  return out;
}

function shapeSvg(s: Shape, rules: readonly StyleRule[]): string {
  return shapeMarkup(s, (c) => attrs(rules, c));
}

/** A standalone SVG document of the diagram (rows of `range`, or all). */
export function diagramSvg(model: BusModel, options: DiagramSvgOptions): string {
  const { filter, asOf, theme } = options;
  const rules = styleRules(theme);
  const layout = new DiagramLayout(filter);
  layout.sync(model);
  const count = layout.rowCount;
  let first = 0;
  let last = count - 1;
  if (options.range) {
    const [a, b] = options.range[0] <= options.range[1] ? options.range : [options.range[1], options.range[0]];
    first = layout.rowAtOrAfterLog(a);
    last = layout.rowAtOrAfterLog(b + 1) - 1;
  }
  const columns = usedColumns(layout, first, last);
  const m: DiagramMetrics = { ...DEFAULT_METRICS };
  const width = Math.max(diagramWidth(m, columns.count), 360);
  const rowsH = Math.max(0, last - first + 1) * m.rowHeight;
  const dimRow = asOf === null ? count : layout.firstRowAfterEvent(asOf);
  const t0 = model.events[0]?.time ?? 0;
  const label = (l: { bus: number; id: number }) => {
    const rec = model.connection(l.bus, l.id);
    const what = rec?.description ?? rec?.comm;
    return what ? `${uniqueName(l.id)} ${what}` : uniqueName(l.id);
  };
  const wd: WindowDrawing = { metrics: m, columns, dimRow, label };
  const rd: RowDrawing = { metrics: m, columns, t0, width };

  // Legend: the samples flowed into lines across the width, then the broadcast caveat if it applies (old traces only).
  let hasBroadcast = false;
  for (let r = first; r <= last; r++) {
    const e = layout.entry(r);
    // Only a broadcast whose receivers the trace does not say is approximate (an old trace).
    if (e?.kind === 'message' && e.broadcast && e.receivers === null && !isTraceReport(e)) hasBroadcast = true;
  }
  const legend: string[] = [];
  let lx = PAD;
  let ly = 0;
  for (const it of LEGEND_ITEMS) {
    const w = 52 + it.label.length * CHAR_PX + 14;
    if (lx + w > width - PAD && lx > PAD) {
      lx = PAD;
      ly += LEGEND_ROW_H;
    }
    legend.push(`<g transform="translate(${Math.round(lx)} ${ly + 2})">${it.shapes.map((s) => shapeSvg(s, rules)).join('')}${shapeSvg({ t: 'text', x: 52, y: 12, s: it.label, c: 'kd-legend-text' }, rules)}</g>`);
    lx += w;
  }
  ly += LEGEND_ROW_H;
  if (hasBroadcast) {
    const perLine = Math.max(20, Math.floor((width - 2 * PAD) / CHAR_PX));
    for (const line of wrap(BROADCAST_NOTE, perLine)) {
      legend.push(shapeSvg({ t: 'text', x: PAD, y: ly + 12, s: line, c: 'kd-legend-text' }, rules));
      ly += 15;
    }
  }
  const legendH = ly + PAD;

  const headerTop = TITLE_H;
  const rowsTop = headerTop + m.headerHeight;
  const height = rowsTop + rowsH + PAD + legendH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT_FAMILY)}">`,
  );
  const title = titleText(model, layout, first, last, asOf);
  out.push(`<title>${esc(title)}</title>`);
  out.push(shapeSvg({ t: 'rect', x: 0, y: 0, w: width, h: height, c: 'kd-bg' }, rules));
  out.push(shapeSvg({ t: 'text', x: PAD, y: 17, s: fitText(title, width - 2 * PAD), c: 'kd-title' }, rules));

  // Header: bus names, then a box per column.
  const head = headerView(model, layout, columns, first, last, asOf, dimRow);
  out.push(`<g class="kd-header" transform="translate(0 ${headerTop})">`);
  for (const g of head.groups) {
    out.push(shapeSvg({ t: 'text', x: m.gutterWidth + g.firstColumn * m.columnWidth + 6, y: 11, s: fitText(`bus ${g.name}`, g.columnCount * m.columnWidth - 12), c: 'kd-legend-text' }, rules));
  }
  for (const c of head.cells) {
    if (!c.lifeline) continue;
    const x = m.gutterWidth + c.column * m.columnWidth;
    const cx = x + m.columnWidth / 2;
    const w = m.columnWidth - 8;
    const parts: Shape[] = [
      { t: 'rect', x: x + 4, y: 16, w, h: m.headerHeight - 20, c: 'kd-head-box', rx: 4 },
      { t: 'text', x: cx, y: 30, s: c.title, c: 'kd-head-title', anchor: 'middle' },
      { t: 'text', x: cx, y: 44, s: fitText(c.names.join(', '), w - 8), c: 'kd-head-name', anchor: 'middle' },
      { t: 'text', x: cx, y: 56, s: fitText(c.detail, w - 8), c: 'kd-head-detail', anchor: 'middle' },
    ];
    out.push(`<g${c.later ? ' opacity="0.35"' : ''}>${parts.map((s) => shapeSvg(s, rules)).join('')}</g>`);
  }
  out.push('</g>');

  // Rows: lifelines, arcs, the rows (dimmed after the cursor), creation and end marks, the cursor line.
  if (last >= first) {
    out.push(`<g class="kd-rows" transform="translate(0 ${rowsTop - first * m.rowHeight})">`);
    const life = lifelineShapes(layout, first, last, wd);
    // Clip lifelines and arcs to the range: they may reach beyond it.
    out.push(`<clipPath id="kd-range"><rect x="0" y="${first * m.rowHeight}" width="${width}" height="${rowsH}"/></clipPath>`);
    out.push(`<g clip-path="url(#kd-range)">`);
    for (const s of life.under) out.push(shapeSvg(s, rules));
    for (const s of arcShapes(layout, first, last, wd, false)) out.push(shapeSvg(s, rules));
    out.push('</g>');
    for (let r = first; r <= last; r++) {
      const e = layout.entry(r);
      const kind = e?.kind === 'message' ? e.messageKind : e?.kind;
      const dim = r >= dimRow;
      out.push(`<g class="kd-row${dim ? ' kd-dim' : ''}" data-row="${r}" data-log="${layout.logIndex(r)}" data-kind="${kind ?? ''}"${dim ? ' opacity="0.3"' : ''}>`);
      for (const s of rowShapes(layout, r, rd, isPendingAsOf(layout, r, asOf))) out.push(shapeSvg(s, rules));
      out.push('</g>');
    }
    for (const s of life.over) out.push(shapeSvg(s, rules));
    for (const s of nowShapes(layout, first, last, wd, width)) out.push(shapeSvg(s, rules));
    out.push('</g>');
  }
  out.push(`<g class="kd-legend" transform="translate(0 ${rowsTop + rowsH + PAD})">${legend.join('')}</g>`);
  out.push('</svg>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${out.join('\n')}\n`;
}

function titleText(model: BusModel, layout: DiagramLayout, first: number, last: number, asOf: number | null): string {
  const buses = layout.groups.map((g) => model.world.buses.get(g.bus)?.name ?? `bus ${g.bus}`);
  const rows = last >= first ? `rows ${first + 1}–${last + 1} of ${layout.rowCount}` : 'no rows';
  const when = asOf === null ? '' : ` · as of event ${asOf}`;
  return `kdbus · ${buses.length ? `bus ${[...new Set(buses)].join(', ')}` : 'no bus'} · ${rows}${when}`;
}

function wrap(text: string, perLine: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > perLine) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Canvas limits of current browsers (Chromium: 16384 px per side is safe, ~268 M pixels in all). */
const MAX_SIDE = 16384;
const MAX_PIXELS = 2.5e8;

/** Rasterises an SVG document (from diagramSvg) to a PNG at `scale` (2: crisp on slides), shrinking the scale to what a canvas can hold. */
export async function svgToPngBlob(svg: string, scale = 2): Promise<Blob> {
  const m = /<svg\b[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('not an SVG document with width and height');
  const w = Number(m[1]);
  const h = Number(m[2]);
  const s = Math.min(scale, MAX_SIDE / w, MAX_SIDE / h, Math.sqrt(MAX_PIXELS / (w * h)));
  if (!(s >= 0.25)) throw new Error(`the diagram is too large for a PNG (${w} × ${h} px): export fewer rows`);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(w * s);
    canvas.height = Math.round(h * s);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.scale(s, s);
    ctx.drawImage(img, 0, 0, w, h);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
