// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/trace/decode-event.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { FrameReader } from '../../src/trace/frame-reader.js';
import { parseTraceLines, serializeTraceLine } from '../../src/trace/jsonl.js';
import { EVENT, ITEM, KDBUS, concat, eventFrame, fields as F, id128, items, kdbusInfo, kdbusMsg } from '../helpers/trace-builder.js';

/** One event of every type, decoded from frames. */
function everyEvent(): TraceEvent[] {
  const info = kdbusInfo(5, KDBUS.HELLO_ACCEPT_FD, items.pids(1, 1, 0), items.caps(40, [[0, 0], [1, 2], [3, 4], [5, 6]]));
  const stream = concat(
    eventFrame(EVENT.AGENT_START, 1, 10, F.text('kdbus-agent 1'), F.name('6.1'), F.id(50)),
    eventFrame(EVENT.SNAPSHOT_BEGIN, 2, 11, F.count(0)),
    eventFrame(EVENT.DOMAIN_ADD, 3, 12, F.domain(1), F.path('/sys/fs/kdbus')),
    eventFrame(EVENT.BUS_ADD, 4, 13, F.domain(1), F.bus(1), F.name('0-a'), F.stat(0o100666, 0, 0), F.busInfo(KDBUS.FLAG_NEGOTIATE, id128(), 64, 1), F.info(kdbusInfo(1, 0, items.string(ITEM.MAKE_NAME, '0-a')))),
    eventFrame(EVENT.ENDPOINT_ADD, 5, 14, F.bus(1), F.name('bus'), F.stat(0o100666, 0, 0)),
    eventFrame(EVENT.CONN_ADD, 6, 15, F.bus(1), F.id(5), F.flags(1), F.info(info)),
    eventFrame(EVENT.NAMES, 7, 16, F.bus(1), F.info(kdbusInfo(5, 0, items.ownedName(KDBUS.NAME_PRIMARY, 'a.b')))),
    eventFrame(EVENT.SNAPSHOT_END, 8, 17, F.count(0)),
    eventFrame(
      EVENT.MESSAGE,
      9,
      18,
      F.bus(1),
      F.msg(kdbusMsg({ flags: KDBUS.MSG_SIGNAL, dst: KDBUS.DST_ID_BROADCAST, src: 5, cookie: 1 }, items.payloadInline(2, 0, new Uint8Array([1, 2])), items.timestamp(1, 2, 2n ** 60n))),
    ),
    eventFrame(EVENT.LOSS, 10, 19, F.bus(0), F.count(3), F.reason(2)),
    eventFrame(EVENT.ERROR, 11, 20, F.reason(5), F.text('oops')),
    eventFrame(EVENT.CONN_REMOVE, 12, 21, F.bus(1), F.id(5)),
    eventFrame(EVENT.ENDPOINT_REMOVE, 13, 22, F.bus(1), F.name('bus')),
    eventFrame(EVENT.BUS_REMOVE, 14, 23, F.bus(1)),
    eventFrame(EVENT.DOMAIN_REMOVE, 15, 24, F.domain(1)),
    eventFrame(EVENT.CONN_REMOVE, 16, 25, F.bus(1)), // malformed: no ID
    eventFrame(77, 17, 26, F.bus(1)), // unknown type
  );
  return new FrameReader().push(stream).map(decodeEvent);
}

describe('JSON lines', () => {
  it('round-trips every event type exactly', () => {
    const events = everyEvent();
    expect(new Set(events.map((e) => e.type)).size).toBe(17);
    const text = events.map(serializeTraceLine).join('\n') + '\n';
    expect(parseTraceLines(text)).toEqual({ events, errors: [] });
  });

  it('writes one line per event', () => {
    for (const e of everyEvent()) expect(serializeTraceLine(e)).not.toMatch(/\n/);
  });

  it('skips blank lines, accepts CRLF, and numbers lines from 1', () => {
    const [a, b] = everyEvent();
    const text = `\n${serializeTraceLine(a!)}\r\n  \n{"type":"nope","seq":1,"time":1}\n${serializeTraceLine(b!)}`;
    expect(parseTraceLines(text)).toEqual({
      events: [a, b],
      errors: [{ line: 4, message: 'type: unknown event type "nope"' }],
    });
  });

  it('reports malformed lines with their line number and what is wrong', () => {
    const lines = [
      'not json',
      '[1,2]',
      '{"type":"bus-remove","seq":1,"time":2}',
      '{"type":"bus-remove","seq":1,"time":2,"bus":"3"}',
      '{"type":"bus-remove","seq":-1,"time":2,"bus":3}',
      '{"type":"conn-add","seq":1,"time":2,"bus":1,"id":2,"flags":"12","fromSnapshot":false,"info":{"size":24,"id":2,"flags":0,"flagNames":[],"items":[]}}',
      '{"type":"conn-add","seq":1,"time":2,"bus":1,"id":2,"flags":1152921504606846976,"fromSnapshot":false,"info":{"size":24,"id":2,"flags":0,"flagNames":[],"items":[]}}',
      '{"type":"names","seq":1,"time":2,"bus":1,"owners":[{"size":24,"id":2,"flags":0,"flagNames":[],"items":[{"type":4100,"size":30,"typeName":"OWNED_NAME","name":{"flags":32,"flagNames":["PRIMARY"]}}]}]}',
      '{"type":"names","seq":1,"time":2,"bus":1,"owners":[{"size":24,"id":2,"flags":0,"flagNames":[],"items":[{"type":1,"size":16,"typeName":"MADE_UP"}]}]}',
      '{"type":"malformed","seq":1,"time":2,"eventType":9,"reason":"x","bodySize":3,"bodyHead":"not base64!"}',
    ];
    const r = parseTraceLines(lines.join('\n'));
    expect(r.events).toEqual([]);
    expect(r.errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.errors[0]!.message).toMatch(/^not JSON: /);
    expect(r.errors.slice(1).map((e) => e.message)).toEqual([
      'event: expected an object',
      'event.bus: missing',
      'event.bus: expected a non-negative integer',
      'event.seq: expected a non-negative integer',
      'event.flags: expected a u64 (safe integer or decimal string above 2^53)',
      'event.flags: expected a u64 (safe integer or decimal string above 2^53)',
      'event.owners[0].items[0].name.name: missing',
      'event.owners[0].items[0].typeName: unknown item type name',
      'event.bodyHead: expected base64',
    ]);
  });

  it('accepts keys it does not know (a newer writer)', () => {
    const r = parseTraceLines('{"type":"bus-remove","seq":1,"time":2,"bus":3,"comment":"new"}');
    expect(r.errors).toEqual([]);
    expect(r.events).toHaveLength(1);
  });

  it('reports a line nested too deeply for JSON.parse instead of throwing', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const r = parseTraceLines(`${deep}\n{"type":"bus-remove","seq":1,"time":2,"bus":3}`);
    expect(r.events).toHaveLength(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.line).toBe(1);
  });
});
