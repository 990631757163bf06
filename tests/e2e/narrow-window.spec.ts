/**
 * The narrowest window the Electron shell allows (860 px wide): the tables give up their least needed
 * columns, so every row's actions stay inside the row (rows and tables clip what overflows them: at
 * this width the images' Remove button and the registry's Pull and Delete used to be cut off unseen),
 * what a dropped column showed is still on the row, a long storage folder keeps its end in view, and
 * a registry's long host in the sidebar gives way to its name. A view taller than the room the open
 * transfers panel leaves it scrolls, and none of it paints over the panel. Whole renderer, stub
 * bridge (bench/lib/app-stub.ts): this is about layout. The status bar keeps where Berth looks for
 * Docker whole, and the engine's details give way.
 */
import type { Locator } from '@playwright/test';
import type { RepositorySummary } from '../../electron/api/contract/registry';
import type { TransferSnapshot } from '../../electron/api/contract/transfers';
import { makeLocalImages } from '../../bench/lib/image-fixture';
import { expect, test } from './stub-app';

/** `minWidth` × `minHeight` of the main window (electron/main.ts). */
const NARROWEST = { width: 860, height: 540 };

/** A storage folder too long for its card: the end, which tells folders apart, stays in view. */
const LONG_FOLDER = '/Users/alice.cooper/Library/Application Support/Berth/registry';

const REPOSITORIES: RepositorySummary[] = [
  {
    name: 'northwind/notifications-service',
    tags: ['1.10.2', 'latest'].map((tag) => ({
      tag,
      digest: `sha256:${'cd'.repeat(32)}`,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      size: 995e6,
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    })),
  },
];

/** Asserts `inner` lies inside `outer` horizontally (to the pixel). */
async function expectInside(inner: Locator, outer: Locator): Promise<void> {
  const [a, b] = await Promise.all([inner.boundingBox(), outer.boundingBox()]);
  expect(a, 'inner box').not.toBeNull();
  expect(b, 'outer box').not.toBeNull();
  expect(a!.x).toBeGreaterThanOrEqual(b!.x - 0.5);
  expect(a!.x + a!.width).toBeLessThanOrEqual(b!.x + b!.width + 0.5);
}

test('at the narrowest window every row keeps its actions, and the sidebar keeps registry names whole', async ({
  page,
  openStubApp,
}) => {
  // Newest first, so on top: an untagged image, whose ID moves into the name cell when the ID column goes.
  const untagged = {
    id: `sha256:${'5e'.repeat(32)}`,
    repoTags: [],
    repoDigests: [],
    size: 7e6,
    created: Math.floor(Date.now() / 1000),
  };
  const images = [untagged, ...makeLocalImages(30)];
  await openStubApp(images, {
    viewport: NARROWEST,
    answers: {
      'registry.repositories': REPOSITORIES,
      'registry.status': {
        state: 'running',
        url: 'http://127.0.0.1:5000',
        port: 5000,
        host: '127.0.0.1',
        dataDir: LONG_FOLDER,
        exposeOnNetwork: false,
        startedAt: Date.UTC(2026, 10, 27),
        restarts: 0,
      },
    },
  });

  // Images: each row in view has its three actions inside it, and they work.
  const rows = page.locator('.table-row');
  await expect(rows.first()).toBeVisible();
  for (let index = 0; index < 4; index += 1) {
    const row = rows.nth(index);
    for (const action of [/^Tag /, /^Push .* to…$/, /^Remove /])
      await expectInside(row.getByRole('button', { name: action }), row);
    // The name keeps a readable width (the columns that gave way were the ID, created and badges).
    expect((await row.getByRole('cell').first().boundingBox())!.width).toBeGreaterThan(150);
  }
  await expect(page.getByRole('columnheader', { name: 'Image ID' })).toBeHidden();
  await expect(rows.first().getByRole('cell').first()).toHaveText('<none>5e5e5e5e5e5e');
  await expect(rows.first().locator('.untagged-id')).toBeVisible();
  await rows
    .first()
    .getByRole('button', { name: /^Remove / })
    .click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  // The sidebar: "Northwind" whole, its host (registry.northwind.example.com) cut instead.
  const northwind = page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: /Northwind/ })
    .locator('.nav-label');
  await expect(northwind).toHaveText('Northwind');
  expect(await northwind.evaluate((label) => label.scrollWidth <= label.clientWidth)).toBe(true);

  // The local registry: Pull and Delete inside each row; the digest and platforms are still shown.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: /Local registry/ })
    .click();
  // The storage folder is cut at its start, not its end ("…Support/Berth/registry").
  const folder = page.locator('dd[title="' + LONG_FOLDER + '"]');
  const [shown, path] = await Promise.all([folder.boundingBox(), folder.locator('bdi').boundingBox()]);
  expect(path!.x).toBeLessThan(shown!.x);
  expect(path!.x + path!.width).toBeLessThanOrEqual(shown!.x + shown!.width + 0.5);
  const table = page.getByRole('table', { name: 'Registry repositories' });
  for (const tag of ['1.10.2', 'latest']) {
    const row = table.locator(`[data-reference="northwind/notifications-service:${tag}"]`);
    await expectInside(row.getByRole('button', { name: 'Pull' }), table);
    await expectInside(row.getByRole('button', { name: 'Delete' }), table);
    await expect(row).toContainText('cdcdcdcdcdcd');
    await expect(row).toContainText('linux/arm64');
    // The tag stays whole when the repository's path is cut.
    const tagText = row.locator('.repo-tag');
    expect(await tagText.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  }
  const first = table.locator('[data-reference="northwind/notifications-service:1.10.2"]');
  await first.getByRole('button', { name: 'Delete' }).click();
  await expect(first.getByRole('button', { name: 'Delete 1.10.2' })).toBeVisible();
  await expectInside(first.getByRole('button', { name: 'Delete 1.10.2' }), table);
});

