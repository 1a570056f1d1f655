// SPDX-License-Identifier: MIT
/**
 * The Share button and the share panel under the header: a link just made,
 * a link being opened or replayed, or why a link could not be used. All
 * text from a link is rendered as React text nodes, never as markup.
 */
import { useSyncExternalStore } from 'react';
import type { PlaygroundModel } from '../playground-model.js';
import type { ShareSession } from './share-session.js';
import type { ShareUi } from './share-ui.js';

export function ShareButton({ session }: { session: ShareSession }) {
  return (
    <button type="button" data-testid="share" title="Make a link that replays this demo" onClick={() => void session.make(location.href.split('#')[0] ?? location.href)}>
      Share
    </button>
  );
}

function body(s: ShareUi, session: ShareSession) {
  switch (s.kind) {
    case 'made':
      return (
        <>
          <span>
            {s.copied ? 'Link copied' : 'Share link'} ({s.commands} {s.commands === 1 ? 'command' : 'commands'}):
          </span>
          <input className="share-url" data-testid="share-url" readOnly value={s.url} onFocus={(e) => e.currentTarget.select()} />
        </>
      );
    case 'make-failed':
      return <span>Could not share: {s.text}</span>;
    case 'invalid':
      return <span>This share link cannot be opened: {s.text}. The playground started clean.</span>;
    case 'checking':
      return <span>Opening the shared demo…</span>;
    case 'mismatch':
      return (
        <>
          <span>
            This link was made with guest image <code>{s.state.image}</code>; this site runs <code>{s.siteImage}</code>.
          </span>
          <button type="button" data-testid="share-open-anyway" onClick={() => session.openAnyway()}>
            Open with {s.siteImage} anyway
          </button>
          {s.pinnedUrl ? (
            <a href={s.pinnedUrl} data-testid="share-open-pinned">
              Open the pinned image {s.state.image}
            </a>
          ) : (
            <span className="muted">(this site no longer has image {s.state.image})</span>
          )}
        </>
      );
    case 'waiting':
      return <span>Replaying the shared demo ({s.total} commands) once the guest is ready…</span>;
    case 'lesson':
      return (
        <span>
          Replaying the shared demo: the lesson's steps 1–{s.steps} first, then {s.total} {s.total === 1 ? 'command' : 'commands'}…
        </span>
      );
    case 'replaying':
      return (
        <span>
          Replaying the shared demo: command {s.done} of {s.total}: <code>{s.command}</code>
        </span>
      );
    case 'replayed':
      return <span>Replayed the shared demo ({s.total} {s.total === 1 ? 'command' : 'commands'}).</span>;
    case 'replay-failed':
      return (
        <span>
          The replay stopped after {s.done} of {s.total} commands: {s.reason}
        </span>
      );
  }
}

const BAD: ReadonlySet<ShareUi['kind']> = new Set(['make-failed', 'invalid', 'mismatch', 'replay-failed']);

export function SharePanel({ model, session }: { model: PlaygroundModel; session: ShareSession }) {
  const { share } = useSyncExternalStore(model.subscribe, model.getSnapshot);
  if (!share) return null;
  return (
    <div className={`share-panel views-notice notice-${BAD.has(share.kind) ? 'bad' : 'ok'}`} data-testid="share-panel" data-kind={share.kind} role="status">
      {body(share, session)}
      {share.kind !== 'replaying' && share.kind !== 'lesson' && share.kind !== 'waiting' && share.kind !== 'checking' && (
        <button type="button" className="icon-button" onClick={() => session.dismiss()} aria-label="Dismiss">
          ✕
        </button>
      )}
    </div>
  );
}
