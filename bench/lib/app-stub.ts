/**
 * The whole renderer as the benchmarks load it: its own entry (`renderer/src/main.tsx`) in a page whose
 * `window.berth` bridge is a stub. Start-up commands get plausible answers, `images.list` answers the
 * given images (at once, or when the bench calls `window.__deliverImages()`), and the app's event
 * listeners are kept in `window.__listeners`, so a bench delivers events exactly where the host's
 * would arrive. Commands the app sends are recorded in `window.__benchRequests`.
 */
import type { CommandName, CommandOutput } from '../../electron/api/contract';
import type { LocalImage } from '../../electron/api/contract/images';

/** The page entry: the app itself. */
export const APP_ENTRY = "import './renderer/src/main';";

/** The stub bridge's answers to the commands the stores send at start-up (all but `images.list`). */
/** Answers the stub bridge gives, by command. */
export type CommandAnswers = { [K in CommandName]?: CommandOutput<K> };

const STARTUP_ANSWERS: CommandAnswers = {
  'app.info': {
    version: '0.0.0-bench',
    host: 'electron',
    platform: 'linux',
    userDataDir: '/tmp/berth-bench',
    notices: [],
  },
  'docker.status': {
    state: 'connected',
    endpoint: { description: 'unix:///var/run/docker.sock (platform default)', source: 'default' },
    engine: {
      name: 'bench',
      version: '27.3.1',
      apiVersion: '1.47',
      os: 'Debian GNU/Linux 12 (bookworm)',
      osType: 'linux',
      arch: 'x86_64',
      imageStore: 'overlay2',
      rootless: false,
    },
  },
  'settings.get': {
    registry: { port: 5000, dataDir: null, exposeOnNetwork: false, autoStart: true },
    registries: [
      { host: 'ghcr.io', name: 'GitHub' },
      { host: 'registry.northwind.example.com', name: 'Northwind' },
    ],
    daemonConfigPath: null,
    localPush: { throughDocker: false, layerCompression: 'none' },
  },
  'registry.status': {
    state: 'running',
    url: 'http://127.0.0.1:5000',
    port: 5000,
    host: '127.0.0.1',
    dataDir: '/tmp/berth-bench/registry',
    exposeOnNetwork: false,
    startedAt: Date.UTC(2025, 10, 20),
    restarts: 0,
  },
  'registry.activity': [],
  'registry.repositories': [],
  'transfers.list': [],
  'daemonConfig.read': {
    location: {
      path: '/etc/docker/daemon.json',
      reason: 'the Docker Engine default',
      source: 'engine',
      canSignal: false,
    },
    exists: true,
    text: '{}\n',
    version: 'bench-1',
    insecureRegistries: [],
    registryMirrors: [],
    imageStore: 'classic',
  },
};

/** Runs in the page before the app: the stub bridge. */
export function appBridgeScript(options: {
  images: LocalImage[];
  holdImages: boolean;
  /** Other answers than the start-up defaults, by command. */
  answers?: CommandAnswers;
}): string {
  return `
window.__benchImages = ${JSON.stringify(options.images)};
window.__benchRequests = [];
window.__listeners = [];
(() => {
  const answers = ${JSON.stringify({ ...STARTUP_ANSWERS, ...options.answers })};
  let release;
  const delivered = new Promise((resolve) => { release = resolve; });
  window.__deliverImages = () => release(window.__benchImages);
  ${options.holdImages ? '' : 'window.__deliverImages();'}
  window.berth = {
    invoke: async (request) => {
      window.__benchRequests.push(request.command);
      if (request.command === 'images.list') return { id: request.id, ok: true, result: await delivered };
      if (request.command in answers) return { id: request.id, ok: true, result: answers[request.command] };
      return { id: request.id, ok: false, error: { code: 'INTERNAL', message: 'bench stub: ' + request.command } };
    },
    onEvent: (listener) => { window.__listeners.push(listener); return () => {}; },
  };
})();`;
}
