/**
 * Trip-ups a beginner hit in the first hour (issue #22), each as the user sees it. Whole renderer on
 * the stub bridge (bench/lib/app-stub.ts): these are about what the dialogs and views say.
 */
import type { Locator, Page } from '@playwright/test';
import type { LocalImage } from '../../electron/api/contract/images';
import type { TransferSnapshot } from '../../electron/api/contract/transfers';
import { screenshotPath } from './fixtures';
import { expect, test } from './stub-app';
import { TagDialogPage } from './pages/tag-dialog';

const HELLO: LocalImage = {
  id: `sha256:${'ab'.repeat(32)}`,
  repoTags: ['hello:1'],
  repoDigests: [],
  size: 7e6,
  created: Math.floor(Date.now() / 1000),
};

async function openTagDialog(page: Page): Promise<TagDialogPage> {
  await page.getByRole('button', { name: 'Tag hello:1' }).click();
  const dialog = new TagDialogPage(page);
  await dialog.waitOpen();
  return dialog;
}

test('#1 a colon or a space in the Tag field is marked on the Tag field, not on Repository', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO]);
  const dialog = await openTagDialog(page);
  await dialog.fill({ repository: 'hello', tag: 'v1:beta' });
  await dialog.expectFieldError(dialog.tag, /a tag can't contain ':'/);
  await expect(dialog.repository).not.toHaveAttribute('aria-invalid', 'true');
  await dialog.fill({ tag: 'v 1' });
  await dialog.expectFieldError(dialog.tag, /spaces are not allowed in a tag/);
  await expect(dialog.repository).not.toHaveAttribute('aria-invalid', 'true');
});

test('#2 a registry typed as a URL is read as its host, and http:// is explained', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO]);
  const dialog = await openTagDialog(page);
  await dialog.chooseRegistry('Another registry…');
  await dialog.registryHost.fill('http://198.18.7.2:5000/');
  await dialog.fill({ namespace: '', repository: 'hello', tag: '1' });
  await expect(dialog.registryHost).not.toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.fullName).toHaveText('198.18.7.2:5000/hello:1');
  await expect(dialog.root).toContainText('http:// means no TLS');
  await dialog.registryHost.fill('https://ghcr.io');
  await expect(dialog.fullName).toHaveText('ghcr.io/hello:1');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: /Add registry/ }).click();
  const add = page.getByRole('dialog', { name: 'Add a registry' });
  await add.getByLabel('Registry host').fill('http://198.18.7.2:5000/');
  await expect(add.getByLabel('Registry host')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(add).toContainText('Saved as 198.18.7.2:5000');
  await expect(add).toContainText('insecure registry');
  await expect(add.getByRole('button', { name: 'Add' })).toBeEnabled();
});

test('#3 the local registry has one name, localhost:<port>, in the Tag dialog and its view', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO]);
  const dialog = await openTagDialog(page);
  await expect(dialog.registry.locator('option:checked')).toHaveText('Local registry (localhost:5000)');
  await expect(dialog.registry.locator('option', { hasText: '127.0.0.1' })).toHaveCount(0);
  await dialog.fill({ repository: 'hello', tag: '1' });
  await expect(dialog.fullName).toHaveText('localhost:5000/hello:1');
  await page.keyboard.press('Escape');
  await page
    .getByRole('button', { name: /^Local registry/ })
    .first()
    .click();
  const address = page
    .getByRole('term')
    .filter({ hasText: 'Address' })
    .locator('xpath=following-sibling::dd[1]');
  await expect(address).toHaveText('localhost:5000');
});

test('#14 a newly added registry that needs no login does not say pushing needs one', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO]);
  await page.getByRole('button', { name: /^Northwind/ }).click();
  const account = page.getByRole('region', { name: 'Account' });
  await expect(account).toContainText('Not logged in');
  await expect(account).not.toContainText('pushing needs one');
  await expect(account).toContainText('need no login');
  // Docker Hub does need one to push.
  await page.getByRole('button', { name: /^Docker Hub/ }).click();
  await expect(page.getByRole('region', { name: 'Account' })).toContainText('pushing needs one');
});

