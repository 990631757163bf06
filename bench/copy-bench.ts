/**
 * `npm run bench:copy` (issue 21): Berth's registry-to-registry copy against `skopeo copy`, between the
 * same two registries on 127.0.0.1: Berth's registry (the source, its bundled process) and Debian's
 * docker-registry (the target, a fresh one for every copy, so neither side finds the other's blobs).
 * Two images: a 256 MiB, 8-layer image of random bytes, and a 4-platform index (4 × 2 layers of 8 MiB).
 * Berth's copy runs in this process as the app's host runs it (TransferService → RegistryCopier → the
 * registry client), so the peak RSS growth measured here is the host's during a copy; skopeo copies
 * with `--all`. Rounds alternate who goes first; medians of ≥ 5 rounds; ratio Berth/skopeo. Targets:
 * ≤ 1.0× skopeo's time, peak RSS growth < 64 MiB. Prints a Markdown table and the machine's load, and
 * writes bench/results/copy.json. `BENCH_COPY_ROUNDS`, `BENCH_COPY_MIB` for a smoke run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { EventBus } from '../electron/api/event-bus';
import { MemoryRegistryAuth } from '../electron/docker/registry-auth';
import { TransferService } from '../electron/docker/transfers';
import { RegistryCopier } from '../electron/remote/copy/registry-copier';
import { RemoteRegistries } from '../electron/remote/remote-registries';
import { pushBlobTo, putManifestTo } from '../tests/helpers/registry-populate';
import { startRegistry } from '../tests/helpers/registry-process';
import { MiB, startTestRegistry } from '../tests/helpers/test-images';
import { cpuSpeedProbe, median } from './lib/measure';
import { judge, markdownTable, writeJson, type Metric } from './lib/report';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Math.max(1, Number(process.env.BENCH_COPY_ROUNDS ?? 5));
const IMAGE_BYTES = Number(process.env.BENCH_COPY_MIB ?? 256) * MiB;
const LAYERS = 8;
const PLATFORMS = ['amd64', 'arm64', 'arm', 's390x'];
const PLATFORM_LAYER_BYTES = Math.max(1, Math.round(IMAGE_BYTES / 32));

type Contender = 'berth' | 'skopeo';
type Workload = 'image' | 'index';
interface Run {
  workload: Workload;
  round: number;
  contender: Contender;
  ms: number;
  /** Berth only: peak RSS above the RSS before the copy, in bytes. */
  rssGrowth?: number;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
// Real gzip streams (of random bytes, so they don't shrink): skopeo compresses an uncompressed layer on
// its way to a registry, and so would not copy the same image (nor do the same work) as Berth.
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

/** An image of `layers` random layers of `layerBytes` each in `base`'s `repository`; answers its manifest. */
async function pushImage(
  base: string,
  repository: string,
  layers: number,
  layerBytes: number,
  architecture = 'amd64',
) {
  const layerDescriptors = [];
  for (let index = 0; index < layers; index += 1)
    layerDescriptors.push(
      await pushBlobTo(base, repository, gzipSync(randomBytes(layerBytes), { level: 1 }), OCI_LAYER),
    );
  const config = await pushBlobTo(
    base,
    repository,
    Buffer.from(
      JSON.stringify({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }),
    ),
    OCI_CONFIG,
  );
  return Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: layerDescriptors }),
  );
}

async function populate(base: string): Promise<void> {
  console.log(
    `Filling the source: a ${IMAGE_BYTES / MiB} MiB, ${LAYERS}-layer image and a ${PLATFORMS.length}-platform index…`,
  );
  const image = await pushImage(base, 'bench/image', LAYERS, IMAGE_BYTES / LAYERS);
  await putManifestTo(base, 'bench/image', '1', image, OCI_MANIFEST);
  const children = [];
  for (const architecture of PLATFORMS) {
    const manifest = await pushImage(base, 'bench/index', 2, PLATFORM_LAYER_BYTES, architecture);
    const digest = await putManifestTo(base, 'bench/index', `${architecture}`, manifest, OCI_MANIFEST);
    children.push({
      mediaType: OCI_MANIFEST,
      digest,
      size: manifest.length,
      platform: { os: 'linux', architecture },
    });
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: children,
    }),
  );
  await putManifestTo(base, 'bench/index', '1', index, 'application/vnd.oci.image.index.v1+json');
  // A small image whose copy loads the copy's code before anything is measured (as an app that has run).
  const warm = await pushImage(base, 'bench/warm', 1, 64 * 1024);
  await putManifestTo(base, 'bench/warm', '1', warm, OCI_MANIFEST);
}

