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
    r.console(`[1] 52\r\n${PROMPT}${ASK}`);
    expect(r.keys('rm -rf x\x15ls\r')).toEqual(['ls']);
    r.console(PROMPT);
    expect(r.keys('echo one two\x17three\r')).toEqual(['echo one three']);
    r.console(PROMPT);
    expect(r.keys('kdbus monitor\x03')).toEqual([]);
    r.console(`^C\r\n${PROMPT}`);
    expect(r.keys('   \r')).toEqual([]);
    r.console(PROMPT);
    // The second line is typed ahead: known only once the shell echoes it after its prompt.
    expect(r.keys('a\rb\r')).toEqual(['a']);
    expect(r.console(`a: not found\r\n${PROMPT}b\r\n`)).toEqual(['b']);
  });

  it('records a line typed ahead while a command runs when the shell runs it after its prompt, in order', () => {
    const r = new CommandRecorder(() => null);
    r.console(`${PROMPT}${ASK}`);
    expect(r.keys('sleep 1\r')).toEqual(['sleep 1']);
    // Typed while `sleep 1` runs: not yet a command (a program could still read it).
    expect(r.keys('echo typed-$((6*7))\r')).toEqual([]);
    // The tty echoes it at once; the shell reads it after its prompt and echoes it again (bytes as the real guest sends them).
    expect(r.console('echo typed-$((6*7))\r\n')).toEqual([]);
    expect(r.console(`${PROMPT}echo t`)).toEqual([]);
    expect(r.console(`yped-$((6*7))\r\n`)).toEqual(['echo typed-$((6*7))']);
    expect(r.console(`typed-42\r\n${PROMPT}${ASK}`)).toEqual([]);
    // Back at an idle prompt: keys are commands at once again.
    expect(r.keys('ls\r')).toEqual(['ls']);
  });

  it('several lines typed ahead, an empty one, and several prompts in one chunk: each command once, in order', () => {
    const r = new CommandRecorder(() => null);
    r.console(PROMPT);
    expect(r.keys('sleep 1\r')).toEqual(['sleep 1']);
    expect(r.keys('\recho a # b\rtrue\r')).toEqual([]);
    expect(r.console(`\r\necho a # b\r\ntrue\r\n${PROMPT}\r\n${PROMPT}echo a # b\r\na\r\n${PROMPT}true\r\n${PROMPT}${ASK}`)).toEqual(['echo a # b', 'true']);
    expect(r.keys('x\r')).toEqual(['x']);
  });

  it('lines a running program reads (an answer to read, input to cat) are not commands', () => {
    const r = new CommandRecorder(() => null);
    r.console(PROMPT);
    expect(r.keys('read x; echo got-$x\r')).toEqual(['read x; echo got-$x']);
    // The first line answers `read`; the second is typed ahead and run by the shell.
    expect(r.keys('foo\recho after\r')).toEqual([]);
    expect(r.console('foo\r\necho after\r\n')).toEqual([]);
    expect(r.console(`got-foo\r\n${PROMPT}${ASK}echo after\r\nafter\r\n${PROMPT}${ASK}`)).toEqual(['echo after']);

    expect(r.keys('cat\r')).toEqual(['cat']);
    expect(r.keys('hello\r')).toEqual([]);
    r.console('hello\r\nhello\r\n');
    // Ctrl-D ends cat's input; the prompt comes back with nothing queued for the shell.
    expect(r.keys('\x04')).toEqual([]);
    expect(r.console(`${PROMPT}${ASK}`)).toEqual([]);
    // The user's next line goes after what was queued; the shell's echo shows it is the one it runs.
    expect(r.keys('kdbus list\r')).toEqual([]);
    expect(r.console('kdbus list\r\n')).toEqual(['kdbus list']);
  });

  it('Ctrl-C while a command runs throws away the lines typed ahead (the tty flushes them)', () => {
    const r = new CommandRecorder(() => null);
    let interrupts = 0;
    r.onInterrupt = () => interrupts++;
    r.console(PROMPT);
    expect(r.keys('sleep 5\r')).toEqual(['sleep 5']);
    expect(r.keys('echo never\r\x03')).toEqual([]);
    expect(interrupts).toBe(1);
    expect(r.console(`echo never\r\n^C\r\n${PROMPT}${ASK}`)).toEqual([]);
    expect(r.keys('ls\r')).toEqual(['ls']);
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
