// SPDX-License-Identifier: MIT
/**
 * Which lines the user entered at the shell prompt: the "commands run so
 * far" of a share link. It follows the keys the terminal sends (so a fast
 * typist whose echo has not come back yet is still recorded exactly) with a
 * small line editor: printable text, Backspace, Ctrl-U, Ctrl-W, Ctrl-C.
 * Keys it cannot follow (arrows, history, Tab completion) make it read the
 * line from the screen on Enter instead, where the shell has drawn the
 * edited result. Lines typed while a program runs in the foreground are
 * input for that program, not commands, and are not recorded.
 */
import { PROMPT } from '../../src/share/replay.js';

/**
 * What the terminal itself sends, not the user: the cursor position report
 * answering the shell's ESC[6n (busybox asks at every prompt), focus in/out.
 */
const TERMINAL_REPLY = /^\x1b\[(\d+;\d+R|I|O)$/;

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
  /** The user pressed Ctrl-C while the last recorded command ran in the foreground. */
  onInterrupt: (() => void) | null = null;

  /** @param screenLine reads the command on the cursor's line from the screen (after the prompt), or null. */
  constructor(private readonly screenLine: () => string | null) {}

  /** Console output of the guest. */
  console(text: string): void {
    if (this.atPrompt) return;
    this.tail = (this.tail + text).slice(-512);
    if (PROMPT.test(this.tail)) {
      this.atPrompt = true;
      this.running = false;
      this.tail = '';
    }
  }

  /** Keys from the terminal (xterm's onData); returns the commands they entered. */
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
          if (!this.atPrompt && this.running) {
            this.running = false;
            this.onInterrupt?.();
          }
          break;
        case '\x1b':
          this.escape = ch;
          break;
        default:
          if (ch === '\t' || ch < ' ') this.edited = true;
          else this.line += ch;
      }
    }
    return out;
  }

  private enter(): string | null {
    const typed = this.edited ? this.screenLine() : this.line;
    const wasAtPrompt = this.atPrompt;
    this.line = '';
    this.edited = false;
    this.atPrompt = false;
    this.tail = '';
    if (!wasAtPrompt || typed === null) return null;
    const cmd = typed.trim();
    if (cmd === '') return null;
    this.running = true;
    return cmd;
  }
}

/** The command part of a screen line that starts with the prompt, or null. */
export function commandAfterPrompt(line: string): string | null {
  const m = PROMPT.exec(line);
  return m ? line.slice(m.index + m[0].length) : null;
}
