// SPDX-License-Identifier: MIT
/**
 * The React views rendered (react-dom/server) from traces recorded in the
 * real guest (tests/fixtures/traces/*.jsonl, see views-traces.md there):
 * what a user would read in the bus tree, the connection list, the
 * inspector, the timeline, the filter bar and the help overlay at chosen
 * moments of those traces.
 */
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { importTraceText, traceToJsonLines } from '../../src/export/trace-file.js';
import type { BusModel } from '../../src/model/bus-model.js';
import type { MessageEntry } from '../../src/model/message-log.js';
import { busTree } from '../../src/views/bus-tree.js';
import { connectionGroups } from '../../src/views/connection-rows.js';
import { busOptions, connectionOptions } from '../../src/views/filter-options.js';
import { EMPTY_FILTER } from '../../src/views/filter-state.js';
import { inspectMessage } from '../../src/views/inspector.js';
import { SHORTCUTS } from '../../src/views/shortcuts.js';
import { BusTree } from '../../web/views/BusTree.js';
import { ConnectionList } from '../../web/views/ConnectionList.js';
import { FilterBar } from '../../web/views/FilterBar.js';
import { HelpOverlay } from '../../web/views/HelpOverlay.js';
import { Inspector } from '../../web/views/Inspector.js';
import { TimelineBar } from '../../web/views/TimelineBar.js';

const noop = () => undefined;

function trace(name: string): BusModel {
  const text = readFileSync(new URL(`../fixtures/traces/${name}.jsonl`, import.meta.url), 'utf8');
  const { model, errors } = importTraceText(text);
  expect(errors).toEqual([]);
  expect(model.stats.internalErrors).toBe(0);
  return model;
}

/** The text a reader sees: tags dropped, entities decoded, spaces collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Event index of the first event matching `pred`. */
function eventWhere(m: BusModel, pred: (e: BusModel['events'][number]) => boolean): number {
  const i = m.events.findIndex(pred);
  if (i < 0) throw new Error('no such event in the trace');
  return i;
}

function message(m: BusModel, pred: (e: MessageEntry) => boolean): MessageEntry {
  const e = m.messages.find(pred);
  if (!e) throw new Error('no such message in the trace');
  return e;
}

const tree = (m: BusModel, at: number | null) =>
  textOf(renderToStaticMarkup(createElement(BusTree, { tree: busTree(at === null ? m.world : m.snapshotAt(at).world), selectedBus: null, onSelectBus: noop })));

/** The text of each connection row of a rendered list. */
function rowsOf(html: string): string[] {
  return html
    .split('<li class="conn-row')
    .slice(1)
    .map((part) => textOf(part.slice(part.indexOf('>') + 1)));
}

const connections = (m: BusModel, at: number | null) =>
  renderToStaticMarkup(
    createElement(ConnectionList, {
      groups: connectionGroups(at === null ? m.world : m.snapshotAt(at).world, null),
      selectedBus: null,
      selectedConnection: null,
      onSelect: noop,
    }),
  );

