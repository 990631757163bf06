/**
 * Trip-ups a beginner hit in the first hour (issue #22), each as the user sees it. Whole renderer on
 * the stub bridge (bench/lib/app-stub.ts): these are about what the dialogs and views say.
 */
import type { Page } from '@playwright/test';
import type { LocalImage } from '../../electron/api/contract/images';
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
    .locator('xpath=following-sibling::dd');
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
