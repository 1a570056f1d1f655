// SPDX-License-Identifier: MIT
/** A share link's view state applied to the views model: at once (look, filter) and after the replay (selection, cursor). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTraceLines } from '../../src/trace/jsonl.js';
import { ViewsModel } from '../../web/views-model.js';

const events = () => parseTraceLines(readFileSync(new URL('../fixtures/traces/echo-call.jsonl', import.meta.url), 'utf8')).events;

describe('applySharedView', () => {
  it('applies theme, panes (clamped) and filter without storing them, then selection and cursor once events exist', () => {
    const stored: string[] = [];
    const views = new ViewsModel({ hasGuest: true, storage: { getItem: () => null, setItem: (_k, v) => void stored.push(v) } });
    const view = {
      theme: 'light' as const,
      panes: { left: 0.99, tree: 0.3 },
      filter: { bus: 1, connection: null, name: 'org.example', text: 'Echo', kinds: ['method-call'] },
      selected: 2,
      asOf: 5,
    };
    views.applySharedView(view, false);
    let s = views.getSnapshot();
    expect(s.theme).toBe('light');
    expect(s.panes.left).toBe(0.75);
    expect(s.panes.tree).toBe(0.3);
    expect(s.filter).toEqual({ bus: 1, connection: null, name: 'org.example', text: 'Echo', kinds: ['method-call'] });
    expect(s.selected).toBeNull();
    expect(stored).toEqual([]);

    views.ingest(events());
    views.applySharedView(view, true);
    s = views.getSnapshot();
    expect(s.selected).toBe(2);
    expect(s.asOf).toBe(5);
    // A selection past the log (a replay that came out shorter) is dropped, a cursor clamped.
    views.applySharedView({ selected: 10_000, asOf: 10_000 }, true);
    s = views.getSnapshot();
    expect(s.selected).toBeNull();
    expect(s.asOf).toBe(s.model.events.length - 1);
  });
});
