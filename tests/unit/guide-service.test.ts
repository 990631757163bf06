/** GuideService: re-assesses on the host's events, keeps ticks in the settings, announces changes once. */
import { describe, expect, it } from 'vitest';
import type { DockerStatus } from '../../electron/api/contract/app';
import type { GuideProgress, GuideSettings } from '../../electron/api/contract/guide';
import type { LocalImage } from '../../electron/api/contract/images';
import type { LoginsOverview } from '../../electron/api/contract/logins';
import type { RegistryStatus } from '../../electron/api/contract/registry';
import { EventBus } from '../../electron/api/event-bus';
import { GuideService } from '../../electron/guide/guide-service';
import { defaultGuideSettings } from '../../electron/settings/settings-store';

const docker: DockerStatus = {
  state: 'connected',
  endpoint: { description: 'unix:///var/run/docker.sock', source: 'default' },
};
const registry: RegistryStatus = {
  state: 'stopped',
  port: 5000,
  host: '127.0.0.1',
  dataDir: '/tmp/r',
  exposeOnNetwork: false,
  restarts: 0,
};
const noLogins: LoginsOverview = {
  configPath: '/tmp/config.json',
  credHelpers: [],
  environmentConfig: false,
  logins: [],
  problems: [],
};

function setUp() {
  const bus = new EventBus();
  const announced: GuideProgress[] = [];
  bus.subscribe((event, payload) => {
    if (event === 'guide.progress') announced.push(payload as GuideProgress);
  });
  let kept: GuideSettings = defaultGuideSettings();
  const state = { images: [] as LocalImage[], now: 1000, gate: undefined as Promise<void> | undefined };
  const service = new GuideService({
    docker: () => docker,
    images: async () => {
      await state.gate;
      return state.images;
    },
    registry: () => registry,
    activity: () => [],
    logins: () => Promise.resolve(noLogins),
    store: { guide: () => kept, setGuide: (next) => (kept = next) },
    bus,
    now: () => state.now,
  });
  return { bus, service, announced, state, kept: () => kept };
}

describe('GuideService', () => {
  it('keeps a tick in the settings and announces a change once', async () => {
    const { service, announced, kept } = setUp();
    await service.refresh();
    await service.refresh();
    expect(kept().done.docker?.evidence).toBe('Connected to Docker.');
    expect(announced).toHaveLength(1);
  });

  it('ticks the Docker Hub push from a push Berth saw succeed, once logged in', async () => {
    const { bus, service, kept } = setUp();
    service.start();
    bus.emit('logins.changed', {
      ...noLogins,
      logins: [
        {
          registry: 'docker.io',
          key: 'https://index.docker.io/v1/',
          username: 'ada',
          identityToken: false,
          storage: { kind: 'file', path: '/tmp/config.json' },
        },
      ],
    });
    bus.emit('transfers.progress', {
      id: 't1',
      kind: 'push',
      reference: 'docker.io/ada/web:2',
      state: 'succeeded',
      rows: [],
      overall: 1,
      bytesDone: 1,
      bytesTotal: 1,
      speed: 0,
      etaSeconds: null,
      messages: [],
      cancelRequested: false,
      startedAt: 1,
    });
    const progress = await service.refresh();
    service.stop();
    expect(progress.hubUser).toBe('ada');
    expect(kept().done.hubPush?.evidence).toBe('ada/web is on Docker Hub, under your Docker ID.');
  });

  it('sees a name removed between two looks at Docker, and reset forgets it with the ticks', async () => {
    const { service, state, kept } = setUp();
    state.images = [
      { id: 'sha256:1', repoTags: ['localhost:5000/app:1'], repoDigests: [], size: 1, created: 1 },
    ];
    await service.refresh();
    state.images = [];
    state.now = 2000;
    const progress = await service.refresh();
    expect(progress.removedName).toBe('localhost:5000/app:1');
    expect(kept().removed).toEqual([{ reference: 'localhost:5000/app:1', at: 2000 }]);
    state.now = 3000;
    await service.reset();
    expect(kept()).toMatchObject({ hidden: false, removed: [], since: 3000 });
    expect(Object.keys(kept().done)).toEqual(['docker']);
  });

  it('does not write over a hide made while Docker’s images were being listed', async () => {
    const { service, state, kept } = setUp();
    let open = () => {};
    state.gate = new Promise<void>((resolve) => (open = resolve));
    const first = service.refresh();
    const hiding = service.setHidden(true);
    open();
    await Promise.all([first, hiding]);
    expect(kept().hidden).toBe(true);
    expect(kept().done.docker).toBeDefined();
  });
});
