// SPDX-License-Identifier: MIT
/**
 * guest-image/examples/kdbus-example.c in the real guest: the echo service
 * and its client over kdbus, as the README tells learners to run them.
 *
 * The example is compiled here with i686-linux-gnu-gcc (the flags of the
 * guest's own tools) and copied in with putFile, so this tests the source in
 * the tree even when public/guest/initrd.img (which ships it as
 * /usr/bin/kdbus-example) has not been rebuilt since it changed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../emulator/node/assets.js';
import { bootGuest, type TestGuest } from '../helpers/guest.js';
import { compileForGuest, expectKernelClean } from '../helpers/guest-programs.js';

const SOURCE = join(REPO_ROOT, 'guest-image/examples/kdbus-example.c');
const EXAMPLE = '/tmp/kdbus-example';

/** Builds the example; returns the binary, or why it could not be built. */
function build(dir: string): { binary: string } | { error: string } {
  return compileForGuest([SOURCE], join(dir, 'kdbus-example'));
}

describe('kdbus example (guest-image/examples/kdbus-example.c)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kp-example-'));
  let guest: TestGuest | undefined;
  let problem: string | null = null;

  /** Fails the test clearly when the example could not be built or put in. */
  function ready(): TestGuest {
    if (problem || !guest) throw new Error(problem ?? 'no guest');
    return guest;
  }

  beforeAll(async () => {
    const built = build(scratch);
    if ('error' in built) {
      problem = built.error;
      return;
    }
    guest = await bootGuest('snapshot');
    await guest.machine.putFile(EXAMPLE, new Uint8Array(readFileSync(built.binary)), 0o755);
  });

  afterAll(async () => {
    await guest?.machine.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('--make-bus: the service takes org.example.Echo and the client gets its call echoed', async () => {
    const r = await ready().run(`${EXAMPLE} --make-bus`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('made bus /sys/fs/kdbus/0-example/bus');
    expect(lines[1]).toMatch(/^service: connection \d+ owns org\.example\.Echo$/);
    expect(lines[2]).toMatch(/^service: call from connection \d+ \(pid \d+, uid 0\): "hello, kdbus"$/);
    expect(lines[3]).toMatch(/^client: reply from connection \d+: "hello, kdbus"$/);
    // The reply comes from the connection that owns the name.
    expect(lines[3]?.match(/connection (\d+)/)?.[1]).toBe(lines[1]?.match(/connection (\d+)/)?.[1]);
    expect(lines).toHaveLength(4);
  });

  it('the bus is gone once the process that made it exits', async () => {
    const r = await ready().run(`ls /sys/fs/kdbus; ${EXAMPLE} call hi`);
    expect(r.stdout).toBe('control\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/sys/fs/kdbus/0-example/bus: No such file or directory (no such bus: make it with --make-bus)');
  });

  it('service and client as separate processes on an existing bus', async () => {
    const r = await ready().run([
      `${EXAMPLE} --make-bus service >/tmp/service.log 2>&1 & svc=$!`,
      // -s: the background job may not have opened its log yet (a race that showed under load).
      'i=0; until grep -qs owns /tmp/service.log; do i=$((i+1)); [ $i -lt 50 ] || exit 9; sleep 1; done',
      `${EXAMPLE} call 'echo, echo'; c1=$?`,
      `${EXAMPLE} call 'and again'; c2=$?`,
      // The shell may say "Terminated" as it reaps the service it killed: not an error.
      '{ kill $svc; wait $svc; } 2>/dev/null',
      'cat /tmp/service.log; echo "client status $c1 $c2"',
    ].join('\n'));
    expect(r.stderr).toBe('');
    const out = r.stdout.trimEnd().split('\n');
    expect(out.filter((l) => l.startsWith('client: reply'))).toEqual([
      expect.stringMatching(/^client: reply from connection \d+: "echo, echo"$/),
      expect.stringMatching(/^client: reply from connection \d+: "and again"$/),
    ]);
    expect(out.filter((l) => l.startsWith('service: call'))).toEqual([
      expect.stringMatching(/"echo, echo"$/),
      expect.stringMatching(/"and again"$/),
    ]);
    expect(out.at(-1)).toBe('client status 0 0');
  });

  it('a call to a name nobody owns says so', async () => {
    const r = await ready().run(`${EXAMPLE} --make-bus call hi`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('kdbus-example: nobody owns org.example.Echo: start the service first\n');
  });

  it('left the kernel clean (no reports, clean dmesg)', async () => {
    await expectKernelClean(ready());
  });
});
