// SPDX-License-Identifier: MIT
/** The diagram's geometry (src/diagram): rows, lifelines, arcs, columns and the visible window, on the echo scenario. */
import { describe, expect, it } from 'vitest';
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { arcShapes, lifelineShapes, nowShapes, type WindowDrawing } from '../../src/diagram/lifeline-shapes.js';
import { ARROW_Y, DEFAULT_METRICS, allColumns, columnCenter, fitColumnWidth, usedColumns } from '../../src/diagram/metrics.js';
import { rowShapes, type RowDrawing } from '../../src/diagram/row-shapes.js';
import { fitText, formatDuration, formatOffset } from '../../src/diagram/row-text.js';
import type { Shape } from '../../src/diagram/shapes.js';
import { renderWindow, rowAtY, scrollTopFor, visibleRows } from '../../src/diagram/visible-window.js';
import { BusModel } from '../../src/model/bus-model.js';
import { BusScript, echoScenario } from '../fixtures/traces/diagram-scenarios.js';

const model = new BusModel();
model.applyAll(echoScenario().events());
const layout = new DiagramLayout({});
layout.sync(model);
const m = DEFAULT_METRICS;
const columns = allColumns(layout);
const width = 84 + 3 * m.columnWidth;
const rd: RowDrawing = { metrics: m, columns, t0: model.events[0]!.time, width };
const wd = (dimRow = layout.rowCount): WindowDrawing => ({ metrics: m, columns, dimRow, label: (l) => `:1.${l.id}` });
const x = (column: number) => columnCenter(m, column);
const ofClass = (shapes: Shape[], c: string) => shapes.filter((s) => s.c.split(' ').includes(c));

describe('row shapes', () => {
  it('draws a call as a line from caller to callee with a filled head and the member above it', () => {
    const s = rowShapes(layout, 4, rd);
    const [line] = ofClass(s, 'kd-line');
    const top = 4 * m.rowHeight;
    expect(line).toMatchObject({ t: 'line', x1: x(2), y1: top + ARROW_Y, y2: top + ARROW_Y, c: 'kd-line kd-call' });
    expect(ofClass(s, 'kd-head')).toHaveLength(1);
    const head = ofClass(s, 'kd-head')[0]!;
    expect(head.t === 'poly' && head.points.startsWith(`${x(1) + 1},`)).toBe(true); // tip at the callee, pointing left
    expect(ofClass(s, 'kd-label')).toMatchObject([{ t: 'text', s: 'Echo', x: (x(1) + x(2)) / 2, anchor: 'middle' }]);
    expect(ofClass(s, 'kd-time')).toMatchObject([{ t: 'text', s: '1.212', anchor: 'end' }]);
  });

  it('draws returns and one-way calls with open heads, errors in their own class with the latency', () => {
    expect(ofClass(rowShapes(layout, 5, rd), 'kd-ohead')).toHaveLength(1);
    expect(ofClass(rowShapes(layout, 5, rd), 'kd-label')[0]).toMatchObject({ s: '↩ 251 µs' });
    expect(ofClass(rowShapes(layout, 8, rd), 'kd-ohead')[0]!.c).toBe('kd-ohead kd-call1');
    const err = rowShapes(layout, 7, rd);
    expect(ofClass(err, 'kd-line')[0]!.c).toBe('kd-line kd-error');
    expect(ofClass(err, 'kd-label')[0]).toMatchObject({ s: '✕ Failed 81.0 µs' });
  });

  it('fans a broadcast out with a head on each receiving lifeline', () => {
    const s = rowShapes(layout, 9, rd);
    expect(ofClass(s, 'kd-src')).toMatchObject([{ t: 'circle', cx: x(1) }]);
    expect(ofClass(s, 'kd-fan')).toMatchObject([{ x1: x(1), x2: x(2) }]);
    expect(ofClass(s, 'kd-head').map((h) => h.t === 'poly' && h.points.split(' ')[0])).toEqual([`${x(2)},${9 * m.rowHeight + ARROW_Y + 5}`]);
    // A notification from the kernel fans out from column 0.
    const note = rowShapes(layout, 3, rd);
    expect(ofClass(note, 'kd-fan')[0]).toMatchObject({ x1: x(0), x2: x(2), c: 'kd-line kd-fan kd-note' });
    expect(ofClass(note, 'kd-head')).toHaveLength(2);
  });

  it('draws a unicast signal with a source dot, and a call to an unowned name to a "?" stub', () => {
    expect(ofClass(rowShapes(layout, 10, rd), 'kd-src')).toHaveLength(1);
    const s = rowShapes(layout, 15, rd, true);
    expect(ofClass(s, 'kd-unknown')).toMatchObject([{ s: '?' }]);
    expect(ofClass(s, 'kd-label').at(-1)).toMatchObject({ s: fitText('Echo → org.example.Nobody', m.columnWidth - 24) });
    expect(ofClass(s, 'kd-pending')).toHaveLength(1);
  });

  it('draws entries that are not messages as full-width bands', () => {
    const s = rowShapes(layout, 16, rd);
    expect(ofClass(s, 'kd-band')).toMatchObject([{ t: 'rect', x: m.gutterWidth + 2, w: width - m.gutterWidth - 4, c: 'kd-band kd-band-loss' }]);
    expect(ofClass(s, 'kd-band-text')[0]).toMatchObject({ s: '⚠ the kernel dropped 3 messages for the monitor' });
  });

  it('draws a message to itself as a loop', () => {
    const b = new BusScript().start();
    b.existing(2).snapshotEnd();
    b.call(2, 2, 'Self', { noReply: true });
    const mm = new BusModel();
    mm.applyAll(b.events());
    const l = new DiagramLayout({});
    l.sync(mm);
    const s = rowShapes(l, 2, { ...rd, columns: allColumns(l) });
    expect(ofClass(s, 'kd-loop')).toHaveLength(1);
  });
});

