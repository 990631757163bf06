/**
 * The benchmark's verdict: each figure for both registries, the ratio Berth/reference, the target from
 * issue 3 and whether it is met; printed as a Markdown table and kept as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Target =
  /** Berth must do at least as much per second as the reference (ratio ≥ 1). */
  | { kind: 'higher' }
  /** Berth must take at most as long as the reference (ratio ≤ 1). */
  | { kind: 'lower' }
  /** Berth's figure must stay under a fixed bound. */
  | { kind: 'below'; limit: number }
  /** Shown to explain other figures; no target. */
  | { kind: 'info' };

export interface Metric {
  name: string;
  unit: string;
  berth: number;
  reference: number;
  target: Target;
  /** Why a figure is missing, when it is. */
  note?: string;
}

export interface MetricVerdict extends Metric {
  ratio: number;
  met: boolean | null;
}

export function judge(metric: Metric): MetricVerdict {
  const ratio = metric.berth / metric.reference;
  let met: boolean | null;
  if (!Number.isFinite(metric.berth) || metric.target.kind === 'info') met = null;
  else if (metric.target.kind === 'below') met = metric.berth < metric.target.limit;
  else if (!Number.isFinite(ratio)) met = null;
  else met = metric.target.kind === 'higher' ? ratio >= 1 : ratio <= 1;
  return { ...metric, ratio, met };
}

function targetText(metric: Metric): string {
  switch (metric.target.kind) {
    case 'higher':
      return '≥ 1.0×';
    case 'lower':
      return '≤ 1.0×';
    case 'below':
      return `< ${metric.target.limit} ${metric.unit}`;
    case 'info':
      return '(diagnostic)';
  }
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function markdownTable(verdicts: MetricVerdict[]): string {
  const rows = verdicts.map((v) => {
    const met = v.met === null ? (v.note ? `n/a (${v.note})` : '—') : v.met ? 'yes' : '**no**';
    const ratio = Number.isFinite(v.ratio) ? `${v.ratio.toFixed(2)}×` : '—';
    return `| ${v.name} (${v.unit}) | ${figure(v.berth)} | ${figure(v.reference)} | ${ratio} | ${targetText(v)} | ${met} |`;
  });
  return [
    '| metric | Berth | reference | ratio | target | met? |',
    '|---|---:|---:|---:|---|---|',
    ...rows,
  ].join('\n');
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
