// SPDX-License-Identifier: MIT
/**
 * A share link's replay in the real guest: fresh guests restored from the
 * saved state, the commands TYPED INTO THE CONSOLE (ttyS0) one by one by
 * CommandReplay — the very code the page's replay uses — and the agent's
 * trace normalised. Two runs of the same commands must give equal
 * normalised traces; a different command sequence must not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GuestMachine } from '../../emulator/machine.js';
import { NodeAssetSource } from '../../emulator/node/assets.js';
import { normaliseTrace } from '../../src/share/normalise.js';
import { CommandReplay } from '../../src/share/replay.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { KERNEL_TROUBLE } from '../helpers/guest.js';

const E = 'org.example.Echo';
const SCENARIO = [
  'kdbus bus make demo &',
  `kdbus serve ${E} &`,
  `kdbus call ${E} /org/example/Echo ${E} Echo s hello`,
  'kdbus list',
  'kill %2',
  'kill %1',
];

const machines: GuestMachine[] = [];
afterEach(async () => {
  for (const m of machines.splice(0)) await m.stop();
});

async function replayInFreshGuest(commands: string[]): Promise<{ events: TraceEvent[]; console: string }> {
  const machine = new GuestMachine(new NodeAssetSource());
  machines.push(machine);
  const events: TraceEvent[] = [];
  let text = '';
  const decoder = new TextDecoder();
  const replay = new CommandReplay(commands, { type: (t) => machine.write(new TextEncoder().encode(t)) });
  machine.onConsole((b) => {
    const chunk = decoder.decode(b, { stream: true });
    text += chunk;
    replay.console(chunk);
  });
  machine.onTrace((batch) => {
    events.push(...batch);
    replay.activity();
  });
  await machine.start({ mode: 'snapshot', cols: 100, rows: 30 });
  const result = await replay.run();
  expect(result, text.slice(-1500)).toEqual({ ok: true, commands: commands.length });
  // Everything the agent made before this point is delivered (the sync's own snapshot is dropped by normalising).
  await machine.traceSync();
  await machine.stop();
  expect(text).not.toMatch(KERNEL_TROUBLE);
  return { events, console: text };
}

describe('share link replay in the real guest', () => {
  it('two replays of the same commands give the same normalised trace; another sequence differs', async () => {
    const a = await replayInFreshGuest(SCENARIO);
    const b = await replayInFreshGuest(SCENARIO);
    const na = normaliseTrace(a.events);
    const nb = normaliseTrace(b.events);
    // The scenario really happened: the call and its reply are in the trace.
    const members = JSON.stringify(na);
    expect(na.filter((e) => e.type === 'conn-add').length).toBeGreaterThanOrEqual(3);
    expect(na.some((e) => e.type === 'bus-remove')).toBe(true);
    expect(a.console).toContain('hello');
    expect(members).toContain('org.example.Echo');
    // The raw traces differ (times at least); the normalised ones are equal.
    expect(a.events.map((e) => e.time)).not.toEqual(b.events.map((e) => e.time));
    expect(nb).toEqual(na);

    const other = SCENARIO.map((c) => c.replace('s hello', 's bye'));
    const c = await replayInFreshGuest(other);
    expect(normaliseTrace(c.events)).not.toEqual(na);
  });
});
