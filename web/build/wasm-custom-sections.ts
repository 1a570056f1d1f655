// SPDX-License-Identifier: MIT
/**
 * Custom sections of a WebAssembly binary, and a copy without them.
 *
 * v86.wasm as npm ships it carries DWARF (.debug_*) and a "name" section:
 * 470 kB of its 2.1 MB, ~100 kB of what a first visit downloads with gzip.
 * Neither is read when the module runs (custom sections never change what a
 * module does, by the WebAssembly spec); they only name functions in a
 * debugger's stack traces. So the static build serves v86.wasm without them.
 */

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];
const HEADER_BYTES = 8;
const CUSTOM_SECTION_ID = 0;

export class WasmFormatError extends Error {
  override name = 'WasmFormatError';
}

/** One section: its id, and where it starts (the id byte) and ends in the binary. */
export interface WasmSection {
  id: number;
  /** The custom section's name; '' for the other sections. */
  name: string;
  start: number;
  end: number;
}

/** An unsigned LEB128 of at most 32 bits at `at`: its value and the offset after it. */
function readU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) throw new WasmFormatError(`truncated LEB128 at byte ${at}`);
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) {
      if (value > 0xffffffff) throw new WasmFormatError(`LEB128 at byte ${at} exceeds 32 bits`);
      return [value, at + i + 1];
    }
  }
  throw new WasmFormatError(`LEB128 at byte ${at} is longer than 5 bytes`);
}

function customName(bytes: Uint8Array, contentStart: number, end: number): string {
  const [length, nameStart] = readU32(bytes, contentStart);
  if (nameStart + length > end) throw new WasmFormatError(`custom section name at byte ${contentStart} runs past its section`);
  return new TextDecoder().decode(bytes.subarray(nameStart, nameStart + length));
}

/** The sections of a WebAssembly binary, in order; throws WasmFormatError on a malformed header or framing. */
export function wasmSections(bytes: Uint8Array): WasmSection[] {
  const header = [...bytes.subarray(0, HEADER_BYTES)];
  if (header.length < HEADER_BYTES || !MAGIC.every((b, i) => header[i] === b)) {
    throw new WasmFormatError('not a WebAssembly binary (no \\0asm magic)');
  }
  if (!VERSION.every((b, i) => header[4 + i] === b)) throw new WasmFormatError('unsupported WebAssembly version');
  const sections: WasmSection[] = [];
  let at = HEADER_BYTES;
  while (at < bytes.length) {
    const id = bytes[at] as number;
    const [size, contentStart] = readU32(bytes, at + 1);
    const end = contentStart + size;
    if (end > bytes.length) throw new WasmFormatError(`section ${id} at byte ${at} runs past the end (${end} > ${bytes.length})`);
    sections.push({ id, name: id === CUSTOM_SECTION_ID ? customName(bytes, contentStart, end) : '', start: at, end });
    at = end;
  }
  return sections;
}

/** A copy of the binary without its custom sections (the input when it has none). */
export function stripCustomSections(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const sections = wasmSections(bytes);
  const kept = sections.filter((s) => s.id !== CUSTOM_SECTION_ID);
  if (kept.length === sections.length) return bytes;
  const size = kept.reduce((sum, s) => sum + s.end - s.start, HEADER_BYTES);
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, HEADER_BYTES));
  let at = HEADER_BYTES;
  for (const s of kept) {
    out.set(bytes.subarray(s.start, s.end), at);
    at += s.end - s.start;
  }
  return out;
}
