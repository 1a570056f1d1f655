// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { looksExecutable, planDrop, sanitizeFileName } from '../../web/file-drop.js';

describe('sanitizeFileName', () => {
  it('keeps ordinary names', () => {
    expect(sanitizeFileName('hello.c')).toBe('hello.c');
    expect(sanitizeFileName('kdbus-test_v2.sh')).toBe('kdbus-test_v2.sh');
    expect(sanitizeFileName('café.txt')).toBe('café.txt');
  });

  it('keeps only the basename', () => {
    expect(sanitizeFileName('/etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\boot.ini')).toBe('boot.ini');
    expect(sanitizeFileName('a/b/../c')).toBe('c');
  });

  it('never yields dot names or hidden files', () => {
    expect(sanitizeFileName('..')).toBe('dropped-file');
    expect(sanitizeFileName('.')).toBe('dropped-file');
    expect(sanitizeFileName('.bashrc')).toBe('bashrc');
    expect(sanitizeFileName('...hidden')).toBe('hidden');
    expect(sanitizeFileName('')).toBe('dropped-file');
  });

  it('replaces shell specials and control characters', () => {
    expect(sanitizeFileName('a b$(rm -rf).txt')).toBe('a_b__rm_-rf_.txt');
    expect(sanitizeFileName('x\ny\u0000z')).toBe('xyz');
    expect(sanitizeFileName('-rf')).toBe('rf');
    expect(sanitizeFileName("it's;`x`")).toBe('it_s__x_');
  });

  it('caps the length', () => {
    expect(sanitizeFileName('a'.repeat(1000)).length).toBe(200);
  });
});

describe('looksExecutable / planDrop', () => {
  const bytes = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : new Uint8Array(s));

  it('recognises ELF and #! scripts', () => {
    expect(looksExecutable(bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1]))).toBe(true);
    expect(looksExecutable(bytes('#!/bin/sh\necho hi\n'))).toBe(true);
    expect(looksExecutable(bytes('echo hi\n'))).toBe(false);
    expect(looksExecutable(bytes('#'))).toBe(false);
    expect(looksExecutable(new Uint8Array())).toBe(false);
  });

  it('puts files into /tmp with 0755 or 0644', () => {
    expect(planDrop('run.sh', bytes('#!/bin/sh\n'))).toEqual({ guestPath: '/tmp/run.sh', mode: 0o755 });
    expect(planDrop('../notes.txt', bytes('hello'))).toEqual({ guestPath: '/tmp/notes.txt', mode: 0o644 });
  });
});
