// SPDX-License-Identifier: MIT
/** Node keeps the decoded saved state, by the sha256 of the stored one, so restores skip the xz decoding. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GUEST_DIR, NodeAssetSource } from '../../emulator/node/assets.js';
import { sha256Hex } from '../../src/guest/manifest.js';
import { decodeState } from '../../src/guest/state-encoding.js';
import { STATE_FILE } from '../../src/guest/state.js';

const cache = mkdtempSync(join(tmpdir(), 'kp-state-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('the decoded state cache', () => {
  it('decodes once, then reads the cache; a new state replaces the old one', async () => {
    const stored = new Uint8Array(readFileSync(join(GUEST_DIR, STATE_FILE)));
    const sha = await sha256Hex(stored);
    const source = new NodeAssetSource(GUEST_DIR, cache);
    const raw = await source.decodeState(stored, sha);
    expect(Buffer.compare(raw, await decodeState(STATE_FILE, stored))).toBe(0);
    expect(readdirSync(cache)).toEqual([`${sha}.state`]);

    // The second time the cache answers: what it holds is what comes back.
    writeFileSync(join(cache, `${sha}.state`), 'cached');
    expect(new TextDecoder().decode(await source.decodeState(stored, sha))).toBe('cached');

    await source.decodeState(stored, 'f'.repeat(64));
    expect(readdirSync(cache)).toEqual([`${'f'.repeat(64)}.state`]);
  }, 60_000);

  it('caches nothing it could not decode', async () => {
    const source = new NodeAssetSource(GUEST_DIR, cache);
    await expect(source.decodeState(new TextEncoder().encode('not xz'), 'a'.repeat(64))).rejects.toThrow(/is not an xz file/);
    expect(existsSync(join(cache, `${'a'.repeat(64)}.state`))).toBe(false);
  });
});
