// SPDX-License-Identifier: MIT
/** What the views show, derived from the views model's snapshot (memoised: worlds change rarely, messages often). */
import { useMemo } from 'react';
import type { World } from '../../src/model/world.js';
import { busTree, type TreeDomain } from '../../src/views/bus-tree.js';
import { type ConnectionGroup, connectionGroups } from '../../src/views/connection-rows.js';
import { type BusOption, type ConnectionOption, busOptions, connectionOptions } from '../../src/views/filter-options.js';
import { toLogFilter } from '../../src/views/filter-state.js';
import { type InspectorView, inspectMessage } from '../../src/views/inspector.js';
import { countAtOrBefore, effectivePosition } from '../../src/views/timeline.js';
import type { LogFilter } from '../../src/model/log-filter.js';
import type { ViewsModel, ViewsSnapshot } from '../views-model.js';
import type { TimelineInfo } from './TimelineBar.js';

export interface Derived {
  world: World;
  tree: TreeDomain[];
  groups: ConnectionGroup[];
  logFilter: LogFilter;
  buses: BusOption[];
  connections: ConnectionOption[];
  timeline: TimelineInfo;
  inspector: InspectorView | null;
}

export function useDerived(views: ViewsModel, s: ViewsSnapshot): Derived {
  const { model, version, asOf, filter, selected } = s;
  const world = useMemo(() => (asOf === null ? model.world : model.snapshotAt(asOf).world), [model, version, asOf]);
  const tree = useMemo(() => busTree(world), [world]);
  const groups = useMemo(() => connectionGroups(world, filter.bus, filter.name), [world, filter.bus, filter.name]);
  const logFilter = useMemo(() => toLogFilter(filter), [filter]);
  const buses = useMemo(() => busOptions(model), [model, version]);
  const connections = useMemo(() => connectionOptions(model, filter.bus), [model, version, filter.bus]);
  const timeline = useMemo((): TimelineInfo => {
    const events = views.messageEvents();
    const lastEvent = model.events.length - 1;
    const position = effectivePosition(asOf, lastEvent);
    return {
      asOf,
      lastEvent,
      visibleMessages: countAtOrBefore(events, position),
      totalMessages: events.length,
      time: position >= 0 ? (model.events[position]?.time ?? null) : null,
    };
  }, [views, model, version, asOf, filter]);
  const inspector = useMemo(() => {
    const e = selected === null ? undefined : model.log[selected];
    return e?.kind === 'message' ? inspectMessage(model, e, asOf) : null;
  }, [model, version, selected, asOf]);
  return { world, tree, groups, logFilter, buses, connections, timeline, inspector };
}
