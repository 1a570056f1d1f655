// SPDX-License-Identifier: MIT
/**
 * The boot mode from the page URL: ?boot=cold boots the kernel, anything
 * else restores the snapshot; ?boot=none boots nothing (the views alone,
 * for a trace file).
 */
import type { BootMode } from '../emulator/api.js';

export function bootModeFromSearch(search: string): BootMode {
  return new URLSearchParams(search).get('boot') === 'cold' ? 'cold' : 'snapshot';
}

/** False for ?boot=none: the page shows the views of a trace file without a guest. */
export function guestWantedFromSearch(search: string): boolean {
  return new URLSearchParams(search).get('boot') !== 'none';
}
