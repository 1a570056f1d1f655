// SPDX-License-Identifier: MIT
/**
 * A lesson step's highlight as the views' filter: the bus (resolved by its
 * directory name in the live world, newest first), a name, a member, a
 * message kind. Clearing the highlight clears the filter.
 */
import type { LessonHighlight } from '../../src/lessons/index.js';
import { EMPTY_FILTER, type FilterState } from '../../src/views/filter-state.js';
import type { ViewsModel } from '../views-model.js';

export function highlightFilter(views: ViewsModel, h: LessonHighlight | null): FilterState {
  if (!h) return EMPTY_FILTER;
  let bus: number | null = null;
  if (h.bus) {
    for (const b of views.getSnapshot().model.world.buses.values()) if (b.dirName === h.bus) bus = Math.max(bus ?? -1, b.ref);
  }
  return { bus, connection: null, name: h.name ?? '', text: h.member ?? '', kinds: h.kind ? [h.kind] : null };
}

export function applyHighlight(views: ViewsModel, h: LessonHighlight | null): void {
  views.setFilter(highlightFilter(views, h));
}