/** One push, running, with a few layers: enough to open the transfers panel. */
const RUNNING_PUSH: TransferSnapshot = {
  id: 't1',
  kind: 'push',
  reference: '127.0.0.1:5000/narrow/app:1',
  state: 'running',
  rows: Array.from({ length: 6 }, (_, layer) => ({
    id: `sha256:${layer.toString(16).padStart(12, '0')}`,
    status: layer < 2 ? 'Pushed' : 'Pushing',
    current: layer < 2 ? 4e6 : 1e6,
    total: 4e6,
    unit: 'bytes' as const,
    done: layer < 2,
  })),
  overall: 0.5,
  bytesDone: 12e6,
  bytesTotal: 24e6,
  speed: 1e6,
  etaSeconds: 12,
  messages: [],
  cancelRequested: false,
  startedAt: 1000,
};

test('with the transfers panel open in a short window, a registry view scrolls to its last field and stays above the panel', async ({
  page,
  openStubApp,
}) => {
  await openStubApp(makeLocalImages(5), { viewport: NARROWEST });
  await page.evaluate(
    `window.__listeners.forEach((listener) => listener({ event: 'transfers.progress', payload: ${JSON.stringify(RUNNING_PUSH)} }))`,
  );
  const panel = page.getByRole('region', { name: 'Transfers' });
  await expect(panel.getByRole('article')).toBeVisible();

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: /Northwind/ })
    .click();
  const view = page.getByRole('region', { name: 'Northwind' });
  const pull = view.getByRole('button', { name: 'Pull', exact: true });
  await expect(pull).toBeAttached();
  // The user scrolls the view with the wheel until the Pull button is above the panel.
  const panelTop = (await panel.boundingBox())!.y;
  const box = (await view.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
  const pullBottom = async () => {
    const pullBox = (await pull.boundingBox())!;
    return pullBox.y + pullBox.height;
  };
  for (let step = 0; step < 10; step += 1) {
    if ((await pullBottom()) <= panelTop) break;
    await page.mouse.wheel(0, 120);
    await page.waitForTimeout(50);
  }
  expect(await pullBottom()).toBeLessThanOrEqual(panelTop);
  await expect(pull).toBeInViewport();
  // The panel's own header is on top of whatever the view holds behind it.
  const clear = panel.locator('.transfers-panel-header');
  const header = (await clear.boundingBox())!;
  const onTop = await page.evaluate(
    `document.elementFromPoint(${header.x + header.width - 60}, ${header.y + header.height / 2})?.closest('.transfers-panel') !== null`,
  );
  expect(onTop).toBe(true);
});

test('at the narrowest window the status bar keeps where Berth looks for Docker whole; the engine details give way', async ({
  page,
  openStubApp,
}) => {
  await openStubApp(makeLocalImages(5), { viewport: NARROWEST });
  const status = page.locator('[data-docker-state="connected"]');
  const endpoint = status.locator('.status-endpoint');
  await expect(endpoint).toHaveText('via unix:///var/run/docker.sock (platform default)');
  // Whole, and inside the bar (it used to be the part cut off: "via unix:///var/run/docker…").
  expect(await endpoint.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  await expectInside(endpoint, status);
  // The details are what give way, with an ellipsis; the whole line is the bar's tooltip.
  const details = status.locator('.status-detail');
  expect(await details.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
  await expect(status).toHaveAttribute(
    'title',
    /via unix:\/\/\/var\/run\/docker\.sock .*Debian GNU\/Linux 12 \(bookworm\) · x86_64/,
  );
});