describe('views of echo-call.jsonl (bus, Echo service, three calls, a signal, the service killed)', () => {
  const m = trace('echo-call');
  const call = message(m, (e) => e.dbus?.member === 'Echo');

  it('the tree shows the bus while it lives, and not before or after', () => {
    // Event 0 is the snapshot's start: nothing is known yet.
    expect(tree(m, 0)).toBe('Buses No kdbusfs mount seen yet.');
    expect(tree(m, call.eventIndex)).toMatch(/0-demo owner uid 0 mode -rw-rw-rw- \(world\) bloom 64 B, 2 hashes requires no metadata flags ACCESS_WORLD now 2 connections, 1 name bus -rw-rw-rw- anyone may connect/);
    expect(tree(m, null)).toBe('Buses ▾ /sys/fs/kdbus no buses');
  });

  it('the connection list shows the service with its name and the caller, and the dying service leaves', () => {
    const html = connections(m, call.eventIndex);
    const rows = rowsOf(html);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^.*:1\.3 kdbus · pid \d+ · uid 0 org\.example\.Echo no flags · creds pids tid_comm pid_comm exe cmdline cgroup caps$/);
    expect(rows[1]).toMatch(/^.*:1\.4 kdbus · pid \d+ · uid 0 no flags · creds pids/);
    const serviceGone = eventWhere(m, (e) => e.type === 'conn-remove' && e.id === 3);
    expect(textOf(connections(m, serviceGone - 1))).toContain(':1.3');
    expect(textOf(connections(m, serviceGone))).not.toContain(':1.3');
    expect(textOf(connections(m, null))).toBe('Connections 0 No bus yet. Try kdbus serve org.example.Echo &');
  });

  it('the inspector shows the call: member, body, metadata trust, payload', () => {
    const text = textOf(renderToStaticMarkup(createElement(Inspector, { view: inspectMessage(m, call, null), onClose: noop })));
    expect(text).toMatch(/^#\d+ method call org\.example\.Echo\.Echo ✕ :1\.4 → :1\.3 \(org\.example\.Echo\) at [\d.]+ s answered \(#\d+\) after [\d.]+ (µs|ms)/);
    expect(text).toContain('member Echo');
    expect(text).toContain('interface org.example.Echo');
    expect(text).toContain('path /org/example/Echo');
    expect(text).toContain('Body s "hello"');
    expect(text).toMatch(/process name \(comm\) "kdbus" set by the sender/);
    // The guest's CMDLINE item holds argv[0] only (22 bytes in the recorded trace).
    expect(text).toMatch(/command line "kdbus" set by the sender/);
    expect(text).toMatch(/executable "\/usr\/bin\/kdbus" from the kernel/);
    expect(text).toMatch(/credentials uid 0 euid 0 .* from the kernel/);
    expect(text).toMatch(/pids pid \d+ tid \d+ ppid \d+ from the kernel/);
    expect(text).toMatch(/Payload \d+ B hex text 00000000 6c 01 00 01/);
  });

  it('the inspector shows the error answer of Fail', () => {
    const failCall = message(m, (e) => e.dbus?.member === 'Fail');
    const answer = m.log[failCall.reply!] as MessageEntry;
    const text = textOf(renderToStaticMarkup(createElement(Inspector, { view: inspectMessage(m, answer, null), onClose: noop })));
    expect(text).toMatch(/^#\d+ error org\.example\.Error\.Failed/);
    expect(text).toContain('Body s "Fail() always fails"');
    expect(text).toMatch(/answers call #\d+/);
  });

  it('the timeline counts messages up to the cursor', () => {
    const text = textOf(
      renderToStaticMarkup(
        createElement(TimelineBar, {
          info: { asOf: call.eventIndex, lastEvent: m.events.length - 1, visibleMessages: 5, totalMessages: m.messages.length, time: call.time },
          onTogglePause: noop,
          onBack: noop,
          onForward: noop,
          onStart: noop,
          onLive: noop,
          onScrub: noop,
        }),
      ),
    );
    expect(text).toBe(`‖ Paused ⇤ ◀ ▶ ⇥ message 5 / ${m.messages.length} · event ${call.eventIndex + 1} / ${m.events.length} · ${(call.time / 1e9).toFixed(6)} s · ${m.events.length - 1 - call.eventIndex} later events hidden`);
  });

  it('the filter bar offers the bus and every connection the trace showed', () => {
    const html = renderToStaticMarkup(
      createElement(FilterBar, { filter: EMPTY_FILTER, buses: busOptions(m), connections: connectionOptions(m, null), onChange: noop, onClear: noop }),
    );
    expect(textOf(html)).toMatch(/^bus all 0-demo connection all :1\.3 kdbus \(gone\) :1\.4 kdbus \(gone\) :1\.5 kdbus \(gone\) :1\.6 kdbus \(gone\) :1\.7 kdbus \(gone\) name member calls returns errors signals unicast kernel$/);
  });

  it('survives a round trip through the JSON-lines export', () => {
    const again = importTraceText(traceToJsonLines(m.events));
    expect(again.errors).toEqual([]);
    expect(again.model.events).toEqual(m.events);
    expect(again.model.messages.map((e) => e.messageKind)).toEqual(m.messages.map((e) => e.messageKind));
  });
});

describe('views of names-activator.jsonl (required metadata, custom endpoint, queue, activator)', () => {
  const m = trace('names-activator');

  it('the tree shows the required metadata and the custom endpoint', () => {
    const at = eventWhere(m, (e) => e.type === 'endpoint-add' && e.name === '0-sandbox');
    expect(tree(m, at)).toMatch(/0-demo .* requires CREDS PIDS .* bus -rw-rw-rw- anyone may connect 0-sandbox custom -rw-rw-rw- anyone may connect · name rules not in this trace$/);
  });

  it('names move: queued under :1.4, then its own when :1.3 dies; the activator marked', () => {
    const queued = eventWhere(m, (e) => e.type === 'names' && e.owners.length === 2);
    const rowsAt = (at: number) => rowsOf(connections(m, at));
    const before = rowsAt(queued);
    expect(before[0]).toMatch(/^.*:1\.3 first kdbus .* org\.example\.Name /);
    expect(before[1]).toMatch(/^.*:1\.4 second kdbus .* org\.example\.Name queued /);
    const moved = eventWhere(m, (e) => e.type === 'names' && e.owners.some((o) => Number(o.id) === 4 && o.items.some((i) => i.typeName === 'OWNED_NAME' && i.name.flagNames.includes('PRIMARY'))));
    const after = rowsAt(moved);
    expect(after.some((r) => r.includes(':1.3'))).toBe(false);
    const second = after.find((r) => r.includes(':1.4'))!;
    expect(second).toContain('org.example.Name');
    expect(second).not.toContain('queued');
    const activator = after.find((r) => r.includes(':1.5'))!;
    expect(activator).toMatch(/:1\.5 activator kdbus .* org\.example\.Lazy activator activator/);
    expect(after.find((r) => r.includes(':1.7'))).toMatch(/org\.example\.Lazy/);
  });
});

describe('help overlay', () => {
  it('lists every shortcut with its keys', () => {
    const text = textOf(renderToStaticMarkup(createElement(HelpOverlay, { diagramShortcuts: [{ keys: 'j / k', description: 'next / previous row' }], onClose: noop })));
    for (const s of SHORTCUTS) expect(text).toContain(`${s.keys.join(' ')} ${s.description}`);
    expect(text).toContain('Sequence diagram j / k next / previous row');
  });
});
