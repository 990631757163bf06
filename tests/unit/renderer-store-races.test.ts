/**
 * Overlapping reloads in the renderer's stores: only the newest answer is kept. The API client is
 * replaced by one whose answers the test releases in any order.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalImage } from '../../electron/api/contract/images';

const calls: Array<{ command: string; resolve: (value: unknown) => void }> = [];
vi.mock('../../renderer/src/api/client', () => ({
  api: {
    call: (command: string) => new Promise((resolve) => calls.push({ command, resolve })),
    on: () => () => undefined,
    onConnection: () => () => undefined,
  },
  errorData: (error: unknown) => ({ code: 'INTERNAL', message: String(error) }),
}));

// Imported by a path held in a variable: its types pull in the browser-only API client, which this
// (Node) project can't type-check; the little the test uses is typed here.
const storePath = '../../renderer/src/stores/images-store';
const { useImagesStore } = (await import(storePath)) as {
  useImagesStore: { getState(): { reload(): Promise<void>; images: LocalImage[] } };
};

const image = (id: string): LocalImage => ({
  id,
  repoTags: [`${id}:1`],
  repoDigests: [],
  size: 1,
  created: 0,
});

describe('images store', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('keeps the newest reload’s list when an older answer arrives last', async () => {
    const older = useImagesStore.getState().reload();
    const newer = useImagesStore.getState().reload();
    expect(calls.map((call) => call.command)).toEqual(['images.list', 'images.list']);
    // The newer reload (after the tag was removed) answers first, the older one after it.
    calls[1]!.resolve([image('after')]);
    await newer;
    calls[0]!.resolve([image('before'), image('after')]);
    await older;
    expect(useImagesStore.getState().images.map((entry) => entry.id)).toEqual(['after']);
  });
});

const daemonStorePath = '../../renderer/src/stores/daemon-config-store';
const { useDaemonConfigStore } = (await import(daemonStorePath)) as {
  useDaemonConfigStore: {
    getState(): { propose(change: { addInsecureRegistries: string[] }): Promise<boolean> };
    setState(state: Record<string, unknown>): void;
  };
};

describe('daemon.json store', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('takes no new change while a save is being written, applied or verified', async () => {
    useDaemonConfigStore.setState({ snapshot: { version: 'v1' } });
    for (const phase of ['saving', 'applying', 'verifying']) {
      useDaemonConfigStore.setState({ phase });
      expect(
        await useDaemonConfigStore.getState().propose({ addInsecureRegistries: ['10.0.0.9:5000'] }),
      ).toBe(false);
    }
    expect(calls).toEqual([]);
    useDaemonConfigStore.setState({ phase: 'done' });
    const proposed = useDaemonConfigStore.getState().propose({ addInsecureRegistries: ['10.0.0.9:5000'] });
    expect(calls.map((call) => call.command)).toEqual(['daemonConfig.preview']);
    calls[0]!.resolve({ path: '/etc/docker/daemon.json' });
    expect(await proposed).toBe(true);
  });
});
