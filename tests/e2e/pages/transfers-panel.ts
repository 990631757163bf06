/** Page object for the docked transfers panel: one article per push or pull, with bars by role. */
import { expect, type Locator, type Page } from '@playwright/test';
import { freePort } from '../../helpers/test-images';

export type TransferVerb = 'Push' | 'Pull' | 'Copy';

export class TransferCard {
  readonly state: Locator;
  readonly overall: Locator;
  readonly layers: Locator;
  readonly layerBars: Locator;
  readonly digest: Locator;
  readonly cancelButton: Locator;
  readonly dismissButton: Locator;
  readonly error: Locator;

  constructor(readonly root: Locator) {
    this.state = root.getByRole('status');
    this.overall = root.getByRole('progressbar', { name: /^Overall progress/ });
    this.layers = root.getByRole('list', { name: /^Layers of/ }).getByRole('listitem');
    this.layerBars = root.getByRole('progressbar', { name: /^Layer / });
    this.digest = root.getByLabel('Digest', { exact: true });
    this.cancelButton = root.getByRole('button', { name: 'Cancel' });
    this.dismissButton = root.getByRole('button', { name: 'Dismiss' });
    this.error = root.getByRole('alert');
  }

  /** The overall bar's value (aria-valuenow), 0…100. */
  async overallPercent(): Promise<number> {
    return Number(await this.overall.getAttribute('aria-valuenow'));
  }

  async layerStatuses(): Promise<string[]> {
    return (await this.layers.locator('[data-layer-status]').allInnerTexts()).map((text) => text.trim());
  }

  async waitForState(text: string | RegExp, timeout = 150_000): Promise<void> {
    await expect(this.state).toHaveText(text, { timeout });
  }
}

export class TransfersPanelPage {
  readonly root: Locator;
  readonly toggle: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByRole('region', { name: 'Transfers' });
    this.toggle = this.root.getByRole('button', { name: /Transfers/ });
  }

  /**
   * Dismiss every finished transfer (the host keeps those of earlier specs too), one card at a time,
   * until the panel is gone. The list is windowed, so dismissing one can bring the next into view.
   */
  async dismissAll(): Promise<void> {
    const finished = this.root.getByRole('article').filter({
      has: this.page.getByRole('button', { name: 'Dismiss' }),
    });
    for (let guard = 0; guard < 200 && (await finished.count()) > 0; guard += 1) {
      const card = finished.first();
      const id = await card.getAttribute('data-transfer-id');
      await card.getByRole('button', { name: 'Dismiss' }).click();
      await expect(this.root.locator(`[data-transfer-id="${id}"]`)).toHaveCount(0);
    }
    await expect(this.root).toBeHidden();
  }

  /** The newest transfer of `verb` for `reference` (as the host normalised it). */
  transfer(verb: TransferVerb, reference: string): TransferCard {
    return new TransferCard(
      this.root.getByRole('article', { name: `${verb} ${reference}`, exact: true }).first(),
    );
  }

  /**
   * Start recording every status text the panel shows for layer rows (a MutationObserver in the page),
   * so a test can assert the states a transfer really went through, not only where it ended.
   */
  async recordLayerStates(): Promise<void> {
    await this.page.evaluate(RECORD_LAYER_STATES);
  }

  async recordedLayerStates(): Promise<string[]> {
    return this.page.evaluate<string[]>('[...(window.__berthLayerStates ?? [])]');
  }

  async resetRecordedLayerStates(): Promise<void> {
    await this.page.evaluate('window.__berthLayerStates?.clear()');
  }
}

// In-page scripts are strings: the tests' tsconfig has no DOM types, and these run in the browser.
const RECORD_LAYER_STATES = `(() => {
  const seen = new Set();
  window.__berthLayerStates = seen;
  const collect = () => document.querySelectorAll('[data-layer-status]').forEach((node) => seen.add(node.textContent.trim()));
  new MutationObserver(collect).observe(document.body, { subtree: true, childList: true, characterData: true });
  collect();
})()`;

/**
 * Call the host's API from the page, over the same WebSocket and cookie the app uses (for set-up such
 * as starting the local registry on a free port).
 */
export async function callApi<T>(page: Page, command: string, input: unknown): Promise<T> {
  const script = `new Promise((resolve, reject) => {
    const socket = new WebSocket('ws://' + location.host + '/api');
    socket.addEventListener('error', () => reject(new Error('the API socket failed')));
    socket.addEventListener('open', () => socket.send(JSON.stringify({ id: 1, command: ${JSON.stringify(command)}, input: ${JSON.stringify(input)} })));
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.id !== 1) return;
      socket.close();
      if (message.ok) resolve(message.result);
      else reject(new Error(message.error.code + ': ' + message.error.message));
    });
  })`;
  return page.evaluate<T>(script);
}

/** Starts the app's local registry on a free port through the API; answers its port and `127.0.0.1:port`. */
export async function startLocalRegistry(
  page: Page,
): Promise<{ host: string; address: string; port: number }> {
  const port = await freePort();
  await callApi(page, 'registry.start', { port });
  // host: the one name Berth gives it in image names; address: where a test's own fetch reaches it.
  return { host: `localhost:${port}`, address: `127.0.0.1:${port}`, port };
}

/**
 * How pushes to the local registry go (settings' `localPush`): specs that assert Docker's own push
 * words choose "through Docker"; the fast-push spec chooses the fast path. Settings outlive a spec in
 * the worker's host, so each spec says what it needs.
 */
export async function setLocalPush(
  page: Page,
  localPush: { throughDocker?: boolean; layerCompression?: 'none' | 'gzip' },
): Promise<void> {
  await callApi(page, 'settings.update', { localPush });
}
