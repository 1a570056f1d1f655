// SPDX-License-Identifier: MIT
/**
 * A reversible filter that makes x86 machine code compress better, applied
 * to the saved state before xz (state-encoding.ts).
 *
 * Guest RAM is mostly code: the kernel and busybox. A call or jump (opcode
 * E8 / E9) stores its target relative to itself, so two calls of the same
 * function have different bytes. Rewriting the offset as an absolute
 * position makes them equal, and a compressor finds them: xz shrinks this
 * state ~4 % more, and zstd likewise. (xz's own --x86 filter does the same;
 * the browser's xz decoder has no filters, so we do it here.)
 *
 * The scan looks at an E8/E9 byte and then skips the 4 bytes after it. Only
 * offsets whose top byte is 0x00 or 0xFF (within +/-16 MiB, which real
 * branches are) are rewritten, as sign-extended 25-bit numbers, so the
 * rewritten top byte is again 0x00 or 0xFF. Decoding therefore makes the
 * same decisions at the same positions as encoding, and undoes each one
 * exactly: decode(encode(x)) = x for all bytes, code or not.
 */

const LOW_25_BITS = 0x1ffffff;
const BIT_24 = 0x1000000;

function convert(bytes: Uint8Array, encode: boolean): void {
  const last = bytes.length - 5;
  let i = 0;
  while (i <= last) {
    const op = bytes[i]!;
    if (op !== 0xe8 && op !== 0xe9) {
      i++;
      continue;
    }
    const top = bytes[i + 4]!;
    const next = i + 5;
    if (top === 0x00 || top === 0xff) {
      const value = bytes[i + 1]! | (bytes[i + 2]! << 8) | (bytes[i + 3]! << 16) | (top === 0xff ? BIT_24 : 0);
      const out = (encode ? value + next : value - next) & LOW_25_BITS;
      bytes[i + 1] = out & 0xff;
      bytes[i + 2] = (out >>> 8) & 0xff;
      bytes[i + 3] = (out >>> 16) & 0xff;
      bytes[i + 4] = out & BIT_24 ? 0xff : 0x00;
    }
    // Skipped whether rewritten or not: the positions looked at then depend
    // only on opcode bytes, which no rewrite changes, so decoding visits
    // exactly the positions encoding did.
    i = next;
  }
}

/** Rewrites relative branch offsets as absolute ones, in place. */
export function encodeX86Branches(bytes: Uint8Array): void {
  convert(bytes, true);
}

/** Undoes encodeX86Branches, in place. */
export function decodeX86Branches(bytes: Uint8Array): void {
  convert(bytes, false);
}
