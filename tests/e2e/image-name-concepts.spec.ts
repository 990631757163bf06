/**
 * Concepts where a beginner needs them (issue 22), on the whole renderer over the stub bridge: the
 * Tag dialog draws the name's parts live from what is typed, with the parts Docker fills in (Docker
 * Hub, library, latest) shown as filled in; an image row's registry badge says, in its tooltip, where
 * a push of that name would go.
 */
import type { LocalImage } from '../../electron/api/contract/images';
import { screenshotPath } from './fixtures';
import { TagDialogPage } from './pages/tag-dialog';
import { expect, test } from './stub-app';

const MYAPP: LocalImage = {
  id: `sha256:${'ef'.repeat(32)}`,
  repoTags: ['myapp:v1', 'localhost:5000/myapp:v1'],
  repoDigests: [],
  size: 7e6,
  created: Math.floor(Date.now() / 1000),
};

test('the Tag dialog draws the parts of the name as they are typed', async ({ page, openStubApp }) => {
  await openStubApp([MYAPP]);
  await page.getByRole('button', { name: /^Tag .*myapp:v1$/ }).click();
  const dialog = new TagDialogPage(page);
  await dialog.waitOpen();
  const parts = dialog.root.getByRole('figure', { name: 'The parts of the name' });
  const items = parts.getByRole('listitem');

  await dialog.chooseRegistry('Docker Hub');
  await dialog.fill({ namespace: '', repository: 'myapp', tag: '' });
  await expect(items).toHaveText([
    'docker.iono host written: Docker Hub',
    '/libraryofficial images only',
    '/myapprepository',
    ':latestno tag written: latest',
  ]);
  await expect(parts).toContainText('A push sends it to Docker Hub, the default registry.');

  await dialog.fill({ namespace: 'ada', tag: 'v2' });
  await expect(items).toHaveText([
    'docker.iono host written: Docker Hub',
    '/adayour Docker ID',
    '/myapprepository',
    ':v2tag (version)',
  ]);
  await expect(dialog.fullName).toHaveText('ada/myapp:v2');
  await page.screenshot({ path: screenshotPath('tag-dialog-name-parts.png') });

  await dialog.chooseRegistry('Local registry (localhost:5000)');
  await dialog.fill({ namespace: '' });
  await expect(items.first()).toHaveText('localhost:5000registry host: Berth’s own');
  await expect(parts).toContainText('A push sends it to Berth’s local registry at localhost:5000.');
});

test('a registry badge says where a push of that name would go, not where it came from', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([MYAPP]);
  const row = page.getByRole('row').filter({ hasText: 'myapp:v1' });
  await expect(row.getByText('Docker Hub', { exact: true })).toHaveAttribute(
    'title',
    "Where a push of this name would go: it has no registry host, so Docker means Docker Hub (docker.io/library/myapp:v1). It doesn't say where the image came from.",
  );
  await expect(row.getByText('localhost:5000', { exact: true })).toHaveAttribute(
    'title',
    "Where a push of this name goes: Berth's local registry at localhost:5000.",
  );
});
