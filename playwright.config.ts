import { defineConfig } from '@playwright/test';

/** Debian's Chromium, never a downloaded browser (there is no internet here). */
export const chromiumPath = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine with no network but loopback, no GPU and no sandbox as root. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  // The specs share one real dockerd and push big images; one at a time keeps them honest on 2 cores.
  workers: 1,
  fullyParallel: false,
  reporter: [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]],
  use: {
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumArgs,
    },
  },
  projects: [
    { name: 'browser-host', testIgnore: /electron-shell/ },
    { name: 'electron-shell', testMatch: /electron-shell/ },
  ],
});
