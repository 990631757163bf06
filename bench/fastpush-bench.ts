/**
 * `npm run bench:fastpush` (issue 23): Berth's fast local push against `docker push`, both into Berth's
 * own registry process on 127.0.0.1, with two images: `library`, what the issue measured — a copy of a
 * browser's library folder (/usr/lib/chromium, ~350 MiB of real machine code and data, which gzip
 * shrinks ~2.3×, slowly) in five layers of real files — and `random`, 256 MiB of random bytes in four.
 * Each round starts two fresh registries (one per contender, so neither finds the other's layers),
 * times `docker save` of the image to /dev/null (the daemon's export alone: the floor of any push
 * that starts from it), pushes with each side back to back (who goes first alternates), then removes
 * the image locally and times `docker pull` of each result (the fast push's uncompressed layers
 * against `docker push`'s gzip ones). Median of the rounds, machine load printed. Targets: fast push
 * ≥ 3× faster than `docker push` on the library image and never slower; pulling its result ≤ 1.0× the
 * time of pulling the `docker push` result. Prints a Markdown table and writes
 * bench/results/fastpush.json. BENCH_FASTPUSH_COMPRESSION=gzip measures the parallel-gzip setting.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { EventBus } from '../electron/api/event-bus';
import type { LayerCompression } from '../electron/docker/fast-push/fast-push';
import { MemoryRegistryAuth } from '../electron/docker/registry-auth';
import { TransferService } from '../electron/docker/transfers';
import { startRegistry, type RunningRegistry } from '../tests/helpers/registry-process';
import { MiB, buildTestImage, dockerFromEnvironment, removeImages } from '../tests/helpers/test-images';
import { LIBRARY, buildLibraryImage } from './lib/library-image';
import { median } from './lib/measure';
import { judge, markdownTable, writeJson, type Metric } from './lib/report';

const here = dirname(fileURLToPath(import.meta.url));
/** Overridable for a smoke run (BENCH_FASTPUSH_ROUNDS=1 BENCH_FASTPUSH_MIB=32); the defaults are the benchmark. */
const ROUNDS = Number(process.env.BENCH_FASTPUSH_ROUNDS ?? 5);
const IMAGE_BYTES = Number(process.env.BENCH_FASTPUSH_MIB ?? 256) * MiB;
const LAYERS = 4;
const COMPRESSION = (process.env.BENCH_FASTPUSH_COMPRESSION ?? 'none') as LayerCompression;

type Contender = 'fast' | 'docker';
/** `library`: the browser's library folder (compressible like real images); `random`: random bytes. */
type Kind = 'library' | 'random';
const KINDS = (process.env.BENCH_FASTPUSH_KINDS ?? 'library,random').split(',') as Kind[];
interface Run {
  kind: Kind;
  round: number;
  contender: Contender;
  pushMs: number;
  pullMs: number;
  /** `docker save` of the same image to /dev/null, timed in the same round: the floor. */
  saveMs: number;
}

async function main(): Promise<void> {
  const docker = dockerFromEnvironment();
  let fastRegistryUrl = '';
  let fastRegistryToken: string | undefined;
  const service = new TransferService(docker, new EventBus(), new MemoryRegistryAuth(), {
    localRegistry: {
      url: () => fastRegistryUrl,
      dockerExportToken: () => fastRegistryToken,
      settings: () => ({ throughDocker: false, layerCompression: COMPRESSION }),
    },
  });
  const loadBefore = loadavg()[0] ?? 0;
  const runs: Run[] = [];
  const sizes: Partial<Record<Kind, { bytes: number; layers: number }>> = {};
  for (const kind of KINDS) {
    console.log(`Building the ${kind} image…`);
    const image =
      kind === 'random'
        ? (await buildTestImage(docker, 'fastpush-bench', Array<number>(LAYERS).fill(IMAGE_BYTES / LAYERS)))
            .reference
        : await buildLibraryImage(docker);
    const built = (await docker.getImage(image).inspect()) as {
      Size: number;
      RootFS?: { Layers?: string[] };
    };
    sizes[kind] = { bytes: built.Size, layers: built.RootFS?.Layers?.length ?? 0 };
    console.log(`${kind}: ${(built.Size / MiB).toFixed(0)} MiB in ${sizes[kind].layers} layers`);
    try {
      // Round 0 warms up (page cache, the daemon's export path); it is not counted.
      for (let round = 0; round <= ROUNDS; round += 1) {
        const order: Contender[] = round % 2 === 1 ? ['fast', 'docker'] : ['docker', 'fast'];
        const result = await oneRound(docker, service, image, kind, round, order, (registry) => {
          fastRegistryUrl = registry.url;
          fastRegistryToken = registry.dockerExportToken;
        });
        if (round > 0) runs.push(...result);
      }
    } finally {
      await removeImages(docker, [image]);
    }
  }
  report(runs, sizes, [loadBefore, loadavg()[0] ?? 0]);
}

