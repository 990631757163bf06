/** The Getting started checklist's rules (electron/guide/guide-assessment.ts), each on its own. */
import { describe, expect, it } from 'vitest';
import type { DockerStatus } from '../../electron/api/contract/app';
import type { GuideSettings } from '../../electron/api/contract/guide';
import type { LocalImage } from '../../electron/api/contract/images';
import type { RegistryActivity } from '../../electron/api/contract/registry';
import { assessGuide, type GuideFacts } from '../../electron/guide/guide-assessment';
import { defaultGuideSettings } from '../../electron/settings/settings-store';

const connected: DockerStatus = {
  state: 'connected',
  endpoint: { description: 'unix:///var/run/docker.sock', source: 'default' },
};

function image(repoTags: string[], repoDigests: string[] = []): LocalImage {
  return { id: `sha256:${'a'.repeat(64)}`, repoTags, repoDigests, size: 1, created: 1 };
}

function facts(overrides: Partial<GuideFacts> = {}): GuideFacts {
  return {
    now: 1000,
    docker: connected,
    images: [image(['hello:1'])],
    registry: { state: 'running', port: 5000 },
    activity: [],
    hubUser: undefined,
    finishedPushes: [],
    ...overrides,
  };
}

const done = (settings: GuideSettings) => Object.keys(settings.done).sort();
const activity = (kind: RegistryActivity['kind'], repository: string, reference: string, at: number) => ({
  kind,
  repository,
  reference,
  at,
});

describe('the Getting started checklist', () => {
  it('ticks nothing on a first run with Docker down and the registry stopped', () => {
    const { kept, progress } = assessGuide(
      facts({
        docker: { ...connected, state: 'disconnected' },
        images: undefined,
        registry: { state: 'stopped', port: 5000 },
      }),
      defaultGuideSettings(),
    );
    expect(done(kept)).toEqual([]);
    expect(progress.steps.every((step) => !step.done)).toBe(true);
    expect(progress.localRegistry).toBe('localhost:5000');
  });

  it('ticks Docker and the registry from their state, and keeps them with a note when they stop', () => {
    const first = assessGuide(facts(), defaultGuideSettings());
    expect(done(first.kept)).toEqual(['docker', 'registry']);
    const later = assessGuide(
      facts({ docker: { ...connected, state: 'disconnected' }, registry: { state: 'stopped', port: 5000 } }),
      first.kept,
    );
    expect(later.progress.steps.find((step) => step.id === 'docker')).toMatchObject({
      done: true,
      note: "Docker isn't connected right now.",
    });
    expect(later.progress.steps.find((step) => step.id === 'registry')?.note).toMatch(/isn't running now/);
  });

  it('ticks the tag step for a localhost or 127.0.0.1 name on the registry port only', () => {
    const other = assessGuide(facts({ images: [image(['localhost:5001/hello:1'])] }), defaultGuideSettings());
    expect(other.kept.done.tag).toBeUndefined();
    const loopback = assessGuide(
      facts({ images: [image(['127.0.0.1:5000/hello:1'])] }),
      defaultGuideSettings(),
    );
    expect(loopback.kept.done.tag?.evidence).toBe('Docker has the name 127.0.0.1:5000/hello:1.');
  });

  it('ticks the push step from a manifest pushed by tag in the registry log, not one by digest', () => {
    const byDigest = assessGuide(
      facts({ activity: [activity('push', 'hello', `sha256:${'b'.repeat(64)}`, 10)] }),
      defaultGuideSettings(),
    );
    expect(byDigest.kept.done.push).toBeUndefined();
    const byTag = assessGuide(
      facts({ activity: [activity('push', 'hello', '1', 10)] }),
      defaultGuideSettings(),
    );
    expect(byTag.kept.done.push?.evidence).toBe('The registry received localhost:5000/hello:1.');
  });

  it('after a reset, pushes logged before it no longer count', () => {
    const kept = { ...defaultGuideSettings(), since: 500 };
    const old = assessGuide(facts({ activity: [activity('push', 'hello', '1', 10)] }), kept);
    expect(old.kept.done.push).toBeUndefined();
  });

  it('ticks the pull step only after the name was removed from Docker and then pulled back', () => {
    const tagged = facts({ images: [image(['hello:1', 'localhost:5000/hello:1'])] });
    const one = assessGuide(tagged, defaultGuideSettings());
    expect(one.kept.localNames).toEqual(['localhost:5000/hello:1']);
    // A pull while the name is still there (docker pull of a present image) is not "pulled back".
    const early = assessGuide({ ...tagged, activity: [activity('pull', 'hello', '1', 900)] }, one.kept);
    expect(early.kept.done.pull).toBeUndefined();

    const removed = assessGuide(facts({ now: 2000, images: [image(['hello:1'])] }), one.kept);
    expect(removed.kept.removed).toEqual([{ reference: 'localhost:5000/hello:1', at: 2000 }]);
    expect(removed.progress.removedName).toBe('localhost:5000/hello:1');
    expect(removed.progress.steps.find((step) => step.id === 'pull')?.note).toMatch(/now pull it back/);

    // Back in Docker without a pull from the registry (docker tag again) doesn't count either.
    const retagged = assessGuide({ ...tagged, now: 3000 }, removed.kept);
    expect(retagged.kept.done.pull).toBeUndefined();

    const pulled = assessGuide(
      { ...tagged, now: 3000, activity: [activity('pull', 'hello', '1', 2500)] },
      removed.kept,
    );
    expect(pulled.kept.done.pull?.evidence).toBe(
      'localhost:5000/hello:1 was removed from Docker, then pulled back from the registry.',
    );
  });

  it('ticks the Hub login from a docker.io login and the Hub push from a RepoDigest in that user’s namespace', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const someoneElse = assessGuide(
      facts({ hubUser: 'alice', images: [image(['bob/app:1'], [`bob/app@${digest}`])] }),
      defaultGuideSettings(),
    );
    expect(someoneElse.kept.done.hubLogin?.evidence).toBe('Docker is logged in to Docker Hub as alice.');
    expect(someoneElse.kept.done.hubPush).toBeUndefined();
    const official = assessGuide(
      facts({ hubUser: 'alice', images: [image(['nginx:1'], [`nginx@${digest}`])] }),
      defaultGuideSettings(),
    );
    expect(official.kept.done.hubPush).toBeUndefined();
    const mine = assessGuide(
      facts({ hubUser: 'alice', images: [image(['alice/app:1'], [`alice/app@${digest}`])] }),
      defaultGuideSettings(),
    );
    expect(mine.kept.done.hubPush?.evidence).toBe('alice/app is on Docker Hub, under your Docker ID.');
    // Without a login, a RepoDigest can't say whose namespace is the user's.
    const loggedOut = assessGuide(
      facts({ images: [image(['alice/app:1'], [`alice/app@${digest}`])] }),
      defaultGuideSettings(),
    );
    expect(loggedOut.kept.done.hubPush).toBeUndefined();
    const pushedByBerth = assessGuide(
      facts({ hubUser: 'alice', finishedPushes: ['docker.io/alice/web:2'] }),
      defaultGuideSettings(),
    );
    expect(pushedByBerth.kept.done.hubPush).toBeDefined();
  });

  it('keeps a tick once seen and answers the same kept object when nothing changed', () => {
    const first = assessGuide(facts(), defaultGuideSettings());
    const again = assessGuide(facts({ now: 5000 }), first.kept);
    expect(again.kept).toBe(first.kept);
    expect(again.kept.done.docker?.at).toBe(1000);
  });
});
