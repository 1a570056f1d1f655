// SPDX-License-Identifier: MIT
/**
 * The live trace end to end: the real guest agent (/sbin/kdbus-agent)
 * watches the real kdbus, its frames cross v86's virtio console, the host
 * decodes them (src/trace) and builds the model (src/model). A scenario of
 * the kind a teacher runs — a bus, a service, a call, a signal, a call that
 * times out, a service killed while holding its name — must come out as the
 * exact event sequence, and as the model that sequence implies.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { GuestMachine } from '../../emulator/machine.js';
import { NodeAssetSource, REPO_ROOT } from '../../emulator/node/assets.js';
import { BusModel, type MessageEntry } from '../../src/model/index.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { parseTraceLines } from '../../src/trace/jsonl.js';
import { bootGuest, type TestGuest } from '../helpers/guest.js';
import { expectKernelClean } from '../helpers/guest-programs.js';

const manifest = () => JSON.parse(readFileSync(join(REPO_ROOT, 'public/guest/manifest.json'), 'utf8')) as { kernelRelease: string };

const E = 'org.example.Echo';
const P = '/org/example/Echo';

/**
 * The scenario, one shell script. The sleeps only let the service reach its
 * loop; the trace's order does not depend on them.
 */
const SCENARIO = `
kdbus bus make demo >/tmp/bus.log 2>&1 & B=$!
until [ -e /sys/fs/kdbus/0-demo/bus ]; do sleep 0.05; done
export KDBUS_BUS=0-demo
kdbus serve ${E} --interval 0 >/tmp/serve.log 2>&1 & S=$!
until grep -q 'serve: ' /tmp/serve.log; do sleep 0.05; done
kdbus call ${E} ${P} ${E} Echo s hello || exit 11
kdbus emit ${P} ${E} Tick u 7 || exit 12
kdbus call --timeout 0.3 ${E} ${P} ${E} Sleep u 3000 && exit 13
kill -9 $S; wait $S
kill $B; wait $B
exit 0
`;

/**
 * One line per event of bus 0-demo, with connection ids replaced by their
 * role (ids come from a domain-wide counter and vary with what ran before).
 * NAMES events are left out here: the agent also re-sends the name table on
 * a timer when it changed, so where exactly a NAMES lands is timing; the
 * name tables are checked through the model instead.
 */
function describeBusEvents(events: TraceEvent[], busRef: number, roles: Map<number, string>): string[] {
  const who = (id: number | string) => roles.get(Number(id)) ?? `#${id}`;
  const out: string[] = [];
  for (const e of events) {
    if (!('bus' in e) || e.bus !== busRef || e.type === 'names') continue;
    if (e.type === 'message') {
      const m = e.msg;
      const note = m.items.find((i) => i.typeName.startsWith('ID_') || i.typeName.startsWith('NAME_'));
      if (Number(m.src_id) === 0 && note) {
        out.push(`notify ${note.typeName}`);
      } else {
        out.push(`message ${who(m.src_id)} -> ${m.dst_id === 0 ? 'name' : who(m.dst_id)} ${m.flagNames.join('|') || '-'}`);
      }
    } else if (e.type === 'conn-add' || e.type === 'conn-remove') {
      out.push(`${e.type} ${who(e.id)}`);
    } else {
      out.push(e.type);
    }
  }
  return out;
}

