// SPDX-License-Identifier: MIT
/**
 * CRC-32 with the IEEE 802.3 polynomial (reflected 0xEDB88320), the one of
 * zlib's `crc32()`, which the guest agent uses for its frame checksums.
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * Continues a CRC over `bytes[start, end)`; start with `crc = 0`, like zlib
 * (`crc32(crc32(0, a), b) === crc32(0, a ++ b)`).
 */
export function crc32(bytes: Uint8Array, crc = 0, start = 0, end = bytes.length): number {
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) c = (TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)) >>> 0;
  return ~c >>> 0;
}
