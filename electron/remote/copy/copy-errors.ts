/**
 * A copy's failures say which end failed — the source registry (where Berth reads) or the target
 * (where it writes) — keeping the registry's own words and the fix that end needs (log in there, add it
 * to the insecure registries, trust its certificate).
 */
import { AppError } from '../../api/app-error';

/** Which registry of a copy: the one read from, or the one written to. */
export type CopyEnd = 'source' | 'target';

/** Marks an error as one end's (once: an error already marked keeps its end). */
export function atEnd(error: unknown, end: CopyEnd, host: string): AppError {
  const failure = AppError.from(error);
  if (failure.code === 'CANCELLED' || endOf(failure) !== undefined) return failure;
  const where = end === 'source' ? `The source registry (${host})` : `The target registry (${host})`;
  const marked = new AppError(failure.code, `${where}: ${lowerFirst(failure.message)}`, {
    ...(failure.hint !== undefined ? { hint: failure.hint } : {}),
    ...(failure.fix !== undefined ? { fix: failure.fix } : {}),
    ...(failure.raw !== undefined ? { raw: failure.raw } : {}),
    cause: failure,
  });
  ENDS.set(marked, end);
  return marked;
}

const ENDS = new WeakMap<AppError, CopyEnd>();

/** The end an error was marked with, if any. */
export function endOf(error: AppError): CopyEnd | undefined {
  return ENDS.get(error);
}

/** Runs `work`, marking what it throws as `end`'s. */
export async function onEnd<T>(end: CopyEnd, host: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw atEnd(error, end, host);
  }
}

/** A source blob whose bytes are not the ones its digest names: nothing of it is committed. */
export function corruptSourceBlob(host: string, repository: string, digest: string, got: string): AppError {
  const error = new AppError(
    'DIGEST_MISMATCH',
    `The source registry (${host}) sent a blob of ${repository} whose content does not match its digest ${digest.slice(0, 19)}…: the copy stopped before writing it.`,
    {
      hint: 'The image is damaged in the source registry (a corrupt or truncated file in its storage). Push the image there again, then copy it.',
      raw: `expected ${digest}, got ${got}`,
    },
  );
  ENDS.set(error, 'source');
  return error;
}

function lowerFirst(text: string): string {
  // Host names and "Berth" keep their case; other sentences read on after the colon.
  if (/^(Berth|[0-9]|[a-z])/.test(text) || /^[A-Z][A-Z]/.test(text)) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}
