/**
 * Log in to a registry: user name and a password or access token, checked by the daemon's /auth and
 * kept by the host for this session's pushes and pulls; then the failed work is retried.
 */
import { useState, type FormEvent } from 'react';
import type { AppErrorData } from '../../../../electron/api/contract';
import { DOCKER_HUB_DOMAIN } from '../../../../electron/common/reference';
import { useAppStore } from '../../stores/app-store';
import { useRegistriesStore } from '../../stores/registries-store';
import { ErrorWithFix } from '../ErrorWithFix';
import { Dialog } from './Dialog';

export function LoginDialog({
  registry,
  onLoggedIn,
  onClose,
}: {
  registry: string;
  onLoggedIn?: () => void;
  onClose: () => void;
}) {
  const login = useRegistriesStore((state) => state.login);
  const notify = useAppStore((state) => state.notify);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | undefined>(undefined);
  const label = registry === DOCKER_HUB_DOMAIN ? 'Docker Hub' : registry;

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!username || !password || busy) return;
    setBusy(true);
    setFailure(undefined);
    const problem = await login(registry, username, password);
    setBusy(false);
    if (problem) {
      setFailure(problem);
      return;
    }
    notify({ level: 'success', title: `Logged in to ${label} as ${username}` });
    onClose();
    onLoggedIn?.();
  };

  return (
    <Dialog
      title={`Log in to ${label}`}
      onClose={onClose}
      actions={
        <>
          <button
            type="button"
            className="button primary"
            disabled={busy || !username || !password}
            onClick={() => void submit()}
          >
            {busy ? 'Checking…' : onLoggedIn ? 'Log in and retry' : 'Log in'}
          </button>
        </>
      }
    >
      <form className="tag-form" onSubmit={(event) => void submit(event)} aria-label="Login">
        <p className="dialog-intro">
          Docker checks these with <span className="mono">{registry}</span> right away. Berth keeps them in
          memory for this session only.
        </p>
        <div className="field">
          <label htmlFor="login-username">User name</label>
          <input
            id="login-username"
            className="text-input"
            autoComplete="username"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password or access token</label>
          <input
            id="login-password"
            className="text-input"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <p className="field-help">
            {registry === DOCKER_HUB_DOMAIN
              ? 'On Docker Hub, use a personal access token (Account settings → Personal access tokens).'
              : 'Use a token if the registry offers one; it can be revoked without changing your password.'}
          </p>
        </div>
        {failure && <ErrorWithFix error={{ ...failure, fix: undefined }} />}
        <button type="submit" hidden tabIndex={-1} />
      </form>
    </Dialog>
  );
}
