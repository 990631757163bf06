/**
 * The Getting started checklist on fresh user data, against the real browser host, the real dockerd
 * (DOCKER_HOST) and Berth's registry: it is the first screen, and each step ticks itself from what
 * Docker, the registry and Docker's logins show — after a click in Berth (start the registry, push,
 * remove) or a command in a terminal (docker tag, docker pull, a docker login's config.json entry).
 * Docker Hub can't be reached here: its login step is ticked by a config.json login for docker.io (what
 * `docker login` writes), and its push step by a RepoDigest in that user's namespace, made by a pull
 * through a Docker Hub mirror on 127.0.0.1 (the second test): the push itself is never sent to Hub.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateDockerd } from '../helpers/private-dockerd';
import { startRegistry } from '../helpers/registry-process';
import { buildTestImage, freePort, removeImages } from '../helpers/test-images';
import { startWebHost, type RunningWebHost } from '../helpers/web-host';
import { expect, screenshotPath, test, testImageForFile } from './fixtures';
import { GettingStartedPage } from './pages/getting-started';
import { TransfersPanelPage } from './pages/transfers-panel';

const subject = testImageForFile('guide', [256 * 1024]);

let host: RunningWebHost | undefined;
let userDataDir = '';
let port = 0;

test.beforeEach(async () => {
  // Fresh user data; only the registry's port is chosen, so the test never meets another one on 5000.
  port = await freePort();
  userDataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-guide-'));
  writeFileSync(
    join(userDataDir, 'config.json'),
    JSON.stringify({
      registry: { port, dataDir: join(userDataDir, 'registry'), exposeOnNetwork: false, autoStart: false },
    }),
  );
  host = await startWebHost({ userDataDir });
});

test.afterEach(async () => {
  await host?.stop();
  rmSync(userDataDir, { recursive: true, force: true });
});

test('the checklist is the first screen and ticks from both app and terminal actions', async ({
  page,
  docker,
}) => {
  test.setTimeout(180_000);
  const guide = new GettingStartedPage(page);
  const name = `localhost:${port}/guide/hello:1`;
  subject.removeLater(name);

  await page.goto(host!.url);
  await expect(guide.heading).toBeVisible();
  await guide.expectDone('docker', /Connected to /);
  await expect(guide.count).toHaveText('1 of 7 steps done');
  await guide.expectNotDone('registry');
  // The command it stands for is beside the button.
  await expect(guide.step('registry')).toContainText(
    `docker run -d -p ${port}:5000 --name registry registry:2`,
  );

  await test.step('start the registry in Berth', async () => {
    await guide.button('registry', 'Start the local registry').click();
    await guide.expectDone('registry', `Berth's registry answers at localhost:${port}.`);
  });

  await test.step('tag in a terminal', async () => {
    await guide.expectNotDone('tag');
    execFileSync('docker', ['tag', subject.image.reference, name]);
    await guide.expectDone('tag', `Docker has the name ${name}.`);
  });

  await test.step('push in Berth', async () => {
    await guide.button('push', `Push ${name}`).click();
    await guide.expectDone('push', `The registry received ${name}.`);
    await expect(guide.count).toHaveText('4 of 7 steps done');
  });
  // The finished push shows the command it stands for (for the note's screenshots).
  const transfers = new TransfersPanelPage(page);
  const card = transfers.root.getByRole('article').filter({ hasText: name });
  await expect(card).toContainText(`docker push ${name}`);
  await card.screenshot({ path: screenshotPath('finished-push-with-command.png') });
  const toast = page.getByRole('status').filter({ hasText: `Pushed ${name}` });
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast).toBeHidden();
  await transfers.toggle.click();
  await expect(transfers.toggle).toHaveAttribute('aria-expanded', 'false');
  await page.screenshot({ path: screenshotPath('getting-started-half-done.png') });

  await test.step('remove in Berth, pull back in a terminal', async () => {
    await guide.button('pull', `Remove ${name} from Docker`).click();
    await expect(guide.step('pull')).toContainText(`${name} was removed from Docker: now pull it back`);
    await expect(guide.button('pull', `Pull ${name} back`)).toBeVisible();
    await guide.expectNotDone('pull');
    execFileSync('docker', ['pull', name], { stdio: 'pipe' });
    await guide.expectDone('pull', `${name} was removed from Docker, then pulled back from the registry.`);
  });

  await test.step('a docker login for Docker Hub in config.json ticks the login step', async () => {
    await guide.expectNotDone('hubLogin');
    // What `docker login -u ada` writes when no credential helper is set up.
    writeFileSync(
      join(host!.dockerConfigDir, 'config.json'),
      JSON.stringify({
        auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('ada:dckr_pat_x').toString('base64') } },
      }),
    );
    await guide.expectDone('hubLogin', 'Docker is logged in to Docker Hub as ada.');
    // The Hub step now names the user's namespace in its command.
    await expect(guide.step('hubPush')).toContainText('docker push ada/');
    await guide.expectNotDone('hubPush');
  });

  await test.step('progress is kept across a restart, hidden stays hidden, and reset starts over', async () => {
    await host!.stop();
    host = await startWebHost({ userDataDir });
    await page.goto(host.url);
    await expect(guide.count).toHaveText('6 of 7 steps done');
    await guide.expectDone('pull');
    await guide.root.getByRole('button', { name: 'Hide checklist' }).click();
    await expect(page.getByRole('table', { name: 'Local images' })).toBeVisible();
    await page.reload();
    // Hidden: the app opens on the images, and the sidebar brings the checklist back.
    await expect(page.getByRole('table', { name: 'Local images' })).toBeVisible();
    await expect(guide.heading).toBeHidden();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /Getting started/ })
      .click();
    await expect(guide.count).toHaveText('6 of 7 steps done');
    await guide.root.getByRole('button', { name: 'Start over' }).click();
    // What is true now ticks again at once; the push and the pull, done before the reset, don't.
    await guide.expectDone('registry');
    await guide.expectDone('tag');
    await guide.expectNotDone('push');
    await guide.expectNotDone('pull');
  });
  await removeImages(docker, [name]);
});

test('the Docker Hub push step ticks from a RepoDigest in the logged-in user’s namespace', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // Docker Hub can't be reached here. A daemon whose Docker Hub mirror is a registry on 127.0.0.1
  // pulls `ada/hello:1` from it and records the RepoDigest `ada/hello@sha256:…`, the state a push to
  // Docker Hub leaves too: the step reads that state from Docker, not how it got there.
  const mirror = await startRegistry();
  const configDir = mkdtempSync(join(tmpdir(), 'berth-e2e-mirror-'));
  const configFile = join(configDir, 'daemon.json');
  writeFileSync(configFile, JSON.stringify({ 'registry-mirrors': [mirror.url] }));
  const dockerd = await startPrivateDockerd(configFile);
  let hubHost: RunningWebHost | undefined;
  try {
    const cli = (args: string[]) =>
      execFileSync('docker', args, {
        env: { ...process.env, DOCKER_HOST: dockerd.dockerHost },
        stdio: 'pipe',
      });
    const built = await buildTestImage(dockerd.docker, 'hub', [64 * 1024]);
    cli(['tag', built.reference, `${mirror.address}/ada/hello:1`]);
    cli(['push', `${mirror.address}/ada/hello:1`]);
    cli(['rmi', `${mirror.address}/ada/hello:1`]);
    cli(['pull', 'ada/hello:1']);
    const { RepoDigests } = await dockerd.docker.getImage('ada/hello:1').inspect();
    expect(RepoDigests.some((digest) => digest.startsWith('ada/hello@sha256:'))).toBe(true);

    hubHost = await startWebHost({ firstRun: true, env: { DOCKER_HOST: dockerd.dockerHost } });
    const guide = new GettingStartedPage(page);
    await page.goto(hubHost.url);
    await guide.expectDone('docker');
    // Without a login, Berth can't tell which namespace is the user's.
    await guide.expectNotDone('hubPush');
    writeFileSync(
      join(hubHost.dockerConfigDir, 'config.json'),
      JSON.stringify({
        auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('ada:dckr_pat_x').toString('base64') } },
      }),
    );
    await guide.expectDone('hubLogin', 'Docker is logged in to Docker Hub as ada.');
    await guide.expectDone('hubPush', 'ada/hello is on Docker Hub, under your Docker ID.');
  } finally {
    await hubHost?.stop();
    await dockerd.stop();
    await mirror.stop();
    rmSync(configDir, { recursive: true, force: true });
  }
});
