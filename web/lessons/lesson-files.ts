// SPDX-License-Identifier: MIT
/**
 * The built-in lessons, bundled by Vite from lessons/*.md as text and parsed
 * with the same parser Node uses. A broken file does not break the page: the
 * menu shows its error instead.
 */
import { LessonError, parseLessons, type Lesson } from '../../src/lessons/index.js';

const files = import.meta.glob('../../lessons/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export function builtInLessons(): { lessons: Lesson[]; error: string | null } {
  const list = Object.entries(files)
    .filter(([path]) => !path.endsWith('/README.md'))
    .map(([path, text]) => ({ file: path.replace(/^(\.\.\/)+/, ''), text }));
  try {
    return { lessons: parseLessons(list), error: null };
  } catch (err) {
    return { lessons: [], error: err instanceof LessonError ? err.message : String(err) };
  }
}
