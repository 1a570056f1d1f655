// SPDX-License-Identifier: MIT
/** The page: header, terminal, status bar, all derived from the one model. */
import { useSyncExternalStore } from 'react';
import type { PlaygroundModel } from './playground-model.js';
import { describeStatus } from './status-text.js';
import { StatusBar } from './StatusBar.js';
import { TerminalPane } from './TerminalPane.js';

export function App({ model }: { model: PlaygroundModel }) {
  const snapshot = useSyncExternalStore(model.subscribe, model.getSnapshot);
  const view = describeStatus(snapshot.status, snapshot.bootNote, snapshot.stalled);
  const otherMode = snapshot.mode === 'cold' ? { href: '?', label: 'snapshot start' } : { href: '?boot=cold', label: 'cold boot' };
  return (
    <div className="app">
      <header className="header">
        <h1>kdbus-playground</h1>
        <span className="hint">Drop a file on the terminal to copy it to /tmp</span>
        <a className="mode-link" href={otherMode.href}>Switch to {otherMode.label}</a>
      </header>
      <TerminalPane model={model} />
      <StatusBar state={snapshot.status?.state ?? 'loading'} view={view} notice={snapshot.notice} onRestart={() => model.restart()} />
    </div>
  );
}
