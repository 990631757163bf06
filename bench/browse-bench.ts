/**
 * `npm run bench:browse [-- --repositories N --tags T --concurrency C]`: browsing a registry with
 * 5,000 repositories × 3 tags, Berth's own registry on 127.0.0.1 (filled over HTTP first: one config
 * and one layer, mounted into every repository, three tags each).
 *
 * 1. Berth's registry client (electron/remote/, as the app runs it): time to the first page of
 *    repositories (100 names), and to the full list — every page of the catalog, then every
 *    repository's tags, C requests at a time.
 * 2. The yardstick: the same tag listing with `skopeo list-tags` per repository, C at a time (skopeo
 *    has no catalog listing, so it is given the names). Ratio = skopeo's time / Berth's full list.
 * 3. The app: the browser host in Chromium, the registry added through the sidebar; time from opening
 *    it to the first repository row, then the repository list scrolled top to bottom (three screens a
 *    frame) while its pages arrive, until all names are listed: the frame intervals (p95, max) and
 *    the time to the full list in the view.
 *
 * Prints a Markdown table and writes bench/results/browse.json.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { RemoteRegistries } from '../electron/remote/remote-registries';
import { chromiumArgs, chromiumPath } from '../playwright.config';
import { putManifestTo, pushSmallImage } from '../tests/helpers/registry-populate';
import { startRegistry } from '../tests/helpers/registry-process';
import { startWebHost } from '../tests/helpers/web-host';
import { median, percentile, runPool } from './lib/measure';

const run = promisify(execFile);
const { values: options } = parseArgs({
  options: {
    repositories: { type: 'string', default: '5000' },
    tags: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
  },
});
const REPOSITORIES = Number(options.repositories);
const TAGS = Number(options.tags);
const CONCURRENCY = Number(options.concurrency);
const ROUNDS = Math.max(1, Number(options.rounds));
const PAGE = 100;

const nameOf = (index: number) => `bench/app-${String(index).padStart(5, '0')}`;

async function fill(base: string): Promise<number> {
  const started = performance.now();
  const first = nameOf(0);
  const image = await pushSmallImage(base, first, { layerSize: 4096 });
  const put = async (name: string) => {
    for (let tag = 1; tag <= TAGS; tag += 1)
      await putManifestTo(base, name, `v${tag}`, image.manifest, image.mediaType);
  };
  await put(first);
  await runPool(REPOSITORIES - 1, 16, async (index) => {
    const name = nameOf(index + 1);
    // Mounted from the first repository, as a registry shares blobs: no bytes uploaded again.
    await mount(base, name, image.config.digest, first);
    await mount(base, name, image.layer.digest, first);
    await put(name);
  });
  return performance.now() - started;
}

async function mount(base: string, name: string, digest: string, from: string): Promise<void> {
  const response = await fetch(`${base}/v2/${name}/blobs/uploads/?mount=${digest}&from=${from}`, {
    method: 'POST',
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`mount into ${name}: HTTP ${response.status}`);
}

async function berthClient(host: string): Promise<{ firstPageMs: number; fullMs: number; tags: number }> {
  const remote = new RemoteRegistries({
    authFor: () => Promise.resolve(undefined),
    daemonRegistryConfig: () => Promise.resolve(undefined),
  });
  const started = performance.now();
  const names: string[] = [];
  let page = await remote.repositories(host, { n: PAGE });
  const firstPageMs = performance.now() - started;
  names.push(...page.repositories.map((repository) => repository.name));
  while (page.next) {
    page = await remote.repositories(host, { n: PAGE, cursor: page.next });
    names.push(...page.repositories.map((repository) => repository.name));
  }
  if (names.length !== REPOSITORIES) throw new Error(`the catalog listed ${names.length} repositories`);
  let tags = 0;
  await runPool(names.length, CONCURRENCY, async (index) => {
    const listed = await remote.tags(host, names[index]!, { n: PAGE });
    tags += listed.tags.length;
  });
  return { firstPageMs, fullMs: performance.now() - started, tags };
}

async function skopeo(host: string): Promise<{ ms: number; tags: number }> {
  const started = performance.now();
  let tags = 0;
  await runPool(REPOSITORIES, CONCURRENCY, async (index) => {
    const { stdout } = await run('skopeo', [
      'list-tags',
      '--tls-verify=false',
      `docker://${host}/${nameOf(index)}`,
    ]);
    tags += (JSON.parse(stdout) as { Tags: string[] }).Tags.length;
  });
  return { ms: performance.now() - started, tags };
}

/** Scrolls the repository list three screens per frame until every name is listed; frame intervals. */
const SCROLL_TO_END = `(async (expected) => {
  const scroller = document.querySelector('[aria-label="Repositories"]');
  const count = () => document.querySelector('[data-testid="repository-count"]')?.textContent ?? '';
  const intervals = [];
  const started = performance.now();
  let last = performance.now();
  for (let frame = 0; frame < 20000; frame += 1) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    intervals.push(now - last);
    last = now;
    scroller.scrollTop += scroller.clientHeight * 3;
    if (count() === String(expected) && scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2)
      return { intervals, fullMs: performance.now() - started, rows: scroller.querySelectorAll('[role=listitem]').length };
  }
  throw new Error('the list never reached ' + expected + ' (' + count() + ')');
})`;

