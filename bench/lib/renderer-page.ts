/**
 * The page the renderer benchmarks load in Chromium: real renderer code bundled with esbuild (a
 * production React build, the app's CSS beside it) from an entry given as source, and an index.html
 * that loads both. Answers the page's file:// address.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { COMPILE_HINT } from '../../renderer/compile-hint';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export async function buildRendererPage(entrySource: string, outdir: string): Promise<string> {
  await build({
    stdin: { contents: entrySource, resolveDir: root, loader: 'tsx', sourcefile: 'bench-entry.tsx' },
    bundle: true,
    format: 'iife',
    jsx: 'automatic',
    outfile: join(outdir, 'bench.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
    // First in the file, as in the shipped bundle (renderer/compile-hint.ts).
    banner: { js: COMPILE_HINT },
    logLevel: 'error',
  });
  await writeFile(
    join(outdir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="bench.css"></head><body><div id="root"></div><script src="bench.js"></script></body></html>',
  );
  return pathToFileURL(join(outdir, 'index.html')).href;
}
