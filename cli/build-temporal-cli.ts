// `npm run temporal:build`: builds and caches the Temporal CLI (dev server + Web UI) from the Go module proxy.
import { buildTemporalCli } from '../runtime/temporal-cli.js';

console.log(await buildTemporalCli());
