// Is Electron's binary installed, and if not, why not: the one place where `npm install`'s postinstall
// (install-electron.mjs) and `npm start` (start.mjs) agree on the answer. The binary comes from
// GitHub in the electron package's own install.js; where that download fails, the install goes on
// and this file's record says why, so `npm start` can tell the user in one line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Inside node_modules, so that deleting node_modules forgets it too. */
export const installRecordPath = join(
  projectRoot,
  'node_modules',
  '.cache',
  'berth',
  'electron-install.json',
);

/** The Electron executable, or undefined when the package or its binary is missing. */
export function electronBinary() {
  try {
    // The electron package's index.js answers the binary's path, and throws when path.txt is missing.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** electron/install.js, which downloads the binary (or undefined when the package itself is missing). */
export function electronInstallScript() {
  try {
    return join(dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return undefined;
  }
}

const networkErrors =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ESOCKETTIMEDOUT)\b|socket hang up|timed out/i;

/**
 * What install.js printed when it failed (a stack trace) reduced to the one line that matters, e.g.
 * `getaddrinfo ENOTFOUND github.com`, and whether it is the network's doing.
 */
export function summarizeDownloadFailure(stderr) {
  const firstLine =
    stderr
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? 'install.js failed without saying why';
  const reason = firstLine.replace(/^[A-Za-z]*Error: /, '').slice(0, 200);
  return { reason, network: networkErrors.test(reason) };
}

/** `{ outcome: 'skipped' } | { outcome: 'failed', reason, network }`, written by the postinstall. */
export function writeInstallRecord(record) {
  mkdirSync(dirname(installRecordPath), { recursive: true });
  writeFileSync(installRecordPath, `${JSON.stringify(record)}\n`);
}

export function readInstallRecord() {
  try {
    return JSON.parse(readFileSync(installRecordPath, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The words in parentheses after "Electron's binary isn't installed". */
export function whyMissing(record) {
  if (record?.outcome === 'skipped') return 'ELECTRON_SKIP_BINARY_DOWNLOAD was set when npm installed it';
  if (record?.outcome === 'failed' && record.network)
    return "it downloads from GitHub, which this machine can't reach";
  if (record?.outcome === 'failed') return `its download failed: ${record.reason}`;
  return '`node node_modules/electron/install.js` downloads it';
}
