/**
 * Docker Hub in the app, logged out and logged in, for docs/: Hub can't be reached here, so Berth's
 * real registry client (electron/remote/) runs in this test over fake fetches answering Hub's
 * documented shapes (tests/fixtures/docker-hub/), and its answers are what the stub app's bridge gives
 * the renderer. Checks what each state says, then saves docs/screenshot-hub-logged-out.png and
 * docs/screenshot-hub-logged-in.png.
 */
import type { LoginsOverview } from '../../electron/api/contract/logins';
import type { RemoteRepositories } from '../../electron/api/contract/remote';
import { RemoteRegistries } from '../../electron/remote/remote-registries';
import { hubFetch, hubRegistryFetch } from '../fixtures/docker-hub/fake-hub';
import { expect, test } from './stub-app';

const noLogins: LoginsOverview = {
  configPath: '/home/ada/.docker/config.json',
  credHelpers: [],
  environmentConfig: false,
  logins: [],
  problems: [],
};

/** Every page of ada's repositories, through the real client, as one answer. */
async function adaRepositories(): Promise<RemoteRepositories> {
  const hubApi = hubFetch([]);
  const registry = hubRegistryFetch();
  const remote = new RemoteRegistries({
    authFor: () => Promise.resolve({ username: 'ada', password: 'right' }),
    daemonRegistryConfig: () => Promise.resolve(undefined),
    fetch: (input, init) =>
      ((input instanceof Request ? input.url : input.toString()).startsWith('https://hub.example')
        ? hubApi
        : registry)(input, init),
    hubApi: 'https://hub.example',
    hubRegistry: 'https://registry.example',
  });
  const first = await remote.repositories('docker.io', { n: 2 });
  const rest = first.next ? await remote.repositories('docker.io', { n: 2, cursor: first.next }) : undefined;
  const { next: _next, ...page } = first;
  return { ...page, repositories: [...first.repositories, ...(rest?.repositories ?? [])] };
}

test('Docker Hub logged out: how to see your repositories', async ({ page, openStubApp }) => {
  const remote = new RemoteRegistries({
    authFor: () => Promise.resolve(undefined),
    daemonRegistryConfig: () => Promise.resolve(undefined),
    fetch: hubFetch([]),
    hubApi: 'https://hub.example',
  });
  await openStubApp([], {
    viewport: { width: 1280, height: 760 },
    answers: {
      'logins.list': noLogins,
      'remote.repositories': await remote.repositories('docker.io', { n: 100 }),
      'remote.cancel': { cancelled: false },
    },
  });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Docker Hub' }).click();
  await expect(
    page.getByText('Log in to Docker Hub to see your repositories, public and private.'),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Account' })).toContainText('Not logged in');
  await expect(page.getByTestId('connection')).toHaveText('HTTPS · token auth');
  await page.screenshot({ path: 'docs/screenshot-hub-logged-out.png' });
});

test('Docker Hub logged in: your repositories, private marked, a tag with the pull allowance', async ({
  page,
  openStubApp,
}) => {
  const repositories = await adaRepositories();
  const registry = new RemoteRegistries({
    authFor: () => Promise.resolve(undefined),
    daemonRegistryConfig: () => Promise.resolve(undefined),
    fetch: hubRegistryFetch(),
    hubRegistry: 'https://registry.example',
  });
  await openStubApp([], {
    viewport: { width: 1280, height: 760 },
    answers: {
      'logins.list': {
        ...noLogins,
        logins: [
          {
            registry: 'docker.io',
            key: 'https://index.docker.io/v1/',
            username: 'ada',
            identityToken: false,
            storage: { kind: 'helper', helper: 'secretservice' },
          },
        ],
      },
      'remote.repositories': repositories,
      'remote.tags': { tags: ['2026.11', '2026.12', 'latest'] },
      'remote.tagDetails': await registry.tagDetails('docker.io', 'ada/webapp', 'latest'),
      'remote.cancel': { cancelled: false },
    },
  });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Docker Hub' }).click();
  await expect(page.getByRole('heading', { name: 'Your repositories' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Repositories' });
  await expect(list.getByRole('listitem')).toHaveCount(3);
  await expect(list.getByRole('listitem').filter({ hasText: 'ada/webapp' })).toContainText('Private');
  await expect(list.getByRole('listitem').filter({ hasText: 'ada/tools' })).toContainText('Public');
  await list.getByRole('button', { name: /ada\/webapp/ }).click();
  await page
    .getByRole('list', { name: 'Tags of ada/webapp' })
    .getByRole('button', { name: 'latest' })
    .click();
  const details = page.getByLabel('Details of ada/webapp:latest');
  await expect(details.getByRole('list', { name: 'Platforms' }).getByRole('listitem')).toHaveCount(2);
  await expect(details.getByTestId('pull-command')).toHaveText('docker pull ada/webapp:latest');
  await expect(details).toContainText('Docker Hub pulls left: 76 of 100 per 6 h.');
  await page.screenshot({ path: 'docs/screenshot-hub-logged-in.png' });
});
