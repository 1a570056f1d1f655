// SPDX-License-Identifier: MIT
/**
 * How the saved state is stored (state.bin.xz): v86's state bytes, through
 * the x86 branch filter (x86-branch-filter.ts), compressed with xz.
 *
 * Why not zstd, which v86 restores by itself: the state is most of what a
 * first visit downloads (issue #2's budget is 3 MB), and filter + xz makes
 * it ~10 % smaller than zstd -19 (2.27 vs 2.54 MB). The price is decoding
 * here, in a WebAssembly xz decoder: ~0.25 s for the ~11 MB state, which a
 * restore then hands to v86 uncompressed.
 */
import xz from 'xz-decompress';
import { ArtifactError } from './manifest.js';
import { decodeX86Branches } from './x86-branch-filter.js';

// The package is CommonJS whose exports Node cannot list: take them from its default.
const { XzReadableStream } = xz;

/** The xz header magic: FD '7zXZ' 00. */
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/** xz-embedded's error codes (enum xz_ret), which the decoder reports as numbers. */
const XZ_ERRORS: Record<number, string> = {
  3: 'out of memory',
  4: 'its dictionary is too large',
  5: 'not in xz format',
  6: 'made with options this decoder lacks',
  7: 'corrupt data',
  8: 'truncated',
};

function xzProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = /error code (\d+)/.exec(message)?.[1];
  return (code !== undefined && XZ_ERRORS[Number(code)]) || message;
}

/** v86's state bytes from the stored file; throws ArtifactError naming `file` when they cannot be had. */
export async function decodeState(file: string, stored: Uint8Array): Promise<Uint8Array> {
  if (!XZ_MAGIC.every((b, i) => stored[i] === b)) throw new ArtifactError(file, 'is not an xz file (remove it and run npm run build)');
  let raw: Uint8Array;
  try {
    const input = new Blob([stored as Uint8Array<ArrayBuffer>]).stream();
    raw = new Uint8Array(await new Response(new XzReadableStream(input)).arrayBuffer());
  } catch (err) {
    throw new ArtifactError(file, `could not be decompressed: ${xzProblem(err)} (remove it and run npm run build)`);
  }
  decodeX86Branches(raw);
  return raw;
}
