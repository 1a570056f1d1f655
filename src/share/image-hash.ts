// SPDX-License-Identifier: MIT
/**
 * The guest image's identity for share links: the first 16 hex digits of
 * sha256("bzImage <sha256>\ninitrd.img <sha256>\n") over the manifest's
 * entries. The kernel and the initramfs decide what a command does; the
 * BIOS images and the saved state do not, so they are left out (a state
 * remade for the same image keeps its links working).
 */
export interface ImageManifestLike {
  files: Record<string, { sha256: string } | undefined>;
}

export async function imageHashOf(manifest: ImageManifestLike): Promise<string> {
  const k = manifest.files['bzImage']?.sha256;
  const i = manifest.files['initrd.img']?.sha256;
  if (!k || !i) throw new Error('the guest manifest lacks bzImage or initrd.img');
  const text = `bzImage ${k}\ninitrd.img ${i}\n`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}
