// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { PowerDetector, type GuestPowerEvent } from '../../emulator/power-detector.js';

function feed(detector: PowerDetector, text: string): Array<[number, GuestPowerEvent]> {
  const events: Array<[number, GuestPowerEvent]> = [];
  [...new TextEncoder().encode(text)].forEach((b, i) => {
    const event = detector.push(b);
    if (event) events.push([i, event]);
  });
  return events;
}

describe('PowerDetector', () => {
  it('names the event at the byte that ends the kernel line', () => {
    const text = 'The system is going down NOW!\r\nSent SIGKILL to all processes\r\nreboot: Restarting system\r\n';
    expect(feed(new PowerDetector(), text)).toEqual([[text.length - 1, 'restart']]);
    expect(feed(new PowerDetector(), 'reboot: System halted\r\n')).toEqual([[22, 'halt']]);
    expect(feed(new PowerDetector(), 'reboot: Power down\n')).toEqual([[18, 'power-off']]);
    expect(feed(new PowerDetector(), 'sysrq: Resetting\r\n')).toEqual([[17, 'restart']]);
  });

  it('keeps its line across calls, and ignores other lines and an unfinished one', () => {
    const detector = new PowerDetector();
    expect(feed(detector, 'root@kdbus:~# reboot: Restart')).toEqual([]);
    expect(feed(detector, 'ing system with command \'x\'\r\n')).toEqual([[28, 'restart']]);
    expect(feed(detector, 'reboot: Restarting')).toEqual([]);
    expect(feed(detector, '\nreboot\r\n')).toEqual([]);
    expect(feed(detector, `${'x'.repeat(5000)}\n`)).toEqual([]);
  });
});
