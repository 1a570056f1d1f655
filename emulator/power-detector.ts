// SPDX-License-Identifier: MIT
/**
 * Recognises the kernel's last line before it restarts, halts or powers off
 * the machine (kernel/reboot.c: "reboot: Restarting system", "reboot: System
 * halted", "reboot: Power down"; SysRq-B's "sysrq: Resetting"), byte by
 * byte as v86 emits the console.
 *
 * Why byte by byte: v86 cannot reset a running guest. After the reset the
 * guest asks for (keyboard controller or port 0xCF9), v86 runs the BIOS
 * again without the kernel it was given, and then panics in its WebAssembly
 * (cold boot) or spins in zeroed memory (restored state). GuestMachine
 * therefore stops the emulator as soon as this line is complete, within the
 * same emulator slice, long before the guest gets that far, and starts the
 * machine again itself. Like the crash markers, the line is matched
 * wherever it appears on the console.
 */

export type GuestPowerEvent = 'restart' | 'halt' | 'power-off';

const LINES: ReadonlyArray<[RegExp, GuestPowerEvent]> = [
  [/reboot: Restarting system/, 'restart'],
  // SysRq-B resets at once, without kernel_restart()'s line.
  [/sysrq: Resetting/, 'restart'],
  [/reboot: System halted/, 'halt'],
  [/reboot: Power down/, 'power-off'],
];

/** Longer lines are cut: the markers are near the start of theirs. */
const MAX_LINE = 200;

export class PowerDetector {
  private line = '';

  /** The event whose line this byte completes, or null. */
  push(byte: number): GuestPowerEvent | null {
    if (byte !== 0x0a) {
      if (this.line.length < MAX_LINE) this.line += String.fromCharCode(byte);
      return null;
    }
    const line = this.line;
    this.line = '';
    for (const [re, event] of LINES) if (re.test(line)) return event;
    return null;
  }
}

/** What the machine's status says after the guest's event. */
export const POWER_EVENT_TEXT: Record<GuestPowerEvent, string> = {
  restart: 'the guest restarted itself',
  halt: 'the guest halted',
  'power-off': 'the guest powered off',
};
