/**
 * Docker Engine settings: which daemon.json Docker uses (and why), its insecure registries and
 * mirrors edited without ever breaking the file — every change shown as a diff before it is saved,
 * then applied and checked against what the daemon itself reports.
 */
import { useEffect } from 'react';
import { ErrorBox } from '../../components/ErrorBox';
import { isSaving, useDaemonConfigStore } from '../../stores/daemon-config-store';
import { useAppStore } from '../../stores/app-store';
import { EntryList } from './EntryList';
import { ChangeReview } from './ChangeReview';
import { RawEditor } from './RawEditor';
import { SaveOutcome } from './SaveOutcome';
import './docker-engine.css';

export function DockerEngineView() {
  const { snapshot, readError, raw, error, load, propose, phase } = useDaemonConfigStore();
  const saving = isSaving(phase);
  const engine = useAppStore((state) => state.docker?.engine);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="view docker-engine" aria-labelledby="docker-engine-title">
      <header className="view-header">
        <div>
          <h1 id="docker-engine-title">Docker Engine settings</h1>
          <p className="view-subtitle">
            Registries Docker may reach over plain HTTP, and its mirrors — edited safely in daemon.json.
          </p>
        </div>
        <button type="button" className="button" onClick={() => void load()}>
          Reload
        </button>
      </header>

      {snapshot && (
        <div className="config-location" aria-label="daemon.json location">
          <div>
            <span className="label">File</span> <code className="mono">{snapshot.location.path}</code>
            {!snapshot.exists && <span className="pill">not created yet — Berth will create it</span>}
          </div>
          <div className="muted">{snapshot.location.reason}</div>
          {snapshot.location.warning && <div className="warn-text">{snapshot.location.warning}</div>}
          <div className="muted">
            Image store:{' '}
            {snapshot.imageStore === 'containerd'
              ? 'containerd (Berth also writes hosts.toml for HTTP registries)'
              : 'classic'}
            {engine ? ` · ${engine.name} ${engine.version}` : ''} ·{' '}
            {snapshot.location.canSignal
              ? 'Berth can make Docker reload it by itself'
              : 'Docker must be restarted to apply changes'}
          </div>
        </div>
      )}

      {readError && raw && <RawEditor key={raw.version} error={readError} raw={raw} />}
      {readError && !raw && <ErrorBox error={readError} />}

      {error && <ErrorBox error={error} />}

      <ChangeReview />
      <SaveOutcome />

      {snapshot && (
        <div className="engine-sections">
          <EntryList
            title="Insecure registries"
            explanation="Registries Docker may use over plain HTTP. Enter host:port (e.g. 192.168.1.20:5000) or a network in CIDR form (10.0.0.0/8)."
            placeholder="host:port or CIDR"
            addLabel="Add insecure registry"
            entries={snapshot.insecureRegistries}
            onAdd={(value) => propose({ addInsecureRegistries: [value] })}
            onRemove={(value) => void propose({ removeInsecureRegistries: [value] })}
            busy={saving}
          />
          <EntryList
            title="Registry mirrors"
            explanation="Docker Hub pulls go through these mirrors first. Enter a URL such as https://mirror.example.com."
            placeholder="https://mirror.example.com"
            addLabel="Add registry mirror"
            entries={snapshot.registryMirrors}
            onAdd={(value) => propose({ addRegistryMirrors: [value] })}
            onRemove={(value) => void propose({ removeRegistryMirrors: [value] })}
            busy={saving}
          />
          <aside className="teach" aria-label="What to know">
            <h2>Good to know</h2>
            <p>
              <strong>Registries on this computer need no entry.</strong> Docker already allows plain HTTP to{' '}
              <code>localhost</code> and <code>127.0.0.0/8</code>, so Berth’s local registry works as it is.
            </p>
            <p>
              A registry on another machine of your network needs an entry here before Docker will push to it
              over HTTP.
            </p>
            <p>
              The safer way is TLS: give the registry a certificate and put its CA in{' '}
              <code>certs.d/&lt;host:port&gt;/ca.crt</code> where Docker looks for it.
            </p>
          </aside>
        </div>
      )}
    </section>
  );
}
