/**
 * The beginner's classic: pushing to a registry on another machine that speaks plain HTTP. A real
 * non-loopback registry (Berth's own, in a network-namespace test host) and a private dockerd started
 * with --config-file: the push fails with Docker's "server gave HTTP response to HTTPS client" kept
 * visible, the app says what it means, and one button adds the host to daemon.json's
 * insecure-registries, makes the daemon reload, checks it took, and retries — which pushes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createNetnsHost, startRegistryIn, type NetnsHost, type NetnsRegistry } from '../helpers/netns-host';
import { startPrivateDockerd, type PrivateDockerd } from '../helpers/private-dockerd';
import { buildTestImage, type TestImage } from '../helpers/test-images';
import { startWebHost, type RunningWebHost } from '../helpers/web-host';
import { expect, screenshotPath, test } from './fixtures';
import { ImageActions } from './pages/transfers-images';
import { TransfersPanelPage } from './pages/transfers-panel';

let configFile: string;
let dockerd: PrivateDockerd;
let testHost: NetnsHost;
let registry: NetnsRegistry;
let web: RunningWebHost;
let image: TestImage;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  configFile = join(mkdtempSync(join(tmpdir(), 'berth-insecure-')), 'daemon.json');
  writeFileSync(configFile, '{\n  "debug": false\n}\n');
  dockerd = await startPrivateDockerd(configFile);
  testHost = createNetnsHost();
  registry = await startRegistryIn(testHost);
  web = await startWebHost({ env: { DOCKER_HOST: dockerd.dockerHost } });
  image = await buildTestImage(dockerd.docker, 'insecure-ui', [512 * 1024]);
});

test.afterAll(async () => {
  await web?.stop();
  await registry?.stop();
  testHost?.destroy();
  await dockerd?.stop();
  if (configFile) rmSync(dirname(configFile), { recursive: true, force: true });
});

test('an HTTP registry on the network: the error explains itself and one click adds it and retries', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(web.url);
  const panel = new TransfersPanelPage(page);
  const pushed = await new ImageActions(page).pushToAnotherRegistry(image, registry.address);
  const push = panel.transfer('Push', pushed);
  const fix = `Add ${registry.address} to insecure registries and retry`;
  await test.step('Docker’s words stay, the meaning and the fix are under them', async () => {
    await push.waitForState('Push failed');
    const box = push.root.getByRole('alert', { name: 'Push failed' });
    await expect(box.getByLabel("Docker's message")).toContainText(
      'server gave HTTP response to HTTPS client',
    );
    await expect(box).toContainText(
      'speaks plain HTTP; Docker only allows that for registries listed as insecure',
    );
    await expect(box.getByRole('button', { name: fix })).toBeVisible();
    await page.screenshot({ path: screenshotPath('error-with-fix-insecure-registry.png') });
  });

  await test.step('the fix writes daemon.json, reloads the daemon, verifies, and the retry pushes', async () => {
    await push.root.getByRole('button', { name: fix }).click();
    const retried = panel.transfer('Push', pushed);
    await retried.waitForState('Pushed', 120_000);
    await expect(retried.overall).toHaveAttribute('aria-valuenow', '100');
    expect(
      (JSON.parse(readFileSync(configFile, 'utf8')) as { 'insecure-registries'?: string[] })[
        'insecure-registries'
      ],
    ).toEqual([registry.address]);
    const info = (await dockerd.docker.info()) as {
      RegistryConfig: { IndexConfigs: Record<string, { Secure: boolean }> };
    };
    expect(info.RegistryConfig.IndexConfigs[registry.address]?.Secure).toBe(false);
    await expect(panel.root.getByRole('article', { name: `Push ${pushed}`, exact: true })).toHaveCount(1);
  });
});
