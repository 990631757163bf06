/**
 * `npm run bench:registry`: the same workload against Berth's registry process and Debian's reference
 * `docker-registry` (distribution 2.8) in one run. Prints a Markdown table (metric | Berth | reference |
 * ratio | target | met?) and writes it as JSON to bench/results/registry.json. `--quick` runs a smaller
 * workload for a smoke test.
 *
 * The two are measured in turn, step by step (start samples alternate; each workload phase runs on one
 * and then the other), not one whole run after the other: on a shared machine the load changes from
 * minute to minute, and interleaving makes both registries see the same conditions.
 *
 * Each workload phase runs for several rounds (`--rounds N`; 3, or 1 with `--quick`) and the median of
 * the rounds is reported: one round of the chunked upload is under a second, so a single sample is
 * mostly noise. `--no-docker` skips the docker push/pull part; `--e2e-rounds N` sets its rounds (21).
 *
 * Memory and CPU rows (issue #25): idle RSS (VmRSS a few seconds after the first GET /v2/ answered),
 * peak RSS (VmHWM over the long-running instance's whole workload and every docker push/pull
 * instance), and server CPU seconds per GiB served in the download phase (utime + stime from
 * /proc/<pid>/stat before and after, all threads) while the client hashes every byte it receives.
 *
 * Everything listens on 127.0.0.1 on ports the OS reports free; data lives in temp folders removed
 * afterwards. The docker push/pull part needs DOCKER_HOST (or Docker's default socket) to answer.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { anyFreePort } from '../electron/registry/host/port-finder';
import { BlobFamily } from './lib/blob-data';
import { WORKLOAD_PHASES, type WorkloadPlan } from './lib/blob-workloads';
import { dockerUnavailable, ensureE2eImage, pushAndPull } from './lib/docker-e2e';
import { HttpClient } from './lib/http-client';
import { cpuSpeedProbe, median, peakRssBytes } from './lib/measure';
import {
  BENCH_HOST,
  berthLauncher,
  cpuTimeMs,
  nodeStartFloorMs,
  referenceLauncher,
  type RegistryLauncher,
  type RegistryUnderTest,
} from './lib/registries';
import { judge, markdownTable, writeJson, type Metric } from './lib/report';

const root = resolve(import.meta.dirname, '..');
const BERTH_ENTRY = join(root, 'dist/node/registry-process.cjs');
const REFERENCE_BINARY = '/usr/bin/docker-registry';
const RESULTS = join(root, 'bench/results/registry.json');
const MiB = 1024 * 1024;
const quick = process.argv.includes('--quick');
/** Start-to-ready is tens of ms and noisy; the median of several starts is reported. */
const START_SAMPLES = quick ? 3 : 7;
/** Rounds of each workload phase; each figure is the median over them. */
const PHASE_ROUNDS = numberFlag('--rounds') ?? (quick ? 1 : 3);
/**
 * Rounds of docker push + pull per registry (`--e2e-rounds N`). Each round swings by ±10 % whatever
 * the registry does (most of a push is dockerd compressing), while a registry that does nothing at
 * all is only 5–8 % faster than the reference end to end: with 7 rounds the medians' ratio landed
 * anywhere from 0.88× to 1.11× from run to run. 21 rounds narrow the median enough to tell.
 */
const E2E_ROUNDS = numberFlag('--e2e-rounds') ?? (quick ? 1 : 21);
const skipDocker = process.argv.includes('--no-docker');
/**
 * How long a registry has been up and left alone when its idle RSS is read: past Berth's start-up
 * work (the upload sweep, the first stats) and the Go runtime's, so neither's start is counted.
 */
const IDLE_SETTLE_MS = 3000;
const GiB = 1024 * MiB;

