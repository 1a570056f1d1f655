// SPDX-License-Identifier: MIT
/**
 * Older guest images from git history (web/share/pin-history.ts), against a
 * real git repository made for the test: each commit's image lands in
 * guest/<hash>/ with bytes matching its manifest, the newest first and at
 * most `limit` of them; a commit whose file does not match its manifest is
 * skipped with a reason; no git history pins nothing and throws nothing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageHashOf } from '../../src/share/image-hash.js';
import { pinFromHistory } from '../../web/share/pin-history.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kp-pin-'));
  dirs.push(d);
  return d;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function git(repo: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, stdio: 'ignore' });
}

/** Commits an image whose kernel and initrd hold `tag`; `lie` writes a manifest sha256 the bytes do not have. */
function commitImage(repo: string, tag: string, lie = false): Promise<string> {
  const guest = join(repo, 'public/guest');
  mkdirSync(guest, { recursive: true });
  const files: Record<string, { sha256: string; size: number }> = {};
  for (const name of ['bzImage', 'initrd.img']) {
    const bytes = Buffer.from(`${name} of ${tag}\n`);
    writeFileSync(join(guest, name), bytes);
    files[name] = { sha256: lie && name === 'initrd.img' ? sha('something else') : sha(bytes), size: bytes.length };
  }
  const manifest = { kernelRelease: tag, files };
  writeFileSync(join(guest, 'manifest.json'), JSON.stringify(manifest));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', tag);
  return imageHashOf(manifest);
}

describe('pinFromHistory', () => {
  it('restores older images, newest first, verified against their manifests, up to the limit', async () => {
    const repo = tmp();
    git(repo, 'init', '-q');
    const a = await commitImage(repo, 'a');
    await commitImage(repo, 'b', true); // tampered: must be skipped
    const c = await commitImage(repo, 'c');
    const d = await commitImage(repo, 'd');
    const current = await commitImage(repo, 'current');
    const out = tmp();

    const r = await pinFromHistory(repo, out, current, 2);
    expect(r.pinned).toEqual([d, c]);
    expect(r.skipped).toEqual([]);
    expect(readFileSync(join(out, d, 'bzImage'), 'utf8')).toBe('bzImage of d\n');
    expect(JSON.parse(readFileSync(join(out, c, 'manifest.json'), 'utf8'))).toMatchObject({ kernelRelease: 'c' });
    expect(existsSync(join(out, current))).toBe(false); // the caller pins the current image

    const all = await pinFromHistory(repo, out, current, 10);
    expect(all.pinned).toEqual([a]); // d and c are there already
    expect(all.skipped).toHaveLength(1);
    expect(all.skipped[0]).toMatch(/^[0-9a-f]{12}: initrd\.img does not match its manifest$/);
  });

  it('pins nothing, quietly, without git history', async () => {
    const r = await pinFromHistory(tmp(), tmp(), '0123456789abcdef');
    expect(r).toEqual({ pinned: [], skipped: [] });
  });
});
