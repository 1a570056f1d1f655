// SPDX-License-Identifier: MIT
/**
 * CommandRecorder (which lines count as commands) and CommandReplay (typing
 * them back) against a scripted fake shell; the real shell is in
 * tests/node/share-replay.test.ts and tests/browser/share.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CommandReplay } from '../../src/share/replay.js';
import { CommandRecorder, commandAfterPrompt } from '../../web/share/command-recorder.js';

const PROMPT = 'root@kdbus:~# ';
/** What busybox sends after its prompt: a cursor position request. */
const ASK = '\x1b[6n';
const REPLY = '\x1b[24;15R';

describe('CommandRecorder', () => {
  it('records lines entered at the prompt, edited with Backspace, Ctrl-U, Ctrl-W; not Ctrl-C lines or terminal replies', () => {
    const r = new CommandRecorder(() => null);
    r.console(`Welcome\r\n${PROMPT}${ASK}`);
    expect(r.keys(`${REPLY}kdbus bux\x7fs make demo &\r`)).toEqual(['kdbus bus make demo &']);
    // Not at a prompt yet (the command runs): a line typed now is not a command.
    expect(r.keys('typed ahead\r')).toEqual([]);
    r.console(`[1] 52\r\n${PROMPT}${ASK}`);
    expect(r.keys('rm -rf x\x15ls\r')).toEqual(['ls']);
    r.console(PROMPT);
    expect(r.keys('echo one two\x17three\r')).toEqual(['echo one three']);
    r.console(PROMPT);
    expect(r.keys('kdbus monitor\x03')).toEqual([]);
    r.console(`^C\r\n${PROMPT}`);
    expect(r.keys('   \r')).toEqual([]);
    r.console(PROMPT);
    expect(r.keys('a\rb\r')).toEqual(['a']);
  });

  it('tells when the user ends a running command with Ctrl-C (not Ctrl-C at the prompt)', () => {
    const r = new CommandRecorder(() => null);
    let interrupts = 0;
    r.onInterrupt = () => interrupts++;
    r.console(PROMPT);
    expect(r.keys('half a line\x03')).toEqual([]);
    expect(interrupts).toBe(0);
    expect(r.keys('kdbus monitor\r')).toEqual(['kdbus monitor']);
    r.console('monitor: watching\r\n');
    r.keys('\x03');
    expect(interrupts).toBe(1);
    r.keys('\x03');
    expect(interrupts).toBe(1);
    r.console(`^C\r\n${PROMPT}`);
    expect(r.keys('sleep 1\r')).toEqual(['sleep 1']);
    r.console(PROMPT);
    r.keys('\x03');
    expect(interrupts).toBe(1);
  });

  it('reads the line from the screen after arrows, history or Tab', () => {
    let screen = `${PROMPT}kdbus list --all`;
    const r = new CommandRecorder(() => commandAfterPrompt(screen));
    r.console(PROMPT);
    expect(r.keys('\x1b[A\r')).toEqual(['kdbus list --all']);
    r.console(PROMPT);
    screen = `${PROMPT}kdbus-example --make-bus`;
    expect(r.keys('kdbus-ex\t --make-bus\r')).toEqual(['kdbus-example --make-bus']);
    expect(commandAfterPrompt('no prompt here')).toBeNull();
  });
});

/** A shell that echoes a typed line, prints `output` for it after `ms`, then its prompt. */
function fakeShell(replay: () => CommandReplay, run: (cmd: string) => { output: string; ms: number } | null) {
  const typed: string[] = [];
  return {
    typed,
    type(text: string) {
      const cmd = text.replace(/\r$/, '');
      typed.push(cmd);
      setTimeout(() => replay().console(`${cmd}\r\n`), 1);
      const r = run(cmd);
      if (r) setTimeout(() => replay().console(`${r.output}\r\n${PROMPT}`), r.ms);
    },
  };
}

