// SPDX-License-Identifier: MIT
/**
 * The page: header, filters, the terminal beside the bus views (tree,
 * connections, sequence diagram, inspector), the timeline and the status
 * bar. Two models hold all state — PlaygroundModel (machine, terminal) and
 * ViewsModel (trace, cursor, selection, filter, look) — and every part is
 * derived from them.
 */
import { type DragEvent, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { PlaygroundModel } from './playground-model.js';
import { describeStatus } from './status-text.js';
import { StatusBar } from './StatusBar.js';
import { TerminalPane } from './TerminalPane.js';
import type { ViewsModel } from './views-model.js';
import { BusTree } from './views/BusTree.js';
import { ConnectionList } from './views/ConnectionList.js';
import { DiagramPane } from './views/DiagramPane.js';
import { diagramShortcuts } from './views/diagram-module.js';
import { canExportDiagram, exportJsonLines, exportPcap, exportPng, exportSvg } from './views/export-actions.js';
import { FilterBar } from './views/FilterBar.js';
import { HelpOverlay } from './views/HelpOverlay.js';
import { Inspector } from './views/Inspector.js';
import { useShortcuts } from './views/keyboard.js';
import { Splitter } from './views/Splitter.js';
import { TimelineBar } from './views/TimelineBar.js';
import { Toolbar } from './views/Toolbar.js';
import { useDerived } from './views/use-derived.js';
import { LessonPanel } from './lessons/LessonPanel.js';
import { LessonsMenu } from './lessons/LessonsMenu.js';
import { useLessons } from './lessons/use-lessons.js';
import { Pointer } from './presentation/Pointer.js';
import { PRESENTATION_KEYS, usePresentationKeys } from './presentation/use-presentation-keys.js';
import './presentation/presentation.css';
import { ShareButton, SharePanel } from './share/SharePanel.js';
import type { ShareSession } from './share/share-session.js';

function GuestStatus({ model }: { model: PlaygroundModel }) {
  const snapshot = useSyncExternalStore(model.subscribe, model.getSnapshot);
  const view = describeStatus(snapshot.status, snapshot.bootNote, snapshot.stalled);
  return <StatusBar state={snapshot.status?.state ?? 'loading'} view={view} notice={snapshot.notice} onRestart={() => model.restart()} />;
}

function BootLink({ model }: { model: PlaygroundModel | null }) {
  const snapshot = useSyncExternalStore(model?.subscribe ?? noSubscribe, model?.getSnapshot ?? noSnapshot);
  if (!snapshot) return <a className="mode-link" href="?">Boot the guest</a>;
  const other = snapshot.mode === 'cold' ? { href: '?', label: 'snapshot start' } : { href: '?boot=cold', label: 'cold boot' };
  return (
    <a className="mode-link" href={other.href}>
      {other.label}
    </a>
  );
}
const noSubscribe = () => () => undefined;
const noSnapshot = () => null;

function isTraceFile(e: DragEvent): boolean {
  return Array.from(e.dataTransfer.types).includes('Files');
}

export function App({ model, views, session = null }: { model: PlaygroundModel | null; views: ViewsModel; session?: ShareSession | null }) {
  const s = useSyncExternalStore(views.subscribe, views.getSnapshot);
  const d = useDerived(views, s);
  const textFilter = useRef<HTMLInputElement>(null);
  const workspace = useRef<HTMLDivElement>(null);
  const left = useRef<HTMLDivElement>(null);
  const world = useRef<HTMLDivElement>(null);
  const right = useRef<HTMLDivElement>(null);
  useShortcuts(views, textFilter);
  const [lessons, ls] = useLessons(model, views);
  // A share link made during a lesson carries it and its step; Share asks which step is open.
  useEffect(() => {
    if (!session) return undefined;
    session.lesson = () => {
      const s = lessons.getSnapshot();
      return s.lesson ? { id: s.lesson.id, step: s.step } : undefined;
    };
    session.onLesson = (l) => lessons.open(l.id, l.step);
    session.replayLesson = (l) => lessons.replayThrough(l);
    return () => {
      session.lesson = null;
      session.onLesson = null;
      session.replayLesson = null;
    };
  }, [session, lessons]);
  const arrowsTo = usePresentationKeys(ls.presenting, lessons, views);
  // Stable callbacks: the memoised views skip re-rendering when only the trace grew.
  const on = useMemo(
    () => ({
      filter: (patch: Parameters<ViewsModel['setFilter']>[0]) => views.setFilter(patch),
      clearFilter: () => views.clearFilter(),
      selectBus: (ref: number) => views.selectBus(ref),
      selectConnection: (bus: number, id: number) => views.selectConnection(bus, id),
      select: (entry: number | null) => views.select(entry),
      closeInspector: () => views.select(null),
      togglePause: () => views.togglePause(),
      back: () => views.stepBack(),
      forward: () => views.stepForward(),
      start: () => views.goStart(),
      live: () => views.goLive(),
      scrub: (i: number) => views.scrubTo(i),
    }),
    [views],
  );

  const openFile = (file: File) => {
    file.text().then(
      (text) => views.importFile(file.name, text),
      (err: unknown) => views.setNotice({ tone: 'bad', text: `Could not read ${file.name}: ${String(err)}` }),
    );
  };

  const doExport = (kind: 'jsonl' | 'pcap' | 'svg' | 'png') => {
    const options = { filter: d.logFilter, asOf: s.asOf, theme: s.theme };
    const done = (r: { fileName: string; summary: string }) => views.setNotice({ tone: 'ok', text: `Saved ${r.fileName} (${r.summary})` });
    const failed = (err: unknown) => views.setNotice({ tone: 'bad', text: `Export failed: ${err instanceof Error ? err.message : String(err)}` });
    try {
      if (kind === 'jsonl') done(exportJsonLines(s.model));
      else if (kind === 'pcap') done(exportPcap(s.model));
      else if (kind === 'svg') done(exportSvg(s.model, options));
      else exportPng(s.model, options).then(done, failed);
    } catch (err) {
      failed(err);
    }
  };

  const p = s.panes;
  const inspectorOpen = d.inspector !== null;
  return (
    <div className={`app theme-${s.theme}${ls.presenting ? ' presenting' : ''}`} data-theme={s.theme} data-testid="app">
      <header className="header">
        <h1>kdbus-playground</h1>
        <Toolbar
          source={s.source}
          fileName={s.fileName}
          hasGuest={s.hasGuest}
          theme={s.theme}
          canExportDiagram={canExportDiagram()}
          onOpenFile={openFile}
          onShowLive={() => views.showLive()}
          onExport={doExport}
          onToggleTheme={() => views.toggleTheme()}
          onHelp={() => views.setHelp(true)}
        />
        <LessonsMenu lessons={lessons} s={ls} />
        {session && <ShareButton session={session} />}
        <BootLink model={model} />
      </header>
      {model && session && <SharePanel model={model} session={session} />}
      <FilterBar
        filter={s.filter}
        buses={d.buses}
        connections={d.connections}
        onChange={on.filter}
        onClear={on.clearFilter}
        textRef={textFilter}
      />
      {s.notice && (
        <div className={`views-notice notice-${s.notice.tone}`} data-testid="views-notice" role="status">
          {s.notice.text}
          <button type="button" className="icon-button" onClick={() => views.setNotice(null)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      <LessonPanel lessons={lessons} s={ls} arrowsTo={arrowsTo} />
      <div
        className="workspace"
        ref={workspace}
        style={{ gridTemplateColumns: `${p.left}fr auto ${1 - p.left}fr` }}
        onDragOver={(e) => {
          if (e.defaultPrevented || !isTraceFile(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDrop={(e) => {
          // The terminal takes its own drops (files for the guest); the views take trace files.
          if (e.defaultPrevented || !isTraceFile(e)) return;
          e.preventDefault();
          const f = e.dataTransfer.files[0];
          if (f) openFile(f);
        }}
      >
        <div className="column left" ref={left} style={{ gridTemplateRows: `${p.terminal}fr auto ${1 - p.terminal}fr` }}>
          {model ? (
            <TerminalPane model={model} theme={s.theme} />
          ) : (
            <section className="pane viewer-note" data-testid="viewer-note">
              <h2 className="pane-title">No guest</h2>
              <div className="pane-body">
                <p>This page shows a trace file without booting the guest.</p>
                <p>
                  Open a <code>.jsonl</code> trace (from the Export menu or <code>npx kdbus-playground trace</code>) with <strong>Open trace…</strong>, or drop it here.
                </p>
                <p>
                  <a href="?">Boot the guest</a> for a live shell.
                </p>
              </div>
            </section>
          )}
          <Splitter between="rows" container={left} value={p.terminal} onChange={(f) => views.setPane('terminal', f)} label="Resize the terminal" testId="split-terminal" />
          <div className="world" ref={world} style={{ gridTemplateColumns: `${p.tree}fr auto ${1 - p.tree}fr` }}>
            <BusTree tree={d.tree} selectedBus={s.filter.bus} onSelectBus={on.selectBus} />
            <Splitter between="columns" container={world} value={p.tree} onChange={(f) => views.setPane('tree', f)} label="Resize the bus tree" />
            <ConnectionList
              groups={d.groups}
              selectedBus={s.filter.bus}
              selectedConnection={s.filter.connection}
              onSelect={on.selectConnection}
            />
          </div>
        </div>
        <Splitter between="columns" container={workspace} value={p.left} onChange={(f) => views.setPane('left', f)} label="Resize the left column" testId="split-left" />
        <div
          className="column right"
          ref={right}
          style={{ gridTemplateColumns: inspectorOpen ? `${1 - p.inspector}fr auto ${p.inspector}fr` : '1fr' }}
        >
          <DiagramPane
            model={s.model}
            version={s.version}
            asOf={s.asOf}
            filter={d.logFilter}
            selected={s.selected}
            onSelect={on.select}
            theme={s.theme}
          />
          {d.inspector && (
            <>
              <Splitter between="columns" container={right} value={p.inspector} fromEnd onChange={(f) => views.setPane('inspector', f)} label="Resize the inspector" />
              <Inspector view={d.inspector} onClose={on.closeInspector} />
            </>
          )}
        </div>
      </div>
      <TimelineBar
        info={d.timeline}
        onTogglePause={on.togglePause}
        onBack={on.back}
        onForward={on.forward}
        onStart={on.start}
        onLive={on.live}
        onScrub={on.scrub}
      />
      {model && <GuestStatus model={model} />}
      {ls.presenting && <Pointer />}
      {s.help && (
        <HelpOverlay diagramShortcuts={diagramShortcuts()} presentationKeys={ls.presenting ? PRESENTATION_KEYS : []} onClose={() => views.setHelp(false)} />
      )}
    </div>
  );
}
