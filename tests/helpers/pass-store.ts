/**
 * A throwaway `pass` password store for docker-credential-pass: a fresh GPG key with no passphrase in
 * a temp GNUPGHOME, and `pass init` with it in a temp PASSWORD_STORE_DIR. Nothing of the user's own
 * keyring or store is touched; `remove` stops the gpg-agent it started and deletes both folders.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PassStore {
  /** GNUPGHOME and PASSWORD_STORE_DIR, to add to the environment of anything that runs pass. */
  env: { GNUPGHOME: string; PASSWORD_STORE_DIR: string };
  remove(): Promise<void>;
}

export async function createPassStore(): Promise<PassStore> {
  // Short paths under /tmp: gpg-agent's socket lives in GNUPGHOME and socket paths are limited to 108 bytes.
  const gnupgHome = await mkdtemp('/tmp/berth-gpg-');
  await chmod(gnupgHome, 0o700);
  const storeDir = await mkdtemp('/tmp/berth-pass-');
  const env = { ...process.env, GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: storeDir };
  const remove = async () => {
    await run('gpgconf', ['--kill', 'gpg-agent'], { env }).catch(() => undefined);
    await rm(gnupgHome, { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });
  };
  try {
    await run(
      'gpg',
      [
        '--batch',
        '--passphrase',
        '',
        '--quick-gen-key',
        'Berth Test <test@berth.invalid>',
        'default',
        'default',
        'never',
      ],
      { env },
    );
    const { stdout } = await run('gpg', ['--list-keys', '--with-colons'], { env });
    const fingerprint = /^fpr:+([0-9A-F]+):/m.exec(stdout)?.[1];
    if (!fingerprint) throw new Error(`gpg made no key:\n${stdout}`);
    await run('pass', ['init', fingerprint], { env });
  } catch (error) {
    await remove();
    throw error;
  }
  return { env: { GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: storeDir }, remove };
}
