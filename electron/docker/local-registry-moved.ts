/**
 * A push to the local registry's old port: the user moved it ("Use port 5001") and the image is still
 * named for the port it had. Docker then finds nothing there, while Berth's registry runs elsewhere;
 * say it moved, and offer the name for where it is now. Pure.
 */
import { AppError } from '../api/app-error';
import type { TransferKind } from '../api/contract/transfers';
import type { ImageReference } from '../common/reference';

const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\]):(\d+)$/;

/** The move, when `ref` names a loopback port that is not the local registry's port now. */
export function localRegistryMove(
  ref: ImageReference,
  localPort: number | undefined,
): { from: number; to: number; target: string } | undefined {
  const port = LOOPBACK_HOST.exec(ref.domain)?.[1];
  if (port === undefined || localPort === undefined || Number(port) === localPort) return undefined;
  const suffix = ref.normalized.slice(ref.domain.length);
  return { from: Number(port), to: localPort, target: `localhost:${localPort}${suffix}` };
}

/** `diagnosed` as it is, or, for a push Docker could not deliver to the local registry's old port, why and the fix. */
export function explainLocalRegistryMove(
  kind: TransferKind,
  ref: ImageReference,
  diagnosed: AppError,
  localPort: number | undefined,
): AppError {
  if (diagnosed.code !== 'REGISTRY_UNREACHABLE' || kind !== 'push') return diagnosed;
  const move = localRegistryMove(ref, localPort);
  if (!move) return diagnosed;
  return new AppError(
    'REGISTRY_UNREACHABLE',
    `Berth's local registry moved from port ${move.from} to port ${move.to}, and ${ref.familiar} is still named for port ${move.from}.`,
    {
      hint: `Give the image its name for the new port (${move.target}) and push that.`,
      ...(diagnosed.raw !== undefined ? { raw: diagnosed.raw } : {}),
      fix: { kind: 'retagForLocalRegistry', source: ref.familiar, target: move.target },
    },
  );
}
