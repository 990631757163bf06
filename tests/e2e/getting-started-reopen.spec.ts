/**
 * The Getting started checklist's ways in and its first step, on the whole renderer over the stub
 * bridge: a hidden checklist comes back from the desktop app's Help menu (the host's `guide.open`
 * event) and from the sidebar; with Docker down, the first step says why and can ask Docker again.
 */
import type { GuideProgress } from '../../electron/api/contract/guide';
import { expect, test } from './stub-app';

const HIDDEN: GuideProgress = {
  hidden: true,
  localRegistry: 'localhost:5000',
  steps: (['docker', 'registry', 'tag', 'push', 'pull', 'hubLogin', 'hubPush'] as const).map((id) => ({
    id,
    done: id === 'docker',
  })),
};

test('a hidden checklist stays out of the way and reopens from Help and from the sidebar', async ({
  page,
  openStubApp,
}) => {
  await openStubApp([], { answers: { 'guide.progress': HIDDEN } });
  const heading = page.getByRole('heading', { level: 1, name: 'Getting started' });
  await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible();
  await expect(heading).toBeHidden();

  await page.evaluate(
    `window.__listeners.forEach((listener) => listener({ event: 'guide.open', payload: {} }))`,
  );
  await expect(heading).toBeVisible();
  // Reopening asks the host to show it at start-up again.
  await expect.poll(() => page.evaluate('window.__benchRequests')).toContain('guide.setHidden');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Images' }).click();
  await expect(heading).toBeHidden();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: /^Getting started/ })
    .click();
  await expect(heading).toBeVisible();
});

test('with Docker down, the first step says why and asks Docker again on a click', async ({
  page,
  openStubApp,
}) => {
  const endpoint = {
    description: 'unix:///var/run/docker.sock (platform default)',
    source: 'default',
  } as const;
  await openStubApp([], {
    answers: {
      'guide.progress': {
        ...HIDDEN,
        hidden: false,
        steps: HIDDEN.steps.map((step) => ({ ...step, done: false })),
      },
      'docker.status': {
        state: 'disconnected',
        endpoint,
        problem: "Docker isn't running: nothing answers at /var/run/docker.sock.",
      },
      'docker.check': {
        state: 'connected',
        endpoint,
        engine: {
          name: 'Docker Engine',
          version: '27.3.1',
          apiVersion: '1.47',
          os: 'Debian GNU/Linux 12 (bookworm)',
          osType: 'linux',
          arch: 'x86_64',
          imageStore: 'overlay2',
          rootless: false,
        },
      },
    },
  });
  const step = page
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'Docker is connected' }) });
  await expect(step).toContainText("Docker isn't running: nothing answers at /var/run/docker.sock.");
  await step.getByRole('button', { name: 'Check Docker again' }).click();
  await expect.poll(() => page.evaluate('window.__benchRequests')).toContain('docker.check');
  await expect(page.getByRole('status').filter({ hasText: 'Connected to' })).toBeVisible();
});
