// boot.js: index.html runs this small script before the bundle, so the first results' request goes
// out while the browser is still fetching and parsing app.js (docs/UI.md, "Time to first results").
import { setTenant } from './api.js';
import { prefetchLines } from './first_lines.js';
import { readState } from './state.js';

const state = readState();
setTenant(state.org);
prefetchLines(state);
