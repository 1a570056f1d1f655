// SPDX-License-Identifier: MIT
/** The page's key handler: maps key presses to the views model's actions (the list is src/views/shortcuts.ts). */
import { useEffect } from 'react';
import { type ShortcutAction, shortcutFor } from '../../src/views/shortcuts.js';
import type { ViewsModel } from '../views-model.js';

/** Where the focus is, for shortcutFor. */
export function focusZone(target: EventTarget | null): 'terminal' | 'text' | 'page' {
  if (!(target instanceof HTMLElement)) return 'page';
  if (target.closest('.terminal')) return 'terminal';
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return 'text';
  // Range inputs and dividers use the arrow keys themselves.
  if (target instanceof HTMLInputElement && target.type !== 'checkbox' && target.type !== 'button') return 'text';
  if (target.getAttribute('role') === 'separator') return 'text';
  return 'page';
}

export function runShortcut(views: ViewsModel, action: ShortcutAction, textFilter: HTMLInputElement | null): void {
  const s = views.getSnapshot();
  switch (action) {
    case 'step-back':
      return views.stepBack();
    case 'step-forward':
      return views.stepForward();
    case 'toggle-pause':
      return views.togglePause();
    case 'go-start':
      return views.goStart();
    case 'go-live':
      return views.goLive();
    case 'help':
      return views.setHelp(!s.help);
    case 'theme':
      return views.toggleTheme();
    case 'escape':
      if (s.help) return views.setHelp(false);
      return views.select(null);
    case 'focus-filter':
      textFilter?.focus();
      return;
    case 'focus-terminal':
      document.querySelector<HTMLElement>('.xterm-helper-textarea')?.focus();
      return;
  }
}

export function useShortcuts(views: ViewsModel, textFilter: { current: HTMLInputElement | null }): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const target = e.target;
      // Space and Enter on a focused button press that button.
      if ((e.key === ' ' || e.key === 'Enter') && target instanceof HTMLElement && target.closest('button, summary, a')) return;
      const action = shortcutFor(e, focusZone(target));
      if (!action) return;
      e.preventDefault();
      runShortcut(views, action, textFilter.current);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [views, textFilter]);
}
