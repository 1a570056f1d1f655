// SPDX-License-Identifier: MIT
/**
 * Keys in presentation mode, taken before the views' own shortcuts and the
 * terminal: → runs the step's commands, then goes to the next step, and at
 * the end of the lesson steps through the messages (from live, the first
 * → goes to the first message); ← goes back a step (at
 * the first step, back a message); Shift+→ / Shift+← step through messages
 * at any time; Escape leaves presentation mode.
 */
import { useEffect } from 'react';
import type { LessonsModel } from '../lessons/lessons-model.js';
import type { ViewsModel } from '../views-model.js';

export function usePresentationKeys(on: boolean, lessons: LessonsModel, views: ViewsModel): void {
  useEffect(() => {
    if (!on) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey) return;
      if (e.key === 'ArrowRight') {
        if (e.shiftKey || !lessons.advance()) {
          if (views.getSnapshot().asOf === null) views.goStart();
          else views.stepForward();
        }
      } else if (e.key === 'ArrowLeft') {
        const s = lessons.getSnapshot();
        if (e.shiftKey || !s.lesson || s.step === 0) views.stepBack();
        else lessons.prev();
      } else if (e.key === 'Escape') lessons.setPresenting(false);
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    // Capture: the terminal would otherwise take the arrows as cursor keys.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [on, lessons, views]);
}
