// SPDX-License-Identifier: MIT
/**
 * A lesson: a Markdown file in lessons/ with a small front matter and one
 * `## ` section per step (see lessons/README.md for the format). These are
 * the parsed shapes; parse-lesson.ts makes them, expectations.ts checks a
 * trace against them, the web app and `kdbus-playground run` replay them.
 */
import type { MessageKind } from '../model/message-log.js';

/** What the views should point at during a step; every part is optional. */
export interface LessonHighlight {
  /** Bus directory name, e.g. `0-demo`. */
  bus?: string;
  /** A well-known or unique name (connection). */
  name?: string;
  /** A member (or interface, path) of the messages to show. */
  member?: string;
  /** Message kind to show. */
  kind?: MessageKind;
}

/** Something the trace (or the shell output) of a step must contain: the tests' proof that the step worked. */
export type LessonExpectation =
  | {
      kind: 'event';
      /** A trace event type (`bus-add`, `message`, …). */
      type: string;
      /** key=value conditions, all of which one event must meet (see expectations.ts). */
      where: Readonly<Record<string, string>>;
      /** 1-based line in the lesson file, for messages. */
      line: number;
    }
  | { kind: 'output'; text: string; line: number };

export interface LessonStep {
  title: string;
  /** Markdown prose. */
  prose: string;
  /** Shell commands, typed into the guest shell in order, each after the prompt is back. */
  commands: string[];
  /**
   * The page asks the user to type the commands (```sh type) rather than
   * typing them itself; headless replay types them all the same.
   */
  typed: boolean;
  highlight: LessonHighlight | null;
  expects: LessonExpectation[];
  /** 1-based line of the step's heading. */
  line: number;
}

export interface Lesson {
  id: string;
  title: string;
  /** Topic number of issue #7's list (1–11), for ordering the menu. */
  topic: number;
  /** The file it came from (for messages). */
  file: string;
  /** Markdown before the first step. */
  intro: string;
  steps: LessonStep[];
}

/** A lesson file that does not follow the format; the message names file and line. */
export class LessonError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'LessonError';
  }
}
