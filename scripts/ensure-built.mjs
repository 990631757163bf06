// Builds dist/ when it is missing or older than the sources, so `npm run web` and `npm run registry`
// work straight after `npm install` and stay fast when nothing changed.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const nodeOnly = process.argv.includes('--node-only');

function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function stale(output, sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((source) => newest(source) > built);
}

if (
  stale('dist/node/registry-process.cjs', ['electron']) ||
  (!nodeOnly && stale('dist/node/web-host.cjs', ['electron']))
) {
  execSync('node scripts/build-node.mjs', { stdio: 'inherit' });
}
if (!nodeOnly && stale('dist/renderer/index.html', ['renderer', 'electron/api', 'electron/common'])) {
  execSync('npx vite build --config renderer/vite.config.ts --logLevel warn', { stdio: 'inherit' });
}
