/**
 * Assesses the Getting started checklist from facts (pure, so every rule is unit-tested): what Docker
 * holds, what the local registry logged, which Docker Hub login Docker has. A step ticks the first time
 * its evidence is seen and stays ticked (kept in the settings); a step whose condition no longer holds
 * says so in a note. The rules, and why each is truthful whether the user clicked in Berth or typed
 * in a terminal:
 *
 * - docker: the connection answers now.
 * - registry: Berth's registry runs now.
 * - tag: Docker holds a name for `localhost:<port>` (or `127.0.0.1:<port>`) — `docker images` shows it.
 * - push: the registry logged a manifest PUT by tag (its activity log, kept on disk, is written by the
 *   registry itself, so any client's push counts and nothing else does).
 * - pull: a name for the registry Docker held is gone from Docker (seen by comparing what Docker
 *   holds over time, kept in the settings), and afterwards the registry logged a manifest GET of that
 *   repository, and Docker holds a name in it again.
 * - hubLogin: Docker's credentials (config.json or its helper) hold a login for docker.io.
 * - hubPush: a local image has a RepoDigest in the logged-in user's Docker Hub namespace (the daemon
 *   records it when it pushes), or Berth saw its own push there succeed.
 */
import type { DockerStatus } from '../api/contract/app';
import {
  GUIDE_STEP_IDS,
  type GuideProgress,
  type GuideSettings,
  type GuideStep,
  type GuideStepId,
} from '../api/contract/guide';
import type { LocalImage } from '../api/contract/images';
import type { RegistryActivity, RegistryState } from '../api/contract/registry';
import { DOCKER_HUB_DOMAIN, parseReference } from '../common/reference';

export interface GuideFacts {
  now: number;
  docker: DockerStatus;
  /** Docker's images; undefined when Docker could not be asked. */
  images: LocalImage[] | undefined;
  registry: { state: RegistryState; port: number };
  /** The local registry's activity log, oldest first. */
  activity: RegistryActivity[];
  /** The Docker Hub user Docker is logged in as. */
  hubUser: string | undefined;
  /** Normalised references of pushes Berth saw succeed. */
  finishedPushes: string[];
}

const MAX_REMOVED = 20;
const MAX_NAMES = 100;

