// SPDX-License-Identifier: MIT
/**
 * src/diagram shapes as SVG markup. The export writes whole documents with
 * it; the page sets each row's markup with innerHTML, because parsing one
 * string per row is several times cheaper than React creating and
 * reconciling each line and label (measured: bench/diagram.ts, jump scroll).
 */
import type { Shape } from '../../src/diagram/shapes.js';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r2 = (v: number): string => String(Math.round(v * 100) / 100);

/** One shape; `attrs(c)` gives the attribute text for its class list (at least ` class="…"`). */
export function shapeMarkup(s: Shape, attrs: (c: string) => string): string {
  const a = attrs(s.c);
  switch (s.t) {
    case 'line':
      return `<line x1="${r2(s.x1)}" y1="${r2(s.y1)}" x2="${r2(s.x2)}" y2="${r2(s.y2)}"${a}/>`;
    case 'path':
      return `<path d="${s.d}"${s.arc === undefined ? '' : ` data-arc="${s.arc}"`}${a}/>`;
    case 'poly':
      return `<polygon points="${s.points}"${a}/>`;
    case 'rect':
      return `<rect x="${r2(s.x)}" y="${r2(s.y)}" width="${r2(s.w)}" height="${r2(s.h)}"${s.rx ? ` rx="${s.rx}"` : ''}${a}/>`;
    case 'circle':
      return `<circle cx="${r2(s.cx)}" cy="${r2(s.cy)}" r="${r2(s.r)}"${a}/>`;
    case 'text':
      return `<text x="${r2(s.x)}" y="${r2(s.y)}"${s.anchor && s.anchor !== 'start' ? ` text-anchor="${s.anchor}"` : ''}${a}>${escapeXml(s.s)}</text>`;
  }
}

/** Class attribute only: the page's stylesheet does the rest. */
export const classOnly = (c: string): string => ` class="${c}"`;

export function shapesMarkup(shapes: readonly Shape[], attrs: (c: string) => string = classOnly): string {
  let out = '';
  for (const s of shapes) out += shapeMarkup(s, attrs);
  return out;
}
