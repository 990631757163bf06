/**
 * The Tag dialog's registry picker: the local registry (as 127.0.0.1:<port>, or as localhost:<port>),
 * Docker Hub, the registries saved in the settings, and free text. Pure, so it is easy to test.
 */
import { DOCKER_HUB_DOMAIN, normalizeRegistryHost } from '../../../../electron/common/reference';

export interface RegistryChoice {
  /** The picker's value: 'local', 'local-localhost', 'docker.io', 'saved:<host>' or 'other'. */
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

export function registryChoices(input: RegistryChoiceInput): RegistryChoice[] {
  const choices: RegistryChoice[] = [];
  if (input.localPort !== undefined) {
    const running = input.localRunning ? '' : ' It is not running now: start it before you push.';
    choices.push(
      {
        value: 'local',
        label: `Local registry (127.0.0.1:${input.localPort})`,
        host: `127.0.0.1:${input.localPort}`,
        explanation: `The registry Berth runs on this computer. Docker allows plain HTTP to it because it is on loopback.${running}`,
      },
      {
        value: 'local-localhost',
        label: `Local registry as localhost:${input.localPort}`,
        host: `localhost:${input.localPort}`,
        explanation: `The same local registry, written as localhost (what many tutorials use).${running}`,
      },
    );
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
  const normalized = normalizeRegistryHost(host);
  return (
    choices.find((choice) => choice.host !== '' && normalizeRegistryHost(choice.host) === normalized)
      ?.value ?? OTHER_REGISTRY
  );
}
