// SPDX-License-Identifier: MIT
/**
 * The views' pure logic (src/views) against a trace built byte by byte
 * from the protocol document (tests/helpers/trace-builder.ts): the tree,
 * the connection rows, the inspector's content and trust notes, the
 * timeline cursor, filters and shortcuts, and the views model's actions.
 */
import { describe, expect, it } from 'vitest';
import { encodeDbusMessage } from '../../src/dbus/encode.js';
import { BusModel } from '../../src/model/bus-model.js';
import type { MessageEntry } from '../../src/model/message-log.js';
import { decodeEvent } from '../../src/trace/decode-event.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { FrameReader } from '../../src/trace/frame-reader.js';
import { busTree, findTreeBus } from '../../src/views/bus-tree.js';
import { bytesAsText, hexDump } from '../../src/views/bytes-text.js';
import { connectionGroups } from '../../src/views/connection-rows.js';
import { busOptions, connectionOptions } from '../../src/views/filter-options.js';
import { EMPTY_FILTER, parseConnectionId, toLogFilter, toggleKind } from '../../src/views/filter-state.js';
import { formatDuration } from '../../src/views/format-units.js';
import { inspectMessage, messageTitle } from '../../src/views/inspector.js';
import { SHORTCUTS, shortcutFor } from '../../src/views/shortcuts.js';
import { countAtOrBefore, startPosition, stepBack, stepForward } from '../../src/views/timeline.js';
import { trustNote } from '../../src/views/trust-notes.js';
import { guestWantedFromSearch } from '../../web/boot-mode.js';
import { DEFAULT_PANES, ViewsModel, type StorageLike } from '../../web/views-model.js';
import { ITEM, KDBUS, TraceStream, items, kdbusInfo, kdbusMsg, notification } from '../helpers/trace-builder.js';

const ECHO = 'org.example.Echo';
const PATH = '/org/example/Echo';

function dbus(...args: Parameters<typeof encodeDbusMessage>): Uint8Array {
  const bytes = encodeDbusMessage(...args);
  return items.payloadInline(bytes.length, 0, bytes);
}

const call = () =>
  kdbusMsg(
    { flags: KDBUS.MSG_EXPECT_REPLY, dst: 0, src: 3, cookie: 7, word56: 25_000_000_000 },
    items.dstName(ECHO),
    dbus({ type: 'method_call', flags: 0, serial: 7, path: PATH, interface: ECHO, member: 'Echo', destination: ECHO }, 's', [
      { type: 's', value: 'hello' },
    ]),
    items.timestamp(4, 1_000_000, 1_700_000_000_001_000_000n),
    items.creds({ uid: 1000, euid: 1000, suid: 1000, fsuid: 1000, gid: 1000, egid: 1000, sgid: 1000, fsgid: 1000 }),
    items.pids(101, 101, 1),
    items.string(ITEM.PID_COMM, 'kdbus'),
    items.cmdline('kdbus', 'call', ECHO),
    items.string(ITEM.CONN_DESCRIPTION, 'client'),
  );

const reply = () =>
  kdbusMsg(
    { dst: 3, src: 2, cookie: 1, word56: 7 },
    dbus({ type: 'method_return', flags: 1, serial: 1, replySerial: 7, destination: ':1.3' }, 's', [{ type: 's', value: 'hello' }]),
    items.ownedName(KDBUS.NAME_PRIMARY, ECHO),
    items.timestamp(5, 1_250_000, 1_700_000_000_001_250_000n),
  );