async function inTheApp(
  host: string,
): Promise<{ firstRowsMs: number; fullMs: number; p95: number; max: number; rows: number }> {
  const webHost = await startWebHost();
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(webHost.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'Add registry…' }).click();
    const add = page.getByRole('dialog', { name: 'Add a registry' });
    await add.getByLabel('Registry host').fill(host);
    await add.getByRole('button', { name: /^Add/ }).click();
    const started = performance.now();
    await nav.getByRole('button', { name: host }).click();
    await page.getByRole('list', { name: 'Repositories' }).getByRole('listitem').first().waitFor();
    const firstRowsMs = performance.now() - started;
    const scrolled = await page.evaluate<{ intervals: number[]; fullMs: number; rows: number }>(
      `${SCROLL_TO_END}(${REPOSITORIES})`,
    );
    return {
      firstRowsMs,
      fullMs: scrolled.fullMs,
      p95: percentile(scrolled.intervals, 95),
      max: Math.max(...scrolled.intervals),
      rows: scrolled.rows,
    };
  } finally {
    await browser.close();
    await webHost.stop();
  }
}

async function main(): Promise<void> {
  const registry = await startRegistry();
  try {
    console.log(
      `filling Berth's registry at ${registry.address}: ${REPOSITORIES} repositories × ${TAGS} tags…`,
    );
    const fillMs = await fill(registry.url);
    console.log(`filled in ${(fillMs / 1000).toFixed(1)} s`);
    const berth: Array<Awaited<ReturnType<typeof berthClient>>> = [];
    const yardstick: Array<Awaited<ReturnType<typeof skopeo>>> = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      berth.push(await berthClient(registry.address));
      yardstick.push(await skopeo(registry.address));
      console.log(
        `round ${round + 1}: Berth ${berth.at(-1)!.fullMs.toFixed(0)} ms, skopeo ${yardstick.at(-1)!.ms.toFixed(0)} ms`,
      );
    }
    if (
      berth.some((result) => result.tags !== REPOSITORIES * TAGS) ||
      yardstick.some((result) => result.tags !== REPOSITORIES * TAGS)
    )
      throw new Error(
        `a listing missed tags: Berth ${berth.map((r) => r.tags).join(',')}, skopeo ${yardstick.map((r) => r.tags).join(',')}`,
      );
    const app = await inTheApp(registry.address);
    const berthFull = median(berth.map((result) => result.fullMs));
    const skopeoFull = median(yardstick.map((result) => result.ms));
    const rows = [
      [
        'Berth client: first page of repositories (100)',
        `${median(berth.map((r) => r.firstPageMs)).toFixed(1)} ms`,
      ],
      [
        `Berth client: full list (${REPOSITORIES} repositories + their ${REPOSITORIES * TAGS} tags)`,
        `${(berthFull / 1000).toFixed(2)} s`,
      ],
      [
        `skopeo list-tags per repository (${REPOSITORIES} runs, ${CONCURRENCY} at a time)`,
        `${(skopeoFull / 1000).toFixed(2)} s`,
      ],
      ['ratio (skopeo / Berth, full tag listing)', `${(skopeoFull / berthFull).toFixed(1)}×`],
      ['app: open the registry → first repository row (Chromium)', `${app.firstRowsMs.toFixed(0)} ms`],
      [
        `app: scrolled to the end, all ${REPOSITORIES} listed (pages fetched as it scrolls)`,
        `${(app.fullMs / 1000).toFixed(2)} s`,
      ],
      ['app: frame interval while scrolling, p95 / max', `${app.p95.toFixed(1)} / ${app.max.toFixed(1)} ms`],
      ['app: rows in the DOM at the end (virtualised)', String(app.rows)],
    ];
    console.log(
      `\n| metric | value |\n| --- | --- |\n${rows.map(([name, value]) => `| ${name} | ${value} |`).join('\n')}`,
    );
    console.log(
      `\nmedian of ${ROUNDS} rounds for the client and skopeo; fill ${(fillMs / 1000).toFixed(1)} s; ${cpus().length} CPUs, load ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
    );
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      'bench/results/browse.json',
      `${JSON.stringify({ repositories: REPOSITORIES, tags: TAGS, concurrency: CONCURRENCY, fillMs, berth, skopeo: yardstick, app, ratio: skopeoFull / berthFull }, null, 2)}\n`,
    );
  } finally {
    await registry.stop();
  }
}

await main();
