/**
 * `npm run bench:transfers`: does the app's service layer add overhead to push and pull?
 * A 256 MiB, 8-layer image is pushed and pulled through TransferService and through the docker CLI,
 * against docker-registry on 127.0.0.1, alternating who goes first, 3 rounds each. Every run gets a
 * fresh registry (new data dir) and starts with the image present locally and absent from the
 * registry; the pull starts with the image removed (`docker rmi`), so both sides do the same work.
 * Also times the progress model applying 10,000 recorded daemon events. Prints a Markdown table and
 * writes bench/results/transfers.json. Target: ratio ≤ 1.05; events < 100 ms.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { EventBus } from '../electron/api/event-bus';
import { ProgressModel, type DaemonMessage } from '../electron/common/progress';
import { MemoryRegistryAuth } from '../electron/docker/registry-auth';
import { TransferService } from '../electron/docker/transfers';
import {
  MiB,
  buildTestImage,
  dockerFromEnvironment,
  removeImages,
  startTestRegistry,
} from '../tests/helpers/test-images';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = 3;
const LAYERS = 8;
const IMAGE_BYTES = 256 * MiB;
const EVENTS = 10_000;

type Contender = 'app' | 'cli';
interface Run {
  round: number;
  contender: Contender;
  pushMs: number;
  pullMs: number;
}

/** Where the image currently lives locally (its one tag), carried from run to run. */
let localReference = '';

async function main(): Promise<void> {
  const docker = dockerFromEnvironment();
  const bus = new EventBus();
  // Like a transport would: every event is serialised once.
  bus.subscribe((_name, payload) => void JSON.stringify(payload));
  const service = new TransferService(docker, bus, new MemoryRegistryAuth());

  console.log(`Building a ${IMAGE_BYTES / MiB} MiB, ${LAYERS}-layer test image…`);
  const image = await buildTestImage(
    docker,
    'bench',
    Array.from({ length: LAYERS }, () => IMAGE_BYTES / LAYERS),
  );
  localReference = image.reference;

  try {
    // Warm-up (not timed): afterwards the image is always "pulled from a registry before", for both sides.
    await cycle(docker, service, 'cli');
    const runs: Run[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const order: Contender[] = round % 2 === 1 ? ['app', 'cli'] : ['cli', 'app'];
      for (const contender of order) {
        const { pushMs, pullMs } = await cycle(docker, service, contender);
        runs.push({ round, contender, pushMs, pullMs });
        console.log(
          `round ${round} ${contender}: push ${pushMs.toFixed(0)} ms, pull ${pullMs.toFixed(0)} ms`,
        );
      }
    }
    const progress = await progressModelCost();
    await report(runs, progress);
  } finally {
    await removeImages(docker, [localReference, image.reference]);
  }
}

/** One push and one pull by `contender`, against a fresh registry. */
async function cycle(
  docker: Docker,
  service: TransferService,
  contender: Contender,
): Promise<{ pushMs: number; pullMs: number }> {
  const registry = await startTestRegistry();
  try {
    const target = `${registry.host}/bench/app:1`;
    await docker.getImage(localReference).tag({ repo: `${registry.host}/bench/app`, tag: '1' });
    await removeImages(docker, [localReference]);
    localReference = target;

    settleDisk();
    const pushStarted = performance.now();
    if (contender === 'app') await expectSucceeded(service, service.push(target).id);
    else await dockerCli(['push', target]);
    const pushMs = performance.now() - pushStarted;

    await removeImages(docker, [target]);
    settleDisk();
    const pullStarted = performance.now();
    if (contender === 'app') await expectSucceeded(service, service.pull(target).id);
    else await dockerCli(['pull', target]);
    const pullMs = performance.now() - pullStarted;
    return { pushMs, pullMs };
  } finally {
    await registry.stop();
  }
}

/**
 * Flush dirty pages before a timed step: removing or extracting a 256 MiB image on vfs leaves ~1 GB
 * to write back, which would otherwise slow down whoever runs next.
 */
function settleDisk(): void {
  spawnSync('sync');
}

async function expectSucceeded(service: TransferService, id: string): Promise<void> {
  const final = await service.waitFor(id);
  if (final.state !== 'succeeded')
    throw new Error(`${final.kind} ${final.state}: ${final.error?.raw ?? final.error?.message}`);
}

