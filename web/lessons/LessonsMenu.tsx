// SPDX-License-Identifier: MIT
/** The header's Lessons menu: every built-in lesson, by topic; choosing one opens its step panel. */
import type { LessonsModel, LessonsSnapshot } from './lessons-model.js';

export function LessonsMenu({ lessons, s }: { lessons: LessonsModel; s: LessonsSnapshot }) {
  return (
    <div className="menu lessons-menu">
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
