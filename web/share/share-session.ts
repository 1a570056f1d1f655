// SPDX-License-Identifier: MIT
/**
 * The page's share links: making one from the current demo, and opening one
 * — validate, compare guest images, restore the view, replay the link's
 * lesson steps (if it has a lesson) and its commands into the real shell
 * once the guest is ready. State for the panel goes to
 * PlaygroundModel (setShare); the view state to ViewsModel.
 *
 * Network: the guest's manifest.json (to name the image) only when a link
 * is made or opened, and the pinned-image index (guest/images.json) only
 * when an opened link names another image. A first visit fetches neither.
 */
import { decodeShareLink, encodeShareLink, FRAGMENT_KEY, ShareLinkError, type ShareState, type ShareView } from '../../src/share/link.js';
import { imageHashOf } from '../../src/share/image-hash.js';
import { CommandReplay } from '../../src/share/replay.js';
import type { PlaygroundModel } from '../playground-model.js';
import type { ViewsModel } from '../views-model.js';
import { pinnedImages, PINNED_PARAM } from './pinned-images.js';

export class ShareSession {
  private replay: CommandReplay | null = null;
  private siteImage: Promise<string> | null = null;
  /** The lessons' current step, when a lesson runs (set by the lessons code). */
  lesson: (() => ShareState['lesson']) | null = null;
  private lessonListener: ((lesson: NonNullable<ShareState['lesson']>) => void) | null = null;
  /** An opened link's lesson that arrived before the lessons code listened (the page mounts later). */
  private pendingLesson: NonNullable<ShareState['lesson']> | null = null;

  /**
   * Types the steps of an opened link's lesson up to and including its step
   * (LessonsModel.replayThrough), before the link's commands; null when done, else why not.
   */
  replayLesson: ((lesson: NonNullable<ShareState['lesson']>) => Promise<string | null>) | null = null;

  /** Told the lesson and step of an opened link (before its commands replay), for the lessons code. */
  get onLesson(): ((lesson: NonNullable<ShareState['lesson']>) => void) | null {
    return this.lessonListener;
  }

  set onLesson(listener: ((lesson: NonNullable<ShareState['lesson']>) => void) | null) {
    this.lessonListener = listener;
    const pending = this.pendingLesson;
    if (listener && pending) {
      this.pendingLesson = null;
      listener(pending);
    }
  }

  /**
   * @param guestBase the guest folder this page boots from (…/guest/ or …/guest/<hash>/)
   * @param siteGuestRoot the site's guest folder (…/guest/), where the pinned-image index lives
   */
  constructor(
    private readonly model: PlaygroundModel,
    private readonly views: ViewsModel,
    private readonly guestBase: URL,
    private readonly siteGuestRoot: URL,
  ) {}

  /** Trace events arrived (the replay waits for the bus to go quiet). */
  readonly traceActivity = (): void => {
    this.replay?.activity();
  };

  /** The hash of the guest image this page runs (its manifest, fetched once). */
  imageHash(): Promise<string> {
    this.siteImage ??= fetch(new URL('manifest.json', this.guestBase))
      .then((r) => {
        if (!r.ok) throw new Error(`manifest.json: HTTP ${r.status}`);
        return r.json() as Promise<{ files: Record<string, { sha256: string }> }>;
      })
      .then(imageHashOf);
    this.siteImage.catch(() => {
      this.siteImage = null;
    });
    return this.siteImage;
  }

  async make(pageUrl: string): Promise<void> {
    try {
      const lesson = this.lesson?.();
      const state: ShareState = {
        v: 1,
        image: await this.imageHash(),
        commands: [...this.model.getSnapshot().commands],
        view: this.viewState(),
      };
      const { interrupted } = this.model.getSnapshot();
      if (interrupted.length) state.interrupted = [...interrupted];
      if (lesson) state.lesson = lesson;
      const url = await encodeShareLink(state, pageUrl);
      let copied = false;
      try {
        await navigator.clipboard.writeText(url);
        copied = true;
      } catch {
        // No clipboard permission (or an embedded frame): the panel shows the link to copy by hand.
      }
      this.model.setShare({ kind: 'made', url, commands: state.commands.length, copied });
    } catch (err) {
      const text = err instanceof ShareLinkError ? err.message : `could not make a link: ${err instanceof Error ? err.message : String(err)}`;
      this.model.setShare({ kind: 'make-failed', text });
    }
  }

