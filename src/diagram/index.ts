// SPDX-License-Identifier: MIT
/** The sequence diagram as data: layout, geometry and words, for web/diagram and exports. */
export { DiagramLayout, MAX_ARC_LANES, involvedIds, narrowsConnections } from './diagram-layout.js';
export type { Arc, BusGroup, Lifeline, LifelineKind } from './types.js';
export * from './metrics.js';
export { type Shape } from './shapes.js';
export { isPendingAsOf, rowKind, rowShapes, type RowDrawing, type RowKind } from './row-shapes.js';
export { arcBulge, arcShapes, lastRowOf, lifelineShapes, nowShapes, type WindowDrawing } from './lifeline-shapes.js';
export { headerView, type HeaderCell, type HeaderGroup, type HeaderView } from './header-cells.js';
export { BROADCAST_NOTE, FANOUT_LEGEND, rowSummary, type RowSummary } from './row-summary.js';
export { partnerOf, stepSelection } from './navigation.js';
export { RENDER_CHUNK, renderWindow, rowAtY, scrollTopFor, visibleRows, type RowRange } from './visible-window.js';
export { bandLabel, entryTimeNs, fitText, formatDuration, formatOffset, messageLabel, refusalLabel, uniqueName } from './row-text.js';
