// SPDX-License-Identifier: MIT
/**
 * Drawing primitives: what the geometry produces and both renderers (React
 * SVG in the page, the SVG string of an export) draw one to one. `c` is the
 * CSS class list; colours and dashes live in the stylesheet (per theme), so
 * shapes carry meaning, not looks.
 */

export type Shape =
  | { t: 'line'; x1: number; y1: number; x2: number; y2: number; c: string }
  | { t: 'path'; d: string; c: string; /** An arc's index: the path is its hit area. */ arc?: number }
  | { t: 'poly'; points: string; c: string }
  | { t: 'rect'; x: number; y: number; w: number; h: number; c: string; rx?: number }
  | { t: 'circle'; cx: number; cy: number; r: number; c: string }
  | { t: 'text'; x: number; y: number; s: string; c: string; anchor?: 'start' | 'middle' | 'end' };

/** Numbers in SVG text: two decimals at most, no trailing zeros. */
export function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** A filled triangle arrowhead with its tip at (x, y), pointing right (dir 1) or left (−1). */
export function head(x: number, y: number, dir: number, c: string, size = 7): Shape {
  const b = x - dir * size;
  return { t: 'poly', points: `${n(x)},${n(y)} ${n(b)},${n(y - size / 2)} ${n(b)},${n(y + size / 2)}`, c };
}

/** An open (chevron) arrowhead: drawn as a path so it takes the line's stroke. */
export function openHead(x: number, y: number, dir: number, c: string, size = 7): Shape {
  const b = x - dir * size;
  return { t: 'path', d: `M${n(b)} ${n(y - size / 2)}L${n(x)} ${n(y)}L${n(b)} ${n(y + size / 2)}`, c };
}

/** A small downward head at (x, y): a broadcast reaching a lifeline. */
export function dropHead(x: number, y: number, c: string, size = 5): Shape {
  return { t: 'poly', points: `${n(x)},${n(y + size)} ${n(x - size / 2 - 0.5)},${n(y)} ${n(x + size / 2 + 0.5)},${n(y)}`, c };
}
