/**
 * Proves the daemon took the change: asks `/info` until RegistryConfig shows it (IndexConfigs[host]
 * with Secure false, or the CIDR in InsecureRegistryCIDRs, or the mirror in Mirrors), or the time is up.
 * A reload is asynchronous and a restart makes the daemon vanish for a while, so we poll and tolerate
 * a daemon that does not answer yet. If it never shows, we answer exactly what the daemon reports.
 */
import { isIPv4 } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../api/app-error';
import type { DaemonConfigVerifyResult, RegistryConfigReport } from '../api/contract/daemon-config';
import { fetchDaemonInfo, registryConfigReport, type InfoSource } from './daemon-info';
import { splitHostPort } from './teach';
import { sameMirror, sameRegistryEntry } from './validate';

/** What should (or should no longer) show in the daemon's RegistryConfig. */
export interface VerifyExpectation {
  /** host[:port] or a CIDR. */
  host?: string;
  mirror?: string;
  expect: 'present' | 'absent';
}

/** How long to wait, and a way to stop early. */
export interface VerifyOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Between two questions to the daemon. */
const POLL_INTERVAL_MS = 200;

/** Poll `/info` until the expectation holds or `timeoutMs` passes. */
export async function verifyDaemonConfig(
  docker: InfoSource,
  expectation: VerifyExpectation,
  options: VerifyOptions,
): Promise<DaemonConfigVerifyResult> {
  const deadline = Date.now() + options.timeoutMs;
  let report: RegistryConfigReport | undefined;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      report = registryConfigReport(await fetchDaemonInfo(docker));
      if (holds(report, expectation))
        return { ok: true, message: success(expectation, report), reported: report };
    } catch (error) {
      // The daemon may be restarting; keep asking until the deadline.
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await delay(
      Math.min(POLL_INTERVAL_MS, Math.max(0, deadline - Date.now())),
      undefined,
      options.signal ? { signal: options.signal } : {},
    );
  }
  if (!report) {
    throw new AppError(
      'VERIFY_FAILED',
      `Docker did not answer within ${Math.round(options.timeoutMs / 1000)} s, so Berth could not check the change.`,
      {
        hint: 'If Docker is restarting, give it a moment and check again. If it does not come back, the new daemon.json may be refused: see the Docker log, or restore the backup.',
        fix: { kind: 'retry' },
        raw: lastError instanceof Error ? lastError.message : String(lastError),
      },
    );
  }
  return { ok: false, message: failure(expectation, report), reported: report };
}

/** Does the daemon's report match what we expect? */
export function holds(report: RegistryConfigReport, expectation: VerifyExpectation): boolean {
  const want = expectation.expect === 'present';
  if (expectation.host !== undefined && isInsecure(report, expectation.host) !== want) return false;
  if (
    expectation.mirror !== undefined &&
    report.mirrors.some((m) => sameMirror(m, expectation.mirror ?? '')) !== want
  )
    return false;
  return true;
}

/**
 * Insecure as Docker decides it: listed by name, or (for an IP) inside an insecure CIDR. For a CIDR
 * entry, the same network must be listed (Docker stores it normalised, e.g. 10.9.1.0/16 → 10.9.0.0/16).
 */
export function isInsecure(report: RegistryConfigReport, entry: string): boolean {
  if (entry.includes('/')) return report.insecureRegistryCidrs.some((cidr) => sameNetwork(cidr, entry));
  if (report.insecureRegistries.some((name) => sameRegistryEntry(name, entry))) return true;
  const { host } = splitHostPort(entry);
  return isIPv4(host) && report.insecureRegistryCidrs.some((cidr) => ipv4InCidr(host, cidr));
}

function sameNetwork(a: string, b: string): boolean {
  const [addressA = '', bitsA] = a.split('/');
  const [addressB = '', bitsB] = b.split('/');
  if (bitsA !== bitsB) return false;
  if (isIPv4(addressA) && isIPv4(addressB)) return ipv4InCidr(addressB, a);
  // IPv6 hex digits: Docker prints the network in lowercase, as Go formats it.
  return a.toLowerCase() === b.toLowerCase();
}

function ipv4InCidr(address: string, cidr: string): boolean {
  const [network = '', bitsText = '32'] = cidr.split('/');
  if (!isIPv4(network)) return false;
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (toNumber(address) & mask) >>> 0 === (toNumber(network) & mask) >>> 0;
}

function toNumber(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function success(expectation: VerifyExpectation, report: RegistryConfigReport): string {
  const parts: string[] = [];
  const present = expectation.expect === 'present';
  if (expectation.host)
    parts.push(
      present
        ? `Docker now accepts ${expectation.host} over HTTP.`
        : `Docker no longer treats ${expectation.host} as insecure.`,
    );
  if (expectation.mirror)
    parts.push(
      present
        ? `Docker now uses the mirror ${expectation.mirror}.`
        : `Docker no longer uses the mirror ${expectation.mirror}.`,
    );
  return parts.length > 0 ? parts.join(' ') : `Docker reports: ${describe(report)}.`;
}

function failure(expectation: VerifyExpectation, report: RegistryConfigReport): string {
  const what = [
    expectation.host &&
      (expectation.expect === 'present'
        ? `does not accept ${expectation.host} over HTTP`
        : `still treats ${expectation.host} as insecure`),
    expectation.mirror &&
      (expectation.expect === 'present'
        ? `does not use the mirror ${expectation.mirror}`
        : `still uses the mirror ${expectation.mirror}`),
  ]
    .filter(Boolean)
    .join(' and ');
  return `Docker ${what} yet. It reports ${describe(report)}. If it was not reloaded or restarted, do that; if it was, the daemon may have refused the file (see its log).`;
}

function describe(report: RegistryConfigReport): string {
  const list = (items: string[]): string => (items.length > 0 ? items.join(', ') : 'none');
  return `insecure registries: ${list(report.insecureRegistries)}; insecure networks: ${list(report.insecureRegistryCidrs)}; mirrors: ${list(report.mirrors)}`;
}
