// SPDX-License-Identifier: MIT
/**
 * Older guest images, kept addressable by hash: the build copies the guest
 * to guest/<hash>/ and lists every such folder in guest/images.json
 * (vite.config.ts). A page opened with ?image=<hash> boots that folder.
 * The index is fetched only when a share link names another image.
 */
import { IMAGE_HASH_PATTERN } from '../../src/share/link.js';

export const PINNED_PARAM = 'image';
export const IMAGES_INDEX = 'images.json';

/** Hashes the deployment keeps (none when the index is missing or unreadable). */
export async function pinnedImages(guestRoot: URL): Promise<string[]> {
  try {
    const r = await fetch(new URL(IMAGES_INDEX, guestRoot));
    if (!r.ok) return [];
    const index: unknown = await r.json();
    const list = typeof index === 'object' && index !== null ? (index as { images?: unknown }).images : undefined;
    return Array.isArray(list) ? list.filter((h): h is string => typeof h === 'string' && IMAGE_HASH_PATTERN.test(h)) : [];
  } catch {
    return [];
  }
}

/** The pinned image a page URL asks for (?image=<hash>), or null. */
export function pinnedImageFromSearch(search: string): string | null {
  const h = new URLSearchParams(search).get(PINNED_PARAM);
  return h !== null && IMAGE_HASH_PATTERN.test(h) ? h : null;
}
