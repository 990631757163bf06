/**
 * What each step of the Getting started checklist says, which button it offers and the command it
 * stands for, from the progress the host assessed. Pure, so the wording follows the state exactly.
 * The path is the one in shared/LEARNING-PATH.md, in Berth's own words.
 */
import type { GuideProgress, GuideStepId } from '../../../../electron/api/contract/guide';
import { DOCKER_HUB_DOMAIN, parseReference } from '../../../../electron/common/reference';
import {
  loginCommand,
  pullCommand,
  pushCommand,
  registryStartCommand,
  removeCommand,
  tagCommand,
  type CliCommand,
} from '../../cli-commands';

/** What a step's button does; the view carries it out. */
export type GuideAction =
  | { kind: 'check-docker' }
  | { kind: 'start-registry' }
  | { kind: 'tag-local'; source: string }
  | { kind: 'push'; reference: string }
  | { kind: 'remove'; reference: string }
  | { kind: 'pull'; reference: string }
  | { kind: 'login-hub' }
  | { kind: 'push-hub'; source: string };

export interface GuideStepText {
  id: GuideStepId;
  title: string;
  /** One or two sentences: what it does and what to expect. */
  body: string;
  button?: { label: string; action: GuideAction };
  /** Why there is no button yet. */
  waiting?: string;
  cli?: CliCommand;
}

/** `myapp:v1` for `hello:1`-like names: the repository's last part and the tag. */
function shortName(reference: string): { repository: string; tag: string } {
  const parsed = parseReference(reference);
  if (!parsed.ok) return { repository: 'myapp', tag: 'v1' };
  return { repository: parsed.ref.path.split('/').pop() ?? 'myapp', tag: parsed.ref.tag ?? 'latest' };
}

export function guideSteps(progress: GuideProgress, dockerProblem?: string): GuideStepText[] {
  const local = progress.localRegistry;
  const port = Number(local.split(':')[1] ?? 5000);
  const sample = progress.sampleImage;
  const { repository, tag } = shortName(sample ?? progress.localName ?? 'myapp:v1');
  const localTarget = progress.localName ?? `${local}/${repository}:${tag}`;
  const hubUser = progress.hubUser;
  const hubTarget = `${hubUser ?? '<your-docker-id>'}/${repository}:${tag}`;
  const noImage =
    'Docker has no image to use yet: build one (docker build -t myapp:v1 .) and it appears here.';

  return [
    {
      id: 'docker',
      title: 'Docker is connected',
      body: 'Berth works through Docker on this computer: your images live in Docker, and pushes and pulls go through it. This ticks by itself once Docker answers.',
      ...(dockerProblem ? { waiting: dockerProblem } : {}),
      button: { label: 'Check Docker again', action: { kind: 'check-docker' } },
    },
    {
      id: 'registry',
      title: 'Start the local registry',
      body: `A registry is where images live when they are not on your computer. Berth runs one here, at ${local}: expect it to start in a second or two, with nothing to download.`,
      button: { label: 'Start the local registry', action: { kind: 'start-registry' } },
      cli: registryStartCommand(port),
    },
    {
      id: 'tag',
      title: `Tag an image for ${local}`,
      body: `A name's first part says which registry it goes to: ${local}/${repository}:${tag} goes to the local registry. Tagging adds that name; the image is not copied.`,
      ...(sample
        ? {
            button: {
              label: `Tag ${sample} for the local registry…`,
              action: { kind: 'tag-local', source: sample },
            },
          }
        : { waiting: noImage }),
      cli: tagCommand(sample ?? `${repository}:${tag}`, `${local}/${repository}:${tag}`),
    },
    {
      id: 'push',
      title: 'Push it',
      body: 'The registry gets the layers it does not have yet, then the manifest that lists them; layers it already has are skipped. The transfers panel below shows each layer: expect a few seconds.',
      ...(progress.localName
        ? {
            button: {
              label: `Push ${progress.localName}`,
              action: { kind: 'push', reference: progress.localName },
            },
          }
        : { waiting: 'Tag an image for the local registry first.' }),
      cli: pushCommand(localTarget),
    },
    {
      id: 'pull',
      title: 'Remove the local copy and pull it back',
      body: 'This proves the image is really in the registry: remove its name from Docker, then pull it. Layers Docker still has are not downloaded again.',
      ...(progress.removedName
        ? {
            button: {
              label: `Pull ${progress.removedName} back`,
              action: { kind: 'pull', reference: progress.removedName },
            },
            cli: pullCommand(progress.removedName),
          }
        : progress.localName
          ? {
              button: {
                label: `Remove ${progress.localName} from Docker`,
                action: { kind: 'remove', reference: progress.localName },
              },
              cli: removeCommand(progress.localName, false),
            }
          : {
              waiting: 'Push an image to the local registry first.',
              cli: removeCommand(localTarget, false),
            }),
    },
    {
      id: 'hubLogin',
      title: 'Log in to Docker Hub with an access token',
      body: 'Docker Hub is the default registry: a name with no host, like nginx, means Docker Hub. Log in with a personal access token (Account settings → Personal access tokens, Read & Write), not your password; copy it when it is shown, it is shown once.',
      button: { label: 'Log in to Docker Hub…', action: { kind: 'login-hub' } },
      cli: loginCommand(DOCKER_HUB_DOMAIN, hubUser ?? ''),
    },
    {
      id: 'hubPush',
      title: 'Push to Docker Hub',
      body: `On Docker Hub your images go under your Docker ID: ${hubTarget}, with no host in front. A new repository there is public unless you make it private.`,
      ...(sample || progress.localName
        ? {
            button: {
              label: 'Tag and push to Docker Hub…',
              action: { kind: 'push-hub', source: sample ?? progress.localName! },
            },
          }
        : { waiting: noImage }),
      cli: pushCommand(hubTarget),
    },
  ];
}
