// SPDX-License-Identifier: MIT
/**
 * What the tests that run our C programs in the guest share: compiling for
 * the guest (static i386 against our kdbus uapi header) and the closing
 * check that the guest kernel stayed clean.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../emulator/node/assets.js';
import { KERNEL_TROUBLE, type TestGuest } from './guest.js';

const CC = 'i686-linux-gnu-gcc';
const UAPI = join(REPO_ROOT, 'guest-image/kdbus/uapi');

/**
 * Compiles sources into one static i386 binary (glibc: the tests do not
 * need the musl of the guest image). Returns the binary, or why it could
 * not be built, so a test can fail with that reason.
 */
export function compileForGuest(sources: string[], binary: string, includes: string[] = []): { binary: string } | { error: string } {
  const cc = spawnSync(CC, ['--version'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    return { error: `${CC} is not installed (Debian: apt-get install gcc-i686-linux-gnu libc6-dev-i386-cross)` };
  }
  const args = ['-static', '-Os', '-s', '-Wall', '-Wextra', '-Werror', '-I', UAPI,
    ...includes.flatMap((dir) => ['-I', dir]), '-o', binary, ...sources];
  const r = spawnSync(CC, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { error: `${CC} failed on ${sources.join(' ')}:\n${r.stderr}${r.error?.message ?? ''}` };
  return { binary };
}

/** No kernel report was seen, and neither dmesg nor the console shows trouble. */
export async function expectKernelClean(guest: TestGuest): Promise<void> {
  const troubled = (text: string) => text.split('\n').filter((l) => KERNEL_TROUBLE.test(l));
  expect(troubled((await guest.run('dmesg')).stdout)).toEqual([]);
  expect(guest.reports.map((r) => `${r.kind}: ${r.line}`)).toEqual([]);
  expect(troubled(guest.console())).toEqual([]);
}
