/** Docker Engine settings: daemon.json's insecure registries and mirrors, edited safely. */
import { PlaceholderView } from '../PlaceholderView';

export function DockerEngineView() {
  return <PlaceholderView title="Docker Engine settings" text="Insecure registries and mirrors, edited safely." />;
}