/** Event indices in comments. */
function scenario(): TraceStream {
  return new TraceStream()
    .agentStart() // 0
    .snapshotBegin(0) // 1
    .domainAdd(1) // 2
    .snapshotEnd(0) // 3
    .busAdd(1, 1, '0-demo', {
      creator: kdbusInfo(1, KDBUS.MAKE_ACCESS_WORLD, items.attachFlags(ITEM.ATTACH_FLAGS_RECV, 0b110), items.string(ITEM.PID_COMM, 'kdbus'), items.pids(90, 90, 1)),
    }) // 4
    .endpointAdd(1) // 5
    .endpointAdd(1, '1000-custom', 0o100600) // 6
    .connAdd(1, 2, { pid: 100, description: 'echo-service', comm: 'kdbus' }) // 7
    .message(1, notification(items.idChange(ITEM.ID_ADD, 2, KDBUS.HELLO_ACCEPT_FD), [1, 500_000])) // 8
    .connAdd(1, 3, { pid: 101, uid: 1000, description: 'client' }) // 9
    .names(1, [2, KDBUS.NAME_PRIMARY, ECHO], [3, KDBUS.NAME_IN_QUEUE, ECHO]) // 10
    .message(1, call()) // 11
    .message(1, reply()) // 12
    .names(1, [3, KDBUS.NAME_PRIMARY, ECHO]) // 13: the name moved to 3
    .connRemove(1, 2) // 14
    .connAdd(1, 4, { flags: KDBUS.HELLO_ACTIVATOR, pid: 1, comm: 'init', names: [[KDBUS.NAME_ACTIVATOR, 'org.example.Lazy']] }) // 15
    .names(1, [4, KDBUS.NAME_ACTIVATOR | KDBUS.NAME_PRIMARY, 'org.example.Lazy'], [3, KDBUS.NAME_PRIMARY, ECHO]); // 16
}

function events(): TraceEvent[] {
  const reader = new FrameReader();
  const out = reader.push(scenario().bytes()).map(decodeEvent);
  expect(reader.stats.corrupt).toBe(0);
  return out;
}

function model(): BusModel {
  const m = new BusModel();
  m.applyAll(events());
  return m;
}

function messageAt(m: BusModel, eventIndex: number): MessageEntry {
  const e = m.messages.find((x) => x.eventIndex === eventIndex);
  if (!e) throw new Error(`no message at event ${eventIndex}`);
  return e;
}

describe('bus tree', () => {
  it('lists domains, buses with their properties and endpoints with their access', () => {
    const tree = busTree(model().world);
    expect(tree).toHaveLength(1);
    expect(tree[0]!.path).toBe('/sys/fs/kdbus');
    const bus = findTreeBus(tree, 1)!;
    expect(bus).toMatchObject({
      dirName: '0-demo',
      ownerUid: 0,
      modeText: '-rw-rw-rw-',
      access: 'world',
      bloomSize: 64,
      bloomHashes: 1,
      requiredMetadata: ['CREDS', 'PIDS'],
      creatorComm: 'kdbus',
      creatorPid: 90,
      connections: 2,
    });
    expect(bus.endpoints.map((e) => [e.name, e.isDefault, e.access, e.policy])).toEqual([
      ['bus', true, 'world', 'anyone may connect'],
      ['1000-custom', false, 'owner', 'only uid 0 may connect'],
    ]);
  });

  it('shows the world as of an event: before the bus, nothing; after the endpoint, both', () => {
    const m = model();
    expect(busTree(m.snapshotAt(3).world)[0]!.buses).toEqual([]);
    expect(findTreeBus(busTree(m.snapshotAt(5).world), 1)!.endpoints.map((e) => e.name)).toEqual(['bus']);
  });
});

describe('connection rows', () => {
  it('moves names between rows as ownership moves and marks queued and activator names', () => {
    const m = model();
    const at10 = connectionGroups(m.snapshotAt(10).world, null)[0]!.rows;
    expect(at10.map((r) => [r.uniqueName, r.primaryNames, r.queuedNames])).toEqual([
      [':1.2', [ECHO], []],
      [':1.3', [], [ECHO]],
    ]);
    const at13 = connectionGroups(m.snapshotAt(13).world, null)[0]!.rows;
    expect(at13.map((r) => [r.id, r.primaryNames])).toEqual([
      [2, []],
      [3, [ECHO]],
    ]);
    const live = connectionGroups(m.world, 1)[0]!.rows;
    expect(live.map((r) => r.id)).toEqual([3, 4]);
    const activator = live.find((r) => r.id === 4)!;
    expect(activator.roles).toEqual(['activator']);
    expect(activator.activatorNames).toEqual(['org.example.Lazy']);
    expect(live.find((r) => r.id === 3)).toMatchObject({ description: 'client', pid: 101, uid: 1000, comm: 'kdbus' });
    expect(live.find((r) => r.id === 3)!.metadataItems).toEqual(['CREDS', 'PIDS', 'PID_COMM', 'CONN_DESCRIPTION']);
  });

  it('filters rows by a name, a description or a unique name', () => {
    const w = model().world;
    expect(connectionGroups(w, null, 'lazy')[0]!.rows.map((r) => r.id)).toEqual([4]);
    expect(connectionGroups(w, null, ':1.3')[0]!.rows.map((r) => r.id)).toEqual([3]);
    expect(connectionGroups(w, 99)).toEqual([]);
  });

  it('offers every bus and connection seen, gone ones marked', () => {
    const m = model();
    expect(busOptions(m)).toEqual([{ ref: 1, label: '0-demo' }]);
    expect(connectionOptions(m, 1).map((c) => c.label)).toEqual([':1.2 echo-service, kdbus (gone)', ':1.3 client, kdbus', ':1.4 init']);
  });
});

