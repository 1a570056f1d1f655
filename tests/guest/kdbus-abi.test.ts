// SPDX-License-Identifier: MIT
/**
 * The uapi header's layout is the ABI: guest-image/kdbus/uapi-check asserts
 * every struct size, field offset and ioctl number of the spec at compile
 * time. Compile it for i386 (the guest) and for the host's x86_64, where
 * the spec says the ABI is byte-identical.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../emulator/node/assets.js';

const source = join(REPO_ROOT, 'guest-image/kdbus/uapi-check/kdbus-abi-check.c');
const include = join(REPO_ROOT, 'guest-image/kdbus/uapi');

describe('kdbus uapi header', () => {
  for (const cc of ['i686-linux-gnu-gcc', 'gcc']) {
    it(`matches the spec's layouts and numbers (${cc})`, () => {
      const r = spawnSync(cc, ['-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-I', include, source], { encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
