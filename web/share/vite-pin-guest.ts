// SPDX-License-Identifier: MIT
/**
 * Build step (Node, used by vite.config.ts): keep guest images addressable
 * by their hash. After the build it copies dist/guest/* to
 * dist/guest/<imagehash>/, restores the newest older images from git history
 * (pin-history.ts), and writes dist/guest/images.json listing every such
 * folder, so a share link made with an earlier image can still boot it
 * (?image=<hash>). Folders a deployment carries over are listed too.
 */
import { copyFile, link, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { imageHashOf } from '../../src/share/image-hash.js';
import { IMAGE_HASH_PATTERN } from '../../src/share/link.js';
import { pinFromHistory } from './pin-history.js';
import { IMAGES_INDEX } from './pinned-images.js';

async function pin(guestDir: string, repo: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(guestDir, 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
  const hash = await imageHashOf(manifest);
  const history = await pinFromHistory(repo, guestDir, hash);
  for (const why of history.skipped) console.warn(`pinned images: skipped ${why}`);
  const into = join(guestDir, hash);
  await mkdir(into, { recursive: true });
  for (const name of await readdir(guestDir)) {
    const from = join(guestDir, name);
    if (name === IMAGES_INDEX || !(await stat(from)).isFile()) continue;
    const to = join(into, name);
    // A hard link where the file system allows it: the same bytes, no second copy on disk.
    await link(from, to).catch(() => copyFile(from, to));
  }
  const images: string[] = [];
  for (const name of (await readdir(guestDir)).sort()) {
    if (!IMAGE_HASH_PATTERN.test(name)) continue;
    if (await stat(join(guestDir, name, 'manifest.json')).then(() => true, () => false)) images.push(name);
  }
  await writeFile(join(guestDir, IMAGES_INDEX), `${JSON.stringify({ current: hash, images }, null, 1)}\n`);
  return hash;
}

/**
 * @param outDir the build's dist/
 * @param repo the git checkout whose history holds the older images
 */
export function pinGuestImage(outDir: string, repo: string): Plugin {
  return {
    name: 'kdbus-playground:pin-guest-image',
    apply: 'build',
    async closeBundle() {
      const guestDir = join(outDir, 'guest');
      if (!(await stat(join(guestDir, 'manifest.json')).then(() => true, () => false))) return;
      await pin(guestDir, repo);
    },
  };
}
