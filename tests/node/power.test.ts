// SPDX-License-Identifier: MIT
/**
 * The guest restarting or powering itself off: v86 cannot reset a running
 * guest (it panics or hangs), so the machine restarts it itself, or stops
 * with the reason, and nothing hangs (emulator/power-detector.ts).
 */
import { describe, expect, it } from 'vitest';
import type { BootMode, MachineStatus } from '../../emulator/api.js';
import { bootGuest, KERNEL_TROUBLE } from '../helpers/guest.js';

function nextStatus(statuses: MachineStatus[], from: number, state: MachineStatus['state']): Promise<MachineStatus> {
  return expect.poll(() => statuses.slice(from).find((s) => s.state === state), { timeout: 60_000 }).toBeTruthy()
    .then(() => statuses.slice(from).find((s) => s.state === state)!);
}

describe('guest power events', () => {
  // Typed as a user types them: `reboot` lets busybox init stop everything before the
  // kernel restarts; SysRq-B resets at once, without kernel_restart()'s line.
  const restarts: Array<{ mode: BootMode; command: string; line: RegExp }> = [
    { mode: 'snapshot', command: 'reboot', line: /reboot: Restarting system/ },
    { mode: 'cold', command: 'reboot', line: /reboot: Restarting system/ },
    { mode: 'cold', command: 'echo b > /proc/sysrq-trigger', line: /sysrq: Resetting/ },
  ];
  for (const { mode, command, line } of restarts) {
    it(`${command} restarts the machine (${mode})`, async () => {
      const guest = await bootGuest(mode);
      try {
        expect(await guest.run('echo $$ > /tmp/before')).toMatchObject({ status: 0 });
        const from = guest.statuses.length;
        guest.machine.write(new TextEncoder().encode(`${command}\r`));
        expect(await nextStatus(guest.statuses, from, 'stopped')).toEqual({ state: 'stopped', reason: 'the guest restarted itself' });
        expect(await nextStatus(guest.statuses, from, 'ready')).toMatchObject({ state: 'ready', mode });
        expect(guest.console()).toMatch(line);
        // A fresh machine: /tmp is empty again, and commands run.
        expect(await guest.run('ls /tmp/before 2>&1; echo $((6*7))')).toMatchObject({ status: 0, stdout: expect.stringMatching(/No such file[\s\S]*\n42\n$/) });
        expect(guest.statuses.filter((s) => s.state === 'crashed' || s.state === 'error')).toEqual([]);
        expect(guest.console()).not.toMatch(KERNEL_TROUBLE);
      } finally {
        await guest.machine.stop();
      }
    }, 120_000);
  }

  it('poweroff stops the machine with the reason, and Restart brings it back', async () => {
    const guest = await bootGuest('snapshot');
    try {
      const from = guest.statuses.length;
      const pending = guest.run('poweroff -f');
      await expect(pending).rejects.toThrow(/the guest halted/);
      // The pending command fails as the machine stops; the status follows once the emulator is gone.
      await expect.poll(() => guest.statuses.slice(from)).toEqual([{ state: 'stopped', reason: 'the guest halted' }]);
      await guest.machine.restart();
      expect(await guest.run('echo back')).toMatchObject({ status: 0, stdout: 'back\n' });
    } finally {
      await guest.machine.stop();
    }
  }, 120_000);
});
