/** App-wide state: the Docker connection, the host link, which view is open, and notices. */
import { create } from 'zustand';
import type { DockerStatus, Notice } from '../../../electron/api/contract/app';
import { api } from '../api/client';
import type { LinkState } from '../api/ws-transport';
import { type ToastNotice, withNotice } from './notices';

export type ViewId =
  | { kind: 'images' }
  | { kind: 'local-registry' }
  | { kind: 'registry'; host: string }
  | { kind: 'logins' }
  | { kind: 'docker-engine' }
  | { kind: 'getting-started' };

interface AppState {
  docker: DockerStatus | undefined;
  link: LinkState;
  view: ViewId;
  notices: ToastNotice[];
  host: 'electron' | 'web' | undefined;
  setView: (view: ViewId) => void;
  notify: (notice: Notice) => void;
  dismiss: (id: number) => void;
}

let nextNotice = 1;

export const useAppStore = create<AppState>((set) => ({
  docker: undefined,
  link: 'open',
  view: { kind: 'images' },
  notices: [],
  host: undefined,
  setView: (view) => set({ view }),
  notify: (notice) => set((state) => ({ notices: withNotice(state.notices, notice, nextNotice++) })),
  dismiss: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
}));

/** Wire the store to the host once, at start-up. */
export function connectAppStore(): void {
  // Start-up notices are shown once per window, however often the link to the host (re)opens.
  let startupNoticesShown = false;
  const refresh = async () => {
    const [info, docker] = await Promise.all([api.call('app.info', {}), api.call('docker.status', {})]);
    useAppStore.setState({ host: info.host, docker });
    if (!startupNoticesShown) {
      startupNoticesShown = true;
      for (const notice of info.notices) useAppStore.getState().notify(notice);
    }
  };
  api.on('docker.status', (docker) => useAppStore.setState({ docker }));
  api.on('app.notice', (notice) => useAppStore.getState().notify(notice));
  api.onConnection((link) => {
    useAppStore.setState({ link });
    if (link === 'open') void refresh().catch(() => undefined);
  });
  void refresh().catch(() => undefined);
}
