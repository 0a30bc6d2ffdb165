// `npm run console:build`: builds the console into console/dist and prints the initial JavaScript a
// browser loads before the first page (the entry and what it preloads), gzipped; over budget fails.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const BUDGET_KB = 300;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });

const html = await readFile(path.join(dist, 'index.html'), 'utf8');
const initial = [
  ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g),
].map((match) => match[1] as string);
let total = 0;
for (const file of initial) {
  const gzipped = gzipSync(await readFile(path.join(dist, file))).length;
  total += gzipped;
  console.log(`  ${file}  ${(gzipped / 1024).toFixed(1)} kB gzipped`);
}
console.log(
  `console built in ${path.relative(process.cwd(), dist)}: initial JavaScript ${(total / 1024).toFixed(1)} kB gzipped (budget ${BUDGET_KB} kB)`,
);
if (total > BUDGET_KB * 1024) {
  console.error('over budget: split the heavy module out of the entry (lazy routes, dynamic imports)');
  process.exit(1);
}
