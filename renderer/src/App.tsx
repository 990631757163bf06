/** The main window: sidebar, the open view, the status bar and notices. */
import { useMemo } from 'react';
import { Notices } from './components/Notices';
import { Sidebar, type SidebarRegistry } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { useAppStore } from './stores/app-store';
import { ImagesView } from './views/images/ImagesView';
import { PlaceholderView } from './views/PlaceholderView';

export function App() {
  const view = useAppStore((state) => state.view);
  const registries = useMemo<SidebarRegistry[]>(
    () => [
      { id: 'local', label: 'Local registry', view: { kind: 'local-registry' }, state: 'off' },
      { id: 'docker.io', label: 'Docker Hub', view: { kind: 'registry', host: 'docker.io' } },
    ],
    [],
  );

  let content;
  switch (view.kind) {
    case 'images':
      content = <ImagesView />;
      break;
    case 'local-registry':
      content = <PlaceholderView title="Local registry" text="Start a registry on this computer with one click." />;
      break;
    case 'registry':
      content = <PlaceholderView title={view.host === 'docker.io' ? 'Docker Hub' : view.host} text="Browse and pull from this registry." />;
      break;
    case 'docker-engine':
      content = <PlaceholderView title="Docker Engine settings" text="Insecure registries and mirrors, edited safely." />;
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
