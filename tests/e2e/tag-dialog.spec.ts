/**
 * The Tag dialog explains as you type: Docker's grammar's exact reason under the field it is about,
 * the full name live, Docker Hub's normalisation shown (`nginx` → `docker.io/library/nginx:latest`),
 * and a valid name really tags the image in the daemon.
 */
import { expect, screenshotPath, test, testImageForFile } from './fixtures';
import { TagDialogPage } from './pages/tag-dialog';
import { ImageActions } from './pages/transfers-images';

const subject = testImageForFile('tagdialog', [64 * 1024]);

test('shows the exact reason under the right field, the live name and the normalisation; a valid name tags', async ({
  page,
  mainWindow,
  webHost,
  docker,
}) => {
  const { image } = subject;
  await mainWindow.open(webHost.url);
  const images = new ImageActions(page);
  const dialog = new TagDialogPage(page);
  await images.showOnly(image.repository);
  await images.openTag(image.reference);
  await dialog.waitOpen();

  await test.step('Docker Hub: an official-looking name is normalised, and the dialog says so', async () => {
    await dialog.chooseRegistry(/^Docker Hub/);
    await dialog.fill({ namespace: '', repository: 'nginx', tag: '' });
    await expect(dialog.fullName).toHaveText('nginx');
    await expect(dialog.root).toContainText(
      'Docker stores it as docker.io/library/nginx:latest (no tag means :latest).',
    );
    await expect(dialog.root).toContainText('Without a namespace Docker Hub means library/');
  });

  await test.step('the reason goes under the field it is about', async () => {
    await dialog.fill({ namespace: 'team', repository: 'MyApp', tag: '1.0' });
    await dialog.expectFieldError(
      dialog.repository,
      "uppercase letters are not allowed in the repository name (use 'myapp' instead of 'MyApp')",
    );
    // The name as typed stays visible, marked as not valid yet.
    await expect(dialog.fullName).toHaveText('team/MyApp:1.0');
    await expect(dialog.root).toContainText('Not a valid name yet: fix the field marked in red.');
    await expect(dialog.tagButton).toBeDisabled();
    await expect(dialog.tagAndPushButton).toBeDisabled();

    await dialog.fill({ repository: 'myapp', tag: '-beta' });
    await dialog.expectFieldError(dialog.tag, "a tag must start with a letter, a digit or '_', not '-'");
    await expect(dialog.repository).not.toHaveAttribute('aria-invalid', 'true');
    await page.screenshot({ path: screenshotPath('tag-dialog-validation-error.png') });

    await dialog.fill({ namespace: 'My Team', tag: '1.0' });
    await dialog.expectFieldError(
      dialog.namespace,
      /spaces are not allowed|not allowed in the repository name/,
    );

    await dialog.fill({ namespace: 'team' });
    await dialog.chooseRegistry('Another registry…');
    await dialog.registryHost.fill('registry_one:5000');
    await dialog.expectFieldError(
      dialog.registryHost,
      /the registry host 'registry_one' may only contain letters, digits, '-' and '\.'/,
    );
    await dialog.registryHost.fill('registry.example.com:50a');
    await dialog.expectFieldError(
      dialog.registryHost,
      "the port in 'registry.example.com:50a' must be a number, such as registry.example.com:5000",
    );
    await dialog.registryHost.fill('registry.example.com:5000');
    await expect(dialog.fullName).toHaveText('registry.example.com:5000/team/myapp:1.0');
  });

  await test.step('a valid name for the local registry tags the image in Docker', async () => {
    await dialog.chooseRegistry(/^Local registry \(localhost:/);
    const option = await dialog.registry.locator('option:checked').textContent();
    const port = /localhost:(\d+)/.exec(option ?? '')?.[1];
    expect(port).toBeDefined();
    await dialog.fill({
      namespace: 'berth-test',
      repository: image.repository.split('/')[1]!,
      tag: 'tagged',
    });
    const target = `localhost:${port}/${image.repository}:tagged`;
    subject.removeLater(target);
    await expect(dialog.fullName).toHaveText(target);
    await dialog.tagButton.click();
    await expect(dialog.root).toBeHidden();
    await expect(images.row(target)).toBeVisible();
    await expect(images.row(target).getByText(`localhost:${port}`, { exact: true })).toBeVisible();
    const inspected = await docker.getImage(target).inspect();
    expect(inspected.RepoTags).toContain(target);
  });
});
