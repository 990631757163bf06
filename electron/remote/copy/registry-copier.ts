/**
 * The copy as the app runs it: both ends' sessions from RemoteRegistries (Docker's logins, HTTPS or
 * HTTP as Docker would use), the engine (./image-copy.ts), and the CLI command with the same outcome
 * for the transfer card.
 */
import type { CopyRequestInput } from '../../api/contract/transfers';
import type { RemoteRegistries } from '../remote-registries';
import { copyCommand } from '../../common/copy-command';
import { copyImage, type CopyReport, type CopyResult } from './image-copy';

export { copyCommand, sourceReference, targetReference } from '../../common/copy-command';

/** A copy request as the contract parses it. */
export type CopyInput = Omit<CopyRequestInput, 'referrers'> & { referrers?: boolean | undefined };

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
