// `npm start` (after `npm run build`): the desktop app where Electron's binary is installed. Where it
// isn't (its download from GitHub failed at install), or on a Linux machine with no desktop session,
// one line says why and the browser host starts instead: it prints its URL (token included) on a line
// of its own, and the default browser opens it when there is a desktop to open it on.
// Arguments after `npm start --` go to the browser host (`--port P`, `--user-data DIR`) or to Electron.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { electronBinary, readInstallRecord, whyMissing } from './electron-binary.mjs';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** Whether a browser window (or Electron's) can appear for the person who ran `npm start`. */
function hasDesktopSession() {
  if (process.platform === 'win32' || process.platform === 'darwin') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** Runs a child to its end, passing Ctrl-C / SIGTERM on to it, and exits with its code. */
function runToEnd(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`berth: couldn't start ${child.spawnfile}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function openInBrowser(url) {
  const [command, commandArgs] =
    process.platform === 'win32'
      ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
      : [process.platform === 'darwin' ? 'open' : 'xdg-open', [url]];
  const opener = spawn(command, commandArgs, { stdio: 'ignore', detached: true });
  opener.on('error', () =>
    console.log(`berth: couldn't open your browser (${command}); open the address above.`),
  );
  opener.unref();
}

function startBrowserHost(reason) {
  console.log(`${reason}; starting Berth in your browser instead.`);
  const host = spawn(process.execPath, [join(projectRoot, 'dist', 'node', 'web-host.cjs'), ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const desktop = hasDesktopSession();
  let opened = false;
  createInterface({ input: host.stdout }).on('line', (line) => {
    console.log(line);
    if (!opened && /^http:\/\/127\.0\.0\.1:\d+\//.test(line)) {
      opened = true;
      if (desktop) openInBrowser(line.trim());
    }
  });
  runToEnd(host);
}

const binary = electronBinary();
if (binary === undefined) {
  startBrowserHost(`Electron's binary isn't installed (${whyMissing(readInstallRecord())})`);
} else if (!hasDesktopSession()) {
  startBrowserHost('There is no desktop session here (neither DISPLAY nor WAYLAND_DISPLAY is set)');
} else {
  runToEnd(spawn(binary, ['.', ...args], { cwd: projectRoot, stdio: 'inherit' }));
}
