// Bundles everything that runs in Node (Electron main and preload, the browser host, the registry
// process) into dist/node/*.cjs with esbuild. Native and Electron modules stay external.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  main: 'electron/main.ts',
  preload: 'electron/preload.ts',
  'web-host': 'electron/web-host.ts',
  'registry-process': 'electron/registry/server/process-entry.ts',
};
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

await build({
  entryPoints,
  outdir: 'dist/node',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Prefer packages' ESM builds: jsonc-parser's UMD build hides its requires from the bundler.
  mainFields: ['module', 'main'],
  sourcemap: 'linked',
  // ssh2/cpu-features are optional native parts of docker-modem; electron is provided at run time.
  external: ['electron', 'ssh2', 'cpu-features'],
  logLevel: 'warning',
  legalComments: 'none',
});
console.log(`built ${Object.keys(entryPoints).join(', ')} → dist/node`);
