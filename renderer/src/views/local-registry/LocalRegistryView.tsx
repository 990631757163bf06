/** The local registry: one Start/Stop button, where it lives, what it holds, and what happens in it. */
import { PlaceholderView } from '../PlaceholderView';

export function LocalRegistryView() {
  return <PlaceholderView title="Local registry" text="Start a registry on this computer with one click." />;
}