/** The little of the DOM these checks use (the specs compile without the DOM's types). */
interface Box {
  scrollWidth: number;
  clientWidth: number;
  querySelectorAll(selector: string): ArrayLike<Box>;
}
interface Rect {
  left: number;
  right: number;
}
interface TextBox {
  getBoundingClientRect(): Rect;
  ownerDocument: {
    createTreeWalker(root: TextBox, show: number): { nextNode(): { textContent: string } };
    createRange(): {
      setStart(node: unknown, offset: number): void;
      setEnd(node: unknown, offset: number): void;
      getBoundingClientRect(): Rect;
    };
  };
}

/** True when `locator`'s content, and each element's in it, fits its box (nothing cut off by overflow). */
async function fitsWhole(locator: Locator): Promise<boolean> {
  return locator.evaluate((element: Box) =>
    [element, ...Array.from(element.querySelectorAll('*'))].every(
      (each) => each.scrollWidth <= each.clientWidth + 1,
    ),
  );
}

/** True when the last character of `locator`'s text lies inside the box that clips it. */
async function endInView(locator: Locator): Promise<boolean> {
  return locator.evaluate((element: TextBox) => {
    const box = element.getBoundingClientRect();
    const SHOW_TEXT = 4;
    const node = element.ownerDocument.createTreeWalker(element, SHOW_TEXT).nextNode();
    const range = element.ownerDocument.createRange();
    range.setStart(node, node.textContent.length - 1);
    range.setEnd(node, node.textContent.length);
    const last = range.getBoundingClientRect();
    return last.right <= box.right + 1 && last.left >= box.left - 1;
  });
}

test('#9 nothing a beginner needs is cut off, and the "+" is drawn, not typed', async ({
  page,
  openStubApp,
}) => {
  const long = 'hello-busybox-with-a-long-repository-name';
  const names = [`127.0.0.1:5000/${long}:1`, `localhost:5000/team/${long}:2`, `${long}:3`];
  await openStubApp([{ ...HELLO, repoTags: names }], {
    viewport: { width: 860, height: 540 },
    answers: {
      'registry.status': {
        state: 'running',
        url: 'http://127.0.0.1:5000',
        startedAt: Date.UTC(2025, 10, 20),
        port: 5000,
        host: '127.0.0.1',
        dataDir: '/tmp/berth/registry',
        exposeOnNetwork: false,
        restarts: 1,
      },
      'registry.repositories': [
        {
          name: 'hello',
          tags: [
            {
              tag: 'v1',
              digest: `sha256:${'cd'.repeat(32)}`,
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              size: 7e6,
              platforms: ['linux/amd64'],
            },
          ],
        },
      ],
      'docker.status': {
        state: 'disconnected',
        endpoint: { description: 'unix:///var/run/docker.sock (platform default)', source: 'default' },
        problem:
          "Docker isn't running: nothing answers at /var/run/docker.sock. Start Docker Desktop (or dockerd) and Berth will connect by itself.",
      },
    },
  });

  await test.step('the "+" before Add registry… is an SVG, not a character a font may lack', async () => {
    const add = page.getByRole('button', { name: 'Add registry…' });
    await expect(add.locator('svg[data-icon="plus"]')).toBeVisible();
    await expect(add).toHaveText('Add registry…');
  });

  await test.step('a saved registry’s host is read whole in the sidebar', async () => {
    const northwind = page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Northwind/ });
    await expect(northwind).toContainText('registry.northwind.example.com');
    expect(await fitsWhole(northwind)).toBe(true);
  });

  await test.step('the status bar says all of why Docker is down', async () => {
    const bar = page.getByRole('status').filter({ hasText: "Docker isn't running" });
    await expect(bar).toBeVisible();
    expect(await fitsWhole(bar)).toBe(true);
  });

  await test.step('each of an image row’s names shows its end: the repository and tag', async () => {
    for (const name of names) {
      const text = page.getByTitle(name, { exact: true });
      await expect(text).toBeVisible();
      const endVisible = await endInView(text);
      expect(endVisible, `the end of ${name} is in view`).toBe(true);
    }
  });

  await test.step('the registry status is read whole, with its restarts', async () => {
    await page
      .getByRole('button', { name: /^Local registry/ })
      .first()
      .click();
    const status = page.locator('[data-registry-state]');
    await expect(status).toHaveText('Running');
    expect(await fitsWhole(status)).toBe(true);
    await expect(
      page.getByRole('list', { name: 'Registry details' }).or(page.locator('.registry-facts')),
    ).toContainText('Restarted once after a crash');
  });

  await test.step('"Delete v1" stays on one line', async () => {
    await page.getByRole('button', { name: 'Delete tag hello:v1' }).click();
    const confirm = page.getByRole('button', { name: 'Delete v1' });
    const keep = page.getByRole('button', { name: 'Keep' });
    const [confirmBox, keepBox] = await Promise.all([confirm.boundingBox(), keep.boundingBox()]);
    expect(confirmBox!.height).toBeLessThanOrEqual(keepBox!.height + 1);
  });
});

