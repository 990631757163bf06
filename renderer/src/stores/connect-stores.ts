/**
 * Wires every store to the host's events, once, before the first render: the one place the
 * renderer's stores are connected (main.tsx calls it).
 */
import { connectAppStore } from './app-store';
import { connectDaemonConfigStore } from './daemon-config-store';
import { connectGuideStore } from './guide-store';
import { connectImagesStore } from './images-store';
import { connectRemoteRegistriesStore } from './remote-registries-store';
import { connectRegistryStore } from './registry-store';
import { connectTransfersStore } from './transfers-store';

/** Connects each store to the API's events and the connection state. */
export function connectStores(): void {
  connectAppStore();
  connectImagesStore();
  connectRegistryStore();
  connectDaemonConfigStore();
  connectTransfersStore();
  connectRemoteRegistriesStore();
  connectGuideStore();
}