describe('inspector', () => {
  it('shows the header, D-Bus fields, body, items, metadata with trust notes and the payload', () => {
    const m = model();
    const v = inspectMessage(m, messageAt(m, 11), null);
    expect(v.title).toBe('method call org.example.Echo.Echo');
    // The sender owned no name: its unique name alone.
    expect(v.from).toBe(':1.3');
    expect(v.to).toBe(':1.2 (org.example.Echo)');
    const header = Object.fromEntries(v.header.map((f) => [f.label, f.value]));
    expect(header).toMatchObject({
      cookie: '7',
      'reply cookie': '0 (not an answer)',
      flags: 'EXPECT_REPLY (1)',
      priority: '0',
      timeout: '25.0 s',
      dst_id: '0 (to the name org.example.Echo)',
      'payload type': 'DBUS',
    });
    const dbusFields = Object.fromEntries(v.dbus!.map((f) => [f.label, f.value]));
    expect(dbusFields).toMatchObject({ type: 'method_call', path: PATH, interface: ECHO, member: 'Echo', signature: 's', serial: '7' });
    expect(v.body).toEqual({ signature: 's', text: 's "hello"', values: ['s "hello"'], error: null });
    expect(v.items.map((i) => i.typeName)).toEqual(['DST_NAME', 'PAYLOAD_INLINE', 'TIMESTAMP', 'CREDS', 'PIDS', 'PID_COMM', 'CMDLINE', 'CONN_DESCRIPTION']);
    const md = Object.fromEntries(v.metadata.map((x) => [x.typeName, x.trust.source]));
    expect(md).toEqual({
      TIMESTAMP: 'kernel',
      CREDS: 'kernel',
      PIDS: 'kernel',
      PID_COMM: 'sender',
      CMDLINE: 'sender',
      CONN_DESCRIPTION: 'sender',
    });
    expect(v.metadata.find((x) => x.typeName === 'CMDLINE')!.value).toBe('"kdbus" "call" "org.example.Echo"');
    expect(v.payload!.text).toContain('org.example.Echo');
    expect(v.payload!.text).toContain('hello');
    expect(v.payload!.hex.split('\n')[0]).toMatch(/^00000000  6c 01 00 01  /);
    expect(v.pairing).toMatch(/^answered \(#\d+\) after 250 µs$/);
  });

  it('knows the answer only once the cursor has passed it', () => {
    const m = model();
    const callEntry = messageAt(m, 11);
    expect(inspectMessage(m, callEntry, 11).pairing).toBe('no answer yet');
    expect(inspectMessage(m, callEntry, 11).afterCursor).toBe(false);
    expect(inspectMessage(m, callEntry, 10).afterCursor).toBe(true);
    const r = inspectMessage(m, messageAt(m, 12), null);
    expect(r.title).toBe('method return');
    expect(r.pairing).toMatch(/^answers call #\d+, 250 µs after it$/);
    expect(r.header.find((f) => f.label === 'reply cookie')!.value).toBe('7');
  });

  it('describes kernel notifications without a D-Bus part', () => {
    const m = model();
    const n = messageAt(m, 8);
    expect(messageTitle(n)).toBe('kernel notification ID_ADD');
    const v = inspectMessage(m, n, null);
    expect(v.dbus).toBeNull();
    expect(v.body).toBeNull();
    expect(v.from).toBe('kernel');
    expect(v.items.find((i) => i.typeName === 'ID_ADD')!.summary).toBe(':1.2 (ACCEPT_FD)');
  });

  it('has a trust note for every metadata item and none for other items', () => {
    for (const n of ['TIMESTAMP', 'CREDS', 'PIDS', 'AUXGROUPS', 'OWNED_NAME', 'EXE', 'CGROUP', 'CAPS', 'SECLABEL', 'AUDIT']) {
      expect(trustNote(n)?.source, n).toBe('kernel');
    }
    for (const n of ['TID_COMM', 'PID_COMM', 'CMDLINE', 'CONN_DESCRIPTION']) expect(trustNote(n)?.source, n).toBe('sender');
    for (const n of ['DST_NAME', 'PAYLOAD_INLINE', 'FDS', 'NAME_CHANGE']) expect(trustNote(n), n).toBeNull();
  });

  it('dumps bytes as hex and text', () => {
    const bytes = new Uint8Array([0x6c, 0x01, 0x00, 0x41, 0x0a, 0x7f, 0xc3, 0xa9, 0x42]);
    // The ASCII column stays aligned on a short last line.
    expect(hexDump(bytes, 8)).toBe(`00000000  6c 01 00 41  0a 7f c3 a9  |l..A....|\n00000008  42${' '.repeat(24)}|B|`);
    expect(bytesAsText(bytes)).toBe('l··A\n·éB');
    expect(formatDuration(250_000)).toBe('250 µs');
    expect(formatDuration(1_500_000)).toBe('1.50 ms');
  });
});

describe('timeline cursor', () => {
  const msgs = [8, 11, 12];
  it('steps back one message at a time, stopping just before each', () => {
    expect(stepBack(msgs, null, 16)).toBe(11);
    expect(stepBack(msgs, 11, 16)).toBe(10);
    expect(stepBack(msgs, 10, 16)).toBe(7);
    expect(stepBack(msgs, 7, 16)).toBe(7);
  });

  it('steps forward onto each message, then live', () => {
    expect(stepForward(msgs, 7, 16)).toBe(8);
    expect(stepForward(msgs, 8, 16)).toBe(11);
    expect(stepForward(msgs, 11, 16)).toBe(12);
    expect(stepForward(msgs, 12, 16)).toBeNull();
    expect(stepForward(msgs, null, 16)).toBeNull();
    expect(startPosition(msgs)).toBe(7);
    expect(startPosition([])).toBe(-1);
    expect(countAtOrBefore(msgs, 11)).toBe(2);
  });
});

describe('filters and shortcuts', () => {
  it('turns the filter bar into a LogFilter', () => {
    expect(toLogFilter(EMPTY_FILTER)).toEqual({});
    expect(toLogFilter({ bus: 1, connection: null, name: ' org.example ', text: 'Echo', kinds: ['method-call'] })).toEqual({
      bus: 1,
      name: 'org.example',
      text: 'Echo',
      messageKinds: ['method-call'],
    });
    expect(toLogFilter({ ...EMPTY_FILTER, name: ':1.42' })).toEqual({ connection: 42 });
    expect(parseConnectionId(':1.7')).toBe(7);
    expect(parseConnectionId('x')).toBeNull();
    const off = toggleKind(null, 'notification');
    expect(off).not.toContain('notification');
    expect(toggleKind(off, 'notification')).toBeNull();
  });

  it('filters the model log the same way the views ask', () => {
    const m = model();
    const calls = m.filter({ ...toLogFilter({ ...EMPTY_FILTER, text: 'echo' }), kinds: ['message'] });
    expect(calls.map((i) => m.log[i]!.eventIndex)).toEqual([11]);
  });

  it('maps keys to actions only where they do not type', () => {
    const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
      key: k,
      ctrlKey: false,
      shiftKey: false,
      altKey: false,
      metaKey: false,
      ...mods,
    });
    expect(shortcutFor(key('ArrowLeft'), 'page')).toBe('step-back');
    expect(shortcutFor(key('?', { shiftKey: true }), 'page')).toBe('help');
    expect(shortcutFor(key('ArrowLeft'), 'terminal')).toBeNull();
    expect(shortcutFor(key('ArrowLeft'), 'text')).toBeNull();
    expect(shortcutFor(key('ArrowLeft', { ctrlKey: true, shiftKey: true }), 'terminal')).toBe('step-back');
    expect(shortcutFor(key('P', { ctrlKey: true, shiftKey: true }), 'terminal')).toBe('toggle-pause');
    expect(shortcutFor(key('t', { ctrlKey: true, shiftKey: true }), 'terminal')).toBeNull();
    expect(shortcutFor(key('c', { ctrlKey: true }), 'page')).toBeNull();
    // Every listed shortcut has a key that reaches it.
    for (const s of SHORTCUTS) expect(s.keys.length).toBeGreaterThan(0);
  });

  it('reads ?boot=none as a page without a guest', () => {
    expect(guestWantedFromSearch('?boot=none')).toBe(false);
    expect(guestWantedFromSearch('?boot=cold')).toBe(true);
    expect(guestWantedFromSearch('')).toBe(true);
  });
});

describe('views model', () => {
  class MemoryStorage implements StorageLike {
    data = new Map<string, string>();
    getItem(k: string) {
      return this.data.get(k) ?? null;
    }
    setItem(k: string, v: string) {
      this.data.set(k, v);
    }
  }

  it('feeds live batches to its model and notifies once per burst', async () => {
    const v = new ViewsModel({ hasGuest: true });
    let calls = 0;
    v.subscribe(() => calls++);
    const evs = events();
    v.ingest(evs.slice(0, 5));
    v.ingest(evs.slice(5));
    expect(calls).toBe(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(calls).toBe(1);
    expect(v.getSnapshot().model.events.length).toBe(evs.length);
    expect(v.getSnapshot().version).toBe(1);
  });

  it('pauses, steps and returns to live over the filtered messages', () => {
    const v = new ViewsModel({ hasGuest: true });
    v.ingest(events());
    v.stepBack();
    expect(v.getSnapshot().asOf).toBe(11);
    v.setFilter({ kinds: ['method-call'] });
    v.stepBack();
    expect(v.getSnapshot().asOf).toBe(10);
    v.stepForward();
    expect(v.getSnapshot().asOf).toBe(11);
    v.stepForward();
    expect(v.getSnapshot().asOf).toBeNull();
    v.togglePause();
    expect(v.getSnapshot().asOf).toBe(16);
    v.scrubTo(999);
    expect(v.getSnapshot().asOf).toBe(16);
    v.goLive();
    expect(v.getSnapshot().asOf).toBeNull();
  });

  it('selects a bus, then a connection, and clicking again clears', () => {
    const v = new ViewsModel({ hasGuest: true });
    v.selectBus(1);
    expect(v.getSnapshot().filter.bus).toBe(1);
    v.selectConnection(1, 3);
    expect(v.getSnapshot().filter).toMatchObject({ bus: 1, connection: 3 });
    v.selectConnection(1, 3);
    expect(v.getSnapshot().filter.connection).toBeNull();
    v.selectBus(1);
    expect(v.getSnapshot().filter.bus).toBeNull();
  });

  it('imports a file beside the live trace and goes back to it', () => {
    const v = new ViewsModel({ hasGuest: true });
    v.ingest(events().slice(0, 4));
    const text = events().map((e) => JSON.stringify(e)).join('\n') + '\nnot json\n';
    v.importFile('demo.jsonl', text);
    const s = v.getSnapshot();
    expect(s.source).toBe('file');
    expect(s.model.events.length).toBe(17);
    expect(s.importErrors).toBe(1);
    expect(s.notice?.text).toMatch(/^Opened demo\.jsonl: 17 events, 3 messages; 1 lines skipped \(first at line 18: not JSON/);
    v.showLive();
    expect(v.getSnapshot().model.events.length).toBe(4);
  });

  it('keeps the theme and pane sizes, within limits, across visits', () => {
    const storage = new MemoryStorage();
    const a = new ViewsModel({ hasGuest: true, storage });
    expect(a.getSnapshot().theme).toBe('dark');
    expect(a.getSnapshot().panes).toEqual(DEFAULT_PANES);
    a.toggleTheme();
    a.setPane('left', 0.99);
    a.setPane('tree', 0.3);
    const b = new ViewsModel({ hasGuest: true, storage, preferredTheme: 'dark' });
    expect(b.getSnapshot().theme).toBe('light');
    expect(b.getSnapshot().panes).toMatchObject({ left: 0.75, tree: 0.3 });
    storage.setItem('kdbus-playground.views', '{broken');
    expect(new ViewsModel({ hasGuest: true, storage, preferredTheme: 'light' }).getSnapshot().theme).toBe('light');
  });
});
