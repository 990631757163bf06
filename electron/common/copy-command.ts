/**
 * What a registry-to-registry copy is called on the command line, and how its ends are written: shared
 * by the host (the transfer card's command) and the renderer (the Copy dialog's preview). Pure.
 */

/** One end of a copy as the contract names it. */
export interface CopyEnds {
  source: { host: string; repository: string; reference: string };
  target: { host: string; repository: string; tag: string };
  platforms?: string[] | undefined;
}

/** `host/repository:tag`, or `host/repository@sha256:…` for a digest. */
export function sourceReference(input: Pick<CopyEnds, 'source'>): string {
  const { host, repository, reference } = input.source;
  return `${host}/${repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
}

export function targetReference(input: Pick<CopyEnds, 'target'>): string {
  return `${input.target.host}/${input.target.repository}:${input.target.tag}`;
}

/** Loopback names: Docker (and Berth) speak plain HTTP to them without being told. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * The skopeo command with the same outcome: `--all` for a whole index (a single image copies the same
 * either way); one chosen platform with `--override-*` (skopeo then writes that platform's image, not
 * a one-entry index); several chosen platforms have no skopeo equivalent, so the command copies all.
 */
export function copyCommand(input: CopyEnds, plainHttp: { source: boolean; target: boolean }): string {
  const parts = ['skopeo', 'copy'];
  const platforms = input.platforms;
  if (platforms?.length === 1) {
    const [os, architecture, variant] = (platforms[0] ?? '').split('/');
    parts.push(`--override-os ${os}`, `--override-arch ${architecture}`);
    if (variant) parts.push(`--override-variant ${variant}`);
  } else {
    parts.push('--all');
  }
  if (plainHttp.source) parts.push('--src-tls-verify=false');
  if (plainHttp.target) parts.push('--dest-tls-verify=false');
  parts.push(`docker://${sourceReference(input)}`, `docker://${targetReference(input)}`);
  return parts.join(' ');
}
