// The weft node's web UI: one page over the node's HTTP API (docs/http-api.md), served by the node at /ui/.
// No framework and no build step: ES modules under js/, one per concern and one per tab, loaded by the browser as
// they are. Data only ever reaches the page through textContent (never innerHTML), and the charts are SVG drawn
// here, so the page needs nothing but the node.

import { setupToken } from './js/api.js';
import { setupGlobals } from './js/globals.js';
import { setupIndexes } from './js/indexes.js';
import { setupMessages } from './js/messages.js';
import { poll } from './js/node.js';
import { setupObjects } from './js/objects.js';
import { setupQuery } from './js/query.js';
import { setupTabs } from './js/tabs.js';

setupToken();
setupObjects();
setupMessages();
setupGlobals();
setupIndexes();
setupQuery();
setupTabs();
poll();