describe('live trace of a teaching scenario', () => {
  let guest: TestGuest;
  const events: TraceEvent[] = [];
  let status = -1;
  let stderr = '';

  beforeAll(async () => {
    guest = await bootGuest('snapshot');
    guest.machine.onTrace((batch) => events.push(...batch));
    await guest.machine.traceReady();
    const r = await guest.run(SCENARIO);
    status = r.status;
    stderr = r.stderr;
    // A barrier: everything the agent saw before this has been delivered.
    await guest.machine.traceSync();
  });

  afterAll(async () => {
    await guest?.machine.stop();
  });

  it('ran the scenario', () => {
    expect(stderr).toMatch(/ETIMEDOUT|timed out/i);
    expect(status).toBe(0);
  });

  it('starts with a snapshot after the restore and has no gaps, losses or corrupt frames', () => {
    expect(events[0]).toMatchObject({ type: 'snapshot-begin' });
    expect(events.find((e) => e.type === 'snapshot-end')).toBeDefined();
    const seqs = events.map((e) => e.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    expect(events.filter((e) => e.type === 'loss' || e.type === 'error' || e.type === 'malformed')).toEqual([]);
    expect(guest.machine.traceStats().corruptFrames).toBe(0);
  });

  it('reports the bus, its connections and its messages in the exact order', () => {
    const add = events.find((e): e is Extract<TraceEvent, { type: 'bus-add' }> => e.type === 'bus-add' && e.name === '0-demo');
    expect(add).toBeDefined();
    const busRef = add!.bus;
    const connAdds = events.filter((e): e is Extract<TraceEvent, { type: 'conn-add' }> => e.type === 'conn-add' && e.bus === busRef);
    expect(connAdds).toHaveLength(4);
    const roles = new Map(connAdds.map((e, i) => [e.id, ['service', 'caller', 'emitter', 'sleeper'][i]!]));
    expect(describeBusEvents(events, busRef, roles)).toEqual([
      'bus-add',
      'endpoint-add',
      'notify ID_ADD', 'conn-add service',
      'notify NAME_ADD',
      'notify ID_ADD', 'conn-add caller',
      'message caller -> name EXPECT_REPLY',
      'message service -> caller -',
      'notify ID_REMOVE', 'conn-remove caller',
      'notify ID_ADD', 'conn-add emitter',
      'message emitter -> #18446744073709551615 SIGNAL',
      'notify ID_REMOVE', 'conn-remove emitter',
      'notify ID_ADD', 'conn-add sleeper',
      'message sleeper -> name EXPECT_REPLY',
      'notify ID_REMOVE', 'conn-remove sleeper',
      'notify NAME_REMOVE',
      'notify ID_REMOVE', 'conn-remove service',
      'bus-remove',
    ]);
  });

  it('builds the model: pairing, latency, signal, the timed-out call, the dead service', () => {
    const model = new BusModel();
    model.applyAll(events);
    expect(model.stats).toMatchObject({ malformed: 0, seqGaps: 0, losses: 0, internalErrors: 0, unpairedAnswers: 0 });
    const demo = [...model.messages].filter((m) => m.dbus !== null);
    const byMember = (member: string) => demo.filter((m) => m.dbus?.member === member);

    const [echo] = byMember('Echo');
    expect(echo).toMatchObject({ messageKind: 'method-call', destinationName: E, outcome: 'reply' });
    const reply = model.log[echo!.reply!] as MessageEntry;
    expect(reply).toMatchObject({ messageKind: 'method-return', replyTo: echo!.index, senderNames: [E] });
    expect(echo!.latencyNs).toBeGreaterThan(0);
    expect(echo!.latencyNs).toBeLessThan(5e9);
    expect(model.dbusMessage(reply)).toMatchObject({ ok: true });

    const [tick] = byMember('Tick');
    expect(tick).toMatchObject({ messageKind: 'signal', broadcast: true });
    expect(tick!.dbus).toMatchObject({ path: P, interface: E, signature: 'u' });

    const [sleep] = byMember('Sleep');
    expect(sleep).toMatchObject({ messageKind: 'method-call', reply: null, outcome: null });

    // The service died holding its name: the name went with it, and so did the bus.
    const service = model.connections.find((c) => c.comm === 'kdbus' && c.sent >= 1 && c.received >= 1 && c.removedAt !== null);
    expect(service).toBeDefined();
    expect([...model.world.buses.values()].some((b) => b.dirName === '0-demo')).toBe(false);

    // As of the Echo call, the bus had the service owning the name, and the caller.
    const then = model.snapshotAt(echo!.eventIndex).world;
    const bus = [...then.buses.values()].find((b) => b.dirName === '0-demo')!;
    expect(bus.names.get(E)?.primary?.id).toBe(reply.sender);
    expect([...bus.connections.keys()].sort()).toEqual([echo!.sender, reply.sender].sort());
  });

  it('left the guest kernel clean', async () => {
    await expectKernelClean(guest);
  });
});

describe('trace from a cold boot', () => {
  it('begins with the agent start (seq 1) and its first snapshot (token 0)', async () => {
    const machine = new GuestMachine(new NodeAssetSource());
    const events: TraceEvent[] = [];
    machine.onTrace((batch) => events.push(...batch));
    try {
      await machine.start({ mode: 'cold' });
      await machine.traceReady();
      expect(events[0]).toMatchObject({ type: 'agent-start', seq: 1, kernelRelease: manifest().kernelRelease });
      expect(events.slice(1, 4)).toMatchObject([
        { type: 'snapshot-begin', seq: 2, token: 0 },
        { type: 'domain-add', seq: 3, path: '/sys/fs/kdbus' },
        { type: 'snapshot-end', seq: 4, token: 0 },
      ]);
    } finally {
      await machine.stop();
    }
  });
});

describe('npx kdbus-playground trace', () => {
  it('prints the events as JSON lines that parse back, the command output on stderr', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/kdbus-playground.mjs'), 'trace',
      'kdbus bus make cli & until [ -e /sys/fs/kdbus/0-cli/bus ]; do sleep 0.05; done; kdbus ls; kill $!; wait'],
    { encoding: 'utf8', timeout: 180_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('0-cli');
    const { events, errors } = parseTraceLines(r.stdout);
    expect(errors).toEqual([]);
    expect(events[0]?.type).toBe('snapshot-begin');
    const types = events.map((e) => e.type);
    expect(types).toContain('bus-add');
    expect(types.indexOf('bus-remove')).toBeGreaterThan(types.indexOf('bus-add'));
    // The closing barrier's snapshot is not printed.
    expect(types.filter((t) => t === 'snapshot-begin')).toHaveLength(1);
  });
});
