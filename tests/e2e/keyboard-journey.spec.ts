/**
 * The whole journey from the keyboard alone: tag an image for the local registry and push it, watch
 * the progress, then pull it back from the registry view. No mouse: Tab moves focus, Enter acts.
 * Whole renderer on the stub bridge, which answers the commands and lets the test deliver progress.
 */
import type { Locator, Page } from '@playwright/test';
import type { TransferSnapshot } from '../../electron/api/contract/transfers';
import { TagDialogPage } from './pages/tag-dialog';
import { expect, test } from './stub-app';

/** Press Tab until `target` has focus (at most `limit` times): how a keyboard user gets there. */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  for (let press = 0; press < limit; press++) {
    if (
      await target.evaluate(
        (element: { ownerDocument: { activeElement: unknown } }) =>
          element.ownerDocument.activeElement === element,
      )
    )
      return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

const deliver = (page: Page, snapshot: TransferSnapshot) =>
  page.evaluate(
    `window.__listeners.forEach((listener) => listener({ event: 'transfers.progress', payload: ${JSON.stringify(snapshot)} }))`,
  );

test('tag → push → watch progress → pull, by keyboard alone', async ({ page, openStubApp }) => {
  await openStubApp(
    [
      {
        id: `sha256:${'ab'.repeat(32)}`,
        repoTags: ['hello:1'],
        repoDigests: [],
        size: 7e6,
        created: Math.floor(Date.now() / 1000),
      },
    ],
    {
      answers: {
        'images.tag': { target: 'localhost:5000/hello:1' },
        'transfers.push': { id: 'kb-push' },
        'transfers.pull': { id: 'kb-pull' },
        'registry.repositories': [
          {
            name: 'hello',
            tags: [
              {
                tag: '1',
                digest: `sha256:${'ef'.repeat(32)}`,
                mediaType: 'application/vnd.oci.image.manifest.v1+json',
                size: 7e6,
                platforms: ['linux/amd64'],
              },
            ],
          },
        ],
      },
    },
  );
  const requests = () => page.evaluate<string[]>('window.__benchRequests');

  await test.step('open "Push to…" on the image and name it for the local registry', async () => {
    await tabTo(page, page.getByRole('button', { name: 'Push hello:1 to…' }));
    await page.keyboard.press('Enter');
    const dialog = new TagDialogPage(page);
    await dialog.waitOpen();
    await expect(dialog.registry.locator('option:checked')).toHaveText('Local registry (localhost:5000)');
    await tabTo(page, dialog.repository);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('hello');
    await tabTo(page, dialog.tag);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('1');
    await expect(dialog.fullName).toHaveText('localhost:5000/hello:1');
    await page.keyboard.press('Enter');
    await expect(dialog.root).toBeHidden();
    await expect.poll(requests).toContain('transfers.push');
  });

  const push: TransferSnapshot = {
    id: 'kb-push',
    kind: 'push',
    reference: 'localhost:5000/hello:1',
    state: 'running',
    rows: [{ id: 'sha256:aaa', status: 'Pushing', current: 3.5e6, total: 7e6, unit: 'bytes', done: false }],
    overall: 0.5,
    bytesDone: 3.5e6,
    bytesTotal: 7e6,
    speed: 1e6,
    etaSeconds: 3,
    messages: [],
    cancelRequested: false,
    startedAt: 1000,
  };

  await test.step('watch the progress, then the finished push', async () => {
    await deliver(page, push);
    const card = page.getByRole('region', { name: 'Transfers' }).getByRole('article');
    await expect(card.getByRole('progressbar', { name: /^Overall progress/ })).toHaveAttribute(
      'aria-valuenow',
      '50',
    );
    await deliver(page, {
      ...push,
      state: 'succeeded',
      overall: 1,
      bytesDone: 7e6,
      rows: [{ id: 'sha256:aaa', status: 'Pushed', current: 7e6, total: 7e6, unit: 'bytes', done: true }],
      digest: `sha256:${'ef'.repeat(32)}`,
      finishedAt: 4000,
    });
    await expect(card.getByRole('progressbar', { name: /^Overall progress/ })).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
    // The card's buttons are reachable from the keyboard too.
    await tabTo(page, card.getByRole('button', { name: /^Copy the command/ }));
  });

  await test.step('go to the local registry and pull it back', async () => {
    await tabTo(
      page,
      page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Local registry/ }),
    );
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Local registry', level: 1 })).toBeVisible();
    const row = page
      .getByRole('table', { name: 'Registry repositories' })
      .getByRole('row')
      .filter({ hasText: 'hello' });
    await tabTo(page, row.getByRole('button', { name: 'Pull', exact: true }));
    await page.keyboard.press('Enter');
    await expect.poll(requests).toContain('transfers.pull');
  });
});
