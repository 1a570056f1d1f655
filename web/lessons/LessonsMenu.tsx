// SPDX-License-Identifier: MIT
/** The header's Lessons menu: every built-in lesson, by topic; choosing one opens its step panel. */
import { useEffect, useRef } from 'react';
import type { LessonsModel, LessonsSnapshot } from './lessons-model.js';

export function LessonsMenu({ lessons, s }: { lessons: LessonsModel; s: LessonsSnapshot }) {
  const root = useRef<HTMLDivElement>(null);
  // A click elsewhere or Escape closes the open menu, as menus do.
  useEffect(() => {
    if (!s.menuOpen) return;
    const down = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) lessons.setMenu(false);
    };
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') lessons.setMenu(false);
    };
    window.addEventListener('mousedown', down);
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener('mousedown', down);
      window.removeEventListener('keydown', key);
    };
  }, [s.menuOpen, lessons]);
  return (
    <div className="menu lessons-menu" ref={root}>
      <button type="button" aria-expanded={s.menuOpen} aria-haspopup="menu" data-testid="lessons-button" onClick={() => lessons.setMenu(!s.menuOpen)}>
        Lessons ▾
      </button>
      {s.menuOpen && (
        <div className="menu-items lessons-items" role="menu" data-testid="lessons-menu">
          {s.loadError && <div className="notice-bad small">{s.loadError}</div>}
          {s.lessons.map((l) => (
            <button key={l.id} type="button" role="menuitem" data-lesson={l.id} onClick={() => lessons.open(l.id)}>
              <span className="lesson-topic">{l.topic}.</span> {l.title}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
