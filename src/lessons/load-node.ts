// SPDX-License-Identifier: MIT
/** The built-in lessons read from lessons/ in Node (the web app imports the same files with Vite's glob). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLessons } from './parse-lesson.js';
import type { Lesson } from './types.js';

export function loadLessonDir(dir: string): Lesson[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
  return parseLessons(files.map((f) => ({ file: `lessons/${f}`, text: readFileSync(join(dir, f), 'utf8') })));
}
