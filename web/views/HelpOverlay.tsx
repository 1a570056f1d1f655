// SPDX-License-Identifier: MIT
/** The `?` overlay: every keyboard shortcut of the page and of the diagram. */
import { SHORTCUTS } from '../../src/views/shortcuts.js';

interface Props {
  diagramShortcuts: readonly { keys: string; description: string }[];
  /** In presentation mode, its keys (shown first: they take precedence over the ones below). */
  presentationKeys?: readonly { keys: string; description: string }[];
  onClose(): void;
}

export function HelpOverlay({ diagramShortcuts, presentationKeys = [], onClose }: Props) {
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="help" onClick={onClose}>
      <div className="overlay-card" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <p className="muted">
          Outside the terminal and the text boxes. In the terminal, the timeline keys work with <kbd>Ctrl</kbd>+<kbd>Shift</kbd>.
        </p>
        <table className="shortcuts">
          {presentationKeys.length > 0 && (
            <tbody data-testid="help-presentation">
              <tr>
                <th colSpan={2} className="section">
                  Presentation mode
                </th>
              </tr>
              {presentationKeys.map((s) => (
                <tr key={`p:${s.keys}`}>
                  <th>
                    <kbd>{s.keys}</kbd>
                  </th>
                  <td>{s.description}</td>
                </tr>
              ))}
            </tbody>
          )}
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <th>
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && ' '}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </th>
                <td>{s.description}</td>
              </tr>
            ))}
            {diagramShortcuts.length > 0 && (
              <tr>
                <th colSpan={2} className="section">
                  Sequence diagram
                </th>
              </tr>
            )}
            {diagramShortcuts.map((s) => (
              <tr key={`d:${s.keys}`}>
                <th>
                  <kbd>{s.keys}</kbd>
                </th>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
