// SPDX-License-Identifier: MIT
/**
 * What a first visit transfers: for every file the page really fetched, its
 * size raw, gzip -9 and brotli (quality 11), as a static host that compresses
 * would send it. A file that does not get smaller (the xz state) counts as
 * is, since a host sends it uncompressed then.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Fetched } from './browser.js';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export interface FileSize {
  /** Site path, e.g. guest/state.bin.xz. */
  path: string;
  kind: string;
  raw: number;
  /** Bytes sent with gzip -9 (raw if that is smaller). */
  gzip: number;
  /** Bytes sent with brotli quality 11 (raw if that is smaller). */
  brotli: number;
}

export interface SizeTotals {
  raw: number;
  gzip: number;
  brotli: number;
}

export function kindOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'manifest.json') return 'manifest';
  if (name.startsWith('state.')) return 'state';
  if (/bios/.test(name)) return 'BIOS';
  if (name === 'bzImage') return 'kernel';
  if (name.startsWith('initrd')) return 'initrd';
  const ext = extname(name).slice(1).toLowerCase();
  return ({ js: 'JS', mjs: 'JS', css: 'CSS', html: 'HTML', wasm: 'wasm', json: 'JSON' } as Record<string, string>)[ext] ?? ext;
}

/**
 * Site paths (under base, without leading slash) of the successful same-site
 * fetches, each once, in first-fetch order; '' becomes index.html.
 */
export function sitePaths(fetched: readonly Fetched[], base: string): string[] {
  const baseUrl = new URL(base);
  const paths: string[] = [];
  for (const f of fetched) {
    const url = new URL(f.url);
    // blob: and data: URLs are made in the page, not transferred.
    if (url.protocol !== baseUrl.protocol) continue;
    if (url.origin !== baseUrl.origin || f.status < 200 || f.status >= 300) continue;
    if (!url.pathname.startsWith(baseUrl.pathname)) continue;
    let path = decodeURIComponent(url.pathname.slice(baseUrl.pathname.length));
    if (path === '' || path.endsWith('/')) path += 'index.html';
    if (!paths.includes(path)) paths.push(path);
  }
  return paths;
}

export async function measureFile(root: string, path: string): Promise<FileSize> {
  const bytes = await readFile(join(root, path));
  const [gz, br] = await Promise.all([
    gzipAsync(bytes, { level: 9 }),
    brotliAsync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  ]);
  return {
    path,
    kind: kindOf(path),
    raw: bytes.length,
    gzip: Math.min(bytes.length, gz.length),
    brotli: Math.min(bytes.length, br.length),
  };
}

export async function measureFiles(root: string, paths: readonly string[]): Promise<FileSize[]> {
  const sizes: FileSize[] = [];
  for (const p of paths) sizes.push(await measureFile(root, p));
  return sizes;
}

export function totals(files: readonly FileSize[]): SizeTotals {
  return files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }),
    { raw: 0, gzip: 0, brotli: 0 });
}
