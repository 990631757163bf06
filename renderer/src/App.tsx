/** The main window: sidebar, the open view, the docked transfers panel, dialogs, the status bar and notices. */
import { useMemo } from 'react';
import type { RegistryState } from '../../electron/api/contract/registry';
import { DOCKER_HUB_DOMAIN } from '../../electron/common/reference';
import { DialogHost } from './components/dialogs/DialogHost';
import { copyRequest } from './components/dialogs/copy-request';
import { useDialogStore } from './components/dialogs/dialog-store';
import { Notices } from './components/Notices';
import { Sidebar, type DotState, type SidebarRegistry } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { useAppStore } from './stores/app-store';
import { useRemoteRegistriesStore } from './stores/remote-registries-store';
import { useRegistryStore } from './stores/registry-store';
import { ImagesView } from './views/images/ImagesView';
import { DockerEngineView } from './views/docker-engine/DockerEngineView';
import { GettingStartedView } from './views/getting-started/GettingStartedView';
import { LocalRegistryView } from './views/local-registry/LocalRegistryView';
import { LoginsView } from './views/logins/LoginsView';
import { RemoteRegistryView } from './views/remote-registry/RemoteRegistryView';
import { TransfersPanel } from './views/transfers/TransfersPanel';

/** The sidebar dot for the local registry: stopped is a normal state (grey), not an alarm (red). */
function dotFor(state: RegistryState | undefined): DotState {
  if (state === 'running') return 'on';
  if (state === 'crashed') return 'off';
  if (state === 'starting' || state === 'stopping') return 'wait';
  return 'idle';
}

/** The Tag dialog's picker value for a sidebar registry. */
function pickerValue(registry: SidebarRegistry): string {
  if (registry.id === 'local') return 'local';
  if (registry.id === DOCKER_HUB_DOMAIN) return DOCKER_HUB_DOMAIN;
  return `saved:${registry.id}`;
}

export function App() {
  const view = useAppStore((state) => state.view);
  const localState = useRegistryStore((state) => state.status?.state);
  const localPort = useRegistryStore((state) => state.status?.port);
  const saved = useRemoteRegistriesStore((state) => state.saved);
  const showDialog = useDialogStore((state) => state.show);
  const registries = useMemo<SidebarRegistry[]>(
    () => [
      {
        id: 'local',
        label: 'Local registry',
        view: { kind: 'local-registry' },
        state: dotFor(localState),
        ...(localState === 'running' && localPort ? { detail: `:${localPort}` } : {}),
      },
      { id: DOCKER_HUB_DOMAIN, label: 'Docker Hub', view: { kind: 'registry', host: DOCKER_HUB_DOMAIN } },
      ...saved
        .filter((entry) => entry.host !== DOCKER_HUB_DOMAIN)
        .map((entry) => ({
          id: entry.host,
          label: entry.name,
          view: { kind: 'registry' as const, host: entry.host },
          ...(entry.name !== entry.host ? { detail: entry.host } : {}),
        })),
    ],
    [localState, localPort, saved],
  );

  let content;
  switch (view.kind) {
    case 'images':
      content = <ImagesView />;
      break;
    case 'local-registry':
      content = <LocalRegistryView />;
      break;
    case 'registry':
      // Keyed by host: another registry's view starts with its own (empty) name field and state.
      content = <RemoteRegistryView key={view.host} host={view.host} />;
      break;
    case 'logins':
      content = <LoginsView />;
      break;
    case 'docker-engine':
      content = <DockerEngineView />;
      break;
    case 'getting-started':
      content = <GettingStartedView />;
      break;
  }

  return (
    <div className="app">
      <Sidebar
        registries={registries}
        onDropImage={(registry, image) =>
          showDialog({
            kind: 'tag',
            request: { source: image, registry: pickerValue(registry), intent: 'push' },
          })
        }
        onDropTag={(registry, tag) =>
          showDialog({ kind: 'tag', request: copyRequest(tag, pickerValue(registry)) })
        }
      />
      <main className="main">
        <div className="main-content">
          {content}
          {/* Over the view, never over the transfers panel below it (styles.css). */}
          <Notices />
        </div>
        <TransfersPanel />
      </main>
      <StatusBar />
      <DialogHost />
    </div>
  );
}
