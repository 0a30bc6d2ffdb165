import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { consoleDist } from '../api/console-assets.js';

const sources = path.resolve(path.dirname(consoleDist), 'src');

/** True when console/dist is missing or older than any file under console/src or index.html. */
export function consoleIsStale(): boolean {
  const index = path.join(consoleDist, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const html = path.join(path.dirname(consoleDist), 'index.html');
  return newest(sources) > built || (existsSync(html) && statSync(html).mtimeMs > built);
}

/** Builds the console (npm run console:build) when it is missing or stale. */
export function ensureConsoleBuilt(): void {
  if (!existsSync(sources) || !consoleIsStale()) return;
  console.log('Building the console (its build is missing or older than its sources)...');
  execFileSync('npm', ['run', '--silent', 'console:build'], { stdio: 'inherit' });
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}
