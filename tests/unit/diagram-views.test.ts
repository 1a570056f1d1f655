// SPDX-License-Identifier: MIT
/** The diagram's header, hover summaries, keyboard moves and SVG export, on the echo scenario. */
import { describe, expect, it } from 'vitest';
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { headerView } from '../../src/diagram/header-cells.js';
import { allColumns } from '../../src/diagram/metrics.js';
import { partnerOf, stepSelection } from '../../src/diagram/navigation.js';
import { BROADCAST_NOTE, rowSummary } from '../../src/diagram/row-summary.js';
import { BusModel } from '../../src/model/bus-model.js';
import { diagramSvg } from '../../web/diagram/export.js';
import { DIAGRAM_SHORTCUTS, diagramKeyAction } from '../../web/diagram/shortcuts.js';
import { ECHO, echoScenario } from '../fixtures/traces/diagram-scenarios.js';

const model = new BusModel();
model.applyAll(echoScenario().events());
const layout = new DiagramLayout({});
layout.sync(model);
const t0 = model.events[0]!.time;
const cells = (top: number, bottom: number, asOf: number | null = null) =>
  headerView(model, layout, allColumns(layout), top, bottom, asOf, asOf === null ? layout.rowCount : layout.firstRowAfterEvent(asOf)).cells.map((c) => ({
    title: c.title,
    names: c.names,
    detail: c.detail,
    later: c.later,
  }));

describe('pinned header', () => {
  it('names the lifeline of each column at the top of the screen, with its names as of the bottom', () => {
    expect(cells(4, 10)).toEqual([
      { title: 'kernel', names: [], detail: 'bus demo', later: false },
      { title: ':1.2', names: [ECHO], detail: 'echo-service · kdbus · pid 102', later: false },
      { title: ':1.3', names: ['org.example.Client'], detail: 'client · kdbus · pid 103', later: false },
    ]);
    // Further down the column belongs to :1.4; a gone :1.3 keeps its last names.
    expect(cells(12, 16)[2]).toEqual({ title: ':1.4', names: [], detail: 'slow-client · kdbus · pid 104', later: false });
    expect(cells(10, 12)[2]!.names).toEqual(['org.example.Client']);
    // Before a lifeline starts, the first one starting on screen; nothing when none does.
    expect(cells(0, 3)[2]!.title).toBe(':1.3');
    expect(cells(0, 1)[2]!.title).toBe('');
  });

  it('does not know the future: names as of the cursor, later lifelines marked', () => {
    const beforeName = layout.entry(2)!.eventIndex; // the ID_ADD of :1.3, before its NAME_ADD
    expect(cells(0, 10, beforeName)[2]).toEqual({ title: ':1.3', names: [], detail: 'client · kdbus · pid 103', later: false });
    expect(cells(0, 10, layout.entry(1)!.eventIndex)[2]!.later).toBe(true);
    const groups = headerView(model, layout, allColumns(layout), 0, 16, null, layout.rowCount).groups;
    expect(groups).toEqual([{ bus: 1, name: 'demo', firstColumn: 0, columnCount: 3 }]);
  });
});

describe('hover summary', () => {
  it('sums up a call with its answer, and says when the answer is still to come', () => {
    const s = rowSummary(layout, 4, null, t0)!;
    expect(s.title).toBe('method call Echo');
    expect(Object.fromEntries(s.lines)).toMatchObject({
      from: ':1.3 (org.example.Client)',
      to: `:1.2 (${ECHO})`,
      path: '/org/example/Echo',
      interface: ECHO,
      member: 'Echo',
      signature: 's',
      answer: 'reply after 251 µs · Enter jumps to it',
    });
    const asOfCall = layout.entry(4)!.eventIndex;
    expect(Object.fromEntries(rowSummary(layout, 4, asOfCall, t0)!.lines).answer).toBe('not yet (at the cursor)');
    expect(Object.fromEntries(rowSummary(layout, 5, null, t0)!.lines).call).toBe('251 µs after it · Enter jumps to it');
  });

  it('notes the broadcast approximation, and summarises notifications and bands', () => {
    const sig = rowSummary(layout, 9, null, t0)!;
    expect(sig.kind).toBe('signal');
    expect(Object.fromEntries(sig.lines).to).toBe('broadcast · drawn to 1 connection');
    expect(sig.note).toBe(BROADCAST_NOTE);
    const note = rowSummary(layout, 3, null, t0)!;
    expect(note.title).toBe('kernel notification NAME_ADD');
    expect(Object.fromEntries(note.lines).notification).toBe('NAME_ADD org.example.Client: — → :1.3');
    expect(rowSummary(layout, 16, null, t0)).toMatchObject({ kind: 'band', title: '⚠ the kernel dropped 3 messages for the monitor' });
  });
});

