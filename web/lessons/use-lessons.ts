// SPDX-License-Identifier: MIT
/** The page's LessonsModel: built once from the bundled lessons, wired to the shell and the views. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { PlaygroundModel } from '../playground-model.js';
import type { ViewsModel } from '../views-model.js';
import { applyHighlight } from './highlight.js';
import { builtInLessons } from './lesson-files.js';
import { LessonsModel, type LessonsSnapshot } from './lessons-model.js';

export function useLessons(model: PlaygroundModel | null, views: ViewsModel): [LessonsModel, LessonsSnapshot] {
  const [lessons] = useState(() => {
    const { lessons: list, error } = builtInLessons();
    const shell = model
      ? {
          type: (text: string) => model.typeIntoShell(text),
          onConsoleText: (l: (text: string) => void) => model.onConsoleText(l),
          onTraceActivity: (l: () => void) => views.subscribe(l),
        }
      : null;
    return new LessonsModel(list, error, shell, { highlight: (h) => applyHighlight(views, h) });
  });
  useEffect(() => lessons.connect(), [lessons]);
  const snapshot = useSyncExternalStore(lessons.subscribe, lessons.getSnapshot);
  return [lessons, snapshot];
}
