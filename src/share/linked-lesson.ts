// SPDX-License-Identifier: MIT
/**
 * A share link made during a lesson names the lesson and the step that was
 * open (ShareState.lesson). Opening it — in the page and in
 * `kdbus-playground run` alike — types the commands of every step of that
 * lesson up to and including that step, in order, and then the link's own
 * commands. Lessons build on their earlier steps (a bus made in step 1 is
 * used in step 3), so opening at step N on a fresh guest needs steps 1…N;
 * and the link does not say whether step N had run, so it is run (the usual
 * moment to share is after running a step, to show its result).
 *
 * The link keeps only the commands the user typed, not where they fell
 * between the lesson's steps, so the user's commands come after the lesson's.
 */
import type { Lesson, LessonStep } from '../lessons/types.js';
import type { ShareState } from './link.js';

export type LinkedLesson =
  | { ok: true; lesson: Lesson; steps: LessonStep[] }
  | { ok: false; reason: string };

/** The lesson a link names and its steps to replay (first through the link's step), or why not. */
export function linkedLessonSteps(lessons: readonly Lesson[], ref: NonNullable<ShareState['lesson']>): LinkedLesson {
  const lesson = lessons.find((l) => l.id === ref.id);
  if (!lesson) return { ok: false, reason: `the link's lesson "${ref.id}" is not one of this playground's lessons` };
  if (ref.step >= lesson.steps.length) {
    return { ok: false, reason: `the link's lesson "${ref.id}" has ${lesson.steps.length} steps; the link names step ${ref.step + 1}` };
  }
  return { ok: true, lesson, steps: lesson.steps.slice(0, ref.step + 1) };
}
