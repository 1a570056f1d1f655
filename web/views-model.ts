// SPDX-License-Identifier: MIT
/**
 * The views' one piece of state, beside PlaygroundModel (which owns the
 * machine and the terminal): the BusModel fed by the guest agent's trace,
 * or one built from an imported file, and what the user chose to look at —
 * the timeline cursor, the selected message, the filter, the theme, the
 * pane sizes, the help overlay. Views read it through useSyncExternalStore
 * and call its actions; each view derives what it shows from the model and
 * this state alone.
 *
 * Live traces arrive in batches many times a second; the views need not
 * redraw for each, so change notifications are coalesced to one per
 * NOTIFY_MS (well inside the one second a user should wait).
 */
import { BusModel } from '../src/model/bus-model.js';
import type { TraceEvent } from '../src/trace/events.js';
import { importTraceText } from '../src/export/trace-file.js';
import { EMPTY_FILTER, type FilterState, toLogFilter } from '../src/views/filter-state.js';
import { startPosition, stepBack, stepForward } from '../src/views/timeline.js';
import type { ShareView } from '../src/share/link.js';

export type Theme = 'dark' | 'light';

/** Pane sizes, as fractions of the space they share (so they survive window resizes). */
export interface PaneSizes {
  /** Width of the left column (terminal, tree, connections) of the page width. */
  left: number;
  /** Height of the terminal of the left column. */
  terminal: number;
  /** Width of the bus tree of the row it shares with the connection list. */
  tree: number;
  /** Width of the inspector of the right column. */
  inspector: number;
}

export const DEFAULT_PANES: PaneSizes = { left: 0.42, terminal: 0.5, tree: 0.42, inspector: 0.38 };
const PANE_LIMITS: Readonly<Record<keyof PaneSizes, [number, number]>> = {
  left: [0.2, 0.75],
  terminal: [0.15, 0.85],
  tree: [0.2, 0.8],
  inspector: [0.2, 0.7],
};

export interface ViewsSnapshot {
  /** What the views show: the live trace of the guest, or an imported file. */
  source: 'live' | 'file';
  fileName: string | null;
  /** Lines of the imported file that were not events. */
  importErrors: number;
  /** The model the views show (live or imported). */
  model: BusModel;
  /** Grows whenever `model` changed: the views' memo key. */
  version: number;
  /** Timeline cursor: an event index of `model`, or null for live. */
  asOf: number | null;
  /** Selected log entry (a message), or null. */
  selected: number | null;
  filter: FilterState;
  theme: Theme;
  panes: PaneSizes;
  help: boolean;
  /** A guest feeds the live model (false on a viewer-only page). */
  hasGuest: boolean;
  /** A short message for the user (import result, export problem). */
  notice: { text: string; tone: 'ok' | 'bad' } | null;
}

/** What the views model keeps across visits (localStorage). */
interface Stored {
  theme?: Theme;
  panes?: Partial<PaneSizes>;
}

const STORAGE_KEY = 'kdbus-playground.views';
export const NOTIFY_MS = 50;

/** The part of Storage used (injectable for tests). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function clamp(v: number, [lo, hi]: [number, number]): number {
  return Math.min(hi, Math.max(lo, v));
}

function readStored(storage: StorageLike | null): Stored {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    const v: unknown = raw ? JSON.parse(raw) : null;
    return v && typeof v === 'object' ? (v as Stored) : {};
  } catch {
    return {};
  }
}

function panesFrom(stored: Partial<PaneSizes> | undefined): PaneSizes {
  const out = { ...DEFAULT_PANES };
  for (const k of Object.keys(PANE_LIMITS) as (keyof PaneSizes)[]) {
    const v = stored?.[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = clamp(v, PANE_LIMITS[k]);
  }
  return out;
}

export interface ViewsModelOptions {
  hasGuest: boolean;
  storage?: StorageLike | null;
  /** Initial theme when none is stored (e.g. from prefers-color-scheme). */
  preferredTheme?: Theme;
}

export class ViewsModel {
  /** The model the guest's trace feeds, kept while a file is shown. */
  readonly live = new BusModel();
  private snapshot: ViewsSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly storage: StorageLike | null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Cache of the filtered message event indices, per model version and filter. */
  private stepCache: { model: BusModel; version: number; filter: FilterState; events: number[] } | null = null;

