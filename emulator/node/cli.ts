// SPDX-License-Identifier: MIT
/**
 * npx kdbus-playground — the playground's guest, headless in Node.
 *
 *   exec [--cold] [--console] [--put HOSTFILE[:GUESTPATH]]... 'shell command'
 *   trace [-o FILE] [exec's options] 'shell command'
 *   state [--force]
 *   run LINK_OR_LESSON_FILE [--svg out.svg] [--trace out.jsonl]
 *
 * exec exits with the command's exit status; 125 means the guest could not
 * run it at all (bad artifact, crash, bad arguments).
 */
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { MachineStatus } from '../api.js';
import { GuestMachine } from '../machine.js';
import { makeState, stateProblem } from './state-file.js';
import { NodeAssetSource } from './assets.js';
import { UsageError, parseExecArgs, parseRunArgs, parseTraceArgs, type ExecArgs, type TraceArgs } from './cli-args.js';
import { runCommand } from './run-command.js';
import { serializeTraceLine } from '../../src/trace/jsonl.js';
import type { TraceEvent } from '../../src/trace/events.js';

const USAGE = `usage: kdbus-playground exec [--cold] [--console] [--put HOSTFILE[:GUESTPATH]]... 'shell command'
       kdbus-playground trace [-o FILE] [--cold] [--console] [--put ...]... 'shell command'
       kdbus-playground state [--force]
       kdbus-playground run [--cold] [--console] [--svg out.svg] [--trace out.jsonl] LESSON_FILE|LINK

exec     boot the guest (from the saved state; --cold boots the kernel), copy
         the --put files in (default GUESTPATH: /tmp/<name>, the executable
         bit is kept), run the command with sh -c, stream its output and exit
         with its status
         --console   also show the guest's serial console on stderr
trace    like exec, but print the bus activity the guest agent saw as JSON
         lines (docs/trace-protocol.md; one event per line, starting with
         a snapshot of the bus world) on stdout or into FILE; the command's
         own output goes to stderr
state    make the instant-start state if it is missing or stale
run      replay a lesson file (lessons/*.md) or a share link on the guest's
         shell (a link made in a lesson: that lesson's steps up to and
         including the link's step, then the link's commands), check what
         each lesson step expects, print a report on stderr; write the trace (--trace, JSON lines) and the sequence
         diagram (--svg); exits 1 if a step's expectation is not met`;

export const EXIT_INFRA = 125;

function describe(status: MachineStatus): string | null {
  switch (status.state) {
    case 'booting': return status.note ? `note: ${status.note}` : null;
    case 'crashed': return `the guest kernel crashed: ${status.report.line}`;
    case 'error': return `error: ${status.message}`;
    default: return null;
  }
}

interface RunHooks {
  stdout: (bytes: Uint8Array) => void;
  /** After the guest is up, before the command runs. */
  beforeCommand?: (machine: GuestMachine) => Promise<void>;
  /** After the command exited, before the machine stops. */
  afterCommand?: (machine: GuestMachine) => Promise<void>;
  onMachine?: (machine: GuestMachine) => void;
}

/** Boots the guest, copies the --put files in, runs the command; its status, or EXIT_INFRA. */
async function runInGuest(args: ExecArgs, hooks: RunHooks): Promise<number> {
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
  hooks.onMachine?.(machine);
  try {
    await machine.start({ mode: args.mode });
  } catch {
    return EXIT_INFRA; // the status listener has said why
  }
  try {
    const crash = new Promise<never>((_, reject) => machine.onStatus((s) => {
      if (s.state === 'crashed') reject(new Error('the guest crashed'));
    }));
    for (const f of files) await machine.putFile(f.guest, f.bytes, f.mode);
    if (hooks.beforeCommand) await Promise.race([hooks.beforeCommand(machine), crash]);
    const run = machine.exec(args.command, hooks.stdout, (b) => process.stderr.write(b));
    const { status } = await Promise.race([run, crash]);
    if (hooks.afterCommand) await Promise.race([hooks.afterCommand(machine), crash]);
    return crashed ? EXIT_INFRA : status;
  } catch (err) {
    if (!crashed) process.stderr.write(`kdbus-playground: ${(err as Error).message}\n`);
    return EXIT_INFRA;
  } finally {
    await machine.stop();
  }
}

function exec(args: ExecArgs): Promise<number> {
  return runInGuest(args, { stdout: (b) => process.stdout.write(b) });
}

/**
 * Prints every event from the first snapshot on, except the snapshot that
 * serves as the closing barrier: it only repeats the world the trace has
 * already built, after everything the command caused.
 */
async function trace(args: TraceArgs): Promise<number> {
  const out: Writable = args.output ? createWriteStream(args.output) : process.stdout;
  let printing = true;
  let closing = false;
  const print = (events: TraceEvent[]) => {
    let text = '';
    for (const e of events) {
      if (closing && e.type === 'snapshot-begin') printing = false;
      if (printing) text += `${serializeTraceLine(e)}\n`;
    }
    if (text) out.write(text);
  };
  const status = await runInGuest(args, {
    stdout: (b) => process.stderr.write(b),
    onMachine: (m) => m.onTrace(print),
    beforeCommand: (m) => m.traceReady(),
    afterCommand: async (m) => {
      closing = true;
      await m.traceSync();
      const stats = m.traceStats();
      if (stats.corruptFrames) {
        process.stderr.write(`kdbus-playground: ${stats.corruptFrames} corrupt trace frames skipped\n`);
      }
    },
  });
  if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return status;
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
    if (cmd === 'trace') return await trace(parseTraceArgs(args));
    if (cmd === 'state') return await state(args);
    if (cmd === 'run') return await runCommand(parseRunArgs(args));
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
