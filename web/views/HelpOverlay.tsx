// SPDX-License-Identifier: MIT
/** The `?` overlay: every keyboard shortcut of the page and of the diagram. */
import { SHORTCUTS } from '../../src/views/shortcuts.js';

interface KeyHelp {
  keys: string;
  description: string;
}

interface Props {
  diagramShortcuts: readonly KeyHelp[];
  /** In presentation mode, its keys (shown first: they take precedence over the ones below). */
  presentationKeys?: readonly KeyHelp[];
  onClose(): void;
}

/** A titled section of key rows; nothing when it has no keys. */
function KeyRows({ title, keys, prefix }: { title: string; keys: readonly KeyHelp[]; prefix: string }) {
  if (keys.length === 0) return null;
  return (
    <>
      <tr>
        <th colSpan={2} className="section">
          {title}
        </th>
      </tr>
      {keys.map((s) => (
        <tr key={`${prefix}:${s.keys}`}>
          <th>
            <kbd>{s.keys}</kbd>
          </th>
          <td>{s.description}</td>
        </tr>
      ))}
    </>
  );
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
              <KeyRows title="Presentation mode" keys={presentationKeys} prefix="p" />
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
            <KeyRows title="Sequence diagram" keys={diagramShortcuts} prefix="d" />
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