  constructor(options: ViewsModelOptions) {
    this.storage = options.storage ?? null;
    const stored = readStored(this.storage);
    this.snapshot = {
      source: 'live',
      fileName: null,
      importErrors: 0,
      model: this.live,
      version: 0,
      asOf: null,
      selected: null,
      filter: EMPTY_FILTER,
      theme: stored.theme === 'light' || stored.theme === 'dark' ? stored.theme : (options.preferredTheme ?? 'dark'),
      panes: panesFrom(stored.panes),
      help: false,
      hasGuest: options.hasGuest,
      notice: null,
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ViewsSnapshot => this.snapshot;

  /** A batch of live trace events (from the worker's onTrace). */
  readonly ingest = (events: readonly TraceEvent[]): void => {
    if (events.length === 0) return;
    this.live.applyAll(events);
    if (this.snapshot.source === 'live') this.scheduleNotify();
  };

  // ---- timeline ----

  pause(): void {
    if (this.snapshot.asOf !== null) return;
    this.update({ asOf: this.lastEvent() });
  }

  goLive(): void {
    this.update({ asOf: null });
  }

  togglePause(): void {
    if (this.snapshot.asOf === null) this.pause();
    else this.goLive();
  }

  stepBack(): void {
    this.update({ asOf: stepBack(this.messageEvents(), this.snapshot.asOf, this.lastEvent()) });
  }

  stepForward(): void {
    this.update({ asOf: stepForward(this.messageEvents(), this.snapshot.asOf, this.lastEvent()) });
  }

  goStart(): void {
    this.update({ asOf: startPosition(this.messageEvents()) });
  }

  /** Moves the cursor to event `eventIndex` (paused there). */
  scrubTo(eventIndex: number): void {
    const last = this.lastEvent();
    this.update({ asOf: Math.max(-1, Math.min(Math.round(eventIndex), last)) });
  }

  /** Event indices of the messages the filter lets through, ascending (what stepping walks). */
  messageEvents(): number[] {
    const { model, filter, version } = this.snapshot;
    const c = this.stepCache;
    if (c && c.model === model && c.version === version && c.filter === filter) return c.events;
    const log = model.log;
    const events: number[] = [];
    for (const i of model.filter({ ...toLogFilter(filter), kinds: ['message'] })) {
      const e = log[i];
      if (e) events.push(e.eventIndex);
    }
    this.stepCache = { model, version, filter, events };
    return events;
  }

  // ---- selection and filter ----

  select(entry: number | null): void {
    this.update({ selected: entry });
  }

  setFilter(patch: Partial<FilterState>): void {
    this.update({ filter: { ...this.snapshot.filter, ...patch } });
  }

  /** Selecting a bus in the tree filters the other views by it; selecting it again clears that. */
  selectBus(ref: number | null): void {
    const bus = ref !== null && this.snapshot.filter.bus === ref ? null : ref;
    // A connection id means nothing on another bus.
    this.setFilter({ bus, connection: bus === this.snapshot.filter.bus ? this.snapshot.filter.connection : null });
  }

  selectConnection(bus: number, id: number | null): void {
    const same = id !== null && this.snapshot.filter.connection === id && this.snapshot.filter.bus === bus;
    this.setFilter({ bus, connection: same ? null : id });
  }

  clearFilter(): void {
    this.update({ filter: EMPTY_FILTER });
  }

  // ---- look ----

  setTheme(theme: Theme): void {
    this.update({ theme });
    this.store();
  }

  toggleTheme(): void {
    this.setTheme(this.snapshot.theme === 'dark' ? 'light' : 'dark');
  }

  setPane(name: keyof PaneSizes, fraction: number): void {
    if (!Number.isFinite(fraction)) return;
    this.update({ panes: { ...this.snapshot.panes, [name]: clamp(fraction, PANE_LIMITS[name]) } });
    this.store();
  }

  resetPanes(): void {
    this.update({ panes: { ...DEFAULT_PANES } });
    this.store();
  }

  setHelp(open: boolean): void {
    this.update({ help: open });
  }

  setNotice(notice: ViewsSnapshot['notice']): void {
    this.update({ notice });
  }

  /**
   * The view of a share link (web/share/). Look, panes and filter at once;
   * the selection and timeline cursor name events, so they are applied
   * after the replay (`afterReplay`), when those events exist. Nothing is
   * stored: a link's theme is for this visit.
   */
  applySharedView(view: ShareView, afterReplay: boolean): void {
    if (afterReplay) {
      const last = this.lastEvent();
      const patch: Partial<ViewsSnapshot> = {};
      if (view.selected !== undefined) patch.selected = view.selected !== null && view.selected < this.snapshot.model.log.length ? view.selected : null;
      if (view.asOf !== undefined) patch.asOf = view.asOf === null ? null : Math.min(view.asOf, last);
      this.update(patch);
      return;
    }
    const patch: Partial<ViewsSnapshot> = {};
    if (view.theme) patch.theme = view.theme;
    if (view.panes) patch.panes = panesFrom({ ...this.snapshot.panes, ...view.panes });
    if (view.filter) {
      const f = view.filter;
      const kinds = f.kinds === undefined ? EMPTY_FILTER.kinds : f.kinds;
      patch.filter = {
        bus: f.bus ?? null,
        connection: f.connection ?? null,
        name: f.name ?? '',
        text: f.text ?? '',
        kinds: kinds === null ? null : (kinds as FilterState['kinds']),
      };
    }
    this.update(patch);
  }

  // ---- source ----

  /** Shows the trace in `text` (a JSON-lines file) instead of the live one. */
  importFile(name: string, text: string): void {
    const { model, errors } = importTraceText(text);
    const events = model.events.length;
    this.update({
      source: 'file',
      fileName: name,
      importErrors: errors.length,
      model,
      version: this.snapshot.version + 1,
      asOf: null,
      selected: null,
      notice: {
        tone: events === 0 || errors.length ? 'bad' : 'ok',
        text:
          events === 0
            ? `${name}: no trace events in it${errors.length ? ` (${errors.length} bad lines, first at line ${errors[0]?.line}: ${errors[0]?.message})` : ''}`
            : `Opened ${name}: ${events} events, ${model.messages.length} messages${errors.length ? `; ${errors.length} lines skipped (first at line ${errors[0]?.line}: ${errors[0]?.message})` : ''}`,
      },
    });
  }

  /** Back to the guest's live trace. */
  showLive(): void {
    this.update({
      source: 'live',
      fileName: null,
      importErrors: 0,
      model: this.live,
      version: this.snapshot.version + 1,
      asOf: null,
      selected: null,
      notice: null,
    });
  }

  private lastEvent(): number {
    return this.snapshot.model.events.length - 1;
  }

  private scheduleNotify(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.snapshot.source === 'live') this.update({ version: this.snapshot.version + 1 });
    }, NOTIFY_MS);
  }

  private store(): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify({ theme: this.snapshot.theme, panes: this.snapshot.panes } satisfies Stored));
    } catch {
      // Storage full or blocked: the look is still right for this visit.
    }
  }

  private update(patch: Partial<ViewsSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }
}