interface Subject {
  name: string;
  launch: RegistryLauncher;
  figures: Record<string, number>;
  startTimes: number[];
  startCpuTimes: number[];
  /** Server CPU time per phase: unlike throughput, hardly moved by other load on the machine. */
  phaseCpuMs: Record<string, number>;
  registry?: RegistryUnderTest;
  dataDir?: string;
}

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
  for (const [path, what] of [
    [BERTH_ENTRY, 'Berth registry bundle (run `node scripts/build-node.mjs`)'],
    [REFERENCE_BINARY, 'reference registry (apt install docker-registry)'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path}`);
  }
  const loadBefore = loadavg()[0]!;
  const speedBefore = cpuSpeedProbe();

  log('generating payloads…');
  const plan: WorkloadPlan = {
    small: new BlobFamily(1 * MiB),
    smallCount: quick ? 50 : 200,
    smallConcurrency: 8,
    large: new BlobFamily(64 * MiB),
    largeCount: quick ? 4 : 8,
    largeConcurrency: 4,
    chunkBytes: 8 * MiB,
    downloadRounds: 2,
    headCount: quick ? 1000 : 5000,
    manifestCount: quick ? 200 : 600,
    manifestConcurrency: 4,
  };
  // Digests are computed before any clock starts, so hashing on the client side is not measured.
  for (let i = 0; i < plan.smallCount * PHASE_ROUNDS; i++) plan.small.digest(i);
  for (let i = 0; i < plan.largeCount * PHASE_ROUNDS; i++) plan.large.digest(i);

  const dockerProblem = skipDocker ? 'skipped (--no-docker)' : await dockerUnavailable();
  const imageId = dockerProblem ? undefined : await ensureE2eImage(log);
  if (dockerProblem) log(`skipping docker push/pull: ${dockerProblem}`);

  const berth: Subject = {
    name: 'Berth',
    launch: berthLauncher(BERTH_ENTRY),
    figures: {},
    startTimes: [],
    startCpuTimes: [],
    phaseCpuMs: {},
  };
  const reference: Subject = {
    name: 'reference',
    launch: referenceLauncher(REFERENCE_BINARY),
    figures: {},
    startTimes: [],
    startCpuTimes: [],
    phaseCpuMs: {},
  };
  const subjects = [berth, reference];

  await measureStartup(subjects, berth);
  await measurePhases(subjects, plan);
  if (imageId) await measureEndToEnd(subjects, imageId);

  const e2eNote = dockerProblem ? { note: skipDocker ? 'skipped' : 'Docker unavailable' } : {};
  const roundsText = PHASE_ROUNDS > 1 ? `, median of ${PHASE_ROUNDS} rounds` : '';
  const row = (name: string, unit: string, key: string, target: Metric['target'], extra = {}): Metric => ({
    name,
    unit,
    berth: berth.figures[key] ?? Number.NaN,
    reference: reference.figures[key] ?? Number.NaN,
    target,
    ...extra,
  });
  const metrics: Metric[] = [
    row(
      `monolithic blob upload, 1 MiB × ${plan.smallCount}, c=${plan.smallConcurrency}${roundsText}`,
      'MB/s',
      'monolithicUploadMBps',
      { kind: 'higher' },
    ),
    row(
      `chunked blob upload, 64 MiB × ${plan.largeCount}, c=${plan.largeConcurrency}, 8 MiB PATCHes${roundsText}`,
      'MB/s',
      'chunkedUploadMBps',
      { kind: 'higher' },
    ),
    row(
      `blob download, 64 MiB blobs, c=${plan.largeConcurrency}, client verifies SHA-256${roundsText}`,
      'MB/s',
      'downloadMBps',
      { kind: 'higher' },
    ),
    row('server CPU per GiB served (blob download phase, median)', 's/GiB', 'downloadCpuSecondsPerGiB', {
      kind: 'info',
    }),
    row(`blob HEAD, c=${plan.smallConcurrency}`, 'req/s', 'headPerSecond', { kind: 'higher' }),
    row(`blob HEAD p99, c=${plan.smallConcurrency}`, 'ms', 'headP99Ms', { kind: 'lower' }),
    row(`manifest PUT p99, c=${plan.manifestConcurrency}`, 'ms', 'manifestPutP99Ms', { kind: 'lower' }),
    row(`manifest GET p99, c=${plan.manifestConcurrency}`, 'ms', 'manifestGetP99Ms', { kind: 'lower' }),
    row('server CPU time for one round of the workload above', 's', 'workloadCpuSeconds', {
      kind: 'info',
    }),
    row(`idle RSS, ${IDLE_SETTLE_MS / 1000} s after it first answered GET /v2/`, 'MB', 'idleRssMB', {
      kind: 'info',
    }),
    row(
      `peak RSS (VmHWM) over the whole workload${dockerProblem ? '' : ', docker push/pull included'}`,
      'MB',
      'peakRssMB',
      {
        kind: 'lower',
      },
    ),
    row(`start-to-ready, median of ${START_SAMPLES}`, 'ms', 'startToReadyMs', { kind: 'below', limit: 300 }),
    row('CPU time used until ready (median)', 'ms', 'startCpuMs', { kind: 'info' }),
    row('Node alone: spawn to first IPC message (median)', 'ms', 'nodeFloorMs', { kind: 'info' }),
    row(
      `docker push, 256 MiB image, median of ${E2E_ROUNDS}`,
      's',
      'pushSeconds',
      { kind: 'lower' },
      e2eNote,
    ),
    row(
      `docker pull, 256 MiB image, median of ${E2E_ROUNDS}`,
      's',
      'pullSeconds',
      { kind: 'lower' },
      e2eNote,
    ),
  ];
  const verdicts = metrics.map(judge);
  const loadAfter = loadavg()[0]!;
  const speedAfter = cpuSpeedProbe();

  log('');
  log(markdownTable(verdicts));
  log('');
  log(
    `Ratio = Berth / reference. MB = 10^6 bytes. Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cpus().length} CPUs.`,
  );
  log(
    `Machine speed (one core's SHA-256): ${speedBefore.toFixed(0)} MB/s before, ${speedAfter.toFixed(0)} MB/s after.`,
  );
  // Only the load before counts as other work: the load after is mostly this run's own dockerd.
  if (loadBefore > cpus().length)
    log('The machine was busy with other work: treat small differences as noise.');
  writeJson(RESULTS, {
    ranAt: new Date().toISOString(),
    sha256MBps: { before: speedBefore, after: speedAfter },
    quick,
    phaseRounds: PHASE_ROUNDS,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadBefore,
      loadAfter,
    },
    startSamplesMs: { berth: berth.startTimes, reference: reference.startTimes },
    serverCpuMsPerPhase: { berth: berth.phaseCpuMs, reference: reference.phaseCpuMs },
    metrics: verdicts.map((v) => ({ ...v, ratio: Number.isFinite(v.ratio) ? v.ratio : null })),
  });
  log(`written to ${RESULTS}`);
}

