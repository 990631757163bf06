// The project's postinstall: downloads Electron's binary with the electron package's own install.js,
// exactly as its postinstall would, but a failed download doesn't fail `npm install`. package.json's
// allowScripts denies electron's own postinstall (npm 11.16+ reads that policy; npm 12 also blocks
// every dependency's install script it doesn't allow, so without this script the binary would never
// be downloaded there), so this is the one place it runs. npm 10 ignores allowScripts and runs
// electron's script first: then install.js here finds the binary in place and returns at once.
// Where GitHub can't be reached, one line says so; the browser host, registry, tests and benches
// don't need Electron, and `npm start` opens Berth in the browser instead.
import { spawnSync } from 'node:child_process';
import {
  electronBinary,
  electronInstallScript,
  summarizeDownloadFailure,
  writeInstallRecord,
} from './electron-binary.mjs';

const installScript = electronInstallScript();
if (installScript === undefined) {
  // `npm install --omit=dev`: no electron package, nothing to download.
  process.exit(0);
}

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  if (electronBinary() === undefined) {
    writeInstallRecord({ outcome: 'skipped' });
    console.log(
      "berth: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so Electron's binary wasn't downloaded; `npm start` opens Berth in your browser instead.",
    );
  }
  process.exit(0);
}

const result = spawnSync(process.execPath, [installScript], {
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
});
if (result.status === 0 && electronBinary() !== undefined) process.exit(0);

const { reason, network } = summarizeDownloadFailure(result.stderr ?? String(result.error ?? ''));
writeInstallRecord({ outcome: 'failed', reason, network });
console.log(
  `berth: Electron's binary couldn't be downloaded${network ? ' from GitHub' : ''} (${reason}): the desktop app isn't available here; everything else is, and \`npm start\` opens Berth in your browser instead.`,
);
