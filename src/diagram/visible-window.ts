// SPDX-License-Identifier: MIT
/**
 * Virtualisation: which rows are on screen, and which rows to render. The
 * rendered window is aligned to chunks and reaches a chunk beyond the screen
 * on both sides, so while scrolling it changes only every `chunk` rows (and
 * each change mounts one chunk and drops one) instead of on every pixel.
 */

export interface RowRange {
  /** Inclusive; first > last means no rows. */
  first: number;
  last: number;
}

/** Rows at least partly inside the viewport (scrollTop measured from the first row's top). */
export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number): RowRange {
  if (rowCount <= 0 || viewportHeight <= 0) return { first: 0, last: -1 };
  const first = Math.min(rowCount - 1, Math.max(0, Math.floor(scrollTop / rowHeight)));
  const last = Math.min(rowCount - 1, Math.max(first, Math.ceil((scrollTop + viewportHeight) / rowHeight) - 1));
  return { first, last };
}

export const RENDER_CHUNK = 16;

/** The rows to render for `visible`: whole chunks, one more on each side. */
export function renderWindow(visible: RowRange, rowCount: number, chunk = RENDER_CHUNK): RowRange {
  if (rowCount <= 0 || visible.last < visible.first) return { first: 0, last: -1 };
  const first = Math.max(0, (Math.floor(visible.first / chunk) - 1) * chunk);
  const last = Math.min(rowCount - 1, (Math.floor(visible.last / chunk) + 2) * chunk - 1);
  return { first, last };
}

/** The row under diagram y (from the first row's top), or −1. */
export function rowAtY(y: number, rowHeight: number, rowCount: number): number {
  const r = Math.floor(y / rowHeight);
  return r >= 0 && r < rowCount ? r : -1;
}

/**
 * The scrollTop that brings `row` into view with `margin` rows around it,
 * moving as little as possible (unchanged when it is already in view).
 */
export function scrollTopFor(row: number, scrollTop: number, viewportHeight: number, rowHeight: number, margin = 2): number {
  const top = (row - margin) * rowHeight;
  const bottom = (row + 1 + margin) * rowHeight;
  if (top < scrollTop) return Math.max(0, top);
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
