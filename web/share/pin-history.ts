// SPDX-License-Identifier: MIT
/**
 * Build step (Node): older guest images from git history, so share links made
 * with them keep working after a deployment that starts from a clean dist/
 * (issue #7: "keep older images addressable by hash"). The guest artifacts
 * are committed, so every image a deployment ever served is in the history
 * of public/guest/manifest.json: for the newest few commits that changed it,
 * the files its manifest lists are read from git (`git show`), checked
 * against that manifest's sha256, and written to dist/guest/<hash>/. Such a
 * folder has no saved state (a state depends on timing and is never
 * committed), so a page opened with ?image=<hash> boots it cold.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageHashOf } from '../../src/share/image-hash.js';

const GUEST_PATH = 'public/guest';
/** Each image is ~4 MB of kernel and initramfs: the newest few are what live links use. */
export const HISTORY_IMAGES = 6;

export interface HistoryPins {
  /** Image hashes written to guest/<hash>/. */
  pinned: string[];
  /** Why a commit's image was not pinned (bad manifest, a file whose bytes do not match). */
  skipped: string[];
}

interface ManifestFiles {
  files: Record<string, { sha256: string; size?: number }>;
}

function git(repo: string, args: string[]): Buffer {
  return execFileSync('git', args, { cwd: repo, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/** The image of one commit, written to guestDir/<hash>/ unless it is there already. */
async function pinCommit(repo: string, commit: string, guestDir: string, seen: Set<string>, out: HistoryPins): Promise<void> {
  const raw = git(repo, ['show', `${commit}:${GUEST_PATH}/manifest.json`]);
  const manifest = JSON.parse(raw.toString('utf8')) as ManifestFiles;
  const hash = await imageHashOf(manifest);
  if (seen.has(hash)) return;
  seen.add(hash);
  const into = join(guestDir, hash);
  if (await exists(join(into, 'manifest.json'))) return;
  const files = new Map<string, Buffer>();
  for (const [name, entry] of Object.entries(manifest.files)) {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`file name ${JSON.stringify(name)}`);
    const bytes = git(repo, ['show', `${commit}:${GUEST_PATH}/${name}`]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== entry.sha256) throw new Error(`${name} does not match its manifest`);
    files.set(name, bytes);
  }
  await mkdir(into, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(into, name), bytes);
  await writeFile(join(into, 'manifest.json'), raw);
  out.pinned.push(hash);
}

/**
 * Pins up to `limit` images older than `currentHash` from the history of
 * `repo` into `guestDir`. Without git or history (a tarball, a shallow
 * clone) it pins what it can and says nothing is wrong: the current image is
 * pinned by the caller either way.
 */
export async function pinFromHistory(repo: string, guestDir: string, currentHash: string, limit = HISTORY_IMAGES): Promise<HistoryPins> {
  const out: HistoryPins = { pinned: [], skipped: [] };
  let commits: string[];
  try {
    commits = git(repo, ['log', '--format=%H', '--', `${GUEST_PATH}/manifest.json`]).toString('utf8').split('\n').filter(Boolean);
  } catch {
    return out;
  }
  const seen = new Set([currentHash]);
  for (const c of commits) {
    if (out.pinned.length >= limit) break;
    try {
      await pinCommit(repo, c, guestDir, seen, out);
    } catch (e) {
      out.skipped.push(`${c.slice(0, 12)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}
