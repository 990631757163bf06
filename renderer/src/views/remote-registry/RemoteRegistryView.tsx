/**
 * A registry other than the local one (Docker Hub, a company registry): log in, browse what it holds
 * (BrowsePanel: repositories, tags, details, delete), and pull an image by name. A name typed without a registry host is taken to mean this registry; the full name Docker
 * will use is shown before pulling.
 */
import { useState, type FormEvent } from 'react';
import {
  DOCKER_HUB_DOMAIN,
  normalizeRegistryHost,
  parseReference,
} from '../../../../electron/common/reference';
import { useDialogStore } from '../../components/dialogs/dialog-store';
import { useAppStore } from '../../stores/app-store';
import { useRemoteRegistriesStore } from '../../stores/remote-registries-store';
import { describeStorage, loginFor } from '../logins/login-places';
import { pullImage } from '../../stores/transfers-store';
import { useRemoteBrowseStore } from '../../stores/remote-browse-store';
import './remote-registry.css';
import '../logins/logins.css';
import { BrowsePanel } from './BrowsePanel';

/** The reference to pull: the typed name, on this registry unless it names a registry itself. */
export function pullReference(host: string, typed: string): ReturnType<typeof parseReference> {
  const text = typed.trim();
  if (host === DOCKER_HUB_DOMAIN) return parseReference(text);
  const first = text.split('/')[0] ?? '';
  const namesRegistry =
    text.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return parseReference(namesRegistry ? text : `${host}/${text}`);
}

export function RemoteRegistryView({ host }: { host: string }) {
  const overview = useRemoteRegistriesStore((state) => state.overview);
  const logout = useRemoteRegistriesStore((state) => state.logout);
  const saved = useRemoteRegistriesStore((state) => state.saved);
  const removeRegistry = useRemoteRegistriesStore((state) => state.remove);
  const showDialog = useDialogStore((state) => state.show);
  const setView = useAppStore((state) => state.setView);
  const [name, setName] = useState('');
  const [starting, setStarting] = useState(false);
  const [removeProblem, setRemoveProblem] = useState<string | undefined>(undefined);
  const [logoutProblem, setLogoutProblem] = useState<string | undefined>(undefined);
  const login = loginFor(overview, host);
  const normalizedHost = normalizeRegistryHost(host);
  const title =
    normalizedHost === DOCKER_HUB_DOMAIN
      ? 'Docker Hub'
      : (saved.find((entry) => entry.host === normalizedHost)?.name ?? host);
  const parsed = name.trim() === '' ? undefined : pullReference(normalizedHost, name);
  const isSaved = saved.some((entry) => entry.host === normalizedHost);
  // What the registry itself answered when Berth listed it (a real probe): whether it asked for a login.
  const probed = useRemoteBrowseStore((state) =>
    state.host === normalizedHost ? state.connection : undefined,
  );
  const refused = useRemoteBrowseStore(
    (state) => state.host === normalizedHost && state.repositories.error?.code === 'UNAUTHORIZED',
  );

  const pull = async (event: FormEvent) => {
    event.preventDefault();
    if (!parsed?.ok) return;
    setStarting(true);
    const id = await pullImage(parsed.ref.normalized);
    setStarting(false);
    if (id !== undefined) setName('');
  };

  return (
    <section className="view registry-view remote-registry" aria-labelledby="registry-title">
      <header className="view-header">
        <div>
          <h1 id="registry-title">{title}</h1>
          <p className="view-subtitle mono">{normalizedHost}</p>
        </div>
        {isSaved && (
          <button
            type="button"
            className="button small"
            onClick={() => {
              setRemoveProblem(undefined);
              void removeRegistry(normalizedHost).then((problem) => {
                // Leave the view only when the registry really left the sidebar.
                if (problem) setRemoveProblem(`Could not remove ${normalizedHost}: ${problem.message}`);
                else setView({ kind: 'images' });
              });
            }}
          >
            Remove from sidebar
          </button>
        )}
      </header>
      {removeProblem && (
        <p className="warn-text" role="alert">
          {removeProblem}
        </p>
      )}
      <div className="cards">
        <section className="card" aria-labelledby="registry-login-title">
          <h2 id="registry-login-title">Account</h2>
          {login ? (
            <p>
              Logged in as <strong>{login.username || 'an identity token'}</strong>, kept in{' '}
              <span className="mono">{describeStorage(login.storage)}</span>. Pushes and pulls to {title} use
              this login, and so does <span className="mono">docker</span> in a terminal.
            </p>
          ) : (
            <p className="muted">
              {normalizedHost === DOCKER_HUB_DOMAIN
                ? 'Not logged in. Public images can be pulled without a login; pushing needs one.'
                : refused
                  ? 'Not logged in, and this registry asked for a login: log in to browse it and push to it.'
                  : probed?.auth === 'none'
                    ? 'Not logged in, and none is needed: this registry answered Berth without a login. If a push is refused, it says so and offers to log in.'
                    : probed
                      ? 'Not logged in. This registry asked for a login, and let Berth read anonymously; a push will likely need one.'
                      : 'Not logged in. Many registries (one on your own network, for instance) need no login at all; if this one asks for it, a push or pull says so and offers to log in.'}
            </p>
          )}
          <div className="account-actions">
            <button
              type="button"
              className="button"
              onClick={() => showDialog({ kind: 'login', registry: normalizedHost })}
            >
              {login ? 'Log in as someone else…' : 'Log in…'}
            </button>
            {login && login.storage.kind !== 'environment' && (
              <button
                type="button"
                className="button"
                onClick={() => {
                  setLogoutProblem(undefined);
                  void logout(normalizedHost).then((problem) => {
                    if (problem) setLogoutProblem(`Could not log out: ${problem.message}`);
                  });
                }}
              >
                Log out
              </button>
            )}
          </div>
          {logoutProblem && (
            <p className="warn-text" role="alert">
              {logoutProblem}
            </p>
          )}
        </section>
        <section className="card" aria-labelledby="registry-pull-title">
          <h2 id="registry-pull-title">Pull an image</h2>
          <form className="pull-form" onSubmit={(event) => void pull(event)}>
            <label htmlFor="pull-name">Image name</label>
            <div className="pull-row">
              <input
                id="pull-name"
                className="text-input"
                placeholder={normalizedHost === DOCKER_HUB_DOMAIN ? 'nginx, or user/app:1.0' : 'team/app:1.0'}
                value={name}
                onChange={(event) => setName(event.target.value)}
                aria-invalid={parsed && !parsed.ok ? true : undefined}
                aria-describedby="pull-name-help"
                spellCheck={false}
              />
              <button type="submit" className="button primary" disabled={!parsed?.ok || starting}>
                {starting ? 'Starting…' : 'Pull'}
              </button>
            </div>
            <p id="pull-name-help" className="field-help">
              {parsed === undefined
                ? 'A repository and optional :tag or @digest. Without a tag Docker pulls :latest.'
                : parsed.ok
                  ? `Docker pulls ${parsed.ref.normalized}`
                  : ''}
            </p>
            {parsed && !parsed.ok && (
              <p className="field-error" role="alert">
                {parsed.reason}
              </p>
            )}
          </form>
        </section>
      </div>
      <BrowsePanel host={normalizedHost} />
    </section>
  );
}
