// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { bootModeFromSearch } from '../../web/boot-mode.js';

describe('bootModeFromSearch', () => {
  it('is cold only for ?boot=cold', () => {
    expect(bootModeFromSearch('?boot=cold')).toBe('cold');
    expect(bootModeFromSearch('?x=1&boot=cold')).toBe('cold');
    expect(bootModeFromSearch('')).toBe('snapshot');
    expect(bootModeFromSearch('?boot=snapshot')).toBe('snapshot');
    expect(bootModeFromSearch('?boot=COLD')).toBe('snapshot');
  });
});
