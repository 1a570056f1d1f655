// SPDX-License-Identifier: MIT
/** The bottom bar: machine status, the Restart button and the last file-drop notice. */
import type { MachineStatus } from '../emulator/api.js';
import type { Notice } from './playground-model.js';
import type { StatusView } from './status-text.js';

interface Props {
  state: MachineStatus['state'];
  view: StatusView;
  notice?: Notice;
  onRestart: () => void;
}

export function StatusBar({ state, view, notice, onRestart }: Props) {
  return (
    <footer className={`status-bar tone-${view.tone}`}>
      <span className="status" data-testid="status" data-state={state} role="status" aria-live="polite">
        {view.busy && <span className="spinner" aria-hidden="true" />}
        <span className="status-text">{view.text}</span>
        {view.note && <span className="status-note"> — {view.note}</span>}
      </span>
      {notice && (
        <span className={`notice notice-${notice.tone}`} data-testid="notice">
          {notice.text}
        </span>
      )}
      {view.canRestart && (
        <button type="button" className="restart" data-testid="restart" onClick={onRestart}>
          Restart
        </button>
      )}
    </footer>
  );
}
