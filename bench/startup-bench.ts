/**
 * `npm run bench:startup`: how fast a newcomer sees their images. Cold start of the browser host
 * (process spawn → URL printed → Chromium shows the first image row), five runs, and the size of the
 * renderer bundle as shipped (raw and gzip). Needs DOCKER_HOST with at least one image.
 */
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config';
import { startWebHost } from '../tests/helpers/web-host';

const RUNS = 5;

function bundleSizes(): { file: string; bytes: number; gzip: number }[] {
  const dir = 'dist/renderer/assets';
  return readdirSync(dir).map((file) => {
    const data = readFileSync(join(dir, file));
    return { file, bytes: statSync(join(dir, file)).size, gzip: gzipSync(data).length };
  });
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: chromiumArgs,
  });
  const timings: Array<{ url: number; rows: number }> = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      const host = await startWebHost();
      const urlAt = performance.now() - started;
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(host.url);
      await page.getByRole('table', { name: 'Local images' }).locator('[data-image-id]').first().waitFor();
      timings.push({ url: urlAt, rows: performance.now() - started });
      await context.close();
      await host.stop();
    }
  } finally {
    await browser.close();
  }
  const sorted = [...timings].sort((a, b) => a.rows - b.rows);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const assets = bundleSizes();
  const js = assets.filter((asset) => asset.file.endsWith('.js'));
  const total = (list: typeof assets, key: 'bytes' | 'gzip') =>
    list.reduce((sum, asset) => sum + asset[key], 0) / 1024;

  console.log('\n| metric | value |\n| --- | --- |');
  console.log(`| browser host: spawn → URL printed (median of ${RUNS}) | ${median.url.toFixed(0)} ms |`);
  console.log(
    `| browser host: spawn → first image row in Chromium (median of ${RUNS}) | ${median.rows.toFixed(0)} ms |`,
  );
  console.log(`| … all runs | ${timings.map((timing) => timing.rows.toFixed(0)).join(', ')} ms |`);
  console.log(
    `| renderer JS | ${total(js, 'bytes').toFixed(1)} KB (${total(js, 'gzip').toFixed(1)} KB gzip) |`,
  );
  console.log(
    `| renderer JS + CSS | ${total(assets, 'bytes').toFixed(1)} KB (${total(assets, 'gzip').toFixed(1)} KB gzip) |`,
  );
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/startup.json', JSON.stringify({ timings, median, assets }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
