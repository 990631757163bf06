/** A registry other than the local one (Docker Hub, a company registry): log in, pull by name. */
import { PlaceholderView } from '../PlaceholderView';

export function RemoteRegistryView({ host }: { host: string }) {
  return <PlaceholderView title={host === 'docker.io' ? 'Docker Hub' : host} text="Log in, and pull images by name." />;
}
