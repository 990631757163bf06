/**
 * The per-field reasons of an INVALID_INPUT error, as a user reads them: the reason only (an internal
 * path such as `addInsecureRegistries.0` means nothing to them), and not again when the message
 * already says it. Pure, so it is unit-tested.
 */
import type { AppErrorData } from '../../../electron/api/contract';

export function issueLines(error: AppErrorData): string[] {
  const lines: string[] = [];
  for (const issue of error.issues ?? []) {
    if (error.message.includes(issue.message) || lines.includes(issue.message)) continue;
    lines.push(issue.message);
  }
  return lines;
}
