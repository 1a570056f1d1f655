// SPDX-License-Identifier: MIT
/**
 * The drawing of one row: the clock in the gutter and the message as an
 * arrow (call, return, error, unicast signal, unicast notification), a
 * fan-out (broadcast signal or notification), a loop (to itself), or a
 * full-width band for what is not a message (gaps, losses, agent errors,
 * agent start, snapshots). Shapes are in diagram coordinates (row r's top
 * is r × rowHeight).
 *
 * A refused HELLO (project kernel extension) is a mark on the kernel's
 * lifeline with its text beside it: no connection exists to draw it to. A
 * unicast signal the trace says its destination did not take is dashed and
 * ends in a cross (`kd-dropped`).
 *
 * Classes: `kd-<kind>` says what it is (call, call1 = a call that wants no
 * reply, return, error, signal, usignal, note, refused), `kd-line` / `kd-head` /
 * `kd-ohead` (open head) / `kd-src` / `kd-label` / `kd-time` what part.
 */
import type { MessageEntry } from '../model/message-log.js';
import type { DiagramLayout } from './diagram-layout.js';
import { ARROW_Y, type ColumnMap, type DiagramMetrics, LABEL_Y, MID_Y, columnCenter } from './metrics.js';
import { bandLabel, entryTimeNs, fitText, formatOffset, messageLabel } from './row-text.js';
import { type Shape, dropHead, head, n, openHead } from './shapes.js';

export type RowKind = 'call' | 'call1' | 'return' | 'error' | 'signal' | 'usignal' | 'note' | 'refused';

export function rowKind(m: MessageEntry): RowKind {
  switch (m.messageKind) {
    case 'method-call':
      return m.expectReply ? 'call' : 'call1';
    case 'method-return':
      return 'return';
    case 'error':
      return 'error';
    case 'signal':
      return 'signal';
    case 'unicast-signal':
      return 'usignal';
    case 'notification':
      return m.notification === 'HELLO_REFUSED' ? 'refused' : 'note';
  }
}

/**
 * Whether the call on `row` is still waiting for its answer as of event
 * `asOf` (null: the end of the trace). False for anything but a call that
 * wants a reply.
 */
export function isPendingAsOf(layout: DiagramLayout, row: number, asOf: number | null): boolean {
  const e = layout.entry(row);
  if (e?.kind !== 'message' || e.messageKind !== 'method-call' || !e.expectReply) return false;
  if (e.reply === null) return true;
  const answer = layout.logEntry(e.reply);
  return asOf !== null && (answer?.eventIndex ?? Infinity) > asOf;
}

export interface RowDrawing {
  metrics: DiagramMetrics;
  columns: ColumnMap;
  /** Time origin of the gutter clock (ns). */
  t0: number;
  /** Full width of the diagram (bands span it). */
  width: number;
}

