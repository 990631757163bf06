/**
 * A stand-in for the `electron` module, for loading the real built Electron main bundle
 * (dist/node/main.cjs) under plain Node where Electron's binary isn't installed (it downloads from
 * GitHub, which the machines this project is tested on can't reach). It implements only what the
 * shell calls and records every call, so a test can check what the shell asks of Electron: window
 * options, the app:// handler, IPC handlers, permissions, quitting. `utilityProcess.fork` forks the
 * registry for real with child_process.fork (a utility process is a Node child too, and the registry
 * entry speaks to either), so starting and stopping it is real as well.
 * Where Electron is installed, tests/e2e/electron-shell.spec.ts runs the same shell in Electron itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

type Listener = (...args: never[]) => unknown;

export interface ForkedUtility {
  modulePath: string;
  args: string[];
  options: Record<string, unknown>;
  child: ChildProcess;
  exited: Promise<number | null>;
  kills: number;
}

export class StandInWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = StandInWebContents.nextId++;
  url = '';
  windowOpenHandler?: (details: { url: string }) => { action: 'allow' | 'deny' };
  readonly sent: Array<{ channel: string; payload: unknown }> = [];

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
}

export interface ElectronStandIn {
  /** The module object `require('electron')` answers. */
  module: Record<string, unknown>;
  /** Every BrowserWindow the shell made, in order. */
  windows: StandInWindow[];
  /** Makes `app.whenReady()` resolve (Electron's 'ready'). */
  becomeReady(): void;
  app: EventEmitter & { quitCalls: number; exitCodes: number[] };
  privilegedSchemes: unknown[];
  protocolHandlers: Map<string, (request: Request) => Response | Promise<Response>>;
  /** URLs the shell's handlers passed to `net.fetch`. */
  fetched: string[];
  permissionHandler?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
  ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  openedExternally: string[];
  notifications: Array<{ title: string; body: string }>;
  utilityProcesses: ForkedUtility[];
  applicationMenus: unknown[];
}

export interface StandInWindow extends EventEmitter {
  options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>;
  webContents: StandInWebContents;
  loaded: string[];
  /** 'show', 'focus', 'restore' in the order the shell called them. */
  calls: string[];
  minimized: boolean;
}

const mimeTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

export function createElectronStandIn(options: { userDataDir: string; singleInstanceLock: boolean }) {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let isReady = false;
  const windows: StandInWindow[] = [];

  const app = Object.assign(new EventEmitter(), {
    quitCalls: 0,
    exitCodes: [] as number[],
    whenReady: () => ready,
    isReady: () => isReady,
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`stand-in: app.getPath('${name}') is not modelled`);
      return options.userDataDir;
    },
    getVersion: () => '0.0.0-stand-in',
    requestSingleInstanceLock: () => options.singleInstanceLock,
    quit() {
      app.quitCalls += 1;
      app.emit('before-quit');
    },
    exit(code = 0) {
      app.exitCodes.push(code);
    },
  });

  class BrowserWindow extends EventEmitter implements StandInWindow {
    readonly webContents = new StandInWebContents();
    readonly loaded: string[] = [];
    readonly calls: string[] = [];
    minimized = false;
    constructor(readonly options: StandInWindow['options']) {
      super();
      windows.push(this);
    }
    static getAllWindows(): StandInWindow[] {
      return [...windows];
    }
    loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      this.webContents.url = url;
      return Promise.resolve();
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.calls.push('restore');
      this.minimized = false;
    }
    show(): void {
      this.calls.push('show');
    }
    focus(): void {
      this.calls.push('focus');
    }
  }

  const standIn: ElectronStandIn = {
    module: {},
    windows,
    becomeReady: () => {
      isReady = true;
      markReady();
    },
    app,
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    fetched: [],
    ipcHandlers: new Map(),
    openedExternally: [],
    notifications: [],
    utilityProcesses: [],
    applicationMenus: [],
  };

  class Notification {
    constructor(private readonly content: { title: string; body: string }) {}
    static isSupported(): boolean {
      return true;
    }
    show(): void {
      standIn.notifications.push(this.content);
    }
  }

  standIn.module = {
    app,
    BrowserWindow,
    Notification,
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: unknown) => standIn.applicationMenus.push(menu),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => standIn.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) =>
        standIn.protocolHandlers.set(scheme, handler),
    },
    net: {
      // Electron's net.fetch reads file: URLs; Node's fetch doesn't, so this one does it by hand.
      async fetch(url: string): Promise<Response> {
        standIn.fetched.push(url);
        if (!url.startsWith('file:')) throw new Error(`stand-in: net.fetch of ${url} is not modelled`);
        const path = fileURLToPath(url);
        const body = await readFile(path);
        return new Response(body, {
          status: 200,
          headers: { 'Content-Type': mimeTypes[extname(path)] ?? 'application/octet-stream' },
        });
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: ElectronStandIn['permissionHandler']) =>
          (standIn.permissionHandler = handler),
      },
    },
    shell: {
      openExternal: (url: string) => {
        standIn.openedExternally.push(url);
        return Promise.resolve();
      },
    },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) =>
        standIn.ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => standIn.ipcHandlers.delete(channel),
      // electron-store's listener for renderers that use it (Berth's don't).
      on: (_channel: string, _listener: Listener) => undefined,
    },
    webContents: {
      getAllWebContents: () => windows.map((window) => window.webContents),
    },
    utilityProcess: {
      fork(modulePath: string, args: string[], forkOptions: Record<string, unknown>) {
        const child = fork(modulePath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
        const record: ForkedUtility = {
          modulePath,
          args,
          options: forkOptions,
          child,
          kills: 0,
          exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
        };
        standIn.utilityProcesses.push(record);
        return {
          get pid() {
            return child.pid;
          },
          stdout: child.stdout,
          stderr: child.stderr,
          postMessage: (message: unknown) => child.send(message as object),
          on(event: string, listener: Listener) {
            if (event === 'message') child.on('message', listener as (message: unknown) => void);
            else if (event === 'exit')
              child.on('exit', (code) => (listener as (code: number | null) => void)(code));
            return this;
          },
          kill() {
            record.kills += 1;
            return child.kill('SIGTERM');
          },
        };
      },
    },
  };
  return standIn;
}

type ModuleInternals = {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
  _cache: Record<string, unknown>;
};
const STAND_IN_ID = '/berth-test/electron-stand-in.cjs';

/**
 * Runs a fresh copy of the CommonJS bundle at `bundlePath` with `require('electron')` answering
 * `standIn`; answers a function that puts Node's resolver back.
 */
export function loadWithStandIn(bundlePath: string, standIn: ElectronStandIn): () => void {
  const internals = Module as unknown as ModuleInternals;
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'electron' ? STAND_IN_ID : resolve.call(this, request, ...rest);
  };
  internals._cache[STAND_IN_ID] = {
    id: STAND_IN_ID,
    filename: STAND_IN_ID,
    loaded: true,
    exports: standIn.module,
  };
  const require = createRequire(import.meta.url);
  delete require.cache[bundlePath];
  require(bundlePath);
  return () => {
    internals._resolveFilename = resolve;
    delete internals._cache[STAND_IN_ID];
  };
}
