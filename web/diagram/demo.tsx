// SPDX-License-Identifier: MIT
/**
 * A page with the sequence diagram alone, for its browser test and its
 * benchmark (and for looking at a trace without booting the guest):
 * `demo.html?trace=URL` loads a JSON-lines trace (docs/trace-protocol.md),
 * `&live=1` loads it but applies no events until `__diagram.feed(n)` does.
 * `window.__diagram` lets the test set what the page would (cursor, filter,
 * selection, theme) and call the exports; `opened` reports how long the
 * trace took to fetch, parse, model and show.
 */
import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { BusModel } from '../../src/model/bus-model.js';
import type { LogFilter } from '../../src/model/log-filter.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { parseTraceLines } from '../../src/trace/jsonl.js';
import type { DiagramTheme } from './diagram-theme.js';
import { diagramSvg, svgToPngBlob } from './export.js';
import { SequenceDiagram, type DiagramView } from './SequenceDiagram.js';

interface DemoState {
  version: number;
  asOf: number | null;
  filter: LogFilter;
  selected: number | null;
  theme: DiagramTheme;
  follow: boolean;
  view: DiagramView | null;
}

export interface DiagramDemoApi {
  /** Set once the trace is shown: ms from the start of the fetch (and its parts). */
  opened: { totalMs: number; fetchMs: number; parseMs: number; modelMs: number; renderMs: number; events: number; messages: number } | null;
  error: string | null;
  state(): DemoState;
  set(patch: Partial<Omit<DemoState, 'version'>>): void;
  /** Live mode: apply the next `n` events of the loaded trace. */
  feed(n: number): number;
  selections: (number | null)[];
  exportSvg(range?: [number, number]): string;
  exportPng(range?: [number, number]): Promise<{ width: number; height: number; bytes: number; signature: string }>;
}

declare global {
  interface Window {
    __diagram: DiagramDemoApi;
  }
}

const model = new BusModel();
let pending: TraceEvent[] = [];
let state: DemoState = { version: 0, asOf: null, filter: {}, selected: null, theme: 'dark', follow: false, view: null };
const listeners = new Set<() => void>();
const setState = (patch: Partial<DemoState>) => {
  state = { ...state, ...patch };
  for (const l of listeners) l();
};
model.subscribe(() => setState({ version: model.version }));

const api: DiagramDemoApi = {
  opened: null,
  error: null,
  selections: [],
  state: () => state,
  set: (patch) => setState(patch),
  feed(n) {
    const batch = pending.splice(0, n);
    if (batch.length) model.applyAll(batch);
    return batch.length;
  },
  exportSvg: (range) => diagramSvg(model, { filter: state.filter, asOf: state.asOf, theme: state.theme, ...(range ? { range } : {}) }),
  async exportPng(range) {
    const blob = await svgToPngBlob(api.exportSvg(range), 1);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const bitmap = await createImageBitmap(blob);
    return { width: bitmap.width, height: bitmap.height, bytes: bytes.length, signature: Array.from(bytes.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('') };
  },
};
window.__diagram = api;

function Demo() {
  const s = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
  return (
    <div className="demo" style={s.theme === 'light' ? { background: '#fff', color: '#1f2328' } : undefined}>
      <div className="demo-bar">
        <strong>Sequence diagram</strong>
        <span data-testid="demo-status">
          {model.stats.messages} messages · {s.asOf === null ? 'live' : `as of event ${s.asOf}`} · selected {s.selected ?? 'none'}
        </span>
      </div>
      <SequenceDiagram
        model={model}
        version={s.version}
        asOf={s.asOf}
        filter={s.filter}
        selected={s.selected}
        onSelect={(i) => {
          api.selections.push(i);
          setState({ selected: i });
        }}
        theme={s.theme}
        follow={s.follow}
        onViewChange={(view) => setState({ view })}
      />
    </div>
  );
}

async function load(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const url = params.get('trace');
  if (!url) return;
  const t0 = performance.now();
  const text = await (await fetch(url)).text();
  const t1 = performance.now();
  const { events, errors } = parseTraceLines(text);
  if (errors.length) throw new Error(`trace line ${errors[0]!.line}: ${errors[0]!.message}`);
  const t2 = performance.now();
  if (params.get('live') === '1') {
    pending = events;
    setState({ follow: true });
    return;
  }
  model.applyAll(events);
  const t3 = performance.now();
  // Shown: after React committed and the browser painted the frame with the rows.
  await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  const t4 = performance.now();
  api.opened = { totalMs: t4 - t0, fetchMs: t1 - t0, parseMs: t2 - t1, modelMs: t3 - t2, renderMs: t4 - t3, events: events.length, messages: model.stats.messages };
}

const root = document.getElementById('root');
if (!root) throw new Error('demo.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <Demo />
  </StrictMode>,
);
load().catch((err: unknown) => {
  api.error = err instanceof Error ? err.message : String(err);
});
