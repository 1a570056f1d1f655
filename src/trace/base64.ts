// SPDX-License-Identifier: MIT
/**
 * Standard base64 (RFC 4648 §4, with padding) for payload bytes in the JSON
 * trace format. Own code because `Buffer` is Node-only and `btoa` needs a
 * binary string built byte by byte anyway.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Chunks keep each string concatenation short and the intermediate array small.
  const CHUNK = 3 * 4096;
  for (let base = 0; base < bytes.length; base += CHUNK) {
    const end = Math.min(bytes.length, base + CHUNK);
    let s = '';
    let i = base;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
    }
    if (end - i === 1) {
      const n = bytes[i]! << 16;
      s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
    } else if (end - i === 2) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
      s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

/** Whether `s` is canonical padded base64 (what `encodeBase64` makes). */
export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

/** Number of bytes `s` decodes to (for a valid base64 string). */
export function base64ByteLength(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - pad;
}

/**
 * Decodes the first `limit` bytes (all by default). Returns null for a string
 * that is not valid base64 (as far as it is read), so the caller can treat it
 * as damaged data.
 */
export function decodeBase64(s: string, limit = Infinity): Uint8Array | null {
  if (s.length % 4 !== 0) return null;
  const total = base64ByteLength(s);
  const n = Math.min(total, limit);
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; o < n; i += 4) {
    const last = i + 4 === s.length;
    const a = LOOKUP[s.charCodeAt(i)] ?? -1;
    const b = LOOKUP[s.charCodeAt(i + 1)] ?? -1;
    // '=' may only pad the last group.
    const c = last && s[i + 2] === '=' && s[i + 3] === '=' ? 0 : (LOOKUP[s.charCodeAt(i + 2)] ?? -1);
    const d = last && s[i + 3] === '=' ? 0 : (LOOKUP[s.charCodeAt(i + 3)] ?? -1);
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    if (o < n) out[o++] = (v >> 8) & 0xff;
    if (o < n) out[o++] = v & 0xff;
  }
  return out;
}
