// SPDX-License-Identifier: MIT
/**
 * The kdbus smoke probes (guest-image/tests/probes): scenario programs that
 * walk whole features end to end (probe6: metadata, namespaces, fake
 * credentials, required metadata). Each check prints "ok" or "FAIL"; the
 * program exits non-zero on any FAIL. Run in the real guest, one boot.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../emulator/node/assets.js';
import { bootGuest, type TestGuest } from '../helpers/guest.js';
import { compileForGuest, expectKernelClean } from '../helpers/guest-programs.js';

const dir = join(REPO_ROOT, 'guest-image/tests/probes');
const probes = readdirSync(dir).filter((f) => /^probe\d+\.c$/.test(f)).sort().map((f) => f.slice(0, -2));
const out = mkdtempSync(join(tmpdir(), 'kp-probes-'));

function compile(name: string): string {
  const built = compileForGuest([join(dir, `${name}.c`)], join(out, name), [dir]);
  if ('error' in built) throw new Error(built.error);
  return built.binary;
}

describe('kdbus probes in the guest', () => {
  let guest: TestGuest;

  beforeAll(async () => {
    guest = await bootGuest('snapshot');
  });

  afterAll(async () => {
    await guest?.machine.stop();
    rmSync(out, { recursive: true, force: true });
  });

  for (const name of probes) {
    it(`${name} passes every check`, async () => {
      await guest.machine.putFile(`/tmp/${name}`, new Uint8Array(readFileSync(compile(name))), 0o755);
      const r = await guest.run(`/tmp/${name}`);
      const fails = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
      expect(fails).toEqual([]);
      expect(r.stdout).toMatch(/^ok /m);
      expect(r.status).toBe(0);
    });
  }

  it('left the kernel clean', async () => {
    await expectKernelClean(guest);
  });
});
