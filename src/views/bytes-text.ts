// SPDX-License-Identifier: MIT
/** Bytes as a classic hex dump and as readable text, for the inspector's payload view. */

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

/**
 * `xxd`-like lines: offset, 16 bytes in hex (two groups of 8), the same
 * bytes as ASCII with non-printables as '.'.
 */
export function hexDump(bytes: Uint8Array, width = 16): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += width) {
    const row = bytes.subarray(at, at + width);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < width; i++) {
      const b = row[i];
      if (i === width / 2) hex += ' ';
      hex += b === undefined ? '   ' : hex2(b) + ' ';
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines.join('\n');
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * The bytes read as UTF-8, with control characters (NUL padding, length
 * words) shown as '·' so that strings inside a D-Bus message stand out;
 * newlines and tabs are kept.
 */
export function bytesAsText(bytes: Uint8Array): string {
  return utf8.decode(bytes).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '·');
}
