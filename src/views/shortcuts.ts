// SPDX-License-Identifier: MIT
/**
 * The page's keyboard shortcuts, listed once: the `?` overlay shows this
 * list and the key handler matches against it, so they cannot disagree.
 *
 * Plain keys act only while the focus is outside the terminal and the
 * text boxes (there they are typing). The timeline keys also work from the
 * terminal with Ctrl+Shift, which no shell needs, so a teacher can pause
 * and step without leaving the keyboard.
 */

export type ShortcutAction =
  | 'step-back'
  | 'step-forward'
  | 'toggle-pause'
  | 'go-start'
  | 'go-live'
  | 'help'
  | 'theme'
  | 'escape'
  | 'focus-filter'
  | 'focus-terminal';

export interface Shortcut {
  action: ShortcutAction;
  /** How the overlay writes the keys. */
  keys: string[];
  description: string;
  /** Also from the terminal, with Ctrl+Shift. */
  fromTerminal: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'step-back', keys: ['←', ','], description: 'Step one message back (pauses)', fromTerminal: true },
  { action: 'step-forward', keys: ['→', '.'], description: 'Step one message forward (live after the last)', fromTerminal: true },
  { action: 'toggle-pause', keys: ['Space', 'p'], description: 'Pause / back to live', fromTerminal: true },
  { action: 'go-start', keys: ['Home'], description: 'Go to just before the first message', fromTerminal: false },
  { action: 'go-live', keys: ['End', 'l'], description: 'Back to live', fromTerminal: true },
  { action: 'focus-filter', keys: ['/'], description: 'Filter by member text', fromTerminal: false },
  { action: 'focus-terminal', keys: ['i'], description: 'Type in the terminal', fromTerminal: false },
  { action: 'theme', keys: ['t'], description: 'Dark / light theme', fromTerminal: false },
  { action: 'escape', keys: ['Esc'], description: 'Close this help, then the inspector', fromTerminal: false },
  { action: 'help', keys: ['?'], description: 'Show / hide these shortcuts', fromTerminal: false },
];

/** The DOM `KeyboardEvent.key` values of each action's plain keys. */
const KEY_VALUES: Readonly<Record<ShortcutAction, readonly string[]>> = {
  'step-back': ['ArrowLeft', ','],
  'step-forward': ['ArrowRight', '.'],
  'toggle-pause': [' ', 'p'],
  'go-start': ['Home'],
  'go-live': ['End', 'l'],
  'focus-filter': ['/'],
  'focus-terminal': ['i'],
  theme: ['t'],
  escape: ['Escape'],
  help: ['?'],
};

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/**
 * The action of a key press. `where` says where the focus is: the
 * terminal, a text box (no shortcuts at all), or elsewhere.
 */
export function shortcutFor(e: KeyLike, where: 'terminal' | 'text' | 'page'): ShortcutAction | null {
  if (where === 'text' || e.altKey || e.metaKey) return null;
  if (where === 'terminal') {
    if (!(e.ctrlKey && e.shiftKey)) return null;
    // With Shift held, letters arrive upper case and Space as ' '.
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    for (const s of SHORTCUTS) if (s.fromTerminal && KEY_VALUES[s.action].includes(key)) return s.action;
    return null;
  }
  if (e.ctrlKey) return null;
  for (const s of SHORTCUTS) if (KEY_VALUES[s.action].includes(e.key)) return s.action;
  return null;
}