export function rowShapes(layout: DiagramLayout, row: number, d: RowDrawing, pending = false): Shape[] {
  const e = layout.entry(row);
  if (!e) return [];
  const m = d.metrics;
  const top = row * m.rowHeight;
  const out: Shape[] = [{ t: 'text', x: m.gutterWidth - 8, y: top + MID_Y, s: formatOffset(entryTimeNs(e) - d.t0), c: 'kd-time', anchor: 'end' }];
  if (e.kind !== 'message') {
    const w = d.width - m.gutterWidth - 4;
    out.push({ t: 'rect', x: m.gutterWidth + 2, y: top + 3, w, h: m.rowHeight - 6, c: `kd-band kd-band-${e.kind}`, rx: 3 });
    out.push({ t: 'text', x: m.gutterWidth + 10, y: top + MID_Y, s: fitText(bandLabel(e), w - 16), c: `kd-band-text kd-band-${e.kind}` });
    return out;
  }
  const from = layout.from(row);
  const fc = from ? d.columns.column(from.group, from.slot) : -1;
  if (fc < 0) return out;
  const kind = rowKind(e);
  const x1 = columnCenter(m, fc);
  const ly = top + ARROW_Y;
  const label = messageLabel(e);
  const k = `kd-${kind}`;

  if (kind === 'refused') {
    // Nobody to draw it to: a cross on the kernel's lifeline, the refusal written beside it.
    const r = 4;
    out.push({ t: 'path', d: `M${n(x1 - r)} ${n(ly - r)}L${n(x1 + r)} ${n(ly + r)}M${n(x1 - r)} ${n(ly + r)}L${n(x1 + r)} ${n(ly - r)}`, c: `kd-line kd-cross ${k}` });
    const room = Math.max(d.width - x1 - 20, m.columnWidth);
    out.push({ t: 'text', x: x1 + 10, y: top + LABEL_Y + 4, s: fitText(label, room), c: `kd-label ${k}` });
    return out;
  }

  if (e.broadcast) {
    const xs = layout
      .fanOut(row)
      .map((l) => d.columns.column(l.group, l.slot))
      .filter((c) => c >= 0)
      .map((c) => columnCenter(m, c));
    const lo = Math.min(x1, ...xs);
    const hi = xs.length ? Math.max(x1, ...xs) : x1 + m.columnWidth * 0.4;
    out.push({ t: 'line', x1: lo, y1: ly, x2: hi, y2: ly, c: `kd-line kd-fan ${k}` });
    for (const x of xs) out.push(dropHead(x, ly, `kd-head ${k}`));
    out.push({ t: 'circle', cx: x1, cy: ly, r: 3.5, c: `kd-src ${k}` });
    const mid = xs.length ? (lo + hi) / 2 : x1 + m.columnWidth * 0.2;
    const room = Math.max(hi - lo - 10, m.columnWidth - 16);
    out.push({ t: 'text', x: mid, y: top + LABEL_Y, s: fitText(xs.length ? label : `${label} (no receiver)`, room), c: `kd-label ${k}`, anchor: 'middle' });
    return out;
  }

  const to = layout.to(row);
  const tc = to ? d.columns.column(to.group, to.slot) : -1;
  if (tc === fc) {
    // To itself: a loop on the lifeline, the label beside it.
    const r = x1 + 16;
    out.push({ t: 'path', d: `M${n(x1)} ${n(top + 5)}H${n(r)}V${n(ly)}H${n(x1 + 2)}`, c: `kd-line kd-loop ${k}` });
    out.push(headFor(kind, x1 + 1, ly, -1, k));
    out.push({ t: 'text', x: r + 6, y: top + LABEL_Y + 4, s: fitText(label, m.columnWidth - 30), c: `kd-label ${k}` });
    return out;
  }
  let x2: number;
  let unknown = false;
  if (tc >= 0) {
    x2 = columnCenter(m, tc);
  } else {
    // A destination the diagram has no column for (a name nobody owned, or a connection filtered away).
    unknown = true;
    x2 = x1 + m.columnWidth * 0.55;
  }
  const dir = x2 > x1 ? 1 : -1;
  if (layout.dropped(row)) {
    // The destination did not take it: a dashed line ending in a cross short of its lifeline.
    const xe = x2 - dir * 8;
    out.push({ t: 'line', x1, y1: ly, x2: xe, y2: ly, c: `kd-line kd-dropped ${k}` });
    out.push({ t: 'path', d: `M${n(xe - 4)} ${n(ly - 4)}L${n(xe + 4)} ${n(ly + 4)}M${n(xe - 4)} ${n(ly + 4)}L${n(xe + 4)} ${n(ly - 4)}`, c: `kd-line kd-cross ${k}` });
  } else {
    out.push({ t: 'line', x1, y1: ly, x2: x2 - dir * 2, y2: ly, c: `kd-line ${k}` });
    out.push(headFor(kind, x2 - dir, ly, dir, k));
  }
  if (kind === 'usignal') out.push({ t: 'circle', cx: x1, cy: ly, r: 3, c: `kd-src ${k}` });
  if (unknown) out.push({ t: 'text', x: x2 + 4, y: ly + 4, s: '?', c: `kd-label kd-unknown ${k}` });
  if (pending) out.push({ t: 'circle', cx: x1, cy: ly, r: 4, c: 'kd-pending' });
  const text = unknown && e.destinationName ? `${label} → ${e.destinationName}` : label;
  const room = Math.max(Math.abs(x2 - x1) - 12, m.columnWidth - 24);
  out.push({ t: 'text', x: (x1 + x2) / 2, y: top + LABEL_Y, s: fitText(text, room), c: `kd-label ${k}`, anchor: 'middle' });
  return out;
}

function headFor(kind: RowKind, x: number, y: number, dir: number, k: string): Shape {
  // Returns and one-way calls get open heads (nothing answers them); the rest filled.
  return kind === 'return' || kind === 'call1' ? openHead(x, y, dir, `kd-ohead ${k}`) : head(x, y, dir, `kd-head ${k}`);
}
