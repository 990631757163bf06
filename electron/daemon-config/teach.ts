/**
 * Tells the truth about a registry host: Docker already talks plain HTTP to 127.0.0.0/8 (its default
 * InsecureRegistryCIDRs) and to `localhost`, which resolves there, so a local registry needs no entry;
 * a registry elsewhere on the network does, and TLS with its CA in certs.d is the safer way.
 */
import { isIPv4 } from 'node:net';
import type { HostAdvice } from '../api/contract/daemon-config';

/** Split `host[:port]` or `[ipv6]:port` into its host (without brackets) and port. */
export function splitHostPort(entry: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed)
    return bracketed[2] ? { host: bracketed[1] ?? '', port: bracketed[2] } : { host: bracketed[1] ?? '' };
  const [host = '', port] = entry.split(':');
  return entry.split(':').length === 2 && port ? { host, port } : { host: entry };
}

/** Whether Docker needs an insecure-registries entry to use `entry` over HTTP, and what to do instead. */
export function adviseHost(entry: string, certsDir?: string): HostAdvice {
  const withCerts = certsDir ? { certsDir } : {};
  if (entry.includes('/')) {
    return {
      host: entry,
      kind: 'network',
      needsEntry: true,
      message: `Docker will use plain HTTP with every registry in ${entry}. Anyone on that network can read or change the images you push and pull; prefer listing single hosts.`,
      ...withCerts,
    };
  }
  const { host } = splitHostPort(entry);
  const name = host.toLowerCase();
  if (name === 'localhost' || (isIPv4(name) && name.startsWith('127.'))) {
    return {
      host: entry,
      kind: 'loopback',
      needsEntry: false,
      message: `${entry} is on this computer (loopback): Docker already allows plain HTTP there, so no insecure-registries entry is needed.`,
    };
  }
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') {
    return {
      host: entry,
      kind: 'loopback',
      needsEntry: true,
      message: `${entry} is this computer, but Docker only trusts 127.0.0.0/8 over HTTP by default, not IPv6 ::1. Use localhost or 127.0.0.1 instead, or add the entry.`,
    };
  }
  const tls = certsDir
    ? ` Safer: give the registry a TLS certificate and put its CA at ${certsDir}/${entry}/ca.crt; then no entry is needed.`
    : ' Safer: give the registry a TLS certificate and trust its CA in Docker’s certs.d; then no entry is needed.';
  return {
    host: entry,
    kind: 'network',
    needsEntry: true,
    message: `${entry} is another machine: Docker needs it in insecure-registries to use plain HTTP, and traffic to it is not encrypted.${tls}`,
    ...withCerts,
  };
}