describe('CommandReplay', () => {
  it('types each command after the prompt is back and the guest is quiet', async () => {
    let replay!: CommandReplay;
    const shell = fakeShell(() => replay, (cmd) => ({ output: `ran ${cmd}`, ms: 20 }));
    const seen: number[] = [];
    replay = new CommandReplay(['one', 'two', 'three'], { type: (t) => shell.type(t), onCommand: (i) => seen.push(i), settleMs: 30 });
    replay.console(PROMPT);
    const t0 = Date.now();
    expect(await replay.run()).toEqual({ ok: true, commands: 3 });
    expect(shell.typed).toEqual(['one', 'two', 'three']);
    expect(seen).toEqual([0, 1, 2]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 30);
  });

  it('waits while the bus is still busy (trace activity), up to a limit', async () => {
    let replay!: CommandReplay;
    const shell = fakeShell(() => replay, () => ({ output: '', ms: 5 }));
    replay = new CommandReplay(['a', 'b'], { type: (t) => shell.type(t), settleMs: 40, maxSettleMs: 400 });
    replay.console(PROMPT);
    const busy = setInterval(() => replay.activity(), 10);
    setTimeout(() => clearInterval(busy), 150);
    const t0 = Date.now();
    expect(await replay.run()).toEqual({ ok: true, commands: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('stops with a reason when a command does not return to the prompt', async () => {
    let replay!: CommandReplay;
    const shell = fakeShell(() => replay, (cmd) => (cmd === 'cat' ? null : { output: '', ms: 5 }));
    replay = new CommandReplay(['ls', 'cat', 'never'], { type: (t) => shell.type(t), settleMs: 10, promptTimeoutMs: 200 });
    replay.console(PROMPT);
    expect(await replay.run()).toEqual({ ok: false, commands: 2, reason: 'command 2 (cat) did not return to the prompt within 0.2 s' });
    expect(shell.typed).toEqual(['ls', 'cat']);
  });

  it('does not take a prompt redrawn inside the echo for the next one', async () => {
    let replay!: CommandReplay;
    const typed: string[] = [];
    replay = new CommandReplay(['x', 'y'], {
      type: (t) => {
        typed.push(t);
        // The line editor redraws prompt and line before the newline; the real prompt comes 100 ms later.
        setTimeout(() => replay.console(`\r${PROMPT}${t.trim()}`), 1);
        setTimeout(() => replay.console('\r\n'), 5);
        setTimeout(() => replay.console(PROMPT), 100);
      },
      settleMs: 5,
    });
    replay.console(PROMPT);
    const t0 = Date.now();
    await replay.run();
    expect(typed).toEqual(['x\r', 'y\r']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(195);
  });

  it('ends an interrupted command with Ctrl-C once the guest is quiet', async () => {
    let replay!: CommandReplay;
    const typed: string[] = [];
    const interrupted: number[] = [];
    replay = new CommandReplay(['kdbus monitor', 'ls'], {
      type: (t) => {
        typed.push(t);
        if (t === '\x03') setTimeout(() => replay.console(`^C\r\n${PROMPT}`), 5);
        else if (t === 'ls\r') setTimeout(() => replay.console(`ls\r\nfile\r\n${PROMPT}`), 5);
        else setTimeout(() => replay.console(`${t.trim()}\r\nwatching\r\n`), 5);
      },
      interrupted: [0],
      onInterrupt: (i) => interrupted.push(i),
      settleMs: 30,
      promptTimeoutMs: 1000,
    });
    replay.console(PROMPT);
    expect(await replay.run()).toEqual({ ok: true, commands: 2 });
    expect(typed).toEqual(['kdbus monitor\r', '\x03', 'ls\r']);
    expect(interrupted).toEqual([0]);
  });

  it('can be stopped', async () => {
    const replay = new CommandReplay(['a'], { type: () => undefined, settleMs: 5 });
    const done = replay.run();
    replay.stop();
    expect(await done).toEqual({ ok: false, commands: 0, reason: 'the replay was stopped' });
  });
});