async function oneRound(
  docker: Docker,
  service: TransferService,
  image: string,
  kind: Kind,
  round: number,
  order: Contender[],
  useFastRegistry: (registry: RunningRegistry) => void,
): Promise<Run[]> {
  const registries: Record<Contender, RunningRegistry> = {
    fast: await startRegistry(),
    docker: await startRegistry(),
  };
  useFastRegistry(registries.fast);
  const targets = {
    fast: `${registries.fast.address}/bench/${kind}:1`,
    docker: `${registries.docker.address}/bench/${kind}:1`,
  };
  try {
    for (const contender of order)
      await docker.getImage(image).tag({ repo: targets[contender].slice(0, -2), tag: '1' });
    // The floor: the daemon's export alone, of the same image, in the same round.
    settleDisk();
    const saveStarted = performance.now();
    await dockerCli(['save', image]);
    const saveMs = performance.now() - saveStarted;
    const push = { fast: 0, docker: 0 };
    for (const contender of order) {
      settleDisk();
      const started = performance.now();
      if (contender === 'docker') await dockerCli(['push', targets.docker]);
      else {
        const final = await service.waitFor(service.push(targets.fast).id);
        if (final.state !== 'succeeded' || final.route?.path !== 'fast-local')
          throw new Error(
            `fast push ${final.state}: ${final.error?.raw ?? final.error?.message ?? final.route?.path}`,
          );
      }
      push[contender] = performance.now() - started;
    }
    // Pull each result into a daemon that doesn't have the image (its layers gone too).
    await removeImages(docker, [targets.fast, targets.docker]);
    const id = await imageIdOf(docker, image);
    await removeImages(docker, [image]);
    const pull = { fast: 0, docker: 0 };
    for (const contender of order) {
      settleDisk();
      const started = performance.now();
      await dockerCli(['pull', targets[contender]]);
      pull[contender] = performance.now() - started;
      const pulledId = await imageIdOf(docker, targets[contender]);
      if (pulledId !== id) throw new Error(`pulled ${targets[contender]} as ${pulledId}, pushed ${id}`);
      await docker
        .getImage(targets[contender])
        .tag({ repo: image.split(':')[0] ?? image, tag: image.split(':')[1] ?? '1' });
      await removeImages(docker, [targets[contender]]);
      if (contender === order[0]) await removeImages(docker, [image]);
    }
    const runs = order.map((contender) => ({
      kind,
      round,
      contender,
      pushMs: push[contender],
      pullMs: pull[contender],
      saveMs,
    }));
    for (const run of runs)
      console.log(
        `${kind} round ${round}${round === 0 ? ' (warm-up)' : ''} ${run.contender}: push ${run.pushMs.toFixed(0)} ms, pull ${run.pullMs.toFixed(0)} ms (docker save ${saveMs.toFixed(0)} ms, load ${(loadavg()[0] ?? 0).toFixed(1)})`,
      );
    return runs;
  } finally {
    await registries.fast.stop();
    await registries.docker.stop();
  }
}

async function imageIdOf(docker: Docker, reference: string): Promise<string> {
  return ((await docker.getImage(reference).inspect()) as { Id: string }).Id;
}

/** Flush dirty pages before a timed step, so one side's writes don't slow the next. */
function settleDisk(): void {
  spawnSync('sync');
}

