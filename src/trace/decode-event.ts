// SPDX-License-Identifier: MIT
/**
 * Frame → TraceEvent (docs/trace-protocol.md, "Events"). Never throws:
 * - a body missing a required field, or one that cannot be read, becomes a
 *   `malformed` event (with the reason and the first bytes of the body);
 * - an event type this reader does not know becomes an `unknown` event with
 *   its raw fields (so its sequence number still counts, see events.ts);
 * - unknown fields in a known event are ignored, and a repeated field is
 *   read once (its first occurrence); the order of fields is not checked;
 * - a broken field header ends the body: fields before it are used and the
 *   event carries `fieldError`.
 */
import { encodeBase64 } from './base64.js';
import { FieldError, FieldReader, readBodyFields } from './body-fields.js';
import {
  CONN_ADD_FROM_SNAPSHOT_BIT,
  LOSS_REASON,
  MALFORMED_BODY_HEAD,
  TRACE_EVENT_TYPE as E,
  TRACE_FIELD as F,
  type TraceEvent,
} from './events.js';
import type { TraceFrame } from './frame-reader.js';
import { HELLO_FLAGS, MAKE_FLAGS, errnoName } from './kdbus-names.js';
import { u64HasBit } from './u64.js';

type Base = { seq: number; time: number };
type Decoder = (f: FieldReader, base: Base) => TraceEvent;

const DECODERS: Readonly<Record<number, Decoder>> = {
  [E.AGENT_START]: (f, b) => ({
    type: 'agent-start',
    ...b,
    agent: f.string(F.TEXT),
    kernelRelease: f.string(F.NAME),
    pid: f.number(F.ID),
  }),
  [E.DOMAIN_ADD]: (f, b) => ({ type: 'domain-add', ...b, domain: f.number(F.DOMAIN), path: f.string(F.PATH) }),
  [E.DOMAIN_REMOVE]: (f, b) => ({ type: 'domain-remove', ...b, domain: f.number(F.DOMAIN) }),
  [E.BUS_ADD]: (f, b) => ({
    type: 'bus-add',
    ...b,
    domain: f.number(F.DOMAIN),
    bus: f.number(F.BUS),
    name: f.string(F.NAME),
    stat: f.stat(F.STAT),
    busInfo: f.busInfo(F.BUS_INFO, MAKE_FLAGS),
    creator: f.infos(F.KDBUS_INFO, MAKE_FLAGS)[0] ?? null,
  }),
  [E.BUS_REMOVE]: (f, b) => ({ type: 'bus-remove', ...b, bus: f.number(F.BUS) }),
  [E.ENDPOINT_ADD]: (f, b) => ({
    type: 'endpoint-add',
    ...b,
    bus: f.number(F.BUS),
    name: f.string(F.NAME),
    stat: f.stat(F.STAT),
  }),
  [E.ENDPOINT_REMOVE]: (f, b) => ({ type: 'endpoint-remove', ...b, bus: f.number(F.BUS), name: f.string(F.NAME) }),
  [E.CONN_ADD]: (f, b) => {
    const flags = f.u64(F.FLAGS);
    const info = f.infos(F.KDBUS_INFO, HELLO_FLAGS)[0];
    if (!info) throw new FieldError('missing KDBUS_INFO field');
    return {
      type: 'conn-add',
      ...b,
      bus: f.number(F.BUS),
      id: f.number(F.ID),
      flags,
      fromSnapshot: u64HasBit(flags, CONN_ADD_FROM_SNAPSHOT_BIT),
      info,
    };
  },
  [E.CONN_REMOVE]: (f, b) => ({ type: 'conn-remove', ...b, bus: f.number(F.BUS), id: f.number(F.ID) }),
  [E.NAMES]: (f, b) => ({ type: 'names', ...b, bus: f.number(F.BUS), owners: f.infos(F.KDBUS_INFO, HELLO_FLAGS) }),
  [E.MESSAGE]: (f, b) => ({ type: 'message', ...b, bus: f.number(F.BUS), msg: f.msg(F.KDBUS_MSG) }),
  [E.LOSS]: (f, b) => {
    const bus = f.number(F.BUS);
    const reason = f.reason(F.REASON);
    return {
      type: 'loss',
      ...b,
      bus: bus === 0 ? null : bus,
      count: f.number(F.COUNT),
      reason,
      reasonName:
        reason === LOSS_REASON.KERNEL_DROPPED ? 'kernel-dropped' : reason === LOSS_REASON.AGENT_DROPPED ? 'agent-dropped' : null,
    };
  },
  [E.ERROR]: (f, b) => {
    const errno = f.reason(F.REASON);
    return { type: 'error', ...b, bus: f.optionalNumber(F.BUS), errno, errnoName: errnoName(errno), text: f.string(F.TEXT) };
  },
  [E.SNAPSHOT_BEGIN]: (f, b) => ({ type: 'snapshot-begin', ...b, token: f.number(F.COUNT) }),
  [E.SNAPSHOT_END]: (f, b) => ({ type: 'snapshot-end', ...b, token: f.number(F.COUNT) }),
};

export function decodeEvent(frame: TraceFrame): TraceEvent {
  const base: Base = { seq: frame.seq, time: frame.time };
  try {
    const { fields, error } = readBodyFields(frame.body);
    const decoder = DECODERS[frame.type];
    const event: TraceEvent = decoder
      ? decoder(new FieldReader(fields), base)
      : {
          type: 'unknown',
          ...base,
          eventType: frame.type,
          fields: fields.map((x) => ({ type: x.type, data: encodeBase64(x.data) })),
        };
    if (error !== undefined) event.fieldError = error;
    return event;
  } catch (e) {
    // FieldError is the expected kind; anything else would be a decoder bug, still not the caller's problem.
    const reason = e instanceof FieldError ? e.message : `decoder failure: ${String(e)}`;
    return {
      type: 'malformed',
      ...base,
      eventType: frame.type,
      reason,
      bodySize: frame.body.length,
      bodyHead: encodeBase64(frame.body.subarray(0, MALFORMED_BODY_HEAD)),
    };
  }
}
