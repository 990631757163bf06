/**
 * Logins: every registry Docker has a login for — made here or with `docker login` in a terminal —
 * with the user name, where the secret is kept (a credential helper, config.json, DOCKER_AUTH_CONFIG)
 * and Log out. The list follows the host's `logins.changed` events, so a login or logout done in a
 * terminal shows here within a second or two. What Docker's config couldn't give (a malformed file, a
 * helper that isn't installed) is shown above the list; the other logins still work.
 */
import { useState } from 'react';
import type { AppErrorData } from '../../../../electron/api/contract';
import { DOCKER_HUB_DOMAIN } from '../../../../electron/common/reference';
import { ErrorBox } from '../../components/ErrorBox';
import { useDialogStore } from '../../components/dialogs/dialog-store';
import { useAppStore } from '../../stores/app-store';
import { useRemoteRegistriesStore } from '../../stores/remote-registries-store';
import { describeStorage } from './login-places';
import './logins.css';
import { logoutCommand } from '../../cli-commands';

export function LoginsView() {
  const overview = useRemoteRegistriesStore((state) => state.overview);
  const logout = useRemoteRegistriesStore((state) => state.logout);
  const showDialog = useDialogStore((state) => state.show);
  const notify = useAppStore((state) => state.notify);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<AppErrorData | undefined>(undefined);

  const logOut = async (registry: string) => {
    setBusy(registry);
    setFailure(undefined);
    const problem = await logout(registry);
    setBusy(undefined);
    if (problem) setFailure(problem);
    else
      notify({
        level: 'success',
        title: `Logged out of ${registryLabel(registry)}`,
        detail: `In a terminal: ${logoutCommand(registry).command}`,
      });
  };

  return (
    <section className="view logins-view" aria-labelledby="logins-title">
      <header className="view-header">
        <div>
          <h1 id="logins-title">Logins</h1>
          <p className="view-subtitle">
            Shared with the <span className="mono">docker</span> CLI:{' '}
            <span className="mono">{overview?.configPath ?? '…'}</span>
          </p>
        </div>
        <button type="button" className="button primary" onClick={() => showDialog({ kind: 'login' })}>
          Log in to a registry…
        </button>
      </header>
      {overview?.environmentConfig && (
        <p className="login-note">
          <span className="mono">DOCKER_AUTH_CONFIG</span> is set: Docker uses the logins in it before any
          other, and Berth can read them but not change them.
        </p>
      )}
      {overview && (
        <p className="login-note">
          New logins go to{' '}
          {overview.credsStore !== undefined ? (
            <span className="mono">docker-credential-{overview.credsStore}</span>
          ) : (
            <>
              <span className="mono">{overview.configPath}</span>, <strong>unencrypted</strong> (no credential
              helper is set up)
            </>
          )}
          {overview.credHelpers.length > 0 &&
            `, except ${overview.credHelpers.map((entry) => `${entry.registry} (docker-credential-${entry.helper})`).join(', ')}`}
          .
        </p>
      )}
      {overview?.problems.map((problem, index) => (
        <ErrorBox key={`${problem.code}-${index}`} error={problem} />
      ))}
      {failure && <ErrorBox error={failure} />}
      {overview && overview.logins.length === 0 && (
        <p className="empty">
          No logins yet. Log in here, or with <span className="mono">docker login</span> in a terminal: it
          shows up here too.
        </p>
      )}
      {overview && overview.logins.length > 0 && (
        <div className="logins-table" role="table" aria-label="Logins">
          <div className="logins-row logins-head" role="row">
            <span role="columnheader">Registry</span>
            <span role="columnheader">User</span>
            <span role="columnheader">Kept in</span>
            <span role="columnheader">
              <span className="visually-hidden">Actions</span>
            </span>
          </div>
          {overview.logins.map((login) => (
            <div key={login.registry} className="logins-row" role="row" aria-label={login.registry}>
              <span role="cell">
                <strong>{registryLabel(login.registry)}</strong>
                {login.key !== login.registry && (
                  <span className="logins-key mono" title="The key Docker files it under">
                    {login.key}
                  </span>
                )}
              </span>
              <span role="cell">{login.username || <span className="muted">(identity token)</span>}</span>
              <span role="cell" className="mono logins-storage">
                {describeStorage(login.storage)}
              </span>
              <span role="cell" className="logins-actions">
                <button
                  type="button"
                  className="button small"
                  disabled={busy !== undefined || login.storage.kind === 'environment'}
                  title={login.storage.kind === 'environment' ? 'Set by DOCKER_AUTH_CONFIG' : undefined}
                  aria-label={`Log out of ${registryLabel(login.registry)}`}
                  onClick={() => void logOut(login.registry)}
                >
                  {busy === login.registry ? 'Logging out…' : 'Log out'}
                </button>
              </span>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function registryLabel(registry: string): string {
  return registry === DOCKER_HUB_DOMAIN ? 'Docker Hub' : registry;
}
