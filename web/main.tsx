// SPDX-License-Identifier: MIT
/**
 * Entry point: one playground model (one worker) and one views model for
 * the page's lifetime, then React. With ?boot=none there is no worker: the
 * views show trace files only.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import * as Comlink from 'comlink';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import type { TraceEvent } from '../src/trace/events.js';
import { App } from './App.js';
import { bootModeFromSearch, guestWantedFromSearch } from './boot-mode.js';
import { createEmulatorClient } from './emulator-client.js';
import { PlaygroundModel } from './playground-model.js';
import { ViewsModel } from './views-model.js';
import { EmbedApp, embedFromSearch } from './embed/EmbedApp.js';
import { pinnedImageFromSearch } from './share/pinned-images.js';
import { ShareSession, shareFragment } from './share/share-session.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const withGuest = guestWantedFromSearch(location.search);
// Dark unless the user chose light: the playground's look on a projector (the choice is remembered).
const views = new ViewsModel({ hasGuest: withGuest, storage: localStorageOrNull() });

// Created outside React so StrictMode's double effects never start a second worker.
let model: PlaygroundModel | null = null;
let session: ShareSession | null = null;
if (withGuest) {
  // ?image=<hash>: a pinned older guest image (a share link made with it), kept under guest/<hash>/.
  const siteGuest = new URL('guest/', document.baseURI);
  const pinned = pinnedImageFromSearch(location.search);
  const guestBase = pinned ? new URL(`${pinned}/`, siteGuest) : siteGuest;
  const client = createEmulatorClient(guestBase.href);
  model = new PlaygroundModel(client, bootModeFromSearch(location.search));
  const share = (session = new ShareSession(model, views, guestBase, siteGuest));
  // Registered right after configure(): the machine's first snapshot reaches the views.
  void client.remote.onTrace(Comlink.proxy((events: TraceEvent[]) => {
    views.ingest(events);
    share.traceActivity();
  }));
  const fragment = shareFragment(location.hash);
  if (fragment) {
    void share.open(fragment, () => history.replaceState(null, '', location.pathname + location.search));
  }
}

createRoot(root).render(
  <StrictMode>
    {embedFromSearch(location.search) ? <EmbedApp model={model} views={views} session={session} /> : <App model={model} views={views} session={session} />}
  </StrictMode>,
);
