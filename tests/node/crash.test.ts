// SPDX-License-Identifier: MIT
/** A kernel panic in the guest is seen on the console, with a readable call trace, and reported as crashed. */
import { describe, expect, it } from 'vitest';
import type { MachineStatus } from '../../emulator/api.js';
import { bootGuest } from '../helpers/guest.js';

describe('crash detection', () => {
  it('reports a panic as crashed, with the kernel line, and can restart', async () => {
    const guest = await bootGuest('snapshot');
    try {
      const crashed = new Promise<MachineStatus>((resolve) => guest.machine.onStatus((s) => {
        if (s.state === 'crashed') resolve(s);
      }));
      // The shell's own tty runs it, as a user would type it.
      guest.machine.write(new TextEncoder().encode('echo c > /proc/sysrq-trigger\r'));
      const status = await crashed;
      expect(status).toMatchObject({ state: 'crashed', report: { kind: 'panic' } });
      expect(status.state === 'crashed' && status.report.line).toMatch(/Kernel panic - not syncing: sysrq triggered crash/);
      // KALLSYMS: the call trace names functions, not bare addresses (issue #2: readable Oops traces).
      await expect.poll(() => guest.console(), { timeout: 5000 }).toMatch(/Call Trace:\r?\n(?:.*\r?\n)*? sysrq_handle_crash\+0x[0-9a-f]+\/0x[0-9a-f]+/);
      await expect(guest.run('true')).rejects.toThrow();

      await guest.machine.restart();
      expect(guest.statuses.at(-1)).toMatchObject({ state: 'ready' });
      expect(await guest.run('echo back')).toMatchObject({ status: 0, stdout: 'back\n' });
    } finally {
      await guest.machine.stop();
    }
  });
});
