// SPDX-License-Identifier: MIT
/**
 * The guest benchmark programs are built only by `npm run bench`, so a change
 * that breaks one would go unseen until then: each must compile as the bench
 * compiles it (static i386, -Wall -Wextra -Werror), without a warning.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../emulator/node/assets.js';
import { compileIpcBench } from '../../bench/ipc.js';

const BENCH_DIR = join(REPO_ROOT, 'guest-image/bench');
const programs = readdirSync(BENCH_DIR).filter((f) => f.endsWith('.c')).sort();

describe('guest benchmark programs', () => {
  it('are the three the bench runs', () => {
    expect(programs).toEqual(['ipc-bench.c', 'memfd-steps.c', 'trace-load.c']);
  });

  for (const program of programs) {
    it(`${program} compiles with -Wall -Wextra -Werror`, () => {
      const binary = compileIpcBench(join(BENCH_DIR, program));
      try {
        expect(statSync(binary).size).toBeGreaterThan(0);
      } finally {
        rmSync(dirname(binary), { recursive: true, force: true });
      }
    }, 60_000);
  }
});
