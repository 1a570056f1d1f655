// SPDX-License-Identifier: MIT
/**
 * The playground kernel's trace extension, end to end on the real guest:
 * the agent's monitor asks for X_TRACE, so a broadcast names exactly the
 * connections that took it (X_RECEIVERS), a HELLO refused for missing
 * metadata is reported (X_HELLO_REFUSED), and CONN_ADD carries each
 * connection's attach masks, and a custom endpoint's policy is reported
 * (X_ENDPOINT_POLICY). The host must turn these into the model's receivers,
 * a HELLO_REFUSED entry, the connection rows' masks and the bus tree's
 * endpoint rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagramLayout } from '../../src/diagram/diagram-layout.js';
import { BusModel, type MessageEntry } from '../../src/model/index.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { busTree } from '../../src/views/bus-tree.js';
import { connectionGroups } from '../../src/views/connection-rows.js';
import { bootGuest, type TestGuest } from '../helpers/guest.js';
import { expectKernelClean } from '../helpers/guest-programs.js';

/**
 * Two listeners on bus 0-x, one matching Tick and one matching Tock (with
 * its own masks); a Tick is broadcast. Then a bus 0-strict that requires
 * PID_COMM and CMDLINE, and a HELLO offering only CREDS (ECONNREFUSED); its
 * pid is the one `exec` keeps. (The CLI then says HELLO again offering
 * everything, to read the bus's required mask and name what was missing: that
 * second connection is real and comes after the refusal.) Listener ids come
 * from their "Listening … as :1.N." line: a connection that sends no
 * CONN_DESCRIPTION metadata (the Tock listener's mask) cannot be found by it.
 */
const SCENARIO = `
kdbus bus make x >/tmp/x.log 2>&1 & B=$!
until [ -e /sys/fs/kdbus/0-x/bus ]; do sleep 0.05; done
export KDBUS_BUS=0-x
kdbus listen --member Tick --count 1 --description tick-listener >/tmp/a.log 2>&1 & A=$!
kdbus listen --member Tock --description tock-listener --send-meta creds,pids --recv-meta timestamp >/tmp/b.log 2>&1 & L=$!
until grep -q Listening /tmp/a.log && grep -q Listening /tmp/b.log; do sleep 0.05; done
echo "tick: $(head -n 1 /tmp/a.log)"
echo "tock: $(head -n 1 /tmp/b.log)"
kdbus emit /org/example/X org.example.X Tick u 7 || exit 11
wait $A || exit 12
kill $L; wait $L
kdbus endpoint make 0-x guests --world --allow org.example.Echo:talk:world --allow 'org.example.Admin.*:own:user:1000' >/tmp/e.log 2>&1 & E=$!
until [ -e /sys/fs/kdbus/0-x/0-guests ]; do kill -0 $E || exit 15; sleep 0.05; done
sleep 0.3
kill $E; wait $E
kdbus bus make strict --require-meta pid-comm,cmdline >/tmp/s.log 2>&1 & S=$!
until [ -e /sys/fs/kdbus/0-strict/bus ]; do sleep 0.05; done
sh -c 'echo $$ >/tmp/refused.pid; exec kdbus hello --bus 0-strict --send-meta creds --description refused-one' 2>/tmp/hello.err && exit 13
grep -q ECONNREFUSED /tmp/hello.err || exit 14
echo "refused pid $(cat /tmp/refused.pid)"
kill $S $B; wait
exit 0
`;

