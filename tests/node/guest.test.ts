// SPDX-License-Identifier: MIT
/** The real guest kernel under v86 in Node: snapshot restore and cold boot. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_DIR } from '../../emulator/node/assets.js';
import { bootGuest, KERNEL_TROUBLE, type TestGuest } from '../helpers/guest.js';

const manifest = JSON.parse(readFileSync(`${GUEST_DIR}manifest.json`, 'utf8')) as { kernelRelease: string };

for (const mode of ['snapshot', 'cold'] as const) {
  describe(`guest booted from ${mode}`, () => {
    let guest: TestGuest;

    beforeAll(async () => {
      guest = await bootGuest(mode);
    });

    afterAll(async () => {
      await guest?.machine.stop();
    });

    it(`comes up in ${mode} mode and says how long it took`, () => {
      const ready = guest.statuses.find((s) => s.state === 'ready');
      expect(ready).toMatchObject({ state: 'ready', mode });
      expect(guest.console()).toMatch(/root@kdbus:~# /);
    });

    it('computes in the shell', async () => {
      expect(await guest.run('echo $((6*7))')).toEqual({ status: 0, stdout: '42\n', stderr: '' });
    });

    it('runs the kernel that was built', async () => {
      const { stdout } = await guest.run('uname -r');
      expect(stdout.trim()).toBe(manifest.kernelRelease);
    });

    it('passes the exit status and stderr through', async () => {
      expect(await guest.run('echo oops >&2; exit 7')).toEqual({ status: 7, stdout: '', stderr: 'oops\n' });
      expect((await guest.run('kill -TERM $$')).status).toBe(128 + 15);
    });

    it('types into the shell on the serial console', async () => {
      guest.machine.write(new TextEncoder().encode('echo typed-$((20+22))\r'));
      await expect.poll(() => guest.console(), { timeout: 20_000 }).toMatch(/typed-42/);
    });

    it('sleeps for real (i386 programs use the 32-bit time syscalls)', async () => {
      const { stdout, status } = await guest.run("a=$(cut -d' ' -f1 /proc/uptime); sleep 1; echo $a $(cut -d' ' -f1 /proc/uptime)");
      expect(status).toBe(0);
      const [before, after] = stdout.trim().split(' ').map(Number);
      expect(after! - before!).toBeGreaterThanOrEqual(0.95);
    });

    it('is UTF-8 clean both ways on the tty', async () => {
      guest.machine.write(new TextEncoder().encode('echo "héllo wörld ✓ $((2*3))"\r'));
      await expect.poll(() => guest.console(), { timeout: 20_000 }).toMatch(/\r\nhéllo wörld ✓ 6\r\n/);
    });

    it('has job control: Ctrl-Z stops a job, fg resumes it, Ctrl-C ends it', async () => {
      const type = (s: string) => guest.machine.write(new TextEncoder().encode(s));
      type('sleep 100\r');
      await new Promise((r) => setTimeout(r, 500));
      type('\x1a');
      await expect.poll(() => guest.console(), { timeout: 20_000 }).toMatch(/\[1\]\+\s+Stopped\s+sleep 100/);
      type('fg\r');
      await new Promise((r) => setTimeout(r, 500));
      type('\x03');
      type('echo after-$((40+2))\r');
      await expect.poll(() => guest.console(), { timeout: 20_000 }).toMatch(/after-42/);
      expect((await guest.run('pgrep -x sleep || echo none')).stdout).toBe('none\n');
    });

    it('has the mounts and the job-control tty the issue asks for', async () => {
      const { stdout } = await guest.run('cut -d" " -f2,3 /proc/mounts');
      for (const m of ['/proc proc', '/sys sysfs', '/dev devtmpfs', '/dev/pts devpts', '/tmp tmpfs', '/run tmpfs']) {
        expect(stdout).toContain(m);
      }
      // The shell's tty is the serial port and its session leader is the login shell.
      const tty = await guest.run('for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = sh ] && readlink $p/fd/0; done | sort -u');
      expect(tty.stdout).toContain('/dev/ttyS0');
    });

    it('never shows a kernel Oops, BUG, WARNING or panic', async () => {
      const { stdout } = await guest.run('dmesg');
      expect(stdout).not.toMatch(KERNEL_TROUBLE);
      expect(guest.console()).not.toMatch(KERNEL_TROUBLE);
      expect(guest.reports).toEqual([]);
    });
  });
}