describe('lifelines, arcs and the cursor line', () => {
  it('runs lifelines through the window, with a start cap and tag and an end mark', () => {
    const { under, over } = lifelineShapes(layout, 0, layout.rowCount - 1, wd());
    const lines = under.map((s) => s.t === 'line' && { x: s.x1, y1: s.y1, y2: s.y2, c: s.c });
    const H = m.rowHeight;
    expect(lines).toEqual([
      { x: x(0), y1: H, y2: 17 * H, c: 'kd-life kd-life-kernel' },
      { x: x(1), y1: H, y2: 17 * H, c: 'kd-life kd-life-peer' },
      { x: x(2), y1: 2 * H + 3, y2: 11 * H + ARROW_Y + 4.5, c: 'kd-life kd-life-peer' },
      { x: x(2), y1: 12 * H + 3, y2: 17 * H, c: 'kd-life kd-life-peer' },
    ]);
    // The tag goes right of the lifeline, under the arrow line (the ID_ADD's label is above it).
    expect(over.filter((s) => s.t === 'text')).toMatchObject([
      { s: ':1.3', x: x(2) + 5, y: 2 * H + 22.5 },
      { s: ':1.4', x: x(2) + 5, y: 12 * H + 22.5 },
    ]);
    expect(ofClass(over, 'kd-cap')).toHaveLength(2);
    expect(ofClass(over, 'kd-death')).toHaveLength(1);
  });

  it('splits lifelines at the cursor and dims what is after it', () => {
    const { under, over } = lifelineShapes(layout, 0, layout.rowCount - 1, wd(10));
    expect(ofClass(under, 'kd-dim').map((s) => s.t === 'line' && s.y1)).toEqual([10 * m.rowHeight, 10 * m.rowHeight, 10 * m.rowHeight, 12 * m.rowHeight + 3]);
    expect(ofClass(over, 'kd-dim')).toHaveLength(3); // :1.3's end mark, :1.4's cap and tag
    expect(nowShapes(layout, 0, 16, wd(10), width)).toMatchObject([{ t: 'line', y1: 10 * m.rowHeight, c: 'kd-now' }, { t: 'text', s: 'now' }]);
    expect(nowShapes(layout, 0, 16, wd(), width)).toEqual([]);
  });

  it('draws each arc on the caller, away from the call, dimmed when its answer is after the cursor', () => {
    const arcs = arcShapes(layout, 0, layout.rowCount - 1, wd(5));
    const visible = arcs.filter((s) => s.c.startsWith('kd-arc '));
    expect(visible.map((s) => s.c)).toEqual(['kd-arc kd-arc-reply kd-dim', 'kd-arc kd-arc-error kd-dim', 'kd-arc kd-arc-timeout kd-dim']);
    expect(arcShapes(layout, 0, 16, wd(6)).filter((s) => s.c.includes('kd-dim') && s.c.startsWith('kd-arc '))).toHaveLength(2);
    const first = visible[0]!;
    // :1.3 (column 2) calls :1.2 (column 1, to its left): the arc bulges right.
    // x(2) = 459; bulge 10 px of lane 0 → control points 13.33 px out; the arrows of rows 4 and 5 at y 111 and 135.
    expect(first).toMatchObject({ t: 'path', d: 'M459 111C472.33 111 472.33 135 459 135' });
    expect(arcs.filter((s) => s.c === 'kd-arc-hit').map((s) => s.t === 'path' && s.arc)).toEqual([0, 1, 2]);
    expect(arcShapes(layout, 0, 16, wd(), false).some((s) => s.c === 'kd-arc-hit')).toBe(false);
  });
});