/** Deliver a transfer snapshot where the host's event would arrive. */
async function deliverTransfer(page: Page, snapshot: TransferSnapshot): Promise<void> {
  await page.evaluate(
    `window.__listeners.forEach((listener) => listener({ event: 'transfers.progress', payload: ${JSON.stringify(snapshot)} }))`,
  );
}

/** A push's snapshot as the host sends it: `fields` over a push with nothing moved yet. */
function pushSnapshot(
  fields: Pick<TransferSnapshot, 'id' | 'reference' | 'state'> & Partial<TransferSnapshot>,
): TransferSnapshot {
  return {
    kind: 'push',
    rows: [],
    overall: 0,
    bytesDone: 0,
    bytesTotal: 0,
    speed: 0,
    etaSeconds: null,
    messages: [],
    cancelRequested: false,
    startedAt: 1000,
    ...fields,
  };
}

test('#5 while layers are still being sized, the card says the total may grow', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO]);
  const push = pushSnapshot({
    id: 't5',
    reference: 'localhost:5000/hello:1',
    state: 'running',
    rows: [
      { id: 'sha256:aaa', status: 'Pushing', current: 10e6, total: 212e6, unit: 'bytes', done: false },
      { id: 'sha256:bbb', status: 'Waiting', current: 0, total: 0, unit: 'none', done: false },
    ],
    overall: 0.05,
    bytesDone: 10e6,
    bytesTotal: 212e6,
    sizesPending: true,
    speed: 1e6,
  });
  await deliverTransfer(page, push);
  const card = page.getByRole('region', { name: 'Transfers' }).getByRole('article');
  await expect(card).toContainText('so far (still sizing layers)');
  await deliverTransfer(page, {
    ...push,
    sizesPending: false,
    bytesTotal: 317e6,
    overall: 0.2,
    bytesDone: 63.4e6,
  });
  await expect(card).not.toContainText('still sizing');
  await expect(card).toContainText('20 %');
});

test('#13 a visible "Start with Berth" switch shows and changes whether the registry starts with the app', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO], {
    answers: {
      'settings.update': {
        registry: {
          port: 5000,
          dataDir: null,
          exposeOnNetwork: false,
          autoStart: false,
          autoStartChosen: true,
        },
        registries: [],
        daemonConfigPath: null,
        localPush: { throughDocker: false, layerCompression: 'none' },
      },
    },
  });
  await page
    .getByRole('button', { name: /^Local registry/ })
    .first()
    .click();
  const toggle = page.getByRole('switch', { name: 'Start with Berth' });
  // The stub's settings say it is on (the user started it before).
  await expect(toggle).toBeChecked();
  await expect(toggle).toHaveAccessibleDescription('Starts again whenever Berth opens.');
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  await expect(toggle).toHaveAccessibleDescription('Stays stopped until you press Start.');
  expect(await page.evaluate('window.__benchRequests.includes("settings.update")')).toBe(true);
});

