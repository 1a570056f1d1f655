// SPDX-License-Identifier: MIT
/**
 * Which lines the user entered at the shell prompt: the "commands run so
 * far" of a share link. It follows the keys the terminal sends (so a fast
 * typist whose echo has not come back yet is still recorded exactly) with a
 * small line editor: printable text, Backspace, Ctrl-U, Ctrl-W, Ctrl-C.
 * Keys it cannot follow (arrows, history, Tab completion) make it read the
 * line from the screen on Enter instead, where the shell has drawn the
 * edited result.
 *
 * Lines entered while a command still runs (no prompt since) wait in the
 * tty's input queue, and who reads them is only known later: the running
 * program (an answer to `read`, input to `cat`), or the shell once its
 * prompt is back (typeahead: a command like any other). The shell's line
 * editor echoes a line it reads right after drawing the prompt
 * (`root@kdbus:~# echo hi\r\n`); a line a program read never appears
 * there. So such lines are kept pending, and when the shell echoes a line
 * after a prompt it is matched against them: the match is a command (in
 * the order the shell ran it), the pending lines before it were program
 * input and are dropped — a replay does not type input into programs.
 */
import { PROMPT } from '../../src/share/replay.js';

/**
 * What the terminal itself sends, not the user: the cursor position report
 * answering the shell's ESC[6n (busybox asks at every prompt), focus in/out.
 */