async function dockerCli(args: string[]): Promise<void> {
  const child = spawn('docker', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${errors}`);
}

function report(
  runs: Run[],
  sizes: Partial<Record<Kind, { bytes: number; layers: number }>>,
  load: [number, number],
): void {
  const of = (kind: Kind, contender: Contender, key: 'pushMs' | 'pullMs' | 'saveMs') =>
    median(runs.filter((run) => run.kind === kind && run.contender === contender).map((run) => run[key]));
  const metrics: Metric[] = [];
  for (const kind of KINDS) {
    // Push: the ratio is speed-up (docker / fast); higher is better, target ≥ 3 (library) or ≥ 1.
    metrics.push({
      name: `push ${kind}: docker push time / fast push time`,
      unit: '× faster',
      berth: of(kind, 'docker', 'pushMs') / of(kind, 'fast', 'pushMs'),
      reference: kind === 'library' ? 3 : 1,
      target: { kind: 'higher' },
    });
    metrics.push({
      name: `push ${kind}, fast push (Berth) vs docker push`,
      unit: 'ms',
      berth: of(kind, 'fast', 'pushMs'),
      reference: of(kind, 'docker', 'pushMs'),
      target: { kind: 'lower' },
    });
    metrics.push({
      name: `push ${kind}, fast push (Berth) vs docker save to /dev/null (the floor)`,
      unit: 'ms',
      berth: of(kind, 'fast', 'pushMs'),
      reference: of(kind, 'fast', 'saveMs'),
      target: { kind: 'info' },
    });
    metrics.push({
      name: `docker pull ${kind}, of the fast push's result vs of docker push's`,
      unit: 'ms',
      berth: of(kind, 'fast', 'pullMs'),
      reference: of(kind, 'docker', 'pullMs'),
      target: { kind: 'lower' },
    });
  }
  // Within a round both sides ran back to back, so their ratio is the least exposed to load from other
  // processes on this shared machine (docker push, CPU-bound, swings the most).
  const paired = (kind: Kind, key: 'pushMs' | 'pullMs') =>
    Array.from({ length: ROUNDS }, (_, index) => {
      const inRound = runs.filter((run) => run.kind === kind && run.round === index + 1);
      const side = (contender: Contender) =>
        inRound.find((run) => run.contender === contender)?.[key] ?? Number.NaN;
      return side('docker') / side('fast');
    });
  const pairedRatios = Object.fromEntries(
    KINDS.map((kind) => [kind, { push: paired(kind, 'pushMs'), pull: paired(kind, 'pullMs') }]),
  ) as Record<Kind, { push: number[]; pull: number[] }>;
  const verdicts = metrics.map(judge);
  const described = KINDS.map((kind) => {
    const size = sizes[kind];
    const what = kind === 'library' ? `a copy of ${LIBRARY}` : 'random bytes';
    return `${kind} (${what}): ${((size?.bytes ?? 0) / MiB).toFixed(0)} MiB in ${size?.layers ?? 0} layers`;
  }).join('; ');
  const title = `## Fast local push: ${described}; Berth's registry on 127.0.0.1, median of ${ROUNDS} rounds, layers ${COMPRESSION === 'none' ? 'uncompressed' : 'gzip'}`;
  console.log(`\n${title}\n\n${markdownTable(verdicts)}\n`);
  const list = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
  for (const kind of KINDS)
    console.log(
      `${kind}: per-round docker/fast ratios: push ${list(pairedRatios[kind].push)} (median ${median(pairedRatios[kind].push).toFixed(2)}×); pull ${list(pairedRatios[kind].pull)} (median ${median(pairedRatios[kind].pull).toFixed(2)}×, above 1 = the fast result pulls faster)`,
    );
  console.log(
    `(First rows: the speed-up against its target, 3× for the library image, 1× for random. Machine load ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after, on ${cpus().length} CPUs.)`,
  );
  writeJson(join(here, 'results', 'fastpush.json'), {
    benchmark: 'fastpush',
    date: new Date().toISOString(),
    images: sizes,
    compression: COMPRESSION,
    rounds: runs,
    verdicts,
    pairedRatios,
    machine: { cpus: cpus().length, loadAverageBefore: load[0], loadAverageAfter: load[1] },
  });
}

await main();