describe('keyboard', () => {
  it('steps through rows and jumps between a call and its answer', () => {
    expect(stepSelection(layout, 4, 1)).toBe(5);
    expect(stepSelection(layout, 0, -1)).toBe(0);
    expect(stepSelection(layout, 16, 5)).toBe(16);
    expect(stepSelection(layout, null, 1, 7)).toBe(7);
    expect(partnerOf(layout, 4)).toBe(5);
    expect(partnerOf(layout, 5)).toBe(4);
    expect(partnerOf(layout, 14)).toBe(13); // REPLY_TIMEOUT → its call
    expect(partnerOf(layout, 9)).toBeNull();
    // A filter that hides returns: no partner to jump to, and steps skip to shown rows.
    const calls = new DiagramLayout({ messageKinds: ['method-call'], kinds: ['message'] });
    calls.sync(model);
    expect(partnerOf(calls, calls.logIndex(0))).toBeNull();
    expect(stepSelection(calls, 5, 1)).toBe(6);
    expect(stepSelection(calls, 5, -1)).toBe(4);
  });

  it('lists its keys for the help overlay and maps key values to actions', () => {
    expect(DIAGRAM_SHORTCUTS.flatMap((s) => s.keys)).toEqual(['↑', '↓', 'PgUp', 'PgDn', 'Enter', 'r', 'Esc']);
    expect(diagramKeyAction('ArrowDown', false)).toBe('next');
    expect(diagramKeyAction('r', false)).toBe('partner');
    expect(diagramKeyAction('Enter', false)).toBe('partner');
    expect(diagramKeyAction('r', true)).toBeNull();
    expect(diagramKeyAction('ArrowLeft', false)).toBeNull(); // the page's timeline key
  });
});

/** Tags open and close in order (a small well-formedness check: the browser test parses it for real). */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else {
      stack.push(m[2]!);
    }
  }
  return stack.length === 0;
}

describe('SVG export', () => {
  it('writes a standalone document with the header, the rows of the range and styles as attributes', () => {
    const svg = diagramSvg(model, { filter: {}, asOf: null, theme: 'light', range: [4, 7] });
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(balanced(svg.slice(svg.indexOf('<svg')))).toBe(true);
    expect([...svg.matchAll(/data-row="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([4, 5, 6, 7]);
    expect(svg).toContain('>:1.3</text>');
    expect(svg).toContain('>org.example.Client</text>');
    expect(svg).toContain('<title>kdbus · bus demo · rows 5–8 of 17</title>');
    // Presentation attributes, not a stylesheet: the call line carries its colour itself.
    expect(svg).toMatch(/<line [^>]*class="kd-line kd-call" stroke-width="1.5" fill="none" stroke="#0969da"\/>/);
    expect(svg).not.toContain('<style');
    expect(svg).not.toContain('kd-arc-hit');
    // Only the columns those rows use: the kernel sends nothing there but a group keeps its kernel column.
    expect(svg).toMatch(/<svg [^>]*width="534"/); // 84 + 3 × 150
  });

  it('dims what is after the cursor and leaves out columns a range does not use', () => {
    const svg = diagramSvg(model, { filter: {}, asOf: layout.entry(5)!.eventIndex, theme: 'dark', range: [0, 7] });
    expect([...svg.matchAll(/data-row="(\d+)"[^>]*opacity="0.3"/g)].map((m) => Number(m[1]))).toEqual([6, 7]);
    expect(svg).toContain('class="kd-now"');
    const early = diagramSvg(model, { filter: {}, asOf: null, theme: 'dark', range: [0, 1] });
    expect(early).toMatch(/<svg [^>]*width="384"/); // kernel and :1.2 only
    expect(early).not.toContain(BROADCAST_NOTE.slice(0, 30));
    expect(diagramSvg(model, { filter: {}, asOf: null, theme: 'dark', range: [9, 9] })).toContain(BROADCAST_NOTE.slice(0, 30));
  });
});