  /**
   * Opens the link in `fragment` (location.hash). Invalid: a message, and
   * the fragment is removed so a reload starts clean. Another image: asks.
   */
  async open(fragment: string, clearFragment: () => void): Promise<void> {
    let state: ShareState;
    try {
      state = await decodeShareLink(fragment);
    } catch (err) {
      clearFragment();
      const text = err instanceof ShareLinkError ? err.message : 'the share link could not be read';
      this.model.setShare({ kind: 'invalid', text });
      return;
    }
    this.model.setShare({ kind: 'checking' });
    let siteImage: string;
    try {
      siteImage = await this.imageHash();
    } catch (err) {
      this.model.setShare({ kind: 'replay-failed', done: 0, total: state.commands.length, reason: `the guest image could not be checked (${err instanceof Error ? err.message : String(err)})` });
      return;
    }
    if (state.image !== siteImage) {
      const images = await pinnedImages(this.siteGuestRoot);
      const pinnedUrl = images.includes(state.image) ? this.pinnedUrl(state.image) : null;
      this.model.setShare({ kind: 'mismatch', state, siteImage, pinnedUrl });
      return;
    }
    this.start(state);
  }

  /** After a mismatch: replay on the image this site runs. */
  openAnyway(): void {
    const s = this.model.getSnapshot().share;
    if (s?.kind === 'mismatch') this.start(s.state);
  }

  dismiss(): void {
    const kind = this.model.getSnapshot().share?.kind;
    if (kind === 'replaying' || kind === 'lesson') return;
    this.model.setShare(null);
  }

  private pinnedUrl(image: string): string {
    const url = new URL(location.href);
    url.searchParams.set(PINNED_PARAM, image);
    return url.href;
  }

  private viewState(): ShareView {
    const s = this.views.getSnapshot();
    const f = s.filter;
    return {
      theme: s.theme,
      panes: { ...s.panes },
      filter: { bus: f.bus, connection: f.connection, name: f.name, text: f.text, kinds: f.kinds ? [...f.kinds] : null },
      selected: s.selected,
      asOf: s.asOf,
    };
  }

  private start(state: ShareState): void {
    const { view } = state;
    if (state.lesson) {
      if (this.lessonListener) this.lessonListener(state.lesson);
      else this.pendingLesson = state.lesson;
    }
    if (view) this.views.applySharedView(view, false);
    const total = state.commands.length;
    this.model.setShare({ kind: 'waiting', total });
    const unsubscribe = this.model.subscribe(() => {
      if (this.model.getSnapshot().status?.state !== 'ready') return;
      unsubscribe();
      void this.runReplay(state);
    });
    // Already ready (the check took longer than the restore).
    if (this.model.getSnapshot().status?.state === 'ready') {
      unsubscribe();
      void this.runReplay(state);
    }
  }

  private async runReplay(state: ShareState): Promise<void> {
    const total = state.commands.length;
    if (state.lesson) {
      // As `kdbus-playground run` does (src/share/linked-lesson.ts): the lesson's steps first, then the commands.
      this.model.setShare({ kind: 'lesson', steps: state.lesson.step + 1, total });
      const failure = this.replayLesson ? await this.replayLesson(state.lesson) : 'this page has no lessons';
      if (failure !== null) {
        this.model.setShare({ kind: 'replay-failed', done: 0, total, reason: failure });
        return;
      }
    }
    const replay = (this.replay = new CommandReplay(state.commands, {
      type: (t) => this.model.typeIntoShell(t),
      interrupted: state.interrupted,
      onInterrupt: (i) => this.model.markInterrupted(i),
      onCommand: (i, command) => {
        this.model.addCommand(command);
        this.model.setShare({ kind: 'replaying', done: i + 1, total, command });
      },
    }));
    // The restored console (with its prompt) was delivered before 'ready'; a prompt is on screen.
    replay.console('\n@kdbus:~# ');
    const stopConsole = this.model.onConsoleText((t) => replay.console(t));
    const stopOnRestart = this.model.subscribe(() => {
      if (this.model.getSnapshot().status?.state !== 'ready') replay.stop();
    });
    const result = await replay.run();
    stopConsole();
    stopOnRestart();
    this.replay = null;
    if (result.ok) {
      this.model.setShare({ kind: 'replayed', total });
      if (state.view) this.views.applySharedView(state.view, true);
    } else {
      this.model.setShare({ kind: 'replay-failed', done: result.commands, total, reason: result.reason });
    }
  }
}

/** The share payload in a location hash, or null when the page was not opened from a link. */
export function shareFragment(hash: string): string | null {
  return hash.startsWith(`#${FRAGMENT_KEY}=`) || hash === `#${FRAGMENT_KEY}` ? hash : null;
}
