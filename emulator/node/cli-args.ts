// SPDX-License-Identifier: MIT
/** Argument parsing of the CLI's exec command, apart from the CLI so tests can load it. */
import { basename } from 'node:path';
import type { BootMode } from '../api.js';

export class UsageError extends Error {}

export interface ExecArgs {
  mode: BootMode;
  console: boolean;
  puts: Array<{ host: string; guest: string }>;
  command: string;
}

export function parseExecArgs(args: string[]): ExecArgs {
  const out: ExecArgs = { mode: 'snapshot', console: false, puts: [], command: '' };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--cold') out.mode = 'cold';
    else if (a === '--console') out.console = true;
    else if (a === '--put' || a.startsWith('--put=')) {
      const spec = a === '--put' ? args[++i] : a.slice('--put='.length);
      if (!spec) throw new UsageError('--put needs HOSTFILE[:GUESTPATH]');
      const colon = spec.indexOf(':');
      const host = colon < 0 ? spec : spec.slice(0, colon);
      const guest = colon < 0 ? `/tmp/${basename(spec)}` : spec.slice(colon + 1);
      if (!host || !guest.startsWith('/')) throw new UsageError(`--put ${spec}: GUESTPATH must be absolute`);
      out.puts.push({ host, guest });
    } else if (a === '--') rest.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length === 0) throw new UsageError('exec needs a shell command');
  out.command = rest.join(' ');
  return out;
}

export interface TraceArgs extends ExecArgs {
  /** Where the JSON lines go; null: stdout. */
  output: string | null;
}

/** trace takes exec's arguments plus -o/--output FILE. */
export function parseTraceArgs(args: string[]): TraceArgs {
  let output: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a === '-o' || a === '--output') {
      const file = args[++i];
      if (!file) throw new UsageError(`${a} needs a file name`);
      output = file;
    } else if (a.startsWith('--output=')) {
      output = a.slice('--output='.length);
      if (!output) throw new UsageError('--output needs a file name');
    } else rest.push(a);
  }
  return { ...parseExecArgs(rest), output };
}

export interface RunArgs {
  /** A lesson file, or a share link (anything containing '#'). */
  source: string;
  svg: string | null;
  trace: string | null;
  mode: BootMode;
  console: boolean;
}

/** run LINK_OR_LESSON_FILE [--svg out.svg] [--trace out.jsonl] [--cold] [--console] */
export function parseRunArgs(args: string[]): RunArgs {
  const out: RunArgs = { source: '', svg: null, trace: null, mode: 'snapshot', console: false };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if (flag === '--svg' || flag === '--trace') {
      const file = inline ?? args[++i];
      if (!file) throw new UsageError(`${flag} needs a file name`);
      if (flag === '--svg') out.svg = file;
      else out.trace = file;
    } else if (a === '--cold') out.mode = 'cold';
    else if (a === '--console') out.console = true;
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1) throw new UsageError('run needs one lesson file or share link');
  out.source = rest[0]!;
  return out;
}
