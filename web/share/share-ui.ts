// SPDX-License-Identifier: MIT
/** What the share panel shows: part of PlaygroundModel's snapshot, set by ShareSession. */
import type { ShareState } from '../../src/share/link.js';

export type ShareUi =
  /** A link was made for the current demo. */
  | { kind: 'made'; url: string; commands: number; copied: boolean }
  | { kind: 'make-failed'; text: string }
  /** The page was opened with a link that cannot be used; the playground started clean. */
  | { kind: 'invalid'; text: string }
  /** Checking the link's image against the site's. */
  | { kind: 'checking' }
  /** The link names another guest image than the one this site runs. */
  | { kind: 'mismatch'; state: ShareState; siteImage: string; pinnedUrl: string | null }
  | { kind: 'waiting'; total: number }
  /** Typing the steps of the link's lesson, up to and including its step, before its commands. */
  | { kind: 'lesson'; steps: number; total: number }
  | { kind: 'replaying'; done: number; total: number; command: string }
  | { kind: 'replayed'; total: number }
  | { kind: 'replay-failed'; done: number; total: number; reason: string };