/** Start-to-ready of both, samples alternating, and Node's own start as the floor for Berth's. */
async function measureStartup(subjects: Subject[], berth: Subject): Promise<void> {
  log('start-to-ready…');
  for (let sample = 0; sample < START_SAMPLES; sample++) {
    for (const subject of sample % 2 === 0 ? subjects : [...subjects].reverse()) {
      const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-registry-'));
      try {
        const registry = await subject.launch(dataDir, await anyFreePort(BENCH_HOST));
        subject.startTimes.push(registry.startToReadyMs);
        subject.startCpuTimes.push(registry.startCpuMs);
        await registry.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  const floorSamples: number[] = [];
  for (let sample = 0; sample < START_SAMPLES; sample++) floorSamples.push(await nodeStartFloorMs());
  berth.figures.nodeFloorMs = median(floorSamples);
  log(`  Node alone (fork + IPC, empty script): median ${berth.figures.nodeFloorMs.toFixed(0)} ms`);
  for (const subject of subjects) {
    subject.figures.startToReadyMs = median(subject.startTimes);
    subject.figures.startCpuMs = median(subject.startCpuTimes);
    log(
      `  ${subject.name}: median ${subject.figures.startToReadyMs.toFixed(0)} ms (${subject.startTimes.map((t) => t.toFixed(0)).join(', ')}), CPU ${subject.figures.startCpuMs} ms`,
    );
  }
}

/**
 * Every workload phase on one registry and then the other, on one long-running instance each, round
 * after round; each figure is the median of its rounds.
 */
async function measurePhases(subjects: Subject[], plan: WorkloadPlan): Promise<void> {
  const samples = new Map<Subject, Map<string, number[]>>(subjects.map((s) => [s, new Map()]));
  try {
    for (const subject of subjects) {
      subject.dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-registry-'));
      subject.registry = await subject.launch(subject.dataDir, await anyFreePort(BENCH_HOST));
    }
    // Both settle side by side (the launch already waited for GET /v2/ to answer), then are read.
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    for (const subject of subjects) {
      subject.figures.idleRssMB = residentBytes(subject.registry!.pid) / 1e6;
      log(`  idle RSS · ${subject.name}: ${subject.figures.idleRssMB.toFixed(1)} MB`);
    }
    for (const [index, phase] of WORKLOAD_PHASES.entries()) {
      const rounds = phase.name === 'warm-up' ? 1 : PHASE_ROUNDS;
      for (let round = 0; round < rounds; round++) {
        // Who goes first alternates, so neither always meets a cold (or warm) page cache first.
        for (const subject of (index + round) % 2 === 0 ? subjects : [...subjects].reverse()) {
          const client = new HttpClient(
            subject.registry!.url,
            Math.max(plan.smallConcurrency, plan.largeConcurrency),
          );
          try {
            const cpuBefore = cpuTimeMs(subject.registry!.pid);
            const figures = await phase.run(client, plan, round);
            const cpuMs = cpuTimeMs(subject.registry!.pid) - cpuBefore;
            // Bytes served become CPU seconds per GiB (the clock ticks at 10 ms: 1 GiB per round
            // costs a few hundred ms, so a tick is a few per cent).
            if (figures.downloadBytes) {
              figures.downloadCpuSecondsPerGiB = cpuMs / 1000 / (figures.downloadBytes / GiB);
              delete figures.downloadBytes;
            }
            for (const [key, value] of Object.entries(figures)) {
              const list = samples.get(subject)!.get(key) ?? [];
              list.push(value);
              samples.get(subject)!.set(key, list);
            }
            subject.phaseCpuMs[phase.name] = (subject.phaseCpuMs[phase.name] ?? 0) + cpuMs / rounds;
            if (phase.name !== 'warm-up')
              subject.figures.workloadCpuSeconds =
                (subject.figures.workloadCpuSeconds ?? 0) + cpuMs / rounds / 1000;
            const shown = Object.entries(figures).map(([key, value]) => `${key} ${value.toFixed(2)}`);
            const roundText = rounds > 1 ? ` (round ${round + 1}/${rounds})` : '';
            log(
              `  ${phase.name}${roundText} · ${subject.name}: ${shown.join(', ') || 'done'} (server CPU ${cpuMs} ms, peak RSS so far ${rssText(subject)})`,
            );
          } finally {
            client.close();
          }
        }
      }
    }
    for (const subject of subjects) {
      for (const [key, values] of samples.get(subject)!) subject.figures[key] = median(values);
      subject.figures.peakRssMB = Math.max(
        subject.figures.peakRssMB ?? 0,
        peakRssBytes(subject.registry!.pid) / 1e6,
      );
    }
  } finally {
    for (const subject of subjects) {
      await subject.registry?.stop();
      if (subject.dataDir) rmSync(subject.dataDir, { recursive: true, force: true });
    }
  }
}

/** `docker push` + `docker pull` of the test image against each, through the real daemon. */
async function measureEndToEnd(subjects: Subject[], imageId: string): Promise<void> {
  // Most of a push is dockerd compressing layers and most of a pull is dockerd extracting them (on
  // vfs), so both swing by ±20 % from round to round whatever the registry does. Rounds run in
  // A-B-B-A order and the median of each is kept (a best-of let one lucky round decide). Each round
  // gets a fresh, empty registry, or the second push would find every layer already there.
  const pushes = new Map<Subject, number[]>(subjects.map((subject) => [subject, []]));
  const pulls = new Map<Subject, number[]>(subjects.map((subject) => [subject, []]));
  for (let round = 0; round < E2E_ROUNDS; round++) {
    for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) {
      const dataDir = mkdtempSync(join(tmpdir(), 'berth-bench-registry-'));
      try {
        const registry = await subject.launch(dataDir, await anyFreePort(BENCH_HOST));
        try {
          const { pushMs, pullMs } = await pushAndPull(new URL(registry.url).host, imageId);
          pushes.get(subject)!.push(pushMs / 1000);
          pulls.get(subject)!.push(pullMs / 1000);
          const rssMB = peakRssBytes(registry.pid) / 1e6;
          subject.figures.peakRssMB = Math.max(subject.figures.peakRssMB ?? 0, rssMB);
          log(
            `  docker push + pull · ${subject.name}: ${(pushMs / 1000).toFixed(2)} s + ${(pullMs / 1000).toFixed(2)} s (peak RSS ${rssMB.toFixed(0)} MB)`,
          );
        } finally {
          await registry.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  for (const subject of subjects) {
    subject.figures.pushSeconds = median(pushes.get(subject)!);
    subject.figures.pullSeconds = median(pulls.get(subject)!);
  }
  // A second reading that cancels the machine's drift: Berth / reference within each round (the two
  // ran back to back), and the median of those. The table keeps the ratio of the medians.
  const [berth, reference] = subjects;
  if (berth && reference) {
    for (const [name, times] of [
      ['push', pushes],
      ['pull', pulls],
    ] as const) {
      const ratios = times.get(berth)!.map((seconds, round) => seconds / times.get(reference)![round]!);
      log(
        `  docker ${name}, Berth / reference within each round: median ${median(ratios).toFixed(3)} (${ratios.map((ratio) => ratio.toFixed(2)).join(', ')})`,
      );
    }
  }
}

/** The number after `flag` on the command line (`--rounds 5` or `--rounds=5`), if given. */
function numberFlag(flag: string): number | undefined {
  const args = process.argv;
  const inline = args.find((arg) => arg.startsWith(`${flag}=`));
  const text = inline ? inline.slice(flag.length + 1) : args[args.indexOf(flag) + 1];
  if (!inline && !args.includes(flag)) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a whole number ≥ 1`);
  return value;
}

/** Resident memory of a process now (VmRSS), in bytes; NaN once it is gone. */
function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function rssText(subject: Subject): string {
  return `${(peakRssBytes(subject.registry!.pid) / 1e6).toFixed(0)} MB`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
