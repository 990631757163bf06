/**
 * The copy as the app runs it: both ends' sessions from RemoteRegistries (Docker's logins, HTTPS or
 * HTTP as Docker would use), the engine (./image-copy.ts), and the CLI command with the same outcome
 * for the transfer card.
 */
import type { CopyRequestInput } from '../../api/contract/transfers';
import type { RemoteRegistries } from '../remote-registries';
import { copyImage, type CopyReport, type CopyResult } from './image-copy';

/** A copy request as the contract parses it. */
export type CopyInput = Omit<CopyRequestInput, 'referrers'> & { referrers?: boolean | undefined };

/** Where a reference is written `host/repository:tag` or `host/repository@sha256:…`. */
export function sourceReference(input: CopyInput): string {
  const { host, repository, reference } = input.source;
  return `${host}/${repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
}

export function targetReference(input: CopyInput): string {
  return `${input.target.host}/${input.target.repository}:${input.target.tag}`;
}

/**
 * The skopeo command with the same outcome: `--all` for a whole index (a single image copies the same
 * either way); one chosen platform with `--override-*` (skopeo then writes that platform's image, not
 * a one-entry index); several chosen platforms have no skopeo equivalent, so the command copies all.
 */
export function copyCommand(input: CopyInput, plainHttp: { source: boolean; target: boolean }): string {
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

/** Runs copies over the app's registry client. */
export class RegistryCopier {
  constructor(private readonly remote: RemoteRegistries) {}

  /** The command for the card, before the copy starts (HTTP is assumed only where Docker would use it). */
  async command(input: CopyInput): Promise<string> {
    const [source, target] = await Promise.all([
      this.remote.session(input.source.host),
      this.remote.session(input.target.host),
    ]);
    return copyCommand(input, {
      source: source.insecure !== undefined,
      target: target.insecure !== undefined,
    });
  }

  async copy(input: CopyInput, signal: AbortSignal, report: CopyReport): Promise<CopyResult> {
    const [source, target] = await Promise.all([
      this.remote.session(input.source.host),
      this.remote.session(input.target.host),
    ]);
    return copyImage({
      source: { session: source, repository: input.source.repository, reference: input.source.reference },
      target: { session: target, repository: input.target.repository, tag: input.target.tag },
      platforms: input.platforms,
      referrers: input.referrers ?? false,
      signal,
      report,
    });
  }
}
