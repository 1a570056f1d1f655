#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The CLI is TypeScript run through tsx, so there is no separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../emulator/node/cli.ts');
