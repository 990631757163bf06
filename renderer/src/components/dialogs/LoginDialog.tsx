/**
 * Log in to a registry: the registry (fixed when the dialog is opened for one), a user name and a
 * password or access token. The host checks them with the registry through Docker's /auth, then keeps
 * them where Docker keeps logins, so `docker push` in a terminal uses them too. The dialog says where
 * that is before the user types a secret: a credential helper, or config.json unencrypted (with how to
 * set up a helper). Docker Hub's dialog explains personal access tokens for a beginner.
 */
import { useState, type FormEvent } from 'react';
import type { AppErrorData } from '../../../../electron/api/contract';
import { DOCKER_HUB_DOMAIN, normalizeRegistryHost } from '../../../../electron/common/reference';
import { useAppStore } from '../../stores/app-store';
import { useRemoteRegistriesStore } from '../../stores/remote-registries-store';
import { storageForNewLogin } from '../../views/logins/login-places';
import '../../views/logins/logins.css';
import { ErrorBox } from '../ErrorBox';
import { ErrorWithFix } from '../ErrorWithFix';
import { Field } from '../Field';
import { Dialog } from './Dialog';
import { loginCommand } from '../../cli-commands';
import { CommandLine } from '../CommandLine';

export function LoginDialog({
  registry,
  onLoggedIn,
  onClose,
}: {
  /** The registry to log in to; without it the dialog asks (Docker Hub to start with). */
  registry?: string;
  onLoggedIn?: () => void;
  onClose: () => void;
}) {
  const login = useRemoteRegistriesStore((state) => state.login);
  const overview = useRemoteRegistriesStore((state) => state.overview);
  const notify = useAppStore((state) => state.notify);
  const [typedRegistry, setTypedRegistry] = useState(registry ?? DOCKER_HUB_DOMAIN);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | undefined>(undefined);
  const host = normalizeRegistryHost(registry ?? typedRegistry);
  const isHub = host === DOCKER_HUB_DOMAIN;
  const label = isHub ? 'Docker Hub' : host;
  const ready = host !== '' && username !== '' && password !== '' && !busy;

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!ready) return;
    setBusy(true);
    setFailure(undefined);
    const problem = await login(host, username, password);
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
      title={registry === undefined ? 'Log in to a registry' : `Log in to ${label}`}
      onClose={onClose}
      actions={
        <button type="button" className="button primary" disabled={!ready} onClick={() => void submit()}>
          {busy ? 'Checking…' : onLoggedIn ? 'Log in and retry' : 'Log in'}
        </button>
      }
    >
      <form className="tag-form" onSubmit={(event) => void submit(event)} aria-label="Login">
        {registry === undefined && (
          <Field
            id="login-registry"
            label="Registry"
            help="docker.io for Docker Hub, or the registry's address: ghcr.io, registry.example.com:5000…"
          >
            {(control) => (
              <input
                {...control}
                className="text-input"
                value={typedRegistry}
                spellCheck={false}
                onChange={(event) => setTypedRegistry(event.target.value)}
              />
            )}
          </Field>
        )}
        {isHub ? (
          <HubTokenExplainer />
        ) : (
          <p className="dialog-intro">
            Docker checks these with <span className="mono">{host}</span> right away, as{' '}
            <span className="mono">docker login</span> does.
          </p>
        )}
        <Field id="login-username" label={isHub ? 'Docker ID (user name)' : 'User name'}>
          {(control) => (
            <input
              {...control}
              className="text-input"
              autoComplete="username"
              spellCheck={false}
              value={username}
              onChange={(event) => setUsername(event.target.value)}
            />
          )}
        </Field>
        <Field
          id="login-password"
          label={isHub ? 'Personal access token' : 'Password or access token'}
          {...(isHub
            ? {}
            : {
                help: 'Use a token if the registry offers one: it can be revoked without changing your password.',
              })}
        >
          {(control) => (
            <input
              {...control}
              className="text-input"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        {/* A config.json Berth can't read can't take a login either: say so before a secret is typed. */}
        {overview?.problems
          .filter((problem) => problem.code === 'DOCKER_CONFIG_INVALID')
          .map((problem) => (
            <ErrorBox key={problem.message} error={problem} />
          ))}
        {overview && (
          <WhereItGoes
            storage={storageForNewLogin(overview, host)}
            environment={overview.environmentConfig}
          />
        )}
        {host !== '' && <CommandLine cli={loginCommand(host, username.trim())} />}
        {failure && <ErrorWithFix error={{ ...failure, fix: undefined }} />}
        <button type="submit" hidden tabIndex={-1} />
      </form>
    </Dialog>
  );
}

/** Docker Hub wants a personal access token, not the account password: what it is and where to get one. */
function HubTokenExplainer() {
  return (
    <section className="login-explainer" aria-labelledby="hub-token-title">
      <h3 id="hub-token-title">Docker Hub uses personal access tokens</h3>
      <p>
        A personal access token is a long random password that Docker Hub makes for one computer or app. Paste
        it where a password would go: it works like your password, so keep it just as secret, and you can
        delete it on Docker Hub at any time without changing your real password.
      </p>
      <ol>
        <li>
          Sign in at <span className="mono">hub.docker.com</span> and open <strong>Account Settings</strong> →{' '}
          <strong>Personal access tokens</strong>.
        </li>
        <li>
          Choose <strong>Generate new token</strong>. To push images, give it{' '}
          <strong>Read &amp; Write</strong> access (Read-only is enough to pull).
        </li>
        <li>
          Copy it straight away: Docker Hub shows a token only once. If you lose it, you can&apos;t see it
          again; delete it and make a new one.
        </li>
      </ol>
    </section>
  );
}

/** Before the secret is typed: where it will be kept, and what that means. */
function WhereItGoes({
  storage,
  environment,
}: {
  storage: ReturnType<typeof storageForNewLogin>;
  environment: boolean;
}) {
  return (
    <div className="login-storage" aria-label="Where the login is kept">
      {storage.kind === 'helper' ? (
        <p>
          Kept by the credential helper <span className="mono">docker-credential-{storage.helper}</span> (your
          system&apos;s password store), where <span className="mono">docker login</span> keeps it too.
        </p>
      ) : (
        <p className="login-warning" role="note">
          <strong>Stored unencrypted.</strong> With no credential helper set up, Docker keeps logins only
          base64-encoded in <span className="mono">{storage.kind === 'file' ? storage.path : ''}</span>, and
          so does Berth: anyone who can read that file can use it. To keep it in your system&apos;s password
          store instead, install its credential helper (on Linux{' '}
          <span className="mono">docker-credential-pass</span> or{' '}
          <span className="mono">docker-credential-secretservice</span>, on macOS{' '}
          <span className="mono">docker-credential-osxkeychain</span>, on Windows{' '}
          <span className="mono">docker-credential-wincred</span>) and name it in that file, for example{' '}
          <span className="mono">&quot;credsStore&quot;: &quot;pass&quot;</span>.
        </p>
      )}
      {environment && (
        <p>
          <span className="mono">DOCKER_AUTH_CONFIG</span> is set: Docker and Berth use the logins in it
          first, and Berth can&apos;t change them.
        </p>
      )}
    </div>
  );
}
