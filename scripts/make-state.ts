// SPDX-License-Identifier: MIT
/** npm run state: (re)make public/guest/state.bin.zst when missing or stale. */
import { makeState, stateProblem } from '../emulator/node/state-file.js';

const force = process.argv.includes('--force');
const problem = force ? 'remaking on request (--force)' : await stateProblem();
if (!problem) {
  console.log('[state] the saved state is up to date');
} else {
  console.log(`[state] ${problem}: booting the guest to make one`);
  await makeState(undefined, (s) => console.log(`[state] ${s}`));
}
