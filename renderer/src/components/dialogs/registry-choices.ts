/**
 * The Tag dialog's registry picker: the local registry (always as localhost:<port>, the one name Berth
 * uses for it everywhere, as Docker's docs do), Docker Hub, the registries saved in the settings, and free text. Pure, so it is easy to test.
 */
import {
  DOCKER_HUB_DOMAIN,
  normalizeRegistryHost,
  parseReference,
  readTypedRegistryHost,
} from '../../../../electron/common/reference';

export interface RegistryChoice {
  /** The picker's value: 'local', 'docker.io', 'saved:<host>' or 'other'. */
  value: string;
  label: string;
  /** The host written into the name; '' for 'other' (typed by the user). */
  host: string;
  /** One line under the picker. */
  explanation: string;
  /** A namespace to suggest (the logged-in user on Docker Hub). */
  namespace?: string;
}

export interface RegistryChoiceInput {
  localPort: number | undefined;
  localRunning: boolean;
  saved: ReadonlyArray<{ host: string; name: string }>;
  /** Registry host → logged-in user name. */
  logins: Readonly<Record<string, string>>;
}

export const OTHER_REGISTRY = 'other';

/** The one name Berth gives the local registry in image names and on screen. */
export function localRegistryHost(port: number): string {
  return `localhost:${port}`;
}

/** `127.0.0.1:<port>` and `localhost:<port>` are both this computer (Docker keeps them apart in names). */
function loopbackAsLocalhost(host: string): string {
  return host.replace(/^(?:127\.0\.0\.1|\[::1\])(?=:\d+$)/, 'localhost');
}

export function registryChoices(input: RegistryChoiceInput): RegistryChoice[] {
  const choices: RegistryChoice[] = [];
  if (input.localPort !== undefined) {
    const running = input.localRunning ? '' : ' It is not running now: start it before you push.';
    choices.push({
      value: 'local',
      label: `Local registry (${localRegistryHost(input.localPort)})`,
      host: localRegistryHost(input.localPort),
      explanation: `The registry Berth runs on this computer. Docker allows plain HTTP to it because localhost is this computer.${running}`,
    });
  }
  const hubUser = input.logins[DOCKER_HUB_DOMAIN];
  choices.push({
    value: DOCKER_HUB_DOMAIN,
    label: hubUser ? `Docker Hub (${hubUser})` : 'Docker Hub',
    host: DOCKER_HUB_DOMAIN,
    explanation: hubUser
      ? `Docker's public registry; you are logged in as ${hubUser}, so your images go under ${hubUser}/.`
      : "Docker's public registry; you push under your Docker ID (log in on the Docker Hub page).",
    ...(hubUser ? { namespace: hubUser } : {}),
  });
  for (const entry of input.saved) {
    const host = normalizeRegistryHost(entry.host);
    if (host === DOCKER_HUB_DOMAIN) continue;
    const user = input.logins[host];
    choices.push({
      value: `saved:${host}`,
      label: entry.name === host ? host : `${entry.name} (${host})`,
      host,
      explanation: user
        ? `A registry from your settings; logged in as ${user}.`
        : 'A registry from your settings.',
    });
  }
  choices.push({
    value: OTHER_REGISTRY,
    label: 'Another registry…',
    host: '',
    explanation: 'Type its host name, with the port if it has one, e.g. registry.example.com:5000.',
  });
  return choices;
}

/** The picker value for a registry host (for prefilling from a drop or a name). */
export function choiceForHost(choices: RegistryChoice[], host: string): string {
  const normalized = loopbackAsLocalhost(normalizeRegistryHost(host));
  return (
    choices.find((choice) => choice.host !== '' && normalizeRegistryHost(choice.host) === normalized)
      ?.value ?? OTHER_REGISTRY
  );
}

/** Why `host` is not a registry host Docker accepts, or undefined when it is. A URL is accepted. */
export function registryHostProblem(host: string): string | undefined {
  const trimmed = readTypedRegistryHost(host).host;
  if (trimmed === '') return 'type the registry host, e.g. registry.example.com or 192.168.1.20:5000';
  const parsed = parseReference(`${trimmed}/x`);
  if (!parsed.ok) return parsed.reason;
  if (parsed.ref.domain !== trimmed.toLowerCase() && parsed.ref.domain !== trimmed) {
    return `'${trimmed}' is not a host name: a registry host has a '.', a ':port', or is localhost`;
  }
  return undefined;
}
