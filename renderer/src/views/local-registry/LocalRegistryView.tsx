/**
 * The local registry: one Start/Stop button; its address, storage folder and disk use; a live feed
 * of pushes and pulls; its repositories and tags with delete; and "Clean up" (garbage collection,
 * showing what a dry run would free before anything is removed).
 */
import { useEffect } from 'react';
import { ErrorBox } from '../../components/ErrorBox';
import { formatBytes } from '../../format';
import { useRegistryStore } from '../../stores/registry-store';
import { pullImage } from '../../stores/transfers-store';
import { localRegistryHost } from '../../components/dialogs/registry-choices';
import { NetworkAccess } from './NetworkAccess';
import { LocalPushSettings } from './LocalPushSettings';
import { PortSetting } from './PortSetting';
import { ActivityFeed } from './ActivityFeed';
import { AutoStartSwitch } from './AutoStartSwitch';
import { CleanUpPanel } from './CleanUpPanel';
import { RepositoryList } from './RepositoryList';
import './local-registry.css';
import { registryStartCommand } from '../../cli-commands';
import { CommandLine } from '../../components/CommandLine';

const stateLabel: Record<string, string> = {
  stopped: 'Stopped',
  starting: 'Starting…',
  running: 'Running',
  stopping: 'Stopping…',
  crashed: 'Crashed — restarting',
};

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function LocalRegistryView() {
  const { status, busy, actionError, start, stop, clearError, loadRepositories } = useRegistryStore();
  useEffect(() => {
    void loadRepositories();
  }, [loadRepositories]);

  const running = status?.state === 'running';
  const portFix = actionError?.fix?.kind === 'useNextFreePort' ? actionError.fix.port : undefined;
  const pushHost = localRegistryHost(status?.port ?? 5000);

  return (
    <section className="view local-registry" aria-labelledby="local-registry-title">
      <header className="view-header">
        <div>
          <h1 id="local-registry-title">Local registry</h1>
          <p className="view-subtitle">
            A registry on this computer — no container, no config file. Docker pushes to it as {pushHost}.
          </p>
        </div>
        <button
          type="button"
          className={`button ${running ? '' : 'primary'} big`}
          disabled={
            busy === 'start' ||
            busy === 'stop' ||
            status?.state === 'starting' ||
            status?.state === 'stopping'
          }
          onClick={() => void (running ? stop() : start())}
        >
          {running ? 'Stop' : busy === 'start' ? 'Starting…' : 'Start'}
        </button>
      </header>

      {actionError && (
        <ErrorBox error={actionError}>
          {portFix !== undefined && (
            <button type="button" className="button primary small" onClick={() => void start(portFix)}>
              Use port {portFix}
            </button>
          )}
          <button type="button" className="button small" onClick={clearError}>
            Dismiss
          </button>
        </ErrorBox>
      )}

      <CommandLine cli={registryStartCommand(status?.port ?? 5000)} label="What this replaces" />

      <dl className="registry-facts" aria-label="Registry details">
        <div>
          <dt>Status</dt>
          <dd data-registry-state={status?.state ?? 'unknown'}>
            <span
              className={`dot ${running ? 'on' : status?.state === 'crashed' ? 'off' : 'idle'}`}
              aria-hidden="true"
            />{' '}
            {status ? stateLabel[status.state] : '…'}
          </dd>
          <dd className="fact-control">
            <AutoStartSwitch />
          </dd>
          {status && status.restarts > 0 && (
            <dd className="fact-detail">
              Restarted {status.restarts === 1 ? 'once' : `${status.restarts} times`} after a crash
            </dd>
          )}
        </div>
        <div>
          <dt>Address</dt>
          <dd className="mono">{pushHost}</dd>
          <dd className="fact-control">
            <PortSetting port={status?.port ?? 5000} />
          </dd>
        </div>
        <div>
          <dt>Storage folder</dt>
          {/* A long path is cut at its start: its end tells folders apart. */}
          <dd className="mono path-tail" title={status?.dataDir}>
            <bdi dir="ltr">{status?.dataDir ?? '…'}</bdi>
          </dd>
        </div>
        <div>
          <dt>Disk used</dt>
          <dd>{status?.stats ? formatBytes(status.stats.diskUsed) : '—'}</dd>
          {status?.stats && (
            <dd className="fact-detail">
              {plural(status.stats.repositories, 'repository', 'repositories')} ·{' '}
              {plural(status.stats.tags, 'tag', 'tags')}
            </dd>
          )}
        </div>
        <div>
          <dt>Reachable from</dt>
          <dd>{status?.exposeOnNetwork ? 'your network (0.0.0.0)' : 'this computer only (127.0.0.1)'}</dd>
          {status && (
            <dd>
              <NetworkAccess exposed={status.exposeOnNetwork} />
            </dd>
          )}
        </div>
      </dl>
      <LocalPushSettings />

      <div className="registry-columns">
        <div className="registry-main">
          <div className="section-header">
            <h2>Repositories</h2>
            <CleanUpPanel />
          </div>
          {running ? (
            <RepositoryList host={pushHost} onPull={(reference) => void pullImage(reference)} />
          ) : (
            <p className="empty">Start the registry to see what it holds.</p>
          )}
        </div>
        <aside className="registry-side" aria-label="Activity">
          <h2>Activity</h2>
          <ActivityFeed />
        </aside>
      </div>
    </section>
  );
}
