/** Playwright fixtures: a real browser host per test file, and a real dockerd from DOCKER_HOST. */
import { test as base } from '@playwright/test';
import type Docker from 'dockerode';
import { dockerFromEnvironment } from '../helpers/test-images';
import { startWebHost, type RunningWebHost } from '../helpers/web-host';
import { MainWindow } from './pages/main-window';

export const test = base.extend<{ mainWindow: MainWindow }, { webHost: RunningWebHost; docker: Docker }>({
  webHost: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
    async ({}, use) => {
      const host = await startWebHost();
      await use(host);
      await host.stop();
    },
    { scope: 'worker' },
  ],
  docker: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
    async ({}, use) => {
      await use(dockerFromEnvironment());
    },
    { scope: 'worker' },
  ],
  mainWindow: async ({ page }, use) => {
    await use(new MainWindow(page));
  },
});

export { expect } from '@playwright/test';
