// SPDX-License-Identifier: MIT
/**
 * The sequence diagram view: draws the DiagramLayout of src/diagram for the
 * model, filter and timeline cursor it is given, and reports clicks.
 *
 * Virtualised: the scroll area is as tall as all rows, but only a window of
 * rows around the screen is in the DOM (one SVG positioned at the window),
 * and the window moves in chunks (src/diagram/visible-window.ts). Rows are
 * memoised components keyed by row number, so moving the window mounts the
 * rows that came into it and nothing else re-renders; selection and hover
 * are separate rectangles, not row state. The header is an HTML strip made
 * sticky inside the same scroll area, so it stays pinned vertically and
 * follows horizontal scrolling for free.
 */
import { flushSync } from 'react-dom';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type JSX } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent, MouseEvent as ReactMouseEvent } from 'react';
import { CHANGE_BLOCK, DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { headerView } from '../../src/diagram/header-cells.js';
import { nowShapes, type WindowDrawing } from '../../src/diagram/lifeline-shapes.js';
import { DEFAULT_METRICS, allColumns, diagramWidth, fitColumnWidth, type ColumnMap, type DiagramMetrics } from '../../src/diagram/metrics.js';
import { partnerOf, stepSelection } from '../../src/diagram/navigation.js';
import { isPendingAsOf } from '../../src/diagram/row-shapes.js';
import { rowSummary } from '../../src/diagram/row-summary.js';
import { uniqueName } from '../../src/diagram/row-text.js';
import type { Lifeline } from '../../src/diagram/types.js';
import { renderWindow, rowAtY, scrollTopFor, visibleRows } from '../../src/diagram/visible-window.js';
import type { BusModel } from '../../src/model/bus-model.js';
import type { LogFilter } from '../../src/model/log-filter.js';
import { DiagramHeader } from './DiagramHeader.js';
import { DiagramLegend } from './DiagramLegend.js';
import { PALETTES, styleSheet, type DiagramTheme } from './diagram-theme.js';
import { HoverCard } from './HoverCard.js';
import { shapeElements } from './ShapeView.js';
import { tileMarkup, type TileDrawing } from './tile-markup.js';
import { diagramKeyAction } from './shortcuts.js';
import './diagram.css';

export { DIAGRAM_SHORTCUTS, type DiagramShortcut } from './shortcuts.js';

/** What is on screen, for the page (e.g. to export the visible range). Log indices, inclusive; −1 when empty. */
export interface DiagramView {
  firstLog: number;
  lastLog: number;
  rowCount: number;
}

export interface SequenceDiagramProps {
  model: BusModel;
  /** model.version: re-render when it changes. */
  version: number;
  /** Event index of the timeline cursor; null = live. Later rows are dimmed, calls answered later show as pending. */
  asOf: number | null;
  filter: LogFilter;
  /** Log index of the selected entry. */
  selected: number | null;
  onSelect(entry: number | null): void;
  theme: DiagramTheme;
  /** Live: keep the newest row in view. */
  follow?: boolean;
  /** Called when the rows on screen change. */
  onViewChange?(view: DiagramView): void;
}

interface TileProps {
  layout: DiagramLayout;
  block: number;
  lastRow: number;
  drawing: TileDrawing;
  /** layout.blockChangedAt(block): the tile is redrawn when its rows changed. */
  stamp: number;
  dimRow: number;
  /** dimRow as far as it matters to this tile (see dimKeyOf). */
  dimKey: number;
  asOf: number | null;
  /** The rows of the tile whose call waits for its answer as of the cursor. */
  pendingKey: string;
}

/** A band of CHANGE_BLOCK rows as one SVG, redrawn only when something it shows changed. */
const Tile = memo(
  function Tile({ layout, block, lastRow, drawing, dimRow, asOf }: TileProps) {
    const first = block * CHANGE_BLOCK;
    const H = drawing.metrics.rowHeight;
    const markup = tileMarkup(layout, first, lastRow, drawing, dimRow, (r) => isPendingAsOf(layout, r, asOf));
    const y = first * H;
    const h = (lastRow - first + 1) * H;
    return (
      <svg
        className="kdd-tile"
        data-block={block}
        width={drawing.width}
        height={h}
        viewBox={`0 ${y} ${drawing.width} ${h}`}
        style={{ top: drawing.metrics.headerHeight + y }}
        dangerouslySetInnerHTML={{ __html: markup }}
      />
    );
  },
  (a, b) =>
    a.layout === b.layout &&
    a.block === b.block &&
    a.lastRow === b.lastRow &&
    a.drawing === b.drawing &&
    a.stamp === b.stamp &&
    a.dimKey === b.dimKey &&
    a.pendingKey === b.pendingKey,
);

/**
 * What of the cursor position a tile's drawing depends on: rows and marks
 * in it are dimmed from dimRow on, arcs crossing it when their answer is at
 * or after dimRow. Outside first..(last answer row + 1) every position
 * draws the same, so it is clamped there.
 */
function dimKeyOf(layout: DiagramLayout, first: number, last: number, dimRow: number): number {
  let hi = last + 1;
  for (const a of layout.arcsIn(first, last)) hi = Math.max(hi, a.replyRow + 1);
  return Math.min(Math.max(dimRow, first), hi);
}

interface Hover {
  row: number;
  left: number;
  top: number;
}

export function SequenceDiagram(props: SequenceDiagramProps): JSX.Element {
  const { model, version, asOf, filter, selected, onSelect, theme, follow = false, onViewChange } = props;
  const filterKey = JSON.stringify(filter);
  // A new layout per filter, keyed by value: callers may pass a fresh object with the same content.
  const layout = useMemo(() => new DiagramLayout(filter), [filterKey]);
  const revision = useMemo(() => {
    layout.sync(model);
    return layout.revision;
  }, [layout, model, version]);

  const rootRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 1024, height: 600 });
  const [scrollRow, setScrollRow] = useState(0);
  const [hover, setHover] = useState<Hover | null>(null);
  const [legend, setLegend] = useState(false);
  const toggleLegend = useCallback(() => setLegend((v) => !v), []);

  const rowCount = layout.rowCount;
  const columnsKey = layout.groups.map((g) => g.slots.length).join(',');
  const columns: ColumnMap = useMemo(() => allColumns(layout), [layout, columnsKey]);
  const metrics: DiagramMetrics = useMemo(
    () => ({ ...DEFAULT_METRICS, columnWidth: fitColumnWidth(size.width, DEFAULT_METRICS.gutterWidth, columns.count) }),
    [size.width, columns.count],
  );
  const H = metrics.rowHeight;
  const width = Math.max(diagramWidth(metrics, columns.count), size.width);
  const t0 = model.events[0]?.time ?? 0;

  const dimRow = asOf === null ? rowCount : layout.firstRowAfterEvent(asOf);
  const label = useCallback(
    (l: Lifeline) => {
      const rec = model.connection(l.bus, l.id);
      const what = rec?.description ?? rec?.comm;
      return what ? `${uniqueName(l.id)} ${what}` : uniqueName(l.id);
    },
    [model],
  );
  const tileDrawing: TileDrawing = useMemo(() => ({ metrics, columns, t0, width, label }), [metrics, columns, t0, width, label]);
  const windowDrawing: WindowDrawing = useMemo(() => ({ metrics, columns, dimRow, label }), [metrics, columns, dimRow, label]);

  const viewportRows = Math.max(0, size.height - metrics.headerHeight);
  const vis = visibleRows(scrollRow * H, viewportRows, H, rowCount);
  const win = renderWindow(vis, rowCount, CHANGE_BLOCK);

  // ---- sizing, scrolling, following ----
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Following sticks to the bottom: new rows scroll into view only while the newest row is in view,
  // so one can scroll back during live traffic; turning follow on (or going live) jumps to the bottom.
  const atBottom = useRef(true);
  // Heights come from what we know, not from the DOM: reading scrollHeight in the handler would force a layout per event.
  const extent = useRef({ content: 0, viewport: 0 });
  extent.current = { content: metrics.headerHeight + rowCount * H, viewport: size.height };
  const metricsHeader = useRef(metrics.headerHeight);
  metricsHeader.current = metrics.headerHeight;
  // The rows rendered now: a scroll that leaves them (a scroll-bar drag, a jump) renders at once, inside the
  // scroll event, so the frame that shows the new position shows its rows too (not blank rows for a frame).
  const rendered = useRef({ first: 0, last: -1 });
  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    atBottom.current = top + extent.current.viewport >= extent.current.content - H;
    const row = Math.floor(top / H);
    const lastRow = Math.floor((top + extent.current.viewport - metricsHeader.current) / H);
    const update = () => {
      setScrollRow(row);
      setHover(null);
    };
    if (row < rendered.current.first || lastRow > rendered.current.last) flushSync(update);
    else update();
  }, [H]);
  useLayoutEffect(() => {
    rendered.current = { first: win.first, last: Math.min(win.last, Math.max(rowCount - 1, 0)) };
  });

  const live = follow && asOf === null;
  useLayoutEffect(() => {
    atBottom.current = true;
  }, [live]);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && live && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [revision, live]);

  const selectedRow = selected === null ? -1 : layout.rowOfLog(selected);
  const lastScrolledTo = useRef<number | null>(null);
  useLayoutEffect(() => {
    // Bring a new selection into view (once: the user may scroll away afterwards).
    const el = scrollRef.current;
    if (!el || selected === lastScrolledTo.current) return;
    lastScrolledTo.current = selected;
    if (selectedRow < 0) return;
    const top = scrollTopFor(selectedRow, el.scrollTop, el.clientHeight - metrics.headerHeight, H);
    if (top !== el.scrollTop) el.scrollTop = top;
  }, [selected, selectedRow, metrics.headerHeight, H]);

  // Stepping or scrubbing the timeline keeps the cursor in view: the last row at or before it.
  const lastAsOf = useRef(asOf);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || asOf === lastAsOf.current) return;
    lastAsOf.current = asOf;
    if (asOf === null || dimRow <= 0) return;
    const top = scrollTopFor(dimRow - 1, el.scrollTop, el.clientHeight - metrics.headerHeight, H);
    if (top !== el.scrollTop) el.scrollTop = top;
  }, [asOf, dimRow, metrics.headerHeight, H]);

  // Reported when what is on screen changes (not when the callback's identity does: callers pass inline functions).
  const viewCallback = useRef(onViewChange);
  viewCallback.current = onViewChange;
  const firstLog = rowCount ? layout.logIndex(vis.first) : -1;
  const lastLog = rowCount ? layout.logIndex(vis.last) : -1;
  useEffect(() => {
    viewCallback.current?.({ firstLog, lastLog, rowCount });
  }, [firstLog, lastLog, rowCount]);

  // ---- layers ----
  const nowLayer = nowShapes(layout, win.first, win.last, windowDrawing, width);
  const header = useMemo(
    () => headerView(model, layout, columns, vis.first, vis.last, asOf, dimRow),
    [model, layout, revision, columns, vis.first, vis.last, asOf, dimRow],
  );

  const tiles: JSX.Element[] = [];
  for (let b = Math.floor(win.first / CHANGE_BLOCK); rowCount > 0 && b * CHANGE_BLOCK <= win.last; b++) {
    const first = b * CHANGE_BLOCK;
    const lastRow = Math.min(first + CHANGE_BLOCK - 1, rowCount - 1);
    let pendingKey = '';
    for (let r = first; r <= lastRow; r++) if (isPendingAsOf(layout, r, asOf)) pendingKey += `${r},`;
    tiles.push(
      <Tile
        key={b}
        layout={layout}
        block={b}
        lastRow={lastRow}
        drawing={tileDrawing}
        stamp={layout.blockChangedAt(b)}
        dimRow={dimRow}
        dimKey={dimKeyOf(layout, first, lastRow, dimRow)}
        asOf={asOf}
        pendingKey={pendingKey}
      />,
    );
  }
  const partner = selected === null ? null : partnerOf(layout, selected);
  const partnerRow = partner === null ? -1 : layout.rowOfLog(partner);

  // ---- input ----
  const rowFromPointer = (e: ReactMouseEvent): number => {
    const el = scrollRef.current;
    if (!el) return -1;
    const box = el.getBoundingClientRect();
    const y = e.clientY - box.top;
    if (y < metrics.headerHeight) return -1;
    return rowAtY(y - metrics.headerHeight + el.scrollTop, H, rowCount);
  };

  const onMouseMove = (e: ReactMouseEvent) => {
    const row = rowFromPointer(e);
    if (row < 0) {
      if (hover) setHover(null);
      return;
    }
    if (hover?.row === row) return;
    const root = rootRef.current!.getBoundingClientRect();
    const el = scrollRef.current!;
    const rowBottom = el.getBoundingClientRect().top + metrics.headerHeight + (row + 1) * H - el.scrollTop - root.top;
    // Below the row, or above it near the bottom edge; never past the right edge.
    const top = rowBottom + 150 > root.height ? Math.max(4, rowBottom - H - 160) : rowBottom + 2;
    const left = Math.min(Math.max(4, e.clientX - root.left + 14), Math.max(4, root.width - 450));
    setHover({ row, left, top });
  };

  const onClick = (e: ReactMouseEvent) => {
    rootRef.current?.focus({ preventScroll: true });
    const arcEl = (e.target as Element).closest('[data-arc]');
    if (arcEl) {
      const arc = layout.arcs[Number(arcEl.getAttribute('data-arc'))];
      if (arc) {
        const call = layout.logIndex(arc.callRow);
        const reply = layout.logIndex(arc.replyRow);
        onSelect(selected === reply ? call : reply);
        return;
      }
    }
    const row = rowFromPointer(e);
    if (row >= 0) onSelect(layout.logIndex(row));
  };

  const onKeyDown = (e: ReactKeyboardEvent) => {
    const action = diagramKeyAction(e.key, e.ctrlKey || e.metaKey || e.altKey);
    if (!action) return;
    const page = Math.max(1, Math.floor(viewportRows / H) - 1);
    let next: number | null | undefined;
    switch (action) {
      case 'prev':
        next = stepSelection(layout, selected, -1, vis.first);
        break;
      case 'next':
        next = stepSelection(layout, selected, 1, vis.first);
        break;
      case 'page-up':
        next = stepSelection(layout, selected, -page, vis.first);
        break;
      case 'page-down':
        next = stepSelection(layout, selected, page, vis.first);
        break;
      case 'partner':
        if (selected === null) return;
        next = partnerOf(layout, selected);
        if (next === null) return;
        break;
      case 'clear':
        if (selected === null) return;
        next = null;
        break;
    }
    e.preventDefault();
    e.stopPropagation();
    if (next !== undefined && next !== selected) onSelect(next);
  };

  const palette = PALETTES[theme];
  const css = useMemo(() => styleSheet(theme, `.kdd[data-theme="${theme}"]`), [theme]);
  const vars = {
    '--kdd-bg': palette.bg,
    '--kdd-panel': palette.panel,
    '--kdd-line': palette.line,
    '--kdd-text': palette.text,
    '--kdd-muted': palette.muted,
    '--kdd-accent': palette.accent,
  } as CSSProperties;
  const summary = hover ? rowSummary(layout, hover.row, asOf, t0) : null;
  const winHeight = (win.last - win.first + 1) * H;

  return (
    <div
      ref={rootRef}
      className="kdd"
      data-theme={theme}
      data-testid="sequence-diagram"
      data-rows={rowCount}
      tabIndex={0}
      style={vars}
      onKeyDown={onKeyDown}
      aria-label="Sequence diagram"
    >
      <style>{css}</style>
      <div ref={scrollRef} className="kdd-scroll" onScroll={onScroll} onMouseMove={onMouseMove} onMouseLeave={() => setHover(null)} onClick={onClick}>
        <div className="kdd-canvas" style={{ height: metrics.headerHeight + rowCount * H, width }}>
          <DiagramHeader view={header} metrics={metrics} width={width} onLegend={toggleLegend} />
          {tiles}
          {rowCount > 0 && (
            <svg
              className="kdd-overlay"
              data-testid="diagram-rows"
              data-first={win.first}
              data-last={win.last}
              width={width}
              height={winHeight}
              viewBox={`0 ${win.first * H} ${width} ${winHeight}`}
              style={{ top: metrics.headerHeight + win.first * H }}
            >
              {hover && <rect className="kd-hov" x={0} y={hover.row * H} width={width} height={H} />}
              {selectedRow >= win.first && selectedRow <= win.last && (
                <rect className="kd-sel" data-testid="diagram-selection" data-row={selectedRow} x={0} y={selectedRow * H} width={width} height={H} />
              )}
              {partnerRow >= win.first && partnerRow <= win.last && (
                <rect className="kd-partner" data-testid="diagram-partner" data-row={partnerRow} x={1} y={partnerRow * H + 1} width={width - 2} height={H - 2} />
              )}
              {shapeElements(nowLayer)}
            </svg>
          )}
        </div>
      </div>
      {rowCount === 0 && (
        <div className="kdd-empty" style={{ top: metrics.headerHeight + 24 }}>
          No bus traffic {Object.keys(filter).length ? 'matches the filter' : 'yet'}.
        </div>
      )}
      {summary && hover && <HoverCard summary={summary} left={hover.left} top={hover.top} palette={palette} />}
      {legend && <DiagramLegend onClose={() => setLegend(false)} />}
    </div>
  );
}
