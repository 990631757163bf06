/**
 * What the one-click insecure-registry fix changed, in words: which file, where the old one is kept,
 * whether Docker reloaded, and whether Berth saw Docker take it. Pure, so the wording is unit-tested.
 */
import type { DaemonConfigSaveResult } from '../../../electron/api/contract/daemon-config';

/** Shown on the card of the transfer the fix let through. */
export interface FixNote {
  host: string;
  lines: string[];
}

export function describeInsecureFix(host: string, outcome: DaemonConfigSaveResult): FixNote {
  const lines: string[] = [];
  const written = outcome.written;
  if (written === null) {
    lines.push(`Docker's settings already listed ${host} as an insecure registry; nothing was written.`);
  } else {
    lines.push(`Added ${host} to "insecure-registries" in ${written.path}.`);
    lines.push(
      written.backupPath
        ? `The previous file is kept as ${written.backupPath}.`
        : 'There was no such file before, so there was nothing to back up.',
    );
  }
  if (outcome.applied.method === 'signal') {
    lines.push(
      `Docker reloaded its settings${outcome.applied.pid !== undefined ? ` (process ${outcome.applied.pid})` : ''}.`,
    );
  }
  if (outcome.verified?.ok) lines.push(`Berth checked: Docker now talks plain HTTP to ${host}.`);
  else if (outcome.verified) lines.push(`Berth could not confirm it: ${outcome.verified.message}`);
  return { host, lines };
}
