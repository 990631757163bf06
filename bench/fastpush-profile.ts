/**
 * `npm run bench:fastpush-profile` (issue 23): where a fast local push of the library image spends its
 * time. Alternating, median of rounds, each step on its own: the daemon's export read and thrown away
 * (time to its first byte, and to its end), the export read entry by entry (tar parsing), and the whole
 * fast push into a fresh registry with the moment each layer started and ended, the config and the
 * manifest. A diagnostic for finding what to cut, not a target; the figures go to stdout only.
 *
 * A/B: BENCH_FASTPUSH_BASELINE=<folder holding another version's electron/docker/fast-push/>[,…] adds its
 * fast push as one more step of every round (e.g. `git archive main electron/docker/fast-push | tar -x
 * -C /tmp/ab/base`, with /tmp/ab/node_modules linked to this checkout's), so a change is measured
 * against the code before it in one run, alternating.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { extract } from 'tar-stream';
import { fastPush } from '../electron/docker/fast-push/fast-push';
import { openExport, drain } from '../electron/docker/fast-push/export-stream';
import { LayerIndex } from '../electron/docker/fast-push/layer-index';
import { LocalRegistryClient } from '../electron/docker/fast-push/local-registry-client';
import { startRegistry } from '../tests/helpers/registry-process';
import { dockerFromEnvironment, removeImages } from '../tests/helpers/test-images';
import { buildLibraryImage } from './lib/library-image';
import { median } from './lib/measure';

const ROUNDS = Number(process.env.BENCH_FASTPUSH_ROUNDS ?? 5);
const docker = dockerFromEnvironment();
/** The daemon's pid, when DOCKER_HOST is a private dockerd started by scripts/dockerd-private.sh. */
const dockerdPid = (() => {
  const socket = /^unix:\/\/(.*)\/docker\.sock$/.exec(process.env.DOCKER_HOST ?? '')?.[1];
  try {
    return socket ? Number(readFileSync(`${socket}/dockerd.pid`, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
})();

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** One version of the fast push: its entry point and the client classes it expects. */
interface Version {
  fastPush: typeof fastPush;
  LocalRegistryClient: typeof LocalRegistryClient;
  LayerIndex: typeof LayerIndex;
}
const current: Version = { fastPush, LocalRegistryClient, LayerIndex };
/** Folders of other versions to measure against (comma-separated), each as one more step per round. */
const BASELINES = (process.env.BENCH_FASTPUSH_BASELINE ?? '').split(',').filter((folder) => folder !== '');
const figures = new Map<string, number[]>();
const note = (name: string, ms: number) => figures.set(name, [...(figures.get(name) ?? []), ms]);

async function exportOnly(image: string): Promise<void> {
  const daemonCpu = cpuMsOf(dockerdPid);
  const hostCpu = process.cpuUsage();
  const started = performance.now();
  const stream = await openExport(docker, image, new AbortController().signal);
  let first = 0;
  await pipeline(
    stream,
    new Writable({
      write(_chunk, _encoding, callback) {
        first ||= performance.now() - started;
        callback();
      },
    }),
  );
  note('export: first byte', first);
  note('export: end', performance.now() - started);
  note('export: CPU ms, dockerd', cpuMsOf(dockerdPid) - daemonCpu);
  note('export: CPU ms, host (reading)', cpuTotal(process.cpuUsage(hostCpu)));
}

function cpuTotal(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

async function parseOnly(image: string): Promise<void> {
  const hostCpu = process.cpuUsage();
  const started = performance.now();
  const stream = await openExport(docker, image, new AbortController().signal);
  const tar = extract();
  stream.pipe(tar);
  for await (const entry of tar) await drain(entry);
  note('export + tar parse: end', performance.now() - started);
  note('export + tar parse: CPU ms, host', cpuTotal(process.cpuUsage(hostCpu)));
}

async function push(image: string, version: Version, label: string): Promise<void> {
  const registry = await startRegistry();
  const client = new version.LocalRegistryClient(registry.url, {
    dockerExportToken: process.env.BENCH_FASTPUSH_VIA_HOST ? undefined : registry.dockerExportToken,
  });
  const daemonCpu = cpuMsOf(dockerdPid);
  const hostCpu = process.cpuUsage();
  const registryCpu = cpuMsOf(registry.child.pid);
  const started = performance.now();
  const at = () => performance.now() - started;
  const seen = new Map<string, string>();
  let firstWrite = 0;
  /** When each layer's last byte left the export, and the sum of the waits for the registry after. */
  const bodyRead = new Map<string, number>();
  let stall = 0;
  let lastWritten = 0;
  try {
    await version.fastPush({
      docker,
      image,
      registry: client,
      layers: new version.LayerIndex(client),
      repository: 'profile/library',
      tag: '1',
      compression: 'none',
      signal: new AbortController().signal,
      report: {
        expectLayers: () => note(`${label}: inspect done`, at()),
        message: (text) => {
          if (text.includes('digest:')) note(`${label}: manifest stored`, at());
        },
        layer: (id, status, current, total) => {
          if (status === 'Writing' && current !== undefined && current === total && total > 0)
            bodyRead.set(id, at());
          if (status === 'Verifying' || status === 'Written') {
            const read = bodyRead.get(id);
            if (read !== undefined) stall += at() - read;
            bodyRead.delete(id);
            if (process.env.BENCH_FASTPUSH_VERBOSE)
              console.log(
                `  ${id.slice(0, 12)} ${total ?? ''}: read by ${read?.toFixed(0)} ms, answered ${at().toFixed(0)} ms`,
              );
          }
          if (seen.get(id) === status) return;
          if (process.env.BENCH_FASTPUSH_VERBOSE)
            console.log(`  ${id.slice(0, 12)} ${status} at ${at().toFixed(0)} ms`);
          seen.set(id, status);
          if (status === 'Writing' && firstWrite === 0) firstWrite = at();
          if (status === 'Verifying' || status === 'Written') lastWritten = at();
        },
      },
    });
    note(`${label}: end`, at());
    note(`${label}: CPU ms, dockerd`, cpuMsOf(dockerdPid) - daemonCpu);
    note(`${label}: CPU ms, host`, cpuTotal(process.cpuUsage(hostCpu)));
    note(`${label}: CPU ms, registry`, cpuMsOf(registry.child.pid) - registryCpu);
    note(`${label}: first layer byte`, firstWrite);
    note(`${label}: waits between a layer read and its upload answered (sum)`, stall);
    note(`${label}: last layer streamed`, lastWritten);
  } finally {
    client.close();
    await registry.stop();
  }
}

async function main(): Promise<void> {
  console.log('Building the library image…');
  const image = await buildLibraryImage(docker);
  try {
    const baselines: { label: string; version: Version }[] = [];
    for (const [index, folder] of BASELINES.entries()) {
      const from = (file: string) => import(`${folder}/electron/docker/fast-push/${file}.ts`);
      baselines.push({
        label: `push (baseline ${index + 1})`,
        version: {
          ...((await from('fast-push')) as Pick<Version, 'fastPush'>),
          ...((await from('local-registry-client')) as Pick<Version, 'LocalRegistryClient'>),
          ...((await from('layer-index')) as Pick<Version, 'LayerIndex'>),
        },
      });
    }
    const steps: (() => Promise<void>)[] = [
      () => exportOnly(image),
      () => parseOnly(image),
      () => push(image, current, 'push'),
      ...baselines.map(
        ({ label, version }) =>
          () =>
            push(image, version, label),
      ),
    ];
    for (let round = 0; round <= ROUNDS; round += 1) {
      const order = round % 2 === 0 ? steps : [...steps].reverse();
      for (const step of order) await step();
      if (round === 0) figures.clear();
      console.log(`round ${round} done (load ${(loadavg()[0] ?? 0).toFixed(1)})`);
    }
  } finally {
    await removeImages(docker, [image]);
  }
  const pushes = figures.get('push: end') ?? [];
  for (const [index, folder] of BASELINES.entries()) {
    const theirs = figures.get(`push (baseline ${index + 1}): end`) ?? [];
    const ratios = pushes.map((ms, round) => (theirs[round] ?? Number.NaN) / ms);
    console.log(
      `baseline ${index + 1} (${folder}) / current push time, per round: ${ratios.map((ratio) => ratio.toFixed(3)).join(', ')} (median ${median(ratios).toFixed(3)}; above 1 = the current code is faster)`,
    );
  }
  console.log(`\n| step (median of ${ROUNDS}) | ms |\n|---|---:|`);
  for (const [name, values] of figures) console.log(`| ${name} | ${median(values).toFixed(0)} |`);
}

await main();
