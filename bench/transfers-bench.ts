/**
 * `npm run bench:transfers`: does the app's service layer add overhead to push and pull?
 * A 256 MiB, 8-layer image is pushed and pulled through TransferService and through the docker CLI,
 * against docker-registry on 127.0.0.1, 5 rounds, alternating who goes first. In a round each side
 * pushes to a fresh registry of its own (new data dir), back to back; then, with the image removed
 * (`docker rmi`), each pulls it back, back to back, so both do the same work at nearly the same time.
 * Also times the progress model applying 10,000 recorded daemon events. Prints a Markdown table and
 * writes bench/results/transfers.json. Target: ratio ≤ 1.05; events < 100 ms.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { EventBus } from '../electron/api/event-bus';
import { ProgressModel, type DaemonMessage } from '../electron/docker/progress-model';
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
/**
 * Overridable for a quick smoke run (e.g. BENCH_TRANSFERS_ROUNDS=1 BENCH_TRANSFERS_MIB=32); the defaults
 * are the benchmark. Five rounds: with three, one run on a machine speeding up mid-run read 1.26 for
 * push (rounds 1.32, 1.26, 0.98) where five rounds right after read 1.00.
 */
const ROUNDS = Number(process.env.BENCH_TRANSFERS_ROUNDS ?? 5);
const LAYERS = 8;
const IMAGE_BYTES = Number(process.env.BENCH_TRANSFERS_MIB ?? 256) * MiB;
const EVENTS = 10_000;

type Contender = 'app' | 'cli';
interface Run {
  round: number;
  contender: Contender;
  pushMs: number;
  pullMs: number;
  /** CPU time of the client side (Berth's process, or the docker CLI process), load-independent. */
  pushCpuMs: number;
  pullCpuMs: number;
}

/** Where the image currently lives locally (its one tag), carried from round to round. */
let localReference = '';

async function main(): Promise<void> {
  const docker = dockerFromEnvironment();
  const bus = new EventBus();
  // Like a transport would: every event is serialised once.
  bus.subscribe((_name, payload) => void JSON.stringify(payload));
  const service = new TransferService(docker, bus, new MemoryRegistryAuth());
  const loadBefore = loadavg()[0]!;

  console.log(`Building a ${IMAGE_BYTES / MiB} MiB, ${LAYERS}-layer test image…`);
  const image = await buildTestImage(
    docker,
    'bench',
    Array.from({ length: LAYERS }, () => IMAGE_BYTES / LAYERS),
  );
  localReference = image.reference;

  try {
    // Warm-up (not timed): afterwards the image is always "pulled from a registry before", for both sides.
    await round(docker, service, 0, ['cli', 'app']);
    const runs: Run[] = [];
    for (let index = 1; index <= ROUNDS; index += 1) {
      runs.push(...(await round(docker, service, index, index % 2 === 1 ? ['app', 'cli'] : ['cli', 'app'])));
    }
    const progress = await progressModelCost();
    await report(runs, progress, [loadBefore, loadavg()[0]!]);
  } finally {
    await removeImages(docker, [localReference, image.reference]);
  }
}

/**
 * One round: each contender pushes to a fresh registry of its own, back to back; then, with the
 * image removed locally, each pulls it back from its registry, back to back (the first pull is
 * removed again before the second, so both download and extract everything).
 */
async function round(
  docker: Docker,
  service: TransferService,
  index: number,
  order: Contender[],
): Promise<Run[]> {
  const registries = { app: await startTestRegistry(), cli: await startTestRegistry() };
  try {
    const targets = { app: `${registries.app.host}/bench/app:1`, cli: `${registries.cli.host}/bench/app:1` };
    for (const contender of order) {
      await docker
        .getImage(localReference)
        .tag({ repo: `${registries[contender].host}/bench/app`, tag: '1' });
    }
    await removeImages(docker, [localReference]);
    const push = { app: { ms: 0, cpuMs: 0 }, cli: { ms: 0, cpuMs: 0 } };
    for (const contender of order)
      push[contender] = await timed(() => transfer(service, contender, 'push', targets[contender]));
    await removeImages(docker, [targets.app, targets.cli]);
    const pull = { app: { ms: 0, cpuMs: 0 }, cli: { ms: 0, cpuMs: 0 } };
    for (const [position, contender] of order.entries()) {
      pull[contender] = await timed(() => transfer(service, contender, 'pull', targets[contender]));
      if (position === 0) await removeImages(docker, [targets[contender]]);
    }
    localReference = targets[order[1]!];
    if (index === 0) return [];
    const runs = order.map((contender) => ({
      round: index,
      contender,
      pushMs: push[contender].ms,
      pullMs: pull[contender].ms,
      pushCpuMs: push[contender].cpuMs,
      pullCpuMs: pull[contender].cpuMs,
    }));
    for (const run of runs)
      console.log(
        `round ${index} ${run.contender}: push ${run.pushMs.toFixed(0)} ms (CPU ${run.pushCpuMs.toFixed(0)} ms), pull ${run.pullMs.toFixed(0)} ms (CPU ${run.pullCpuMs.toFixed(0)} ms)`,
      );
    return runs;
  } finally {
    await registries.app.stop();
    await registries.cli.stop();
  }
}

/** Run one push or pull; answers the client's CPU time in ms. */
async function transfer(
  service: TransferService,
  contender: Contender,
  kind: 'push' | 'pull',
  target: string,
): Promise<number> {
  if (contender === 'cli') return dockerCli([kind, target]);
  const cpuBefore = process.cpuUsage();
  const final = await service.waitFor(kind === 'push' ? service.push(target).id : service.pull(target).id);
  const cpu = process.cpuUsage(cpuBefore);
  if (final.state !== 'succeeded')
    throw new Error(`${kind} ${final.state}: ${final.error?.raw ?? final.error?.message}`);
  return (cpu.user + cpu.system) / 1000;
}

