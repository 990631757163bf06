/**
 * The Docker CLI command behind each of Berth's clicks, so a beginner learns the terminal while using
 * the app. One pure function per action; every value that reaches a command line is quoted for a
 * POSIX shell when it needs to be (names in Docker's grammar never do; a user name or a path may).
 */
import { DOCKER_HUB_DOMAIN } from '../../electron/common/reference';

/** One command: what to type, and a sentence on what it does (or what Berth does instead). */
export interface CliCommand {
  command: string;
  explanation: string;
}

/** Quote `value` for sh/bash/zsh when it holds anything but safe characters. */
export function shellQuote(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The classic local registry, which Berth replaces (it runs its own: no container, no image to pull). */
export function registryStartCommand(port: number): CliCommand {
  return {
    command: `docker run -d -p ${port}:5000 --name registry registry:2`,
    explanation: `Without Berth you would start Docker's registry image as a container. Berth runs its own registry instead, answering at localhost:${port} the same way: no container, nothing to download.`,
  };
}

/** `docker tag`: a new name for the same image (no copy is made). */
export function tagCommand(source: string, target: string): CliCommand {
  return {
    command: `docker tag ${shellQuote(source)} ${shellQuote(target)}`,
    explanation: 'Gives the image a second name; the name’s host part decides where a push sends it.',
  };
}

/** `docker push`: upload the image's layers the registry does not have yet, then its manifest. */
export function pushCommand(reference: string): CliCommand {
  return {
    command: `docker push ${shellQuote(reference)}`,
    explanation:
      'Uploads the layers the registry does not have yet (the others are skipped), then the manifest.',
  };
}

/** `docker pull`: download what is missing locally. */
export function pullCommand(reference: string): CliCommand {
  return {
    command: `docker pull ${shellQuote(reference)}`,
    explanation: 'Downloads the layers this computer does not have yet and names the image.',
  };
}

/** `docker rmi`: untag a name, or delete an image by ID (with -f when it still has several names). */
export function removeCommand(reference: string, force: boolean): CliCommand {
  return {
    command: `docker rmi ${force ? '-f ' : ''}${shellQuote(reference)}`,
    explanation: force
      ? 'Removes every name of the image and deletes it (-f: even though it has several names).'
      : 'Removes that name; the image is deleted only when no other name is left.',
  };
}

/** `docker login`: the token or password is typed when asked (never put on the command line). */
export function loginCommand(registry: string, username: string): CliCommand {
  const host = registry === DOCKER_HUB_DOMAIN ? '' : ` ${shellQuote(registry)}`;
  return {
    command: `docker login${host} -u ${shellQuote(username || '<username>')}`,
    explanation:
      'Asks for the password or access token and keeps it where Docker keeps logins (a credential helper or config.json).',
  };
}

/** `docker logout`: forget the login for that registry. */
export function logoutCommand(registry: string): CliCommand {
  return {
    command: registry === DOCKER_HUB_DOMAIN ? 'docker logout' : `docker logout ${shellQuote(registry)}`,
    explanation: 'Removes the saved login for that registry from Docker’s credentials.',
  };
}

/** The daemon.json lines that let Docker talk plain HTTP to `hosts` (then Docker is reloaded). */
export function insecureRegistriesLines(hosts: readonly string[]): CliCommand {
  return {
    command: `"insecure-registries": [${hosts.map((host) => JSON.stringify(host)).join(', ')}]`,
    explanation:
      'In Docker’s daemon.json (Docker Desktop: Settings → Docker Engine; Linux: /etc/docker/daemon.json), then restart or reload Docker.',
  };
}
