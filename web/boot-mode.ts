// SPDX-License-Identifier: MIT
/** The boot mode from the page URL: ?boot=cold boots the kernel, anything else restores the snapshot. */
import type { BootMode } from '../emulator/api.js';

export function bootModeFromSearch(search: string): BootMode {
  return new URLSearchParams(search).get('boot') === 'cold' ? 'cold' : 'snapshot';
}
