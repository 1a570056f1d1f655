// SPDX-License-Identifier: MIT
/** The bus world model: what the views import. */
export { BusModel, type ConnectionRecord, type ModelStats, type WorldView } from './bus-model.js';
export type * from './world.js';
export type * from './message-log.js';
export { answerAsOf } from './message-log.js';
export type { LogFilter } from './log-filter.js';
export type { DbusSummary } from './dbus-summary.js';
export type { RemovalCause, SnapshotRemovals } from './world-reducer.js';