/** VmRSS and VmHWM of this process, in bytes; writing 5 to clear_refs resets the high-water mark. */
async function memory(): Promise<{ rss: number; peak: number }> {
  const status = await readFile('/proc/self/status', 'utf8');
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function berthCopy(
  service: TransferService,
  source: string,
  target: string,
  workload: Workload | 'warm',
) {
  const before = await memory();
  await writeFile('/proc/self/clear_refs', '5').catch(() => undefined);
  const started = performance.now();
  const { id } = service.copy({
    source: { host: source, repository: `bench/${workload}`, reference: '1' },
    target: { host: target, repository: `bench/${workload}`, tag: '1' },
  });
  const final = await service.waitFor(id);
  const ms = performance.now() - started;
  if (final.state !== 'succeeded')
    throw new Error(`Berth's copy ${final.state}: ${final.error?.message} ${final.error?.raw ?? ''}`);
  const after = await memory();
  return { ms, rssGrowth: after.peak - before.rss };
}

const ACCEPT = [OCI_MANIFEST, 'application/vnd.oci.image.index.v1+json'].join(', ');

async function manifestDigest(host: string, workload: Workload): Promise<string | null> {
  const response = await fetch(`http://${host}/v2/bench/${workload}/manifests/1`, {
    method: 'HEAD',
    headers: { Accept: ACCEPT },
  });
  return response.ok ? response.headers.get('docker-content-digest') : null;
}

async function skopeoCopy(source: string, target: string, workload: Workload) {
  const started = performance.now();
  const child = spawn(
    'skopeo',
    [
      'copy',
      '--all',
      '--quiet',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${source}/bench/${workload}:1`,
      `docker://${target}/bench/${workload}:1`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`skopeo copy failed: ${errors}`);
  return { ms: performance.now() - started };
}

async function main(): Promise<void> {
  const load = [loadavg()[0] ?? 0];
  const speed = [cpuSpeedProbe()];
  const source = await startRegistry({ args: ['--quiet'] });
  const service = new TransferService(
    () => {
      throw new Error('a copy never asks Docker');
    },
    new EventBus(),
    new MemoryRegistryAuth(),
    {
      copier: new RegistryCopier(
        new RemoteRegistries({
          authFor: () => Promise.resolve(undefined),
          daemonRegistryConfig: () => Promise.resolve(undefined),
        }),
      ),
    },
  );
  const runs: Run[] = [];
  try {
    await populate(source.url);
    const warmTarget = await startTestRegistry();
    await berthCopy(service, source.address, warmTarget.host, 'warm').finally(() => warmTarget.stop());
    for (const workload of ['image', 'index'] as Workload[]) {
      // Round 0 warms both up (connections, skopeo's first start, the page cache) and is not counted.
      for (let round = 0; round <= ROUNDS; round += 1) {
        const order: Contender[] = round % 2 === 1 ? ['berth', 'skopeo'] : ['skopeo', 'berth'];
        for (const contender of order) {
          const target = await startTestRegistry();
          try {
            spawnSync('sync');
            const figure: { ms: number; rssGrowth?: number } =
              contender === 'berth'
                ? await berthCopy(service, source.address, target.host, workload)
                : await skopeoCopy(source.address, target.host, workload);
            // Not timed: both must have written the same manifest as the source's.
            const [from, to] = await Promise.all([
              manifestDigest(source.address, workload),
              manifestDigest(target.host, workload),
            ]);
            if (!from || from !== to)
              throw new Error(`${contender}'s copy has digest ${to}, the source ${from}`);
            // Times count from round 1; the peak RSS of every copy counts, the first one's included.
            runs.push({ workload, round, contender, ...figure });
            console.log(
              `${workload} round ${round}${round === 0 ? ' (warm-up)' : ''} ${contender}: ${figure.ms.toFixed(0)} ms` +
                (figure.rssGrowth !== undefined
                  ? `, peak RSS +${(figure.rssGrowth / MiB).toFixed(1)} MiB`
                  : ''),
            );
          } finally {
            await target.stop();
          }
        }
      }
    }
  } finally {
    await source.stop();
  }
  load.push(loadavg()[0] ?? 0);
  speed.push(cpuSpeedProbe());

  const of = (workload: Workload, contender: Contender) =>
    runs.filter((run) => run.workload === workload && run.contender === contender && run.round > 0);
  const everyBerthRun = (workload: Workload) =>
    runs.filter((run) => run.workload === workload && run.contender === 'berth');
  const metrics: Metric[] = [];
  for (const workload of ['image', 'index'] as Workload[]) {
    const label =
      workload === 'image'
        ? `${IMAGE_BYTES / MiB} MiB ${LAYERS}-layer image`
        : `${PLATFORMS.length}-platform index`;
    metrics.push({
      name: `copy, ${label}: Berth vs skopeo copy --all`,
      unit: 'ms',
      berth: median(of(workload, 'berth').map((run) => run.ms)),
      reference: median(of(workload, 'skopeo').map((run) => run.ms)),
      target: { kind: 'lower' },
    });
    metrics.push({
      name: `host process peak RSS growth during the copy, ${label}`,
      unit: 'MiB',
      berth: Math.max(...everyBerthRun(workload).map((run) => (run.rssGrowth ?? NaN) / MiB)),
      reference: NaN,
      target: { kind: 'below', limit: 64 },
    });
  }
  const verdicts = metrics.map(judge);
  console.log('');
  console.log(markdownTable(verdicts));
  console.log('');
  console.log(
    `Rounds: ${ROUNDS} after a warm-up round (times: medians of the rounds; RSS: the largest of every copy, the warm-up's included). Machine: ${cpus().length} cores, load average ${load.map((l) => l.toFixed(2)).join(' → ')}; one core's SHA-256 ${speed.map((s) => s.toFixed(0)).join(' → ')} MB/s.`,
  );
  writeJson(join(here, 'results', 'copy.json'), { rounds: ROUNDS, load, speed, runs, verdicts });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
