// SPDX-License-Identifier: MIT
/** Entry point: one playground model (one worker) for the page's lifetime, then React. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { App } from './App.js';
import { bootModeFromSearch } from './boot-mode.js';
import { createEmulatorClient } from './emulator-client.js';
import { PlaygroundModel } from './playground-model.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');

// Created outside React so StrictMode's double effects never start a second worker.
const model = new PlaygroundModel(createEmulatorClient(), bootModeFromSearch(location.search));

createRoot(root).render(
  <StrictMode>
    <App model={model} />
  </StrictMode>,
);