/** The names Docker may give the local registry: `localhost:<port>` and its loopback spellings. */
function localDomains(port: number): string[] {
  return [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
}

/** `{ name, repository }` for each of Docker's names that points at the local registry. */
function localRegistryNames(images: LocalImage[], port: number): Array<{ name: string; repository: string }> {
  const domains = localDomains(port);
  const names: Array<{ name: string; repository: string }> = [];
  for (const image of images) {
    for (const tag of image.repoTags) {
      const parsed = parseReference(tag);
      if (parsed.ok && domains.includes(parsed.ref.domain))
        names.push({ name: parsed.ref.familiar, repository: parsed.ref.path });
    }
  }
  return names.sort((a, b) => a.name.localeCompare(b.name));
}

function repositoryOf(reference: string): string | undefined {
  const parsed = parseReference(reference);
  return parsed.ok ? parsed.ref.path : undefined;
}

/** A name in the user's Docker Hub namespace: `user/app` (never `library/…`, never another user's). */
function inHubNamespace(reference: string, user: string): string | undefined {
  const parsed = parseReference(reference);
  if (!parsed.ok || parsed.ref.domain !== DOCKER_HUB_DOMAIN) return undefined;
  return parsed.ref.path.startsWith(`${user.toLowerCase()}/`) ? parsed.ref.path : undefined;
}

/** A plain local name a step's button can start from (not one already named for the local registry). */
function sampleImage(images: LocalImage[], port: number): string | undefined {
  const domains = localDomains(port);
  for (const image of images) {
    for (const tag of image.repoTags) {
      const parsed = parseReference(tag);
      if (parsed.ok && !domains.includes(parsed.ref.domain) && tag !== '<none>:<none>') return tag;
    }
  }
  return undefined;
}

/** Answers the progress to show and the settings to keep (unchanged objects when nothing changed). */
export function assessGuide(
  facts: GuideFacts,
  kept: GuideSettings,
): { kept: GuideSettings; progress: GuideProgress } {
  const localRegistry = `localhost:${facts.registry.port}`;
  const since = kept.since ?? 0;
  const activity = facts.activity.filter((entry) => entry.at >= since);
  let removed = kept.removed;
  let localNames = kept.localNames;
  const current = facts.images ? localRegistryNames(facts.images, facts.registry.port) : undefined;

  // A name for this port that Docker held when last looked at, and doesn't now, was removed.
  if (current) {
    const domains = localDomains(facts.registry.port);
    const now = new Set(current.map((entry) => entry.name));
    const gone = kept.localNames.filter((name) => {
      const parsed = parseReference(name);
      return parsed.ok && domains.includes(parsed.ref.domain) && !now.has(name);
    });
    if (gone.length > 0) {
      removed = [
        ...removed.filter((entry) => !gone.includes(entry.reference)),
        ...gone.map((reference) => ({ reference, at: facts.now })),
      ].slice(-MAX_REMOVED);
    }
    const names = [...now].slice(0, MAX_NAMES);
    if (JSON.stringify(names) !== JSON.stringify(kept.localNames)) localNames = names;
  }

  const evidence: Partial<Record<GuideStepId, string>> = {};
  const notes: Partial<Record<GuideStepId, string>> = {};

  if (facts.docker.state === 'connected') {
    const engine = facts.docker.engine;
    evidence.docker = engine ? `Connected to ${engine.name} ${engine.version}.` : 'Connected to Docker.';
  }
  if (facts.registry.state === 'running') evidence.registry = `Berth's registry answers at ${localRegistry}.`;
  if (current?.[0]) evidence.tag = `Docker has the name ${current[0].name}.`;

  const push = [...activity]
    .reverse()
    .find(
      (entry) => entry.kind === 'push' && entry.reference !== undefined && !entry.reference.includes(':'),
    );
  if (push) evidence.push = `The registry received ${localRegistry}/${push.repository}:${push.reference}.`;

  let removedName: string | undefined;
  for (const entry of [...removed].reverse()) {
    const repository = repositoryOf(entry.reference);
    if (repository === undefined) continue;
    const pulled = activity.some(
      (item) => item.kind === 'pull' && item.repository === repository && item.at >= entry.at,
    );
    const back = current?.some((name) => name.repository === repository) ?? false;
    if (pulled && back) {
      evidence.pull = `${entry.reference} was removed from Docker, then pulled back from the registry.`;
      break;
    }
    if (!back && removedName === undefined) removedName = entry.reference;
  }
  if (!evidence.pull && removedName)
    notes.pull = `${removedName} was removed from Docker: now pull it back from the registry.`;

  if (facts.hubUser) evidence.hubLogin = `Docker is logged in to Docker Hub as ${facts.hubUser}.`;
  if (facts.hubUser) {
    const user = facts.hubUser;
    const fromDigests = facts.images
      ?.flatMap((image) => image.repoDigests)
      .map((digest) => inHubNamespace(digest, user))
      .find((path) => path !== undefined);
    const fromPushes = facts.finishedPushes.map((reference) => inHubNamespace(reference, user)).find(Boolean);
    const path = fromDigests ?? fromPushes;
    if (path) evidence.hubPush = `${path} is on Docker Hub, under your Docker ID.`;
  }

  let done = kept.done;
  for (const id of GUIDE_STEP_IDS) {
    const seen = evidence[id];
    if (seen && !done[id]) done = { ...done, [id]: { at: facts.now, evidence: seen } };
  }
  if (done.docker && !evidence.docker) notes.docker = "Docker isn't connected right now.";
  if (done.registry && !evidence.registry)
    notes.registry = "The registry isn't running now: start it again before you push or pull.";
  if (done.hubLogin && !evidence.hubLogin) notes.hubLogin = 'Docker is not logged in to Docker Hub now.';

  const steps: GuideStep[] = GUIDE_STEP_IDS.map((id) => {
    const tick = done[id];
    return {
      id,
      done: tick !== undefined,
      ...(tick ? { tick } : {}),
      ...(notes[id] ? { note: notes[id] } : {}),
    };
  });
  const nextKept =
    done === kept.done && removed === kept.removed && localNames === kept.localNames
      ? kept
      : { ...kept, done, removed, localNames };
  const sample = facts.images ? sampleImage(facts.images, facts.registry.port) : undefined;
  return {
    kept: nextKept,
    progress: {
      hidden: kept.hidden,
      steps,
      localRegistry,
      ...(facts.hubUser ? { hubUser: facts.hubUser } : {}),
      ...(sample ? { sampleImage: sample } : {}),
      ...(current?.[0] ? { localName: current[0].name } : {}),
      ...(removedName ? { removedName } : {}),
    },
  };
}
