/**
 * daemon.json, end to end, against a real dockerd started with --config-file: the app finds that file
 * and says why, adds a registry on another host (a network-namespace test host) to insecure
 * registries after showing the diff, makes the daemon reload, confirms from /info that Docker now
 * accepts it — and then a push to it really works. A broken file is never overwritten: it is shown
 * with line and column in a raw editor and saved only once valid.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from './fixtures';
import { DockerEnginePage } from './pages/docker-engine';
import { createNetnsHost, startRegistryIn, type NetnsHost, type NetnsRegistry } from '../helpers/netns-host';
import { startPrivateDockerd, type PrivateDockerd } from '../helpers/private-dockerd';
import { buildTestImage } from '../helpers/test-images';
import { startWebHost, type RunningWebHost } from '../helpers/web-host';

const ORIGINAL = `{
    "debug": false,
    "labels": ["berth=e2e", "note=ünïcode ✓"],
    "max-concurrent-uploads": 3
}
`;

let configFile: string;
let dockerd: PrivateDockerd;
let testHost: NetnsHost;
let registry: NetnsRegistry;
let web: RunningWebHost;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  configFile = join(mkdtempSync(join(tmpdir(), 'berth-daemon-json-')), 'daemon.json');
  writeFileSync(configFile, ORIGINAL);
  dockerd = await startPrivateDockerd(configFile);
  testHost = createNetnsHost();
  registry = await startRegistryIn(testHost);
  web = await startWebHost({ env: { DOCKER_HOST: dockerd.dockerHost } });
});

test.afterAll(async () => {
  await web?.stop();
  await registry?.stop();
  testHost?.destroy();
  await dockerd?.stop();
  if (configFile) rmSync(dirname(configFile), { recursive: true, force: true });
});

function dockerCli(args: string[]): { ok: boolean; output: string } {
  try {
    const output = execFileSync('docker', args, {
      env: { ...process.env, DOCKER_HOST: dockerd.dockerHost },
      stdio: 'pipe',
      encoding: 'utf8',
    });
    return { ok: true, output };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

test('adds a network registry to insecure registries, the daemon takes it, and a push then works', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const image = await buildTestImage(dockerd.docker, 'insecure', [128 * 1024]);
  const target = `${registry.address}/e2e/insecure:1`;
  dockerCli(['tag', image.reference, target]);
  const refused = dockerCli(['push', target]);
  expect(refused.ok).toBe(false);
  expect(refused.output).toContain('server gave HTTP response to HTTPS client');

  await page.goto(web.url);
  const engine = new DockerEnginePage(page);
  await engine.open();
  await expect(engine.location).toContainText(configFile);
  await expect(engine.location).toContainText('--config-file');

  await engine.addInsecureRegistry(registry.address);
  await expect(engine.review.getByLabel('Changes')).toContainText(`+`);
  await expect(engine.review.getByLabel('Changes')).toContainText(registry.address);
  // Nothing is written before the user confirms.
  expect(readFileSync(configFile, 'utf8')).toBe(ORIGINAL);
  await page.screenshot({ path: 'test-results/screenshots/docker-engine-review.png' });

  await engine.review.getByRole('button', { name: 'Save and apply' }).click();
  await expect(engine.outcome).toContainText(`Docker now accepts ${registry.address}`, { timeout: 20_000 });
  await expect(engine.insecure).toContainText(registry.address);
  await page.screenshot({ path: 'test-results/screenshots/docker-engine-applied.png' });
  await testInfo.attach('docker-engine-applied', {
    path: 'test-results/screenshots/docker-engine-applied.png',
    contentType: 'image/png',
  });

  // Every other key, value and the formatting are as they were.
  const written = readFileSync(configFile, 'utf8');
  const parsed = JSON.parse(written) as Record<string, unknown>;
  expect(parsed['insecure-registries']).toEqual([registry.address]);
  const { ['insecure-registries']: _added, ...rest } = parsed;
  expect(rest).toEqual(JSON.parse(ORIGINAL));
  expect(
    written.startsWith(
      '{\n    "debug": false,\n    "labels": ["berth=e2e", "note=ünïcode ✓"],\n    "max-concurrent-uploads": 3',
    ),
  ).toBe(true);

  // The daemon itself says so, and Docker now pushes there.
  const info = (await dockerd.docker.info()) as {
    RegistryConfig: { IndexConfigs: Record<string, { Secure: boolean }> };
  };
  expect(info.RegistryConfig.IndexConfigs[registry.address]?.Secure).toBe(false);
  const pushed = dockerCli(['push', target]);
  expect(pushed.output).toContain('digest: sha256:');
  expect(pushed.ok).toBe(true);
});

test('a broken daemon.json is shown with line and column, never overwritten, and saved once fixed', async ({
  page,
}) => {
  const broken = '{\n  "debug": false,\n  "labels": ["a",],\n}\n';
  writeFileSync(configFile, broken);
  await page.goto(web.url);
  const engine = new DockerEnginePage(page);
  await engine.open();
  const alert = page.getByRole('alert', { name: 'daemon.json is broken' });
  await expect(alert).toContainText('line 3');
  const editor = alert.getByLabel('daemon.json as it is on disk');
  await expect(editor).toHaveValue(broken);
  await expect(alert.getByRole('button', { name: 'Save fixed file' })).toBeDisabled();
  expect(readFileSync(configFile, 'utf8')).toBe(broken);

  const fixed = '{\n  "debug": false,\n  "labels": ["a"]\n}\n';
  await editor.fill(fixed);
  await alert.getByRole('button', { name: 'Save fixed file' }).click();
  await expect(engine.insecure).toBeVisible();
  expect(readFileSync(configFile, 'utf8')).toBe(fixed);
});

test('after a save on the same page, a hand-broken then fixed file saves at once, and the raw save is applied and verified', async ({
  page,
}) => {
  test.setTimeout(120_000);
  writeFileSync(configFile, '{\n  "debug": false\n}\n');
  await page.goto(web.url);
  const engine = new DockerEnginePage(page);
  await engine.open();
  await engine.addInsecureRegistry('raw-a.lan:5000');
  await engine.review.getByRole('button', { name: 'Save and apply' }).click();
  await expect(engine.outcome).toContainText('Docker now accepts raw-a.lan:5000', { timeout: 20_000 });

  // Broken by hand in an editor, then reloaded: the error is the news, the old green box is gone.
  writeFileSync(configFile, '{\n  "debug": false,\n}\n');
  await page.getByRole('button', { name: 'Reload' }).click();
  const alert = page.getByRole('alert', { name: 'daemon.json is broken' });
  await expect(alert).toBeVisible();
  await expect(engine.outcome).toBeHidden();

  const fixed = '{\n  "debug": false,\n  "insecure-registries": ["raw-b.lan:5000"]\n}\n';
  await alert.getByLabel('daemon.json as it is on disk').fill(fixed);
  await expect(alert).toContainText('Valid JSON — ready to save.');
  const save = alert.getByRole('button', { name: 'Save fixed file' });
  await expect(save).toBeEnabled();
  await save.click();
  // Saved, reloaded and checked like a structured change, and said so.
  await expect(engine.outcome).toContainText('Docker now accepts raw-b.lan:5000', { timeout: 20_000 });
  await expect(engine.outcome).toContainText('backup:');
  await expect(engine.insecure).toContainText('raw-b.lan:5000');
  expect(readFileSync(configFile, 'utf8')).toBe(fixed);
});
