/**
 * A hidden Getting started checklist comes back from the desktop app's Help menu (the host's
 * `guide.open` event) and from the sidebar. Whole renderer on the stub bridge.
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