async function dockerCli(args: string[]): Promise<void> {
  // Output is read and dropped, as a terminal would read it; a closed pipe could slow the CLI down.
  const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${errors}`);
}

/** Median time (of 5) to apply 10,000 recorded events, one model per recorded stream. */
async function progressModelCost(): Promise<number> {
  const names = ['push-fresh', 'push-existing', 'push-mounted', 'pull-fresh', 'pull-existing'];
  const streams = await Promise.all(
    names.map(async (name) => ({
      direction: name.startsWith('push') ? ('push' as const) : ('pull' as const),
      messages: (await readFile(join(here, '../tests/fixtures/progress', `${name}.jsonl`), 'utf8'))
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as DaemonMessage),
    })),
  );
  const times: number[] = [];
  for (let repeat = 0; repeat < 6; repeat += 1) {
    let applied = 0;
    let now = 0;
    const started = performance.now();
    for (let stream = 0; applied < EVENTS; stream = (stream + 1) % streams.length) {
      const { direction, messages } = streams[stream]!;
      const model = new ProgressModel(direction);
      for (const message of messages) {
        if (applied === EVENTS) break;
        model.apply(message, (now += 2));
        applied += 1;
      }
      model.progress(now);
    }
    if (repeat > 0) times.push(performance.now() - started); // the first run warms up the JIT
  }
  return median(times);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function report(runs: Run[], progressMs: number): Promise<void> {
  const of = (contender: Contender, key: 'pushMs' | 'pullMs') =>
    runs.filter((run) => run.contender === contender).map((run) => run[key]);
  const summary = {
    pushMs: { app: median(of('app', 'pushMs')), cli: median(of('cli', 'pushMs')) },
    pullMs: { app: median(of('app', 'pullMs')), cli: median(of('cli', 'pullMs')) },
  };
  const ratio = {
    push: summary.pushMs.app / summary.pushMs.cli,
    pull: summary.pullMs.app / summary.pullMs.cli,
    total: (summary.pushMs.app + summary.pullMs.app) / (summary.pushMs.cli + summary.pullMs.cli),
  };
  // Each round's app/CLI pair ran back to back, so its ratio is less exposed to load from other processes.
  const pairedRatios = Array.from({ length: ROUNDS }, (_, index) => {
    const inRound = runs.filter((run) => run.round === index + 1);
    const app = inRound.find((run) => run.contender === 'app')!;
    const cli = inRound.find((run) => run.contender === 'cli')!;
    return (app.pushMs + app.pullMs) / (cli.pushMs + cli.pullMs);
  });
  const lines = [
    `## Transfers: ${IMAGE_BYTES / MiB} MiB, ${LAYERS} layers, docker-registry on 127.0.0.1, ${ROUNDS} rounds (medians)`,
    '',
    '| | TransferService | docker CLI | ratio (target ≤ 1.05) |',
    '|---|---:|---:|---:|',
    `| push | ${summary.pushMs.app.toFixed(0)} ms | ${summary.pushMs.cli.toFixed(0)} ms | ${ratio.push.toFixed(3)} |`,
    `| pull | ${summary.pullMs.app.toFixed(0)} ms | ${summary.pullMs.cli.toFixed(0)} ms | ${ratio.pull.toFixed(3)} |`,
    `| push + pull | ${(summary.pushMs.app + summary.pullMs.app).toFixed(0)} ms | ${(summary.pushMs.cli + summary.pullMs.cli).toFixed(0)} ms | ${ratio.total.toFixed(3)} |`,
    `| per-round ratio (push + pull) | ${pairedRatios.map((value) => value.toFixed(3)).join(', ')} | median | ${median(pairedRatios).toFixed(3)} |`,
    '',
    `| progress model | ${EVENTS.toLocaleString('en')} recorded events | ${progressMs.toFixed(2)} ms | target < 100 ms |`,
    '|---|---|---:|---|',
  ];
  console.log(`\n${lines.join('\n')}\n`);
  const resultsDir = join(here, 'results');
  await mkdir(resultsDir, { recursive: true });
  const result = {
    benchmark: 'transfers',
    date: new Date().toISOString(),
    image: { bytes: IMAGE_BYTES, layers: LAYERS },
    rounds: runs,
    medians: summary,
    ratio,
    pairedRatios,
    medianPairedRatio: median(pairedRatios),
    targetRatio: 1.05,
    progressModel: { events: EVENTS, ms: progressMs, targetMs: 100 },
  };
  await writeFile(join(resultsDir, 'transfers.json'), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
