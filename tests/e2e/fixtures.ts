/** Playwright fixtures: a real browser host per test file, and a real dockerd from DOCKER_HOST. */
import { test as base } from '@playwright/test';
import type Docker from 'dockerode';
import { mkdirSync } from 'node:fs';
import { buildTestImage, dockerFromEnvironment, removeImages, type TestImage } from '../helpers/test-images';
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

/** Where the specs save the screenshots they take (made on first use). */
export function screenshotPath(name: string): string {
  const folder = 'test-results/screenshots';
  mkdirSync(folder, { recursive: true });
  return `${folder}/${name}`;
}

/** A test image built once for a spec file, and removed after it with every name its tests gave it. */
export interface FileTestImage {
  /** The image (built in the file's beforeAll). */
  readonly image: TestImage;
  /** Remove `reference` too when the file's tests are done (a name a test tagged or pulled). */
  removeLater(reference: string): void;
}

/**
 * Registers the beforeAll/afterAll of a spec file that needs its own image: FROM scratch plus random
 * layers of `layerBytes` (see buildTestImage), given `timeoutMs` to build when it is large.
 */
export function testImageForFile(label: string, layerBytes: number[], timeoutMs?: number): FileTestImage {
  let built: TestImage | undefined;
  const cleanup: string[] = [];
  test.beforeAll(async ({ docker }) => {
    if (timeoutMs !== undefined) test.setTimeout(timeoutMs);
    built = await buildTestImage(docker, label, layerBytes);
    cleanup.push(built.reference);
  });
  test.afterAll(async ({ docker }) => {
    await removeImages(docker, cleanup);
  });
  return {
    get image() {
      if (!built) throw new Error(`the test image "${label}" is built in beforeAll`);
      return built;
    },
    removeLater: (reference) => void cleanup.push(reference),
  };
}
