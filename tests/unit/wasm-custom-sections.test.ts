// SPDX-License-Identifier: MIT
// The build serves v86.wasm without custom sections: the real v86.wasm must
// keep every code section, validate, and import and export the same things.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { stripCustomSections, WasmFormatError, wasmSections } from '../../web/build/wasm-custom-sections.js';

const v86Wasm = new Uint8Array(readFileSync(createRequire(import.meta.url).resolve('v86/build/v86.wasm')));

describe('stripCustomSections on the real v86.wasm', () => {
  const stripped = stripCustomSections(v86Wasm);

  it('drops the debug info and names and nothing else', () => {
    const before = wasmSections(v86Wasm);
    expect(before.filter((s) => s.id === 0).map((s) => s.name)).toEqual(expect.arrayContaining(['name', '.debug_info']));
    const after = wasmSections(stripped);
    expect(after.filter((s) => s.id === 0)).toEqual([]);
    expect(after.map((s) => s.id)).toEqual(before.filter((s) => s.id !== 0).map((s) => s.id));
    const bytesOf = (bin: Uint8Array, s: { start: number; end: number }): number[] => [...bin.subarray(s.start, s.end)];
    after.forEach((s, i) => expect(bytesOf(stripped, s)).toEqual(bytesOf(v86Wasm, before.filter((b) => b.id !== 0)[i]!)));
    expect(stripped.length).toBeLessThan(v86Wasm.length - 400_000);
  });

  it('is a valid module with the same imports and exports', () => {
    expect(WebAssembly.validate(stripped)).toBe(true);
    const original = new WebAssembly.Module(v86Wasm);
    const module = new WebAssembly.Module(stripped);
    expect(WebAssembly.Module.imports(module)).toEqual(WebAssembly.Module.imports(original));
    expect(WebAssembly.Module.exports(module)).toEqual(WebAssembly.Module.exports(original));
  });

  it('returns a binary without custom sections unchanged', () => {
    expect(stripCustomSections(stripped)).toBe(stripped);
  });
});

describe('malformed binaries', () => {
  it('names what is wrong', () => {
    expect(() => stripCustomSections(new TextEncoder().encode('<!doctype html>'))).toThrow(/no \\0asm magic/);
    expect(() => stripCustomSections(Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0))).toThrow(/unsupported WebAssembly version/);
    expect(() => stripCustomSections(v86Wasm.subarray(0, 5000))).toThrow(/runs past the end/);
    expect(() => stripCustomSections(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0x80, 0x80))).toThrow(WasmFormatError);
  });
});