const TERMINAL_REPLY = /^\x1b\[(\d+;\d+R|I|O)$/;
/** Escape sequences (CSI, and ESC + one char) in the shell's echo: cursor requests and moves, not text. */
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[^[]/g;
/**
 * Where a prompt ends, matched lazily: PROMPT is greedy, and with the shell's
 * echo of a typeahead line in the same chunk (`…:~# echo a # b`) it would end
 * inside the echoed line. (The same prompt as PROMPT, lazily.)
 */
const PROMPT_END = /@kdbus:[^\n]*?[#$] /;
/** Pending lines kept at most (a program reading many lines must not grow this without bound). */
const MAX_PENDING = 64;

/** A line entered while a command ran; text null: edited in ways the key buffer cannot follow. */
interface PendingLine {
  text: string | null;
}

export class CommandRecorder {
  private line = '';
  /** The line was edited in ways the key buffer cannot follow. */
  private edited = false;
  /** The shell has shown a prompt since the last Enter. */
  private atPrompt = false;
  private tail = '';
  /** An escape sequence being read (null: none). */
  private escape: string | null = null;
  /** A recorded command runs in the foreground (no prompt since). */
  private running = false;
  /** Lines entered while a command ran, oldest first: typeahead or program input, not yet known which. */
  private pending: PendingLine[] = [];
  /** The console after a prompt while pending lines wait for the shell's echo of the one it reads. */
  private echo: string | null = null;
  /** The user pressed Ctrl-C while the last recorded command ran in the foreground. */
  onInterrupt: (() => void) | null = null;

  /** @param screenLine reads the command on the cursor's line from the screen (after the prompt), or null. */
  constructor(private readonly screenLine: () => string | null) {}

  /** Console output of the guest; returns the typeahead lines it shows the shell ran, in order. */
  console(text: string): string[] {
    const out: string[] = [];
    let rest: string | null = text;
    // One chunk may hold several prompts (typeahead `true` runs and prompts again at once).
    while (rest !== null) rest = this.scan(rest, out);
    return out;
  }

  /** Follows one piece of console text; returns the text after a line it resolved, to scan again, or null. */
  private scan(text: string, out: string[]): string | null {
    if (this.echo !== null) {
      this.echo += text;
      const nl = this.echo.indexOf('\n');
      if (nl < 0) {
        this.echo = this.echo.slice(-4096);
        return null;
      }
      const shown = cleanEcho(this.echo.slice(0, nl));
      const after = this.echo.slice(nl + 1);
      this.echo = null;
      this.resolveEcho(shown, out);
      return after;
    }
    if (this.atPrompt) return null;
    this.tail = (this.tail + text).slice(-512);
    const m = PROMPT_END.exec(this.tail);
    if (!m) return null;
    this.atPrompt = true;
    this.running = false;
    const after = this.tail.slice(m.index + m[0].length);
    this.tail = '';
    if (this.pending.length === 0) return null;
    // The shell reads the queued input now: the next line it echoes is the one it runs.
    this.echo = '';
    return after;
  }

  /** The shell echoed `shown` after its prompt and ran it: which pending line was it? */
  private resolveEcho(shown: string, out: string[]): void {
    // The line as typed if it is pending; else the first line whose text we could not follow.
    let i = this.pending.findIndex((p) => p.text !== null && p.text.trim() === shown);
    if (i < 0) i = this.pending.findIndex((p) => p.text === null);
    if (i < 0) {
      // Not a line we know (a redraw we cannot read): the pending lines are spent either way.
      this.pending = [];
    } else {
      // Lines before the match were read by the programs that ran meanwhile.
      this.pending = this.pending.slice(i + 1);
    }
    // The shell runs the line: no prompt until it is done (an empty line prompts again at once).
    this.atPrompt = false;
    this.tail = '';
    if (shown === '') return;
    this.running = true;
    out.push(shown);
  }

  /** Keys from the terminal (xterm's onData); returns the commands they entered at the prompt. */
  keys(data: string): string[] {
    const out: string[] = [];
    for (const ch of data) {
      if (this.escape !== null) {
        this.escape += ch;
        // ESC [ … and ESC O … end with a letter or '~' (ESC + one other char is a whole sequence).
        if (/[A-Za-z~]/.test(ch) || (this.escape.length === 2 && ch !== '[' && ch !== 'O')) {
          if (!TERMINAL_REPLY.test(this.escape)) this.edited = true;
          this.escape = null;
        }
        continue;
      }
      switch (ch) {
        case '\r': {
          const cmd = this.enter();
          if (cmd !== null) out.push(cmd);
          break;
        }
        case '\x7f':
        case '\b':
          this.line = this.line.slice(0, -1);
          break;
        case '\x15':
          this.line = '';
          break;
        case '\x17':
          this.line = this.line.replace(/\S*\s*$/, '');
          break;
        case '\x03':
          this.line = '';
          this.edited = false;
          // The tty discards queued input on Ctrl-C (SIGINT flushes it): nothing typed ahead will run.
          this.pending = [];
          this.echo = null;
          if (!this.atPrompt && this.running) {
            this.running = false;
            this.onInterrupt?.();
          }
          break;
        case '\x1b':
          this.escape = ch;
          break;
        case '\x04':
          // Ctrl-D: end of input for a program (or logout at an empty prompt); it adds nothing to a line.
          break;
        default:
          if (ch === '\t' || ch < ' ') this.edited = true;
          else this.line += ch;
      }
    }
    return out;
  }

  private enter(): string | null {
    const atPrompt = this.atPrompt && this.echo === null && this.pending.length === 0;
    if (!atPrompt) {
      // Typed ahead (or input for a program): it waits in the tty's queue; the shell's echo decides.
      if (this.pending.length < MAX_PENDING) this.pending.push({ text: this.edited ? null : this.line });
      this.line = '';
      this.edited = false;
      return null;
    }
    const typed = this.edited ? this.screenLine() : this.line;
    this.line = '';
    this.edited = false;
    this.atPrompt = false;
    this.tail = '';
    if (typed === null) return null;
    const cmd = typed.trim();
    if (cmd === '') return null;
    this.running = true;
    return cmd;
  }
}

/** The text of a line as the shell echoed it: escape sequences and carriage returns removed, Backspace applied. */
function cleanEcho(raw: string): string {
  let s = '';
  for (const ch of raw.replace(ESCAPES, '').replace(/\r/g, '')) {
    if (ch === '\b') s = s.slice(0, -1);
    else if (ch >= ' ' && ch !== '\x7f') s += ch;
  }
  return s.trim();
}

/** The command part of a screen line that starts with the prompt, or null. */
export function commandAfterPrompt(line: string): string | null {
  const m = PROMPT.exec(line);
  return m ? line.slice(m.index + m[0].length) : null;
}
