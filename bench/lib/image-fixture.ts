/**
 * A made-up but plausible `docker images` list for the renderer benchmarks, in the contract's own
 * shape (`images.list`): image IDs, 1–4 names each across Docker Hub, the local registry, GHCR and a
 * company registry (an image pushed to several registries keeps one ID and gains a name per
 * registry), digests for what came from a registry, sizes from a few MB to over a GB, and creation
 * times over the last two years. Seeded, so every run sees the same list (ages
 * counted from now).
 */
import { z } from 'zod';
import { localImageSchema, type LocalImage } from '../../electron/api/contract/images';

/** Docker Hub names as the daemon reports them (familiar form), then the other registries' prefixes. */
const REGISTRY_PREFIXES = ['', '127.0.0.1:5000/', 'ghcr.io/', 'registry.northwind.example.com/'];

const REPOSITORIES = [
  'nginx',
  'postgres',
  'redis',
  'node',
  'python',
  'golang',
  'alpine',
  'debian',
  'ubuntu',
  'busybox',
  'rabbitmq',
  'mongo',
  'mysql',
  'traefik',
  'grafana/grafana',
  'prom/prometheus',
  'northwind/web',
  'northwind/billing-api',
  'northwind/payments-worker',
  'northwind/search-indexer',
  'northwind/auth-service',
  'northwind/notifications',
  'northwind/reports',
  'northwind/admin-ui',
  'northwind/gateway',
  'northwind/inventory',
  'platform/base-python',
  'platform/base-node',
  'platform/ci-runner',
  'platform/build-tools',
  'platform/db-migrations',
  'data/etl-nightly',
  'data/feature-store',
  'data/notebook',
  'ml/model-server',
  'ml/trainer-gpu',
  'tools/kubectl',
  'tools/terraform',
  'tools/awscli',
  'experiments/very-long-repository-name-for-a-prototype-service',
];

/** Mulberry32: a tiny seeded generator, so the list is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(random: () => number, length: number): string {
  let text = '';
  while (text.length < length)
    text += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return text.slice(0, length);
}

/** `count` images, as `images.list` answers them; checked against the contract's schema. */
export function makeLocalImages(count: number, seed = 2000): LocalImage[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const taken = new Set<string>();
  const nowSeconds = Math.floor(Date.now() / 1000);
  const images: LocalImage[] = [];
  for (let index = 0; index < count; index += 1) {
    const repository = pick(REPOSITORIES);
    // One build, possibly re-tagged for other registries and with a moving tag besides its version.
    let version = `${1 + Math.floor(random() * 4)}.${Math.floor(random() * 30)}.${index}`;
    if (random() < 0.15) version = `build-${10_000 + index}-${hex(random, 7)}`;
    const nameCount = 1 + Math.floor(random() * 4);
    const prefixes = [pick(REGISTRY_PREFIXES), ...REGISTRY_PREFIXES].filter(
      (prefix, position, all) => all.indexOf(prefix) === position,
    );
    const names: string[] = [];
    for (const prefix of prefixes.slice(0, nameCount)) {
      const name = `${prefix}${repository}:${version}`;
      if (!taken.has(name)) names.push(name);
      taken.add(name);
    }
    if (names.length < nameCount) {
      const moving = `${prefixes[0]}${repository}:${pick(['latest', 'stable', 'main', 'edge'])}`;
      if (!taken.has(moving)) names.push(moving);
      taken.add(moving);
    }
    const manifestDigest = `sha256:${hex(random, 64)}`;
    images.push({
      id: `sha256:${hex(random, 64)}`,
      repoTags: names,
      // What was pulled from or pushed to a registry has a repo digest; local builds have none.
      repoDigests:
        random() < 0.7
          ? names.map((name) => `${name.slice(0, name.lastIndexOf(':'))}@${manifestDigest}`)
          : [],
      size: Math.round(Math.exp(Math.log(4e6) + random() * (Math.log(1.6e9) - Math.log(4e6)))),
      created: nowSeconds - Math.floor(random() ** 2 * 2 * 365 * 86_400),
    });
  }
  return z.array(localImageSchema).parse(images);
}
