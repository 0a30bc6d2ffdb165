// `npm run temporal:build`: builds and caches the Temporal CLI (dev server + Web UI) from the Go module
// proxy ahead of time; `npm start` and `npm test` also build it themselves when they need it.
import { buildTemporalCli, TemporalCliUnavailable } from '../runtime/temporal-cli.js';

try {
  console.log(await buildTemporalCli());
} catch (error) {
  if (!(error instanceof TemporalCliUnavailable)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