describe('columns and the visible window', () => {
  it('maps every slot to a column, or only those used in a range', () => {
    expect(columns.count).toBe(3);
    expect(columns.column(0, 2)).toBe(2);
    expect(columns.column(0, 3)).toBe(-1);
    const early = usedColumns(layout, 0, 1);
    expect(early.count).toBe(2); // kernel and :1.2: :1.3 appears on row 2
    expect(early.slotAt(1)).toEqual({ group: 0, slot: 1 });
    expect(fitColumnWidth(1280, 84, 3)).toBe(240);
    expect(fitColumnWidth(1280, 84, 20)).toBe(124);
    expect(fitColumnWidth(1280, 84, 8)).toBe(149);
  });

  it('renders whole chunks around the rows on screen', () => {
    expect(visibleRows(0, 600, 24, 50_000)).toEqual({ first: 0, last: 24 });
    expect(visibleRows(24 * 1000 + 5, 600, 24, 50_000)).toEqual({ first: 1000, last: 1025 });
    expect(visibleRows(0, 600, 24, 10)).toEqual({ first: 0, last: 9 });
    expect(visibleRows(0, 600, 24, 0)).toEqual({ first: 0, last: -1 });
    expect(renderWindow({ first: 1000, last: 1025 }, 50_000, 16)).toEqual({ first: 976, last: 1055 });
    // Moving within a chunk keeps the window.
    expect(renderWindow({ first: 1001, last: 1026 }, 50_000, 16)).toEqual({ first: 976, last: 1055 });
    expect(renderWindow({ first: 49_990, last: 49_999 }, 50_000, 16)).toEqual({ first: 49_968, last: 49_999 });
    expect(rowAtY(47, 24, 10)).toBe(1);
    expect(rowAtY(240, 24, 10)).toBe(-1);
    expect(scrollTopFor(100, 0, 600, 24)).toBe(103 * 24 - 600);
    expect(scrollTopFor(100, 98 * 24, 600, 24)).toBe(98 * 24);
    expect(scrollTopFor(5, 2000, 600, 24)).toBe(3 * 24);
  });

  it('formats durations and fits labels', () => {
    expect(formatDuration(812)).toBe('812 ns');
    expect(formatDuration(251_000)).toBe('251 µs');
    expect(formatDuration(25_001_000)).toBe('25.0 ms');
    expect(formatDuration(3_400_000_000)).toBe('3.40 s');
    expect(fitText('org.example.VeryLongMemberName', 64)).toBe('org.examp…');
    expect(fitText('Echo', 64)).toBe('Echo');
  });
});
