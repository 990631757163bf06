/**
 * A test fixture for specs that run the whole renderer (its own entry, every store, the app's CSS)
 * against the benchmarks' stub bridge (bench/lib/app-stub.ts) rather than a host: for states no
 * daemon here can produce cheaply (2,000 images, a dozen transfers at once). `openStubApp(images)`
 * builds the page in a temp folder (removed after the test), opens it at 1280 × 800 (or the viewport
 * given, with other answers to commands if given) and waits until the stores are listening for host
 * events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import type { LocalImage } from '../../electron/api/contract/images';
import { APP_ENTRY, appBridgeScript, type CommandAnswers } from '../../bench/lib/app-stub';
import { buildRendererPage } from '../../bench/lib/renderer-page';

export interface StubAppOptions {
  /** 1280 × 800 unless given. */
  viewport?: { width: number; height: number };
  /** Other answers than the stub's start-up defaults, by command. */
  answers?: CommandAnswers;
}

export const test = base.extend<{
  openStubApp: (images: LocalImage[], options?: StubAppOptions) => Promise<void>;
}>({
  openStubApp: async ({ page }, use) => {
    const outdir = mkdtempSync(join(tmpdir(), 'berth-e2e-stub-app-'));
    try {
      await use(async (images, options = {}) => {
        const url = await buildRendererPage(APP_ENTRY, outdir);
        await page.setViewportSize(options.viewport ?? { width: 1280, height: 800 });
        await page.addInitScript(
          appBridgeScript({
            images,
            holdImages: false,
            ...(options.answers ? { answers: options.answers } : {}),
          }),
        );
        await page.goto(url);
        await page.waitForFunction(
          'window.__benchRequests.includes("transfers.list") && window.__listeners.length > 0',
        );
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  },
});

export { expect } from '@playwright/test';
