/**
 * The local registry journey: Start with one click, `docker push` to it, see the repository, its
 * digest and the activity appear live, delete the tag, clean up (the dry-run figure first), Stop.
 * And the classic trap: the port is taken → a clear message and one click to use the next free port,
 * which is remembered.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, testImageForFile } from './fixtures';
import { LocalRegistryPage } from './pages/local-registry';
import { freePort, removeImages } from '../helpers/test-images';
import { startWebHost, type RunningWebHost } from '../helpers/web-host';

async function hostWithRegistryPort(port: number): Promise<RunningWebHost> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-registry-'));
  writeFileSync(
    join(userDataDir, 'config.json'),
    JSON.stringify({
      registry: { port, dataDir: join(userDataDir, 'registry'), exposeOnNetwork: false, autoStart: false },
    }),
  );
  return startWebHost({ userDataDir });
}

const subject = testImageForFile('local-registry', [512 * 1024, 256 * 1024]);

test('start, push with docker, see it live, delete the tag, clean up, stop', async ({
  page,
  docker,
}, testInfo) => {
  const port = await freePort();
  const host = await hostWithRegistryPort(port);
  const target = `127.0.0.1:${port}/e2e/hello:1`;
  try {
    await page.goto(host.url);
    const registry = new LocalRegistryPage(page);
    await registry.open();
    await expect(registry.state).toHaveAttribute('data-registry-state', 'stopped');
    // The sidebar's dot: grey while stopped (a normal state, not an alarm), green while running.
    const sidebarDot = page.getByRole('navigation', { name: 'Main' }).locator('.dot');
    await expect(sidebarDot).toHaveClass('dot idle');
    await registry.start();
    await expect(sidebarDot).toHaveClass('dot on');
    // One name for it everywhere (#22): localhost:<port>, as Docker's docs write it.
    await expect(page.getByRole('region', { name: 'Local registry' })).toContainText(`localhost:${port}`);
    await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(`:${port}`);

    execFileSync('docker', ['tag', subject.image.reference, target]);
    execFileSync('docker', ['push', target], { stdio: 'pipe' });
    const digest = (await docker.getImage(target).inspect()).RepoDigests.find((entry) =>
      entry.startsWith(`127.0.0.1:${port}/e2e/hello@`),
    )!.split('@')[1]!;

    const row = registry.tagRow('e2e/hello:1');
    await expect(row).toBeVisible();
    await expect(row).toContainText(digest.replace('sha256:', '').slice(0, 12));
    await expect(row).toContainText('linux/amd64');
    await expect(registry.activity).toContainText('Pushed');
    await expect(registry.activity).toContainText('e2e/hello:1');
    await expect(page.getByRole('region', { name: 'Local registry' })).toContainText('1 repository · 1 tag');

    // A storage failure the registry survives (here a file where its uploads folder should be): an
    // upload fails with a clean 500, and the app says so in the feed and in a notice.
    const uploads = join(host.userDataDir, 'registry', 'uploads');
    rmSync(uploads, { recursive: true, force: true });
    writeFileSync(uploads, 'not a folder');
    const failed = await fetch(`http://127.0.0.1:${port}/v2/e2e/hello/blobs/uploads/`, { method: 'POST' });
    expect(failed.status).toBe(500);
    await expect(registry.activity).toContainText('Storage failed');
    await expect(registry.activity).toContainText('the storage folder is damaged');
    const notice = page
      .getByRole('alert')
      .filter({ hasText: 'Local registry: the storage folder is damaged' });
    await expect(notice).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/local-registry-storage-failure.png' });
    rmSync(uploads);
    mkdirSync(uploads);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toBeHidden();
    await page.screenshot({ path: 'test-results/screenshots/local-registry.png' });
    await testInfo.attach('local-registry', {
      path: 'test-results/screenshots/local-registry.png',
      contentType: 'image/png',
    });

    // Pull it back with one click from the registry's list.
    execFileSync('docker', ['rmi', target], { stdio: 'pipe' });
    await row.getByRole('button', { name: 'Pull' }).click();
    await expect
      .poll(
        async () =>
          await docker
            .getImage(`localhost:${port}/e2e/hello:1`)
            .inspect()
            .then(
              () => 'pulled',
              () => 'absent',
            ),
        { timeout: 30_000 },
      )
      .toBe('pulled');
    await removeImages(docker, [`localhost:${port}/e2e/hello:1`]);

    await row.getByRole('button', { name: 'Delete tag e2e/hello:1' }).click();
    await row.getByRole('button', { name: 'Delete 1' }).click();
    await expect(row).toHaveCount(0);
    const response = await fetch(`http://127.0.0.1:${port}/v2/e2e/hello/manifests/1`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(response.status).toBe(404);

    await page.getByRole('button', { name: 'Clean up…' }).click();
    const cleanup = page.getByRole('group', { name: 'Clean up' });
    await expect(cleanup).toContainText(/would free .*\(\d+ unused layers?\)/);
    await page.screenshot({ path: 'test-results/screenshots/local-registry-cleanup.png' });
    await cleanup.getByRole('button', { name: /^Free / }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Freed / })).toBeVisible();

    // Sharing on the network is an explicit opt-in, and can be taken back.
    await page.getByRole('button', { name: 'Share on my network…' }).click();
    await page
      .getByRole('group', { name: 'Share on my network' })
      .getByRole('button', { name: 'Share' })
      .click();
    await expect(page.getByLabel('Registry details')).toContainText('your network (0.0.0.0)');
    await expect(registry.state).toHaveAttribute('data-registry-state', 'running');
    await page.getByRole('button', { name: 'Limit to this computer' }).click();
    await expect(page.getByLabel('Registry details')).toContainText('this computer only (127.0.0.1)');
    await expect(registry.state).toHaveAttribute('data-registry-state', 'running');

    await registry.stop();
    await expect(sidebarDot).toHaveClass('dot idle');
    await expect
      .poll(async () =>
        fetch(`http://127.0.0.1:${port}/v2/`).then(
          () => 'up',
          () => 'down',
        ),
      )
      .toBe('down');
  } finally {
    await host.stop();
    rmSync(host.userDataDir, { recursive: true, force: true });
    await removeImages(docker, [target]);
  }
});

test('a taken port gives a clear message and one click to use the next free port, which is remembered', async ({
  page,
}) => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  const host = await hostWithRegistryPort(taken);
  try {
    await page.goto(host.url);
    const registry = new LocalRegistryPage(page);
    await registry.open();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText(`${taken}`);
    await expect(alert).toContainText(/in use/i);
    // Linux shows which program holds it (this test's own process); AirPlay is a macOS thing.
    await expect(alert).toContainText(/is in use by .+ \(process \d+\)/);
    await expect(alert).not.toContainText('AirPlay');
    const useNext = alert.getByRole('button', { name: /^Use port \d+$/ });
    const next = Number((await useNext.textContent())!.replace(/\D/g, ''));
    expect(next).not.toBe(taken);
    await useNext.click();
    await expect(registry.state).toHaveAttribute('data-registry-state', 'running');
    expect((await fetch(`http://127.0.0.1:${next}/v2/`)).headers.get('docker-distribution-api-version')).toBe(
      'registry/2.0',
    );
    await registry.stop();

    // The choice survives a restart of the host.
    await host.stop();
    const again = await startWebHost({ userDataDir: host.userDataDir });
    try {
      await page.goto(again.url);
      await registry.open();
      await expect(page.getByRole('region', { name: 'Local registry' })).toContainText(`localhost:${next}`);
    } finally {
      await again.stop();
    }
  } finally {
    await host.stop();
    rmSync(host.userDataDir, { recursive: true, force: true });
    blocker.close();
  }
});
