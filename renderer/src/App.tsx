/** The main window: sidebar, the open view, the status bar and notices. */
import { useMemo } from 'react';
import { Notices } from './components/Notices';
import { Sidebar, type SidebarRegistry } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { useAppStore } from './stores/app-store';
import { useRegistryStore } from './stores/registry-store';
import { ImagesView } from './views/images/ImagesView';
import { DockerEngineView } from './views/docker-engine/DockerEngineView';
import { LocalRegistryView } from './views/local-registry/LocalRegistryView';
import { RemoteRegistryView } from './views/registry/RemoteRegistryView';

export function App() {
  const view = useAppStore((state) => state.view);
  const localState = useRegistryStore((state) => state.status?.state);
  const localPort = useRegistryStore((state) => state.status?.port);
  const registries = useMemo<SidebarRegistry[]>(
    () => [
      {
        id: 'local',
        label: 'Local registry',
        view: { kind: 'local-registry' },
        state: localState === 'running' ? 'on' : 'off',
        ...(localState === 'running' && localPort ? { detail: `:${localPort}` } : {}),
      },
      { id: 'docker.io', label: 'Docker Hub', view: { kind: 'registry', host: 'docker.io' } },
    ],
    [localState, localPort],
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
      content = <RemoteRegistryView host={view.host} />;
      break;
    case 'docker-engine':
      content = <DockerEngineView />;
      break;
  }

  return (
    <div className="app">
      <Sidebar registries={registries} />
      <main className="main">{content}</main>
      <StatusBar />
      <Notices />
    </div>
  );
}