test('the command behind every click: tag, push, remove and the registry Berth replaces, each copyable', async ({
  page,
  context,
  openStubApp,
}) => {
  await openStubApp([HELLO]);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);

  await test.step('the Tag dialog shows docker tag (and docker push when pushing) for the name as typed', async () => {
    await page.getByRole('button', { name: 'Push hello:1 to…' }).click();
    const dialog = new TagDialogPage(page);
    await dialog.fill({ repository: 'hello', tag: '1' });
    const tag = dialog.root.getByRole('group', { name: 'In a terminal' });
    await expect(tag.getByLabel('Command', { exact: true })).toHaveText(
      'docker tag hello:1 localhost:5000/hello:1',
    );
    await expect(
      dialog.root.getByRole('group', { name: 'Then, to push' }).getByLabel('Command', { exact: true }),
    ).toHaveText('docker push localhost:5000/hello:1');
    await tag.getByRole('button', { name: /^Copy the command/ }).click();
    await expect(tag.getByRole('button', { name: /^Copy the command/ })).toHaveText('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(
      'docker tag hello:1 localhost:5000/hello:1',
    );
    await page.keyboard.press('Escape');
  });

  await test.step('the Remove dialog shows docker rmi', async () => {
    await page.getByRole('button', { name: 'Remove hello:1' }).click();
    const remove = page.getByRole('dialog');
    await expect(remove.getByLabel('Command', { exact: true })).toHaveText('docker rmi hello:1');
    await page.keyboard.press('Escape');
  });

  await test.step('a finished push shows docker push', async () => {
    await deliverTransfer(
      page,
      pushSnapshot({
        id: 'done',
        reference: 'localhost:5000/hello:1',
        state: 'succeeded',
        rows: [{ id: 'sha256:aaa', status: 'Pushed', current: 7e6, total: 7e6, unit: 'bytes', done: true }],
        overall: 1,
        bytesDone: 7e6,
        bytesTotal: 7e6,
        etaSeconds: 0,
        digest: `sha256:${'ef'.repeat(32)}`,
        finishedAt: 4000,
      }),
    );
    const card = page.getByRole('region', { name: 'Transfers' }).getByRole('article');
    await expect(card.getByLabel('Command', { exact: true })).toHaveText(
      'docker push localhost:5000/hello:1',
    );
    await page.screenshot({ path: screenshotPath('finished-push-with-its-command.png') });
  });

  await test.step('the local registry says which command it replaces', async () => {
    await page
      .getByRole('button', { name: /^Local registry/ })
      .first()
      .click();
    const replaces = page.getByRole('group', { name: 'What this replaces' });
    await expect(replaces.getByLabel('Command', { exact: true })).toHaveText(
      'docker run -d -p 5000:5000 --name registry registry:2',
    );
    await expect(replaces).toContainText('Berth runs its own registry instead');
  });
});

test('#7 the one-click insecure-registry fix says what it changed, on the retried push’s card', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO], {
    answers: {
      'daemonConfig.save': {
        written: {
          path: '/etc/docker/daemon.json',
          backupPath: '/etc/docker/daemon.json.berth-backup-1',
          version: 'v2',
          elevated: false,
          hostsToml: { written: [], removed: [], problems: [] },
        },
        applied: { method: 'signal', message: 'Sent SIGHUP', pid: 321, steps: [] },
        verified: {
          ok: true,
          message: 'ok',
          reported: { insecureRegistries: ['198.18.7.2:5000'], insecureRegistryCidrs: [], mirrors: [] },
        },
      },
      'transfers.push': { id: 'retried' },
    },
  });
  const failed = pushSnapshot({
    id: 'first',
    reference: '198.18.7.2:5000/hello:1',
    state: 'failed',
    finishedAt: 2000,
    error: {
      code: 'INSECURE_REGISTRY',
      message: 'Docker refuses plain HTTP to 198.18.7.2:5000.',
      fix: { kind: 'addInsecureRegistry', host: '198.18.7.2:5000' },
    },
  });
  await deliverTransfer(page, failed);
  const panel = page.getByRole('region', { name: 'Transfers' });
  await panel.getByRole('button', { name: 'Add 198.18.7.2:5000 to insecure registries and retry' }).click();
  await expect.poll(() => page.evaluate('window.__benchRequests.includes("transfers.push")')).toBe(true);
  await deliverTransfer(page, {
    ...failed,
    id: 'retried',
    state: 'succeeded',
    overall: 1,
    error: undefined,
    digest: `sha256:${'ef'.repeat(32)}`,
  });
  const note = panel.getByRole('note', { name: 'What Berth changed' });
  await expect(note).toContainText(
    'Added 198.18.7.2:5000 to "insecure-registries" in /etc/docker/daemon.json.',
  );
  await expect(note).toContainText('The previous file is kept as /etc/docker/daemon.json.berth-backup-1.');
  await expect(note).toContainText('Docker reloaded its settings (process 321).');
  await expect(note).toContainText('Berth checked: Docker now talks plain HTTP to 198.18.7.2:5000.');
  await expect(note.getByLabel('Command', { exact: true })).toHaveText(
    '"insecure-registries": ["198.18.7.2:5000"]',
  );
  await page.screenshot({ path: screenshotPath('insecure-fix-says-what-changed.png') });
});

