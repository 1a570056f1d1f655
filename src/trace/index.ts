// SPDX-License-Identifier: MIT
/** The trace side channel, host end: bytes → frames → events ↔ JSON lines. */
export { FrameReader, type FrameReaderStats, type TraceFrame } from './frame-reader.js';
export { decodeEvent } from './decode-event.js';
export { parseTraceLine, parseTraceLines, serializeTraceLine, type TraceLineError } from './jsonl.js';
export { validateEvent } from './validate-event.js';
export * from './events.js';
export { findItem, filterItems, type KdbusItemOf, type KdbusItemTypeName } from './kdbus-items.js';
export { metadataOf, type Metadata } from './metadata.js';
export { payloadSummary, vecPayloadBytes, type PayloadPart, type PayloadSummary } from './payload.js';
export { capabilityNames, errnoName, flagNames } from './kdbus-names.js';
export { U64_MAX, u64Equals, u64ToBigInt, u64ToNumber, type S64, type U64 } from './u64.js';
