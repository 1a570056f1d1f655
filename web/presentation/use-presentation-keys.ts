// SPDX-License-Identifier: MIT
/**
 * Keys in presentation mode, taken before the views' own shortcuts: → runs
 * the step's commands, then goes to the next step, and at the end of the
 * lesson steps through the messages (from live, the first → goes to the
 * first message); ← goes back a step (at the first step, back a message);
 * Shift+→ / Shift+← step through messages at any time; Escape leaves
 * presentation mode (after closing the `?` help, if it is open).
 *
 * While the terminal has the focus the arrows are the shell's (cursor,
 * history): a presenter typing a command live needs them, and the lesson
 * gets them back as soon as the focus leaves the terminal (a click on the
 * lesson). PRESENTATION_KEYS says so in the `?` help, and the lesson panel
 * shows where the arrows go right now.
 */
import { useEffect, useState } from 'react';
import type { LessonsModel } from '../lessons/lessons-model.js';
import type { ViewsModel } from '../views-model.js';
import { focusZone } from '../views/keyboard.js';

/** The `?` help's presentation section. */
export const PRESENTATION_KEYS: readonly { keys: string; description: string }[] = [
  { keys: '→', description: 'Run the step’s commands, then the next step; after the last step, the next message' },
  { keys: '←', description: 'The previous step (at the first step, the previous message)' },
  { keys: 'Shift+→ / Shift+←', description: 'The next / previous message' },
  { keys: 'in the terminal', description: 'The arrows are the shell’s (cursor, history); click the lesson to step again' },
  { keys: 'Esc', description: 'Leave presentation mode' },
];

function terminalFocused(): boolean {
  return focusZone(document.activeElement) === 'terminal';
}

/** Installs the keys while `on`; returns where the arrow keys go now. */
export function usePresentationKeys(on: boolean, lessons: LessonsModel, views: ViewsModel): 'shell' | 'lesson' {
  const [inTerminal, setInTerminal] = useState(false);
  useEffect(() => {
    if (!on) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      const arrow = e.key === 'ArrowRight' || e.key === 'ArrowLeft';
      // The shell's cursor keys: left for xterm (this listener runs first, in the capture phase).
      if (arrow && focusZone(e.target) === 'terminal') return;
      if (e.key === 'ArrowRight') {
        if (e.shiftKey || !lessons.advance()) {
          if (views.getSnapshot().asOf === null) views.goStart();
          else views.stepForward();
        }
      } else if (e.key === 'ArrowLeft') {
        const s = lessons.getSnapshot();
        if (e.shiftKey || !s.lesson || s.step === 0) views.stepBack();
        else lessons.prev();
      } else if (e.key === 'Escape') {
        // The first Escape closes the `?` help (the page's handler does that), the next one leaves.
        if (views.getSnapshot().help) return;
        lessons.setPresenting(false);
      }
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    // Capture: the terminal would otherwise take the arrows as cursor keys.
    window.addEventListener('keydown', onKey, true);
    // Focus moves between elements: read where it landed once the move is over (focusout comes before focusin).
    const onFocus = () => setTimeout(() => setInTerminal(terminalFocused()), 0);
    onFocus();
    window.addEventListener('focusin', onFocus);
    window.addEventListener('focusout', onFocus);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('focusin', onFocus);
      window.removeEventListener('focusout', onFocus);
    };
  }, [on, lessons, views]);
  return on && inTerminal ? 'shell' : 'lesson';
}
