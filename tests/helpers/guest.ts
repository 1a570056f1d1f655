// SPDX-License-Identifier: MIT
/** Boots the real guest under v86 in this Node process, for tests. */
import type { BootMode, KernelReport, MachineStatus } from '../../emulator/api.js';
import { GuestMachine } from '../../emulator/machine.js';
import { NodeAssetSource } from '../../emulator/node/assets.js';

export interface TestGuest {
  machine: GuestMachine;
  statuses: MachineStatus[];
  reports: KernelReport[];
  console(): string;
  run(command: string): Promise<{ status: number; stdout: string; stderr: string }>;
}

export async function bootGuest(mode: BootMode, dir?: string): Promise<TestGuest> {
  const machine = new GuestMachine(new NodeAssetSource(dir));
  const statuses: MachineStatus[] = [];
  const reports: KernelReport[] = [];
  const decoder = new TextDecoder();
  let text = '';
  machine.onStatus((s) => statuses.push(s));
  machine.onKernelReport((r) => reports.push(r));
  machine.onConsole((b) => { text += decoder.decode(b, { stream: true }); });
  await machine.start({ mode, cols: 100, rows: 30 });
  return {
    machine,
    statuses,
    reports,
    console: () => text,
    async run(command) {
      let stdout = '';
      let stderr = '';
      const out = new TextDecoder();
      const err = new TextDecoder();
      const { status } = await machine.exec(
        command,
        (b) => { stdout += out.decode(b, { stream: true }); },
        (b) => { stderr += err.decode(b, { stream: true }); },
      );
      return { status, stdout, stderr };
    },
  };
}

/** Kernel trouble markers, for the console and dmesg of every test guest. */
export const KERNEL_TROUBLE = /Oops|BUG:|WARNING:|Kernel panic|general protection fault|Call Trace/;
