/**
 * Copying a file into a folder only an administrator may write (Linux `/etc/docker`, Windows
 * `%ProgramData%\docker\config`). The OS's own prompt (pkexec / sudo dialog / UAC, through
 * `@vscode/sudo-prompt`) grants rights for one short command that does just the backup and the copy;
 * Berth itself never runs as root. Tests pass a fake Elevator, since no prompt can be answered here.
 */
import { exec } from '@vscode/sudo-prompt';
import { dirname } from 'node:path';
import { AppError } from '../api/app-error';

/** How the copied file must end up: the previous file's backup, mode and owner. */
export interface ElevatedCopyOptions {
  /** Copy the current target here first (null: there is no current file). */
  backupPath: string | null;
  /** Permission bits to give the new file, e.g. 0o644. */
  mode: number;
  /** Owner to keep (POSIX); undefined: whoever the elevated copy runs as (root). */
  uid?: number;
  gid?: number;
}

/**
 * Puts `tempFile` at `target` with administrator rights. Rejects when the user refuses (an AppError
 * ELEVATION_REFUSED, or any other error, which callers treat as a refusal) or when the copy fails
 * (an AppError DAEMON_CONFIG_NOT_WRITABLE). The target must be untouched after a rejection.
 */
export interface Elevator {
  copyIntoPlace(tempFile: string, target: string, options: ElevatedCopyOptions): Promise<void>;
}

const PERMISSION_DENIED = 'User did not grant permission.';

/** The real thing: one elevated shell command through the OS's prompt. */
export function createSudoPromptElevator(platform: NodeJS.Platform = process.platform): Elevator {
  return {
    copyIntoPlace(tempFile, target, options) {
      let command: string;
      try {
        command =
          platform === 'win32'
            ? windowsCommand(tempFile, target, options)
            : posixCommand(tempFile, target, options);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return new Promise<void>((resolve, reject) => {
        exec(command, { name: 'Berth' }, (error, _stdout, stderr) => {
          if (!error) return resolve();
          if (error.message === PERMISSION_DENIED || /not authorized|dismissed|cancel/i.test(error.message)) {
            return reject(
              new AppError(
                'ELEVATION_REFUSED',
                'The administrator prompt was refused, so daemon.json was not changed.',
                { raw: error.message, cause: error },
              ),
            );
          }
          reject(
            new AppError('DAEMON_CONFIG_NOT_WRITABLE', `Copying the new daemon.json into ${target} failed.`, {
              raw: `${error.message}\n${String(stderr ?? '')}`.trim(),
              cause: error,
            }),
          );
        });
      });
    },
  };
}

/**
 * Characters a path may not hold on its way through the prompt. `@vscode/sudo-prompt` runs the
 * command as `/bin/bash -c "…"` through a shell, escaping only `"`: inside those double quotes `$`,
 * a backquote and `\` are still interpreted (by the user's shell, before the prompt), which undoes
 * the single quotes around each path and could run a path's text as a command as root. On Windows,
 * cmd expands `%…%` even inside quotes. No daemon.json location needs any of them.
 */
const UNSAFE_IN_PROMPT: Record<'posix' | 'win32', RegExp> = {
  posix: /["$`\\!\n\r]/,
  win32: /["%!\n\r]/,
};

function refuseUnsafePaths(kind: 'posix' | 'win32', paths: Array<string | null>): void {
  for (const path of paths) {
    if (path !== null && UNSAFE_IN_PROMPT[kind].test(path)) {
      throw new AppError(
        'DAEMON_CONFIG_NOT_WRITABLE',
        `Berth won't ask for administrator rights to write ${JSON.stringify(path)}: the path holds characters the prompt's shell would interpret.`,
        { hint: 'Move daemon.json to a path without " $ ` \\ ! % or line breaks, or edit it by hand.' },
      );
    }
  }
}

/**
 * `install` writes a sibling with the right mode and owner, then `mv` replaces the target in one rename,
 * so Docker never sees a half-written file; `set -e` stops at the first failure, leaving the target as is.
 * Throws (before anything runs) for a path the prompt couldn't pass safely.
 */
export function posixCommand(tempFile: string, target: string, options: ElevatedCopyOptions): string {
  refuseUnsafePaths('posix', [tempFile, target, options.backupPath]);
  const staged = `${target}.berth-new`;
  const owner =
    options.uid !== undefined && options.gid !== undefined ? ` -o ${options.uid} -g ${options.gid}` : '';
  const steps = ['set -e', `mkdir -p -- ${quote(dirname(target))}`];
  if (options.backupPath) steps.push(`cp -p -- ${quote(target)} ${quote(options.backupPath)}`);
  steps.push(
    `install -m ${(options.mode & 0o7777).toString(8)}${owner} -- ${quote(tempFile)} ${quote(staged)}`,
  );
  steps.push(`mv -f -- ${quote(staged)} ${quote(target)}`);
  return `/bin/sh -c ${quote(steps.join('; '))}`;
}

export function windowsCommand(tempFile: string, target: string, options: ElevatedCopyOptions): string {
  refuseUnsafePaths('win32', [tempFile, target, options.backupPath]);
  const steps = [`if not exist "${dirname(target)}" mkdir "${dirname(target)}"`];
  if (options.backupPath) steps.push(`copy /Y "${target}" "${options.backupPath}"`);
  steps.push(`copy /Y "${tempFile}" "${target}"`);
  return `cmd /c ${steps.join(' && ')}`;
}

/** One shell word, whatever the path contains. */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
