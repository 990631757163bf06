/**
 * Checks `insecure-registries` entries and `registry-mirrors` URLs the way dockerd does before it starts
 * (an invalid entry stops Docker from starting, or a reload from taking), and says exactly why one is wrong.
 */
import { isIPv6 as isIpv6 } from 'node:net';

/** The verdict on one entry: the entry as Docker will see it, or a sentence saying what is wrong. */
export type EntryCheck = { ok: true; value: string; kind: 'host' | 'cidr' } | { ok: false; reason: string };
/** The verdict on one mirror URL. */
export type MirrorCheck = { ok: true; value: string } | { ok: false; reason: string };

const hostLabel = /^(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$/i;

/** An `insecure-registries` entry: `host`, `host:port`, `[ipv6]:port`, or a CIDR such as `10.0.0.0/8`. */
export function checkInsecureRegistry(entry: string): EntryCheck {
  if (entry.trim() === '') return { ok: false, reason: 'The entry is empty.' };
  if (entry !== entry.trim() || /\s/.test(entry))
    return { ok: false, reason: `"${entry}" contains spaces; write just host:port.` };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(entry);
  if (scheme) {
    const rest = entry.slice(scheme[0].length).replace(/\/+$/, '');
    return {
      ok: false,
      reason: `Leave out "${scheme[0]}": Docker wants ${rest || 'host:port'}, without a scheme.`,
    };
  }
  if (entry.includes('/')) return checkCidr(entry);
  if (entry.includes('*')) {
    return {
      ok: false,
      reason: `Docker does not understand wildcards like "${entry}"; list each host, or use a CIDR such as 192.168.1.0/24.`,
    };
  }
  return checkHostPort(entry);
}

function checkHostPort(entry: string): EntryCheck {
  let host: string;
  let port: string | undefined;
  if (entry.startsWith('[')) {
    const match = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
    if (!match)
      return {
        ok: false,
        reason: `"${entry}" looks like an IPv6 address but its brackets don't close; write [address]:port.`,
      };
    if (!isIpv6(match[1] ?? ''))
      return { ok: false, reason: `"${match[1] ?? ''}" is not a valid IPv6 address.` };
    host = match[1] ?? '';
    port = match[2];
  } else {
    const colons = entry.split(':').length - 1;
    if (colons > 1) {
      return isIpv6(entry)
        ? { ok: false, reason: `Put IPv6 addresses in brackets: [${entry}] or [${entry}]:5000.` }
        : { ok: false, reason: `"${entry}" has more than one ":"; write host:port.` };
    }
    [host = '', port] = entry.split(':');
  }
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port)) return { ok: false, reason: `The port "${port}" is not a number.` };
    const number = Number(port);
    if (number < 1 || number > 65535)
      return { ok: false, reason: `The port ${number} is out of range; ports go from 1 to 65535.` };
  }
  if (entry.startsWith('[')) return { ok: true, value: entry, kind: 'host' };
  if (host === '') return { ok: false, reason: `"${entry}" has no host name before the port.` };
  if (/^[\d.]+$/.test(host)) {
    const why = ipv4Problem(host);
    return why ? { ok: false, reason: why } : { ok: true, value: entry, kind: 'host' };
  }
  if (host.length > 253) return { ok: false, reason: 'The host name is longer than 253 characters.' };
  for (const label of host.split('.')) {
    if (label === '') return { ok: false, reason: `"${host}" has an empty part between dots.` };
    if (label.length > 63)
      return {
        ok: false,
        reason: `"${label}" is longer than 63 characters, the most a part of a host name may have.`,
      };
    if (!hostLabel.test(label)) {
      const bad = [...label].find((char) => !/[a-z0-9-]/i.test(char));
      return {
        ok: false,
        reason: bad
          ? `"${host}" contains "${bad}"; host names use letters, digits, dots and hyphens only.`
          : `"${label}" starts or ends with a hyphen, which host names don't allow.`,
      };
    }
  }
  return { ok: true, value: entry, kind: 'host' };
}

function checkCidr(entry: string): EntryCheck {
  const [address = '', prefix, ...extra] = entry.split('/');
  if (extra.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) {
    return { ok: false, reason: `"${entry}" has a path; write host:port, or a CIDR like 10.0.0.0/8.` };
  }
  const bits = Number(prefix);
  if (address.includes(':')) {
    if (!isIpv6(address)) return { ok: false, reason: `"${address}" is not a valid IPv6 address.` };
    return bits <= 128
      ? { ok: true, value: entry, kind: 'cidr' }
      : { ok: false, reason: `An IPv6 prefix is at most /128, not /${bits}.` };
  }
  const why = ipv4Problem(address);
  if (why) return { ok: false, reason: `${why} (in the CIDR "${entry}")` };
  return bits <= 32
    ? { ok: true, value: entry, kind: 'cidr' }
    : { ok: false, reason: `An IPv4 prefix is at most /32, not /${bits}.` };
}

function ipv4Problem(address: string): string | undefined {
  const parts = address.split('.');
  if (parts.length !== 4)
    return `"${address}" is not a complete IPv4 address (it needs four numbers, like 192.168.1.20).`;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return `"${address}" is not a valid IPv4 address.`;
    // Go's net.ParseIP/ParseCIDR (Docker) refuse them: "192.168.001.0/24" stops dockerd from starting.
    if (part.length > 1 && part.startsWith('0'))
      return `"${address}" has a number with a leading zero (${part}); Docker refuses that: write ${Number(part)}.`;
    if (Number(part) > 255)
      return `${part} is not a valid part of an IPv4 address (each goes from 0 to 255).`;
  }
  return undefined;
}

/** A `registry-mirrors` URL, checked as dockerd 20.10+ does: http(s), no path, query, fragment or password. */
export function checkMirror(url: string): MirrorCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `"${url}" is not a URL; write it like https://mirror.example.com.` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: `A mirror must start with https:// or http://, not ${parsed.protocol}//.` };
  }
  if (parsed.username || parsed.password) {
    return {
      ok: false,
      reason:
        'Docker does not accept a user name or password in a mirror URL; use `docker login` for the mirror instead.',
    };
  }
  if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) {
    return {
      ok: false,
      reason: `Docker refuses a path, query or #fragment in a mirror URL; use ${parsed.origin}.`,
    };
  }
  return { ok: true, value: url };
}

/**
 * Whether two insecure-registries entries are the same to Docker. Exactly equal: dockerd looks an
 * image's registry up in its table as written, so "Registry.lan:5000" in the file does not cover a
 * push to "registry.lan:5000" (and must not stop Berth from adding the entry that does).
 */
export function sameRegistryEntry(a: string, b: string): boolean {
  return a === b;
}

/** Docker stores mirrors with a trailing slash; compare without it. */
export function sameMirror(a: string, b: string): boolean {
  const normalise = (url: string): string => url.toLowerCase().replace(/\/+$/, '');
  return normalise(a) === normalise(b);
}