async function timed(work: () => Promise<number>): Promise<{ ms: number; cpuMs: number }> {
  settleDisk();
  const started = performance.now();
  const cpuMs = await work();
  return { ms: performance.now() - started, cpuMs };
}

/**
 * Flush dirty pages before a timed step: removing or extracting a 256 MiB image on vfs leaves ~1 GB
 * to write back, which would otherwise slow down whoever runs next.
 */
function settleDisk(): void {
  spawnSync('sync');
}

/** Run the docker CLI; answers its CPU time (user + system, from bash's `time`) in ms. */
async function dockerCli(args: string[]): Promise<number> {
  // The CLI's progress output goes to /dev/null, which never makes it wait.
  const script = 'TIMEFORMAT="cpu %3U %3S"; time docker "$@" >/dev/null';
  const child = spawn('bash', ['-c', script, 'bash', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${errors}`);
  const match = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(errors);
  return match ? (Number(match[1]) + Number(match[2])) * 1000 : Number.NaN;
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

async function report(runs: Run[], progressMs: number, load: [number, number]): Promise<void> {
  const of = (contender: Contender, key: 'pushMs' | 'pullMs' | 'pushCpuMs' | 'pullCpuMs') =>
    runs.filter((run) => run.contender === contender).map((run) => run[key]);
  const summary = {
    pushMs: { app: median(of('app', 'pushMs')), cli: median(of('cli', 'pushMs')) },
    pullMs: { app: median(of('app', 'pullMs')), cli: median(of('cli', 'pullMs')) },
    pushCpuMs: { app: median(of('app', 'pushCpuMs')), cli: median(of('cli', 'pushCpuMs')) },
    pullCpuMs: { app: median(of('app', 'pullCpuMs')), cli: median(of('cli', 'pullCpuMs')) },
  };
  const ratio = {
    push: summary.pushMs.app / summary.pushMs.cli,
    pull: summary.pullMs.app / summary.pullMs.cli,
    total: (summary.pushMs.app + summary.pullMs.app) / (summary.pushMs.cli + summary.pullMs.cli),
  };
  // Within a round the app's and the CLI's runs of a phase were back to back, so their ratio is the
  // least exposed to load from other processes on the machine.
  const paired = (pick: (run: Run) => number) =>
    Array.from({ length: ROUNDS }, (_, index) => {
      const inRound = runs.filter((run) => run.round === index + 1);
      return (
        pick(inRound.find((run) => run.contender === 'app')!) /
        pick(inRound.find((run) => run.contender === 'cli')!)
      );
    });
  const pairedRatios = {
    push: paired((run) => run.pushMs),
    pull: paired((run) => run.pullMs),
    total: paired((run) => run.pushMs + run.pullMs),
  };
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const list = (values: number[]) => values.map((value) => value.toFixed(3)).join(', ');
  const lines = [
    `## Transfers: ${IMAGE_BYTES / MiB} MiB, ${LAYERS} layers, docker-registry on 127.0.0.1, ${ROUNDS} rounds`,
    '',
    '| | TransferService (median) | docker CLI (median) | ratio of medians | per-round ratios | median per-round ratio (target ≤ 1.05) |',
    '|---|---:|---:|---:|---:|---:|',
    `| push | ${ms(summary.pushMs.app)} | ${ms(summary.pushMs.cli)} | ${ratio.push.toFixed(3)} | ${list(pairedRatios.push)} | ${median(pairedRatios.push).toFixed(3)} |`,
    `| pull | ${ms(summary.pullMs.app)} | ${ms(summary.pullMs.cli)} | ${ratio.pull.toFixed(3)} | ${list(pairedRatios.pull)} | ${median(pairedRatios.pull).toFixed(3)} |`,
    `| push + pull | ${ms(summary.pushMs.app + summary.pullMs.app)} | ${ms(summary.pushMs.cli + summary.pullMs.cli)} | ${ratio.total.toFixed(3)} | ${list(pairedRatios.total)} | ${median(pairedRatios.total).toFixed(3)} |`,
    '',
    'Client CPU time (medians; independent of machine load): what each client itself spent while the daemon worked.',
    '',
    '| | TransferService (Berth host process) | docker CLI |',
    '|---|---:|---:|',
    `| push | ${ms(summary.pushCpuMs.app)} | ${ms(summary.pushCpuMs.cli)} |`,
    `| pull | ${ms(summary.pullCpuMs.app)} | ${ms(summary.pullCpuMs.cli)} |`,
    '',
    `Machine load (1-minute average) ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after, on ${cpus().length} CPUs.`,
    '',
    '| progress model | events | time | target |',
    '|---|---:|---:|---|',
    `| apply recorded daemon events | ${EVENTS.toLocaleString('en')} | ${progressMs.toFixed(2)} ms | < 100 ms |`,
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
    medianPairedRatio: {
      push: median(pairedRatios.push),
      pull: median(pairedRatios.pull),
      total: median(pairedRatios.total),
    },
    targetRatio: 1.05,
    machine: { cpus: cpus().length, loadAverageBefore: load[0], loadAverageAfter: load[1] },
    progressModel: { events: EVENTS, ms: progressMs, targetMs: 100 },
  };
  await writeFile(join(resultsDir, 'transfers.json'), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
