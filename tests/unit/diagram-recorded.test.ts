// SPDX-License-Identifier: MIT
/** The diagram's layout of traces recorded from the guest (tests/fixtures/traces/*.md say how). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { headerView } from '../../src/diagram/header-cells.js';
import { allColumns } from '../../src/diagram/metrics.js';
import { isPendingAsOf } from '../../src/diagram/row-shapes.js';
import { BusModel } from '../../src/model/bus-model.js';
import { parseTraceLines } from '../../src/trace/jsonl.js';
import { diagramSvg } from '../../web/diagram/export.js';

function recorded(name: string): { model: BusModel; layout: DiagramLayout } {
  const { events, errors } = parseTraceLines(readFileSync(new URL(`../fixtures/traces/${name}`, import.meta.url), 'utf8'));
  expect(errors).toEqual([]);
  const model = new BusModel();
  model.applyAll(events);
  expect(model.stats.internalErrors).toBe(0);
  const layout = new DiagramLayout({});
  layout.sync(model);
  return { model, layout };
}

/** Rows as compact strings: `kind member from→to`, broadcasts with their fan-out. */
function rows(layout: DiagramLayout): string[] {
  const out: string[] = [];
  for (let r = 0; r < layout.rowCount; r++) {
    const e = layout.entry(r)!;
    if (e.kind !== 'message') {
      out.push(e.kind);
      continue;
    }
    const to = e.broadcast ? `[${layout.fanOut(r).map((l) => l.id).join(',')}]` : String(layout.to(r)?.id ?? '?');
    out.push(`${e.notification ?? e.messageKind}${e.dbus?.member ? ` ${e.dbus.member}` : ''} ${layout.from(r)!.id}→${to}`);
  }
  return out;
}

const lives = (layout: DiagramLayout) => layout.lifelines.map((l) => `${l.id}@${l.slot} ${l.startRow}-${l.endRow}`);

describe('recorded traces', () => {
  it('diagram-listeners: a broadcast fans out to the service and both listeners; a timed-out call stays unanswered', () => {
    const { model, layout } = recorded('diagram-listeners.jsonl');
    expect(rows(layout)).toEqual([
      'snapshot',
      'ID_ADD 0→[]', // the service; nobody else yet
      'ID_ADD 0→[3]',
      'NAME_ADD 0→[3,4]',
      'ID_ADD 0→[3,4]',
      'ID_ADD 0→[3,4,5]',
      'method-call Echo 6→3',
      'method-return 3→6',
      'ID_REMOVE 0→[3,4,5]',
      'ID_ADD 0→[3,4,5]',
      'method-call Sleep 7→3',
      'ID_REMOVE 0→[3,4,5]',
      'ID_ADD 0→[3,4,5]',
      'signal Hello 8→[3,4,5]',
      'ID_REMOVE 0→[3,4,5]',
      'ID_ADD 0→[3,4,5]',
      'unicast-signal Poke 9→3',
      'ID_REMOVE 0→[3,4,5]',
      'ID_ADD 0→[3,4,5]',
      'method-call Fail 10→3',
      'error 3→10',
      'ID_REMOVE 0→[3,4,5]',
      'ID_REMOVE 0→[3,4]',
      'ID_REMOVE 0→[3]',
      'NAME_REMOVE 0→[3]',
      'ID_REMOVE 0→[]',
    ]);
    // The bus is made during the trace: its kernel lifeline is born too, and ends when it goes.
    // Each short-lived client takes the column the previous one left.
    expect(lives(layout)).toEqual(['0@0 1-25', '3@1 1-25', '4@2 2-23', '5@3 4-22', '6@4 5-8', '7@4 9-11', '8@4 12-14', '9@4 15-17', '10@4 18-21']);
    expect(layout.lifelines.every((l) => l.born && l.died)).toBe(true);
    expect(layout.arcs.map((a) => [a.callRow, a.replyRow, a.outcome])).toEqual([
      [6, 7, 'reply'],
      [19, 20, 'error'],
    ]);
    expect(isPendingAsOf(layout, 10, null)).toBe(true);
    const head = headerView(model, layout, allColumns(layout), 6, 7, null, layout.rowCount).cells;
    expect(head.map((c) => [c.title, c.names.join()])).toEqual([
      ['kernel', ''],
      [':1.3', 'org.example.Echo'],
      [':1.4', ''],
      [':1.5', ''],
      [':1.6', ''],
    ]);
  });

  it('echo-call: calls from clients that come and go, each answered, arcs with kernel latencies', () => {
    const { layout } = recorded('echo-call.jsonl');
    expect(layout.groups[0]!.slots).toHaveLength(3);
    expect(layout.arcs.map((a) => [a.outcome, a.latencyNs !== null && a.latencyNs > 0])).toEqual([
      ['reply', true],
      ['reply', true],
      ['error', true],
    ]);
    expect(rows(layout).filter((r) => r.startsWith('signal'))).toEqual(['signal Hello 7→[3]']);
  });

  it('names-activator: the activator receives the call, the started service answers it', () => {
    const { model, layout } = recorded('names-activator.jsonl');
    const call = rows(layout).findIndex((r) => r.startsWith('method-call Echo'));
    const arc = layout.arcAt(call)!;
    expect(layout.to(call)!.id).not.toBe(layout.from(arc.replyRow)!.id);
    expect(layout.lifelines[arc.lifeline]!.id).toBe(layout.from(call)!.id);
    const head = headerView(model, layout, allColumns(layout), call, call, null, layout.rowCount).cells;
    expect(head.find((c) => c.lifeline?.id === layout.to(call)!.id)!.names).toContain('org.example.Lazy (activator)');
  });

  it('exports each recorded trace as SVG', () => {
    for (const name of ['diagram-listeners.jsonl', 'echo-call.jsonl', 'names-activator.jsonl']) {
      const { model, layout } = recorded(name);
      const svg = diagramSvg(model, { filter: {}, asOf: null, theme: 'dark' });
      expect([...svg.matchAll(/data-row="/g)]).toHaveLength(layout.rowCount);
    }
  });
});
