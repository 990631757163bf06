/**
 * The Electron shell's own code — the built main bundle, dist/node/main.cjs — run under plain Node
 * with a stand-in for the `electron` module (tests/helpers/electron-stand-in.ts), because Electron's
 * binary can't be installed here. What the shell asks of Electron is checked: the window's security
 * settings, the app:// protocol's answers, IPC refused from a foreign frame, the registry run through
 * utilityProcess and stopped on quit, a second instance focusing the first window. The same shell in
 * real Electron is tests/e2e/electron-shell.spec.ts, which runs where the binary is installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CALL_CHANNEL } from '../../electron/api/ipc-channels';
import { CONTENT_SECURITY_POLICY } from '../../electron/web/static-files';
import { createElectronStandIn, loadWithStandIn, type ElectronStandIn } from '../helpers/electron-stand-in';
import { freePort } from '../helpers/test-images';

const root = resolve(import.meta.dirname, '../..');
const mainBundle = join(root, 'dist/node/main.cjs');
const cleanups: Array<() => void> = [];

beforeAll(() => {
  // `npm test` builds first; on its own this test builds what is missing or stale.
  execFileSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' });
});
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-electron-main-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

type IpcHandler = (
  event: { senderFrame: { url: string } | null; sender: { id: number } },
  request: unknown,
) => Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>;

describe('the Electron main bundle, holding the single-instance lock', () => {
  let electron: ElectronStandIn;
  let call: (frameUrl: string, command: string, input?: unknown) => ReturnType<IpcHandler>;

  beforeAll(async () => {
    electron = createElectronStandIn({ userDataDir: tempDir(), singleInstanceLock: true });
    cleanups.push(loadWithStandIn(mainBundle, electron));
    cleanups.push(() => {
      for (const utility of electron.utilityProcesses) utility.child.kill('SIGKILL');
    });
    // Before 'ready' the shell only registers the app:// scheme and its app listeners.
    expect(electron.windows).toHaveLength(0);
    electron.becomeReady();
    await vi.waitFor(() => expect(electron.ipcHandlers.has(IPC_CALL_CHANNEL)).toBe(true));
    let nextId = 1;
    call = (frameUrl, command, input = {}) =>
      (electron.ipcHandlers.get(IPC_CALL_CHANNEL) as IpcHandler)(
        { senderFrame: { url: frameUrl }, sender: { id: 1 } },
        { id: nextId++, command, input },
      );
  });

  it('opens one window with context isolation, the sandbox and no Node in the renderer', () => {
    expect(electron.windows).toHaveLength(1);
    const [window] = electron.windows;
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    const preload = window!.options.webPreferences!.preload as string;
    expect(preload).toBe(join(root, 'dist/node/preload.cjs'));
    expect(existsSync(preload)).toBe(true);
    expect(window!.loaded).toEqual(['app://berth/index.html']);
    expect(electron.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(electron.applicationMenus).toHaveLength(1);
    // Help → Getting started reopens the checklist (issue 22).
    const { template } = electron.applicationMenus[0] as {
      template: Array<{ role: string; submenu?: Array<{ label: string; click: () => void }> }>;
    };
    const help = template.find((menu) => menu.role === 'help');
    expect(help?.submenu?.map((item) => item.label)).toEqual(['Getting started']);
    const contents = electron.windows[0]!.webContents;
    help!.submenu![0]!.click();
    expect(contents.sent).toContainEqual({
      channel: 'berth:event',
      payload: { event: 'guide.open', payload: {} },
    });
  });

  it('grants no permission a page asks for (camera, notifications, …)', () => {
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read'])
      electron.permissionHandler!({}, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
  });

  it('keeps the window on the app and sends web links to the browser, never a new window', () => {
    const contents = electron.windows[0]!.webContents;
    const navigate = (url: string) => {
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      contents.emit('will-navigate', event, url);
      return event.prevented;
    };
    expect(navigate('https://example.invalid/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://berthx/index.html')).toBe(true);
    expect(navigate('app://berth/index.html')).toBe(false);

    expect(contents.windowOpenHandler!({ url: 'https://docs.docker.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(electron.openedExternally).toEqual(['https://docs.docker.com/']);
  });

  it('answers app:// with the built renderer and the CSP, and refuses a path outside its folder', async () => {
    const handle = electron.protocolHandlers.get('app')!;
    const page = await handle(new Request('app://berth/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<div id="root"></div>');
    expect(electron.fetched.at(-1)).toBe(`file://${join(root, 'dist/renderer/index.html')}`);

    const fetchedBefore = electron.fetched.length;
    for (const url of ['app://berth/..%2F..%2Fpackage.json', 'app://berth/..%2Fnode%2Fmain.cjs']) {
      const outside = await handle(new Request(url));
      expect(outside.status, url).toBe(404);
    }
    expect(electron.fetched).toHaveLength(fetchedBefore);
  });

  it('refuses IPC calls from a frame that is not the app, and serves the app’s own', async () => {
    for (const foreign of ['https://example.invalid/', 'file:///tmp/page.html', '']) {
      const answer = await call(foreign, 'app.info');
      expect(answer.ok, foreign).toBe(false);
      expect(answer.error).toMatchObject({ code: 'INVALID_INPUT' });
      expect(answer.error!.message).toContain('only from Berth’s own window');
    }
    const answer = await call('app://berth/index.html', 'app.info');
    expect(answer).toMatchObject({ ok: true, result: { host: 'electron', version: expect.any(String) } });
  });

  it('focuses the first window when a second instance starts, instead of opening another', () => {
    const [window] = electron.windows;
    window!.minimized = true;
    electron.app.emit('second-instance', {}, ['/usr/bin/electron', '.'], root);
    expect(window!.calls).toEqual(['restore', 'show', 'focus']);
    expect(electron.windows).toHaveLength(1);
  });

  it('tells a finished transfer in a system notification', async () => {
    const port = await freePort();
    // Nothing listens on that port: the pull fails at once (whether or not Docker runs here).
    const started = await call('app://berth/index.html', 'transfers.pull', {
      reference: `127.0.0.1:${port}/berth/nowhere:1`,
    });
    expect(started.ok).toBe(true);
    await vi.waitFor(() => expect(electron.notifications).toHaveLength(1), { timeout: 30_000 });
    const [told] = electron.notifications;
    expect(`${told?.title} ${told?.body}`).toMatch(/pull.*failed|failed.*pull/i);
    expect(`${told?.title} ${told?.body}`).toContain(`127.0.0.1:${port}`);
  });

  // Last: it quits the app.
  it('runs the registry through utilityProcess and stops it when the app quits', async () => {
    const port = await freePort();
    const started = await call('app://berth/index.html', 'registry.start', { port });
    expect(started).toMatchObject({ ok: true, result: { state: 'running', port } });
    expect(electron.utilityProcesses).toHaveLength(1);
    const [utility] = electron.utilityProcesses;
    expect(utility!.modulePath).toBe(join(root, 'dist/node/registry-process.cjs'));
    expect(utility!.args).toEqual(expect.arrayContaining(['--port', String(port)]));
    expect(utility!.options).toMatchObject({ serviceName: 'Berth registry' });
    const ping = await fetch(`http://127.0.0.1:${port}/v2/`);
    expect(ping.status).toBe(200);

    electron.app.emit('window-all-closed');
    expect(electron.app.quitCalls).toBe(process.platform === 'darwin' ? 0 : 1);
    if (process.platform === 'darwin') electron.app.emit('before-quit');
    expect(await utility!.exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/v2/`)).rejects.toThrow();
  });
});

describe('the Electron main bundle, when another instance holds the lock', () => {
  it('quits at once and opens nothing', async () => {
    const electron = createElectronStandIn({ userDataDir: tempDir(), singleInstanceLock: false });
    cleanups.push(loadWithStandIn(mainBundle, electron));
    electron.becomeReady();
    // A turn of the event loop in which a started app would have made its window.
    await new Promise((resolve) => setImmediate(resolve));
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.windows).toHaveLength(0);
    expect(electron.ipcHandlers.size).toBe(0);
    expect(electron.app.listenerCount('second-instance')).toBe(0);
  });
});