describe('trace extension on the real guest', () => {
  let guest: TestGuest;
  const events: TraceEvent[] = [];
  let run = { status: -1, stdout: '', stderr: '' };
  const model = new BusModel();
  const busRef = (name: string) => events.find((e): e is Extract<TraceEvent, { type: 'bus-add' }> => e.type === 'bus-add' && e.name === name)?.bus;

  beforeAll(async () => {
    guest = await bootGuest('snapshot');
    guest.machine.onTrace((batch) => events.push(...batch));
    await guest.machine.traceReady();
    run = await guest.run(SCENARIO);
    await guest.machine.traceSync();
    model.applyAll(events);
  });

  afterAll(async () => {
    await guest?.machine.stop();
  });

  it('ran the scenario without losses', () => {
    expect(run.stderr).not.toMatch(/kdbus:/); // the shell's "Terminated" for killed jobs is fine
    expect(run.status).toBe(0);
    expect(model.stats).toMatchObject({ malformed: 0, seqGaps: 0, losses: 0, internalErrors: 0 });
  });

  /** The id the scenario printed for a listener. */
  const printed = (what: string) => Number(new RegExp(`^${what}: Listening on \\S+ as :1\\.(\\d+)\\.$`, 'm').exec(run.stdout)?.[1]);
  const conn = (bus: number, id: number) => model.connections.find((c) => c.bus === bus && c.id === id);

  it('gives the broadcast exactly the listener that matched it as receiver, and draws only that one', () => {
    const x = busRef('0-x')!;
    const tick = conn(x, printed('tick'))!;
    const tock = conn(x, printed('tock'))!;
    expect(tick).toMatchObject({ description: 'tick-listener' });
    expect(tock).toBeDefined();
    const signals = model.messages.filter((m) => m.bus === x && m.dbus?.member === 'Tick');
    expect(signals).toHaveLength(1);
    const sig = signals[0]!;
    expect(sig).toMatchObject({ messageKind: 'signal', broadcast: true, receivers: [tick.id] });
    expect(tick.received).toBe(1);
    expect(tock.received).toBe(0);

    const layout = new DiagramLayout({});
    layout.sync(model);
    const row = layout.rowOfLog(sig.index);
    expect(layout.exactFanOut(row)).toBe(true);
    expect(layout.fanOut(row).map((l) => l.id)).toEqual([tick.id]);
    // Both listeners had a column there: the old approximation would have drawn it to both.
    expect(layout.lifelinesIn(row, row).map((l) => l.id)).toEqual(expect.arrayContaining([tick.id, tock.id]));
  });

  it('gives kernel notifications their receivers too (possibly none), and calls none', () => {
    const x = busRef('0-x')!;
    const notes = model.messages.filter((m) => m.bus === x && (m.notification === 'ID_ADD' || m.notification === 'ID_REMOVE'));
    expect(notes.length).toBeGreaterThanOrEqual(3);
    for (const n of notes) expect(Array.isArray(n.receivers)).toBe(true);
  });

  it('reports the refused HELLO as a HELLO_REFUSED entry with its pid, comm and missing metadata', () => {
    const strict = busRef('0-strict')!;
    const pid = Number(/refused pid (\d+)/.exec(run.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    const refused = model.messages.filter((m): m is MessageEntry => m.notification === 'HELLO_REFUSED');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ bus: strict, messageKind: 'notification', sender: 0, broadcast: true, receivers: null });
    expect(refused[0]!.refused).toEqual({
      pid,
      uid: 0,
      gid: 0,
      comm: 'kdbus',
      description: 'refused-one',
      helloFlags: expect.any(Array),
      sendMask: ['CREDS'],
      requiredMask: ['PID_COMM', 'CMDLINE'],
      missing: ['PID_COMM', 'CMDLINE'],
    });
    const layout = new DiagramLayout({});
    layout.sync(model);
    expect(layout.fanOut(layout.rowOfLog(refused[0]!.index))).toEqual([]);
    // No connection was made for it: the only connection of that process is the CLI's second HELLO, after it.
    const later = model.connections.filter((c) => c.bus === strict && c.pid === pid);
    expect(later).toHaveLength(1);
    expect(later[0]!.firstEventIndex).toBeGreaterThan(refused[0]!.eventIndex);
  });

  it("puts a custom endpoint's policy (X_ENDPOINT_POLICY) into the world and the bus tree", () => {
    const x = busRef('0-x')!;
    const reports = model.messages.filter((m) => m.bus === x && m.notification === 'ENDPOINT_POLICY');
    // one when the endpoint was made (no rules yet), one after its UPDATE
    expect(reports.map((m) => m.subject?.name)).toEqual(['0-guests', '0-guests']);
    const endpointAt = (i: number) => busTree(model.snapshotAt(i).world).flatMap((d) => d.buses).find((b) => b.ref === x)!
      .endpoints.find((e) => e.name === '0-guests')!;
    expect(endpointAt(reports[0]!.eventIndex).rules).toEqual([]);
    expect(endpointAt(reports[1]!.eventIndex).rules).toEqual(['org.example.Echo: anyone may TALK', 'org.example.Admin.*: uid 1000 may OWN']);
  });

  it("shows each connection's attach masks from its CONN_ADD", () => {
    const x = busRef('0-x')!;
    const tock = conn(x, printed('tock'))!;
    const world = model.snapshotAt(tock.firstEventIndex).world;
    const row = connectionGroups(world, x)[0]!.rows.find((r) => r.id === tock.id)!;
    expect(row.attachSend).toEqual(['CREDS', 'PIDS']);
    expect(row.attachRecv).toEqual(['TIMESTAMP']);
  });

  it('left the guest kernel clean', async () => {
    await expectKernelClean(guest);
  });
});
