// SPDX-License-Identifier: MIT
/**
 * The open lesson's step: title, prose, the commands it types into the
 * shell, and the controls (previous, run, next, present, close). In
 * presentation mode the same panel is shown large.
 */
import type { LessonsModel, LessonsSnapshot } from './lessons-model.js';
import { Markdown } from './Markdown.js';

function runText(s: LessonsSnapshot, commands: number): string | null {
  const r = s.run;
  if (!r || r.step !== s.step) return s.ran.includes(s.step) ? 'ran' : null;
  if (r.state === 'running') return `typing ${r.command + 1}/${commands}…`;
  if (r.state === 'failed') return `stopped: ${r.reason}`;
  return 'ran';
}

/** @param arrowsTo in presentation mode, where → and ← go now (the shell while the terminal has the focus). */
export function LessonPanel({ lessons, s, arrowsTo = 'lesson' }: { lessons: LessonsModel; s: LessonsSnapshot; arrowsTo?: 'shell' | 'lesson' }) {
  const lesson = s.lesson;
  if (!lesson) return null;
  const step = lesson.steps[s.step]!;
  const status = runText(s, step.commands.length);
  const running = s.run?.state === 'running';
  return (
    <section className="pane lesson-panel" data-testid="lesson-panel" data-step={s.step} aria-label="Lesson">
      <h2 className="pane-title">
        <span className="lesson-title">{lesson.title}</span>
        <span className="lesson-count" data-testid="lesson-step-count">
          step {s.step + 1} of {lesson.steps.length}
        </span>
        <button type="button" className="icon-button" onClick={() => lessons.close()} aria-label="Close the lesson">
          ✕
        </button>
      </h2>
      <div className="pane-body lesson-body">
        {s.step === 0 && lesson.intro && <Markdown text={lesson.intro} />}
        <h3 className="lesson-step-title" data-testid="lesson-step-title">{step.title}</h3>
        <Markdown text={step.prose} />
        {step.typed && <p className="lesson-type-this">Type this in the shell:</p>}
        {step.commands.length > 0 && (
          <pre className="lesson-commands" data-testid="lesson-commands">
            {step.commands.map((c, i) => (
              <div key={i} className={s.run?.state === 'running' && s.run.step === s.step && s.run.command === i ? 'lesson-command current' : 'lesson-command'}>
                $ {c}
              </div>
            ))}
          </pre>
        )}
      </div>
      <div className="lesson-controls">
        <button type="button" onClick={() => lessons.prev()} disabled={s.step === 0 || running} aria-label="Previous step">
          ← Back
        </button>
        {step.commands.length > 0 && !step.typed && (
          <button type="button" onClick={() => void lessons.runStep()} disabled={!lessons.canRun || running} data-testid="lesson-run">
            {s.ran.includes(s.step) ? 'Run again' : 'Run'}
          </button>
        )}
        <button type="button" onClick={() => lessons.next()} disabled={s.step + 1 >= lesson.steps.length || running} aria-label="Next step">
          Next →
        </button>
        <span className="lesson-status muted small" data-testid="lesson-status">{status}</span>
        {s.presenting && (
          <span className="lesson-keys muted small" data-testid="lesson-keys" data-arrows={arrowsTo}>
            {arrowsTo === 'shell' ? '← → move in the shell; click here to step the lesson' : '← → step the lesson · ? keys'}
          </span>
        )}
        <button type="button" className="lesson-present" onClick={() => lessons.setPresenting(!s.presenting)} data-testid="lesson-present">
          {s.presenting ? 'Leave presentation' : 'Present'}
        </button>
      </div>
    </section>
  );
}
