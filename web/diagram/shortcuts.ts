// SPDX-License-Identifier: MIT
/** The keys the sequence diagram handles while it has the focus (for the page's `?` overlay). */

export interface DiagramShortcut {
  /** How the overlay writes the keys. */
  keys: string[];
  description: string;
}

export const DIAGRAM_SHORTCUTS: readonly DiagramShortcut[] = [
  { keys: ['↑', '↓'], description: 'Select the previous / next message in the diagram' },
  { keys: ['PgUp', 'PgDn'], description: 'Select a screenful up / down' },
  { keys: ['Enter', 'r'], description: 'Jump between a call and its reply (or error, timeout)' },
  { keys: ['Esc'], description: 'Clear the diagram selection' },
];

/** KeyboardEvent.key values → what the diagram does. */
export type DiagramKeyAction = 'prev' | 'next' | 'page-up' | 'page-down' | 'partner' | 'clear';

export function diagramKeyAction(key: string, modifiers: boolean): DiagramKeyAction | null {
  if (modifiers) return null;
  switch (key) {
    case 'ArrowUp':
      return 'prev';
    case 'ArrowDown':
      return 'next';
    case 'PageUp':
      return 'page-up';
    case 'PageDown':
      return 'page-down';
    case 'Enter':
    case 'r':
      return 'partner';
    case 'Escape':
      return 'clear';
    default:
      return null;
  }
}
