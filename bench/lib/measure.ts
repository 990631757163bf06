/** Small measuring tools shared by the benchmark workloads. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Runs `task(0…count-1)` with at most `concurrency` in flight; resolves when all are done. */
export async function runPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Milliseconds since `start` (a `performance.now()` value). */
export function elapsedMs(start: number): number {
  return performance.now() - start;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Decimal megabytes per second, as `docker` and most benchmarks print them. */
export function megabytesPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

/**
 * Peak resident memory of a process, from the kernel's high-water mark (VmHWM), so a short spike
 * between samples is not missed. Linux only; NaN elsewhere or once the process is gone.
 */
export function peakRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * How fast this machine is right now: one core's SHA-256 throughput over 64 MiB, in MB/s (~0.2 s).
 * Virtual machines can run slower for minutes at a time without reporting steal time; printed beside
 * CPU-time figures, it says which speed they were measured at.
 */
export function cpuSpeedProbe(): number {
  const data = Buffer.alloc(64 * 1024 * 1024, 7);
  const start = performance.now();
  createHash('sha256').update(data).digest();
  return megabytesPerSecond(data.length, elapsedMs(start));
}
