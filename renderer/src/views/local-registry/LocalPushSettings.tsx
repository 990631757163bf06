/**
 * How pushes to the local registry go (issue 23): Berth's fast path (exported from Docker, written
 * straight into the registry) unless "through Docker" is chosen, and how the fast path stores layers:
 * uncompressed (fastest; for pulls on this computer) or gzip made on every core (smaller; for pulls
 * from other computers). The settings are the host's; this view shows and changes them.
 */
import { useEffect, useState } from 'react';
import type { Settings } from '../../../../electron/api/contract/app';
import { api, errorData } from '../../api/client';

type LocalPush = Settings['localPush'];

export function LocalPushSettings() {
  const [localPush, setLocalPush] = useState<LocalPush | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    api
      .call('settings.get', {})
      .then((settings) => live && setLocalPush(settings.localPush))
      .catch((error: unknown) => live && setProblem(errorData(error).message));
    const off = api.on('settings.changed', (settings) => setLocalPush(settings.localPush));
    return () => {
      live = false;
      off();
    };
  }, []);

  const change = (patch: Partial<LocalPush>) => {
    setProblem(undefined);
    api
      .call('settings.update', { localPush: patch })
      .then((settings) => setLocalPush(settings.localPush))
      .catch((error: unknown) => setProblem(errorData(error).message));
  };

  if (!localPush) return null;
  return (
    <section className="local-push-settings" aria-label="Pushes to this registry">
      <h2>Pushes to this registry</h2>
      <p>
        {localPush.throughDocker
          ? 'Through Docker (docker push: each layer gzip-compressed on one core).'
          : localPush.layerCompression === 'gzip'
            ? 'Fast: Berth exports the image from Docker and writes it here, layers gzip-compressed on every core.'
            : 'Fast: Berth exports the image from Docker and writes it here, layers uncompressed (fastest; best for pulls on this computer).'}
      </p>
      <div className="local-push-choices">
        <label>
          <input
            type="checkbox"
            checked={localPush.throughDocker}
            onChange={(event) => change({ throughDocker: event.target.checked })}
          />{' '}
          Push to the local registry through Docker
        </label>
        <label>
          Layers{' '}
          <select
            value={localPush.layerCompression}
            disabled={localPush.throughDocker}
            onChange={(event) =>
              change({ layerCompression: event.target.value === 'gzip' ? 'gzip' : 'none' })
            }
          >
            <option value="none">uncompressed (fastest, pulls on this computer)</option>
            <option value="gzip">gzip in parallel (smaller, pulls from other computers)</option>
          </select>
        </label>
      </div>
      {problem && (
        <p className="warn-text" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
