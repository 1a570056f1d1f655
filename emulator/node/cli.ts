// SPDX-License-Identifier: MIT
/**
 * npx kdbus-playground — the playground's guest, headless in Node.
 *
 *   exec [--cold] [--console] [--put HOSTFILE[:GUESTPATH]]... 'shell command'
 *   state [--force]
 *
 * exec exits with the command's exit status; 125 means the guest could not
 * run it at all (bad artifact, crash, bad arguments).
 */
import { readFile, stat } from 'node:fs/promises';
import type { MachineStatus } from '../api.js';
import { GuestMachine } from '../machine.js';
import { makeState, stateProblem } from './state-file.js';
import { NodeAssetSource } from './assets.js';
import { UsageError, parseExecArgs, type ExecArgs } from './cli-args.js';

const USAGE = `usage: kdbus-playground exec [--cold] [--console] [--put HOSTFILE[:GUESTPATH]]... 'shell command'
       kdbus-playground state [--force]

exec     boot the guest (from the saved state; --cold boots the kernel), copy
         the --put files in (default GUESTPATH: /tmp/<name>, the executable
         bit is kept), run the command with sh -c, stream its output and exit
         with its status
         --console   also show the guest's serial console on stderr
state    make the instant-start state if it is missing or stale`;

export const EXIT_INFRA = 125;

function describe(status: MachineStatus): string | null {
  switch (status.state) {
    case 'booting': return status.note ? `note: ${status.note}` : null;
    case 'crashed': return `the guest kernel crashed: ${status.report.line}`;
    case 'error': return `error: ${status.message}`;
    default: return null;
  }
}

async function exec(args: ExecArgs): Promise<number> {
  const files = await Promise.all(args.puts.map(async (p) => {
    try {
      const [bytes, st] = await Promise.all([readFile(p.host), stat(p.host)]);
      return { ...p, bytes: new Uint8Array(bytes), mode: st.mode & 0o777 };
    } catch (err) {
      throw new UsageError(`--put ${p.host}: ${(err as Error).message}`);
    }
  }));
  const machine = new GuestMachine(new NodeAssetSource());
  let crashed: string | null = null;
  machine.onStatus((s) => {
    const line = describe(s);
    if (line) process.stderr.write(`kdbus-playground: ${line}\n`);
    if (s.state === 'crashed') crashed = s.report.line;
  });
  machine.onKernelReport((r) => {
    if (r.kind === 'warning') process.stderr.write(`kdbus-playground: guest kernel ${r.line}\n`);
  });
  if (args.console) machine.onConsole((b) => process.stderr.write(b));
  try {
    await machine.start({ mode: args.mode });
  } catch {
    return EXIT_INFRA; // the status listener has said why
  }
  try {
    for (const f of files) await machine.putFile(f.guest, f.bytes, f.mode);
    const run = machine.exec(args.command, (b) => process.stdout.write(b), (b) => process.stderr.write(b));
    const crash = new Promise<never>((_, reject) => machine.onStatus((s) => {
      if (s.state === 'crashed') reject(new Error('the guest crashed'));
    }));
    const { status } = await Promise.race([run, crash]);
    return crashed ? EXIT_INFRA : status;
  } catch (err) {
    if (!crashed) process.stderr.write(`kdbus-playground: ${(err as Error).message}\n`);
    return EXIT_INFRA;
  } finally {
    await machine.stop();
  }
}

async function state(args: string[]): Promise<number> {
  const problem = args.includes('--force') ? 'remaking on request' : await stateProblem();
  if (!problem) {
    console.log('the saved state is up to date');
    return 0;
  }
  console.log(`${problem}: booting the guest to make one`);
  await makeState(undefined, (s) => console.log(s));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  try {
    if (cmd === 'exec') return await exec(parseExecArgs(args));
    if (cmd === 'state') return await state(args);
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
      console.log(USAGE);
      return 0;
    }
    throw new UsageError(cmd ? `unknown command '${cmd}'` : 'no command given');
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kdbus-playground: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`kdbus-playground: ${(err as Error).message}\n`);
    return EXIT_INFRA;
  }
}

// Wait for stdout to drain before exiting, or piped output would be cut short.
const code = await main(process.argv.slice(2));
process.stdout.write('', () => process.exit(code));
