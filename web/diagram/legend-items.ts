// SPDX-License-Identifier: MIT
/** The legend's samples, drawn with the diagram's own shape classes (the page's legend and the SVG export share them). */
import { dropHead, head, openHead, type Shape } from '../../src/diagram/shapes.js';

function sample(kind: string, open: boolean): Shape[] {
  const k = `kd-${kind}`;
  return [
    { t: 'line', x1: 4, y1: 8, x2: 40, y2: 8, c: `kd-line ${k}` },
    open ? openHead(43, 8, 1, `kd-ohead ${k}`) : head(43, 8, 1, `kd-head ${k}`),
  ];
}

/** One sample per shape, 48 × 16 px, with its meaning. */
export const LEGEND_ITEMS: readonly { label: string; shapes: Shape[] }[] = [
  { label: 'method call', shapes: sample('call', false) },
  { label: 'call, no reply wanted', shapes: sample('call1', true) },
  { label: 'method return', shapes: sample('return', true) },
  { label: 'error reply', shapes: sample('error', false) },
  {
    label: 'broadcast signal',
    shapes: [
      { t: 'line', x1: 6, y1: 6, x2: 42, y2: 6, c: 'kd-line kd-fan kd-signal' },
      { t: 'circle', cx: 6, cy: 6, r: 3.5, c: 'kd-src kd-signal' },
      dropHead(24, 6, 'kd-head kd-signal'),
      dropHead(42, 6, 'kd-head kd-signal'),
    ],
  },
  { label: 'unicast signal', shapes: [...sample('usignal', false), { t: 'circle', cx: 4, cy: 8, r: 3, c: 'kd-src kd-usignal' }] },
  {
    label: 'unicast signal not taken',
    shapes: [
      { t: 'line', x1: 4, y1: 8, x2: 38, y2: 8, c: 'kd-line kd-dropped kd-usignal' },
      { t: 'path', d: 'M34 4L42 12M34 12L42 4', c: 'kd-line kd-cross kd-usignal' },
    ],
  },
  { label: 'kernel notification', shapes: sample('note', false) },
  { label: 'HELLO refused (no connection)', shapes: [{ t: 'path', d: 'M20 4L28 12M20 12L28 4', c: 'kd-line kd-cross kd-refused' }] },
  { label: 'call → answer (latency)', shapes: [{ t: 'path', d: 'M24 2C10 2 10 14 24 14', c: 'kd-arc kd-arc-reply' }] },
  { label: 'awaiting its answer', shapes: [{ t: 'circle', cx: 24, cy: 8, r: 4, c: 'kd-pending' }] },
  { label: 'events lost here', shapes: [{ t: 'rect', x: 2, y: 2, w: 42, h: 12, c: 'kd-band kd-band-loss', rx: 2 }] },
];