test('#8 a repository with no tags left is listed with its size and can be deleted', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO], {
    answers: {
      'registry.repositories': [{ name: 'left/over', tags: [], untaggedSize: 316e6 }],
      'registry.deleteRepository': { repository: 'left/over' },
    },
  });
  await page
    .getByRole('button', { name: /^Local registry/ })
    .first()
    .click();
  const table = page.getByRole('table', { name: 'Registry repositories' });
  await expect(page.getByText('Nothing here yet')).toHaveCount(0);
  const row = table.getByRole('row').filter({ hasText: 'left/over' });
  await expect(row).toContainText('no tags');
  await expect(row).toContainText('316 MB');
  await row.getByRole('button', { name: 'Delete repository left/over' }).click();
  await row.getByRole('button', { name: 'Delete left/over' }).click();
  await expect
    .poll(() => page.evaluate('window.__benchRequests.includes("registry.deleteRepository")'))
    .toBe(true);
});

test('#4 the port is a visible setting, and a push to the old port offers the new name', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO], {
    answers: {
      'images.tag': { target: 'localhost:5001/hello:1' },
      'transfers.push': { id: 'renamed' },
    },
  });

  await test.step('the port can be changed back and forth from the registry view', async () => {
    await page
      .getByRole('button', { name: /^Local registry/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Change port…' }).click();
    const form = page.getByRole('form', { name: 'Registry port' });
    await form.getByLabel('Port', { exact: true }).fill('5001');
    await expect(form).toContainText('Docker then pushes to localhost:5001.');
    await form.getByRole('button', { name: 'Use this port' }).click();
    await expect.poll(() => page.evaluate('window.__benchRequests.includes("registry.start")')).toBe(true);
  });

  await test.step('a push still named for port 5000 says the registry moved and offers the new name', async () => {
    await deliverTransfer(
      page,
      pushSnapshot({
        id: 'old-port',
        reference: 'localhost:5000/hello:1',
        state: 'failed',
        finishedAt: 2000,
        error: {
          code: 'REGISTRY_UNREACHABLE',
          message:
            "Berth's local registry moved from port 5000 to port 5001, and localhost:5000/hello:1 is still named for port 5000.",
          fix: {
            kind: 'retagForLocalRegistry',
            source: 'localhost:5000/hello:1',
            target: 'localhost:5001/hello:1',
          },
        },
      }),
    );
    const card = page.getByRole('region', { name: 'Transfers' }).getByRole('article');
    await expect(card).toContainText('moved from port 5000 to port 5001');
    await expect(card.getByLabel('Command', { exact: true })).toHaveText(
      'docker tag localhost:5000/hello:1 localhost:5001/hello:1',
    );
    await card.getByRole('button', { name: 'Name it localhost:5001/hello:1 and push' }).click();
    await expect.poll(() => page.evaluate('window.__benchRequests.includes("transfers.push")')).toBe(true);
    expect(await page.evaluate('window.__benchRequests.includes("images.tag")')).toBe(true);
  });
});

test('screenshot: the local registry view a beginner sees (port, Start with Berth, what it replaces)', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([HELLO], {
    answers: {
      'registry.repositories': [
        {
          name: 'hello',
          tags: [
            {
              tag: '1',
              digest: `sha256:${'cd'.repeat(32)}`,
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              size: 7e6,
              platforms: ['linux/amd64'],
            },
          ],
        },
        { name: 'left/over', tags: [], untaggedSize: 316e6 },
      ],
    },
  });
  await page
    .getByRole('button', { name: /^Local registry/ })
    .first()
    .click();
  await expect(page.getByRole('switch', { name: 'Start with Berth' })).toBeVisible();
  // Its label is read whole in the narrow status card (#9).
  expect(await fitsWhole(page.getByLabel('Registry details').locator('dd.fact-control').first())).toBe(true);
  await page.screenshot({ path: screenshotPath('local-registry-beginner.png') });
});
