/**
 * The Electron shell, kept thin: one secure window (context isolation, sandbox, no Node, strict CSP,
 * no navigation, no new windows), the app:// protocol serving the built renderer, the IPC transport,
 * and the same core the browser host uses. Composition root: it wires, it doesn't implement.
 */
import { app, BrowserWindow, Menu, net, Notification, protocol, session, shell } from 'electron';
import Store from 'electron-store';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import packageJson from '../package.json';
import { attachIpcTransport } from './api/ipc-transport';
import { createCore, type Core } from './core';
import { quarantineCorruptSettings, SETTINGS_FILE_NAME, SettingsStore } from './settings/settings-store';
import { CONTENT_SECURITY_POLICY } from './web/static-files';
import { createSudoPromptElevator } from './daemon-config/elevator';
import { createUtilityProcessSpawner } from './shell/utility-process-spawner';
import { FinishNotifier } from './shell/finish-notifications';
import type { TransferSnapshot } from './api/contract/transfers';

const APP_ORIGIN = 'app://berth';
const rendererDir = join(__dirname, '..', 'renderer');

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const log = {
  info: (message: string) => console.log(`[berth] ${message}`),
  warn: (message: string) => console.warn(`[berth] warning: ${message}`),
  error: (message: string) => console.error(`[berth] error: ${message}`),
};

let core: Core | undefined;

function isTrustedUrl(url: string): boolean {
  return url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
}

function serveRenderer(): void {
  protocol.handle('app', (request) => {
    const { pathname } = new URL(request.url);
    const file = normalize(join(rendererDir, pathname === '/' ? 'index.html' : decodeURIComponent(pathname)));
    if (!file.startsWith(rendererDir + sep)) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString()).then((response) => {
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      return new Response(response.body, { status: response.status, headers });
    });
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 780,
    minWidth: 860,
    minHeight: 540,
    title: 'Berth',
    show: false,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Nothing navigates away from the app; links to the web open in the user's browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

/** System notifications when pushes and pulls end (batched: see shell/finish-notifications.ts). */
function notifyWhenTransfersFinish(running: Core): void {
  const notifier = new FinishNotifier((notice) =>
    new Notification({ title: notice.title, body: notice.detail ?? '' }).show(),
  );
  running.bus.subscribe((event, payload) => {
    if (event === 'transfers.progress' && Notification.isSupported())
      notifier.add(payload as TransferSnapshot);
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  serveRenderer();

  const userDataDir = app.getPath('userData');
  const notice = quarantineCorruptSettings(userDataDir);
  const settings = new SettingsStore(new Store({ name: SETTINGS_FILE_NAME, cwd: userDataDir }));
  core = createCore({
    kind: 'electron',
    version: packageJson.version,
    userDataDir,
    settings,
    startupNotices: notice ? [notice] : [],
    log,
    spawnRegistry: createUtilityProcessSpawner(join(__dirname, 'registry-process.cjs'), (line) =>
      log.info(`registry: ${line}`),
    ),
    elevator: createSudoPromptElevator(),
  });
  attachIpcTransport(core.router, core.bus, isTrustedUrl);
  notifyWhenTransfersFinish(core);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: process.platform === 'darwin' ? 'appMenu' : 'fileMenu' },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
      {
        role: 'help',
        submenu: [
          // The window opens the checklist (and shows it at start-up again); guide-store.ts.
          { label: 'Getting started', click: () => core?.bus.emit('guide.open', {}) },
        ],
      },
    ]),
  );
  createWindow();
  await core.start();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => {
  void core?.stop();
});

/** A second launch (another `npm start`, a second click on the icon) brings the open window forward. */
function focusFirstWindow(): void {
  const window = BrowserWindow.getAllWindows()[0];
  if (!window) {
    // macOS keeps the app running with no window. Before start() has made the core (and, in the same
    // synchronous run, the first window), that first window is still to come.
    if (core) createWindow();
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', focusFirstWindow);
  start().catch((error: unknown) => {
    log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    app.exit(1);
  });
}
