/**
 * The README's two commands on a fresh clone, run as a new user runs them. `npm ci` with no Electron
 * variable set must succeed where Electron's binary can't be downloaded (GitHub is unreachable here)
 * and say so in one line; `npm start` must then say in one line why it isn't opening the desktop
 * app, start the browser host, open the default browser (a stand-in `xdg-open` records the call),
 * print the URL with its token, and serve the app's page through that URL. No stack trace anywhere.
 * Then the other side, where the download works: with a mirror on 127.0.0.1 in GitHub's place, the
 * postinstall installs the binary (a stand-in script) and `npm start` runs it instead of the browser.
 * The clone is of the last commit (HEAD): uncommitted changes are not in it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storedZip } from '../helpers/stored-zip';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'berth-fresh-clone-'));
const clone = join(work, 'berth');
const fakeBin = join(work, 'bin');
const openedFile = join(work, 'xdg-open.log');
const running: ChildProcess[] = [];
/** What the stand-in xdg-open was asked to open, one URL a line. */
const opened = () => (existsSync(openedFile) ? readFileSync(openedFile, 'utf8') : '');

/** The user's environment: none of npm's variables from the `npm test` around us, no Electron skip. */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('npm_') || name === 'ELECTRON_SKIP_BINARY_DOWNLOAD') continue;
    if (name === 'NODE_ENV' || name.startsWith('VITEST') || name === 'WAYLAND_DISPLAY') continue;
    env[name] = value;
  }
  return env;
}

const stackFrame = /^\s*at .+:\d+:\d+\)?$/m;

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, output }));
  });
}

interface Started {
  child: ChildProcess;
  url: string;
  /** stdout and stderr so far. */
  output(): string;
  /** Ctrl-C, as a terminal sends it: SIGINT to the whole process group; answers once it exited. */
  interrupt(): Promise<void>;
}

/** Starts `command` in the clone in its own process group and waits for the browser host's URL line. */
async function startUntilUrl(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(command, args, { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.push(child);
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((found, fail) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      if (/^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(line)) found(line.trim());
    });
    void exited.then(() => fail(new Error(`${command} ${args.join(' ')} exited without a URL:\n${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    interrupt: async () => {
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    },
  };
}

beforeAll(() => {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  console.log(`install-and-start: a fresh clone of ${head} (the last commit)`);
  execFileSync('git', ['clone', '--quiet', root, clone]);
  execFileSync('git', ['checkout', '--quiet', head], { cwd: clone });
  // The default browser: a stand-in xdg-open that records what it was asked to open.
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${openedFile}'\n`);
  chmodSync(join(fakeBin, 'xdg-open'), 0o755);
});

afterAll(async () => {
  for (const child of running) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once('exit', done));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

describe('a fresh clone: npm ci, then npm start', { timeout: 600_000 }, () => {
  it('installs without Electron’s binary, saying why in one line', async () => {
    const { code, output } = await run('npm', ['ci', '--no-audit', '--no-fund'], userEnvironment());
    expect(code, output).toBe(0);
    expect(output).not.toMatch(stackFrame);
    const record = join(clone, 'node_modules/.cache/berth/electron-install.json');
    if (!existsSync(record)) {
      // This machine reached GitHub and Electron's binary was installed: take it away, so that
      // `npm start` meets what a machine without GitHub has.
      console.log(
        'install-and-start: Electron’s binary was downloaded here; removing it to test the fallback',
      );
      rmSync(join(clone, 'node_modules/electron/path.txt'));
      writeFileSync(
        record,
        JSON.stringify({ outcome: 'failed', reason: 'removed by the test', network: true }),
      );
      return;
    }
    const lines = output.split('\n').filter((line) => line.includes('Electron'));
    expect(lines, output).toEqual([
      expect.stringMatching(
        /^berth: Electron's binary couldn't be downloaded from GitHub \(getaddrinfo (ENOTFOUND|EAI_AGAIN) github\.com\): the desktop app isn't available here; everything else is, and `npm start` opens Berth in your browser instead\.$/,
      ),
    ]);
  });

  it('starts in the browser, opening it, and serves the app through the printed URL with its token', async () => {
    const start = await startUntilUrl(
      'npm',
      ['start', '--', '--port', '0', '--user-data', join(work, 'user-data')],
      {
        ...userEnvironment(),
        DISPLAY: ':berth-test',
        PATH: `${fakeBin}:${process.env.PATH}`,
      },
    );
    expect(start.output()).toContain(
      "Electron's binary isn't installed (it downloads from GitHub, which this machine can't reach); starting Berth in your browser instead.\n",
    );
    await vi.waitFor(() => expect(opened()).toBe(`${start.url}\n`), {
      timeout: 10_000,
    });

    const { origin } = new URL(start.url);
    expect((await fetch(`${origin}/`)).status).toBe(401);
    const entry = await fetch(start.url, { redirect: 'manual' });
    expect(entry.status).toBe(303);
    const cookie = entry.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(`${origin}/`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<title>Berth</title>');

    await start.interrupt();
    expect(start.output()).toContain('SIGINT: stopping');
    expect(start.output()).not.toMatch(stackFrame);
  });

  it('says so when ELECTRON_SKIP_BINARY_DOWNLOAD was set at install, and opens no browser without a desktop', async () => {
    const env: NodeJS.ProcessEnv = {
      ...userEnvironment(),
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      PATH: `${fakeBin}:${process.env.PATH}`,
    };
    delete env.DISPLAY;
    const install = await run('node', ['scripts/install-electron.mjs'], env);
    expect(install).toEqual({
      code: 0,
      output:
        "berth: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so Electron's binary wasn't downloaded; `npm start` opens Berth in your browser instead.\n",
    });
    const openedBefore = opened();
    // dist/ was built by the npm start above.
    const start = await startUntilUrl(
      'node',
      ['scripts/start.mjs', '--port', '0', '--user-data', join(work, 'user-data-2')],
      env,
    );
    expect(start.output().split('\n')[0]).toBe(
      "Electron's binary isn't installed (ELECTRON_SKIP_BINARY_DOWNLOAD was set when npm installed it); starting Berth in your browser instead.",
    );
    await start.interrupt();
    expect(opened()).toBe(openedBefore);
  });
  it('installs Electron’s binary where its download works, and npm start then runs Electron', async () => {
    // A download mirror on 127.0.0.1 in GitHub's place (ELECTRON_MIRROR, which @electron/get honours),
    // serving a stand-in "binary" that records how it was started.
    const { version } = JSON.parse(
      readFileSync(join(clone, 'node_modules/electron/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
    const launched = join(work, 'electron-launched.log');
    const zip = storedZip([
      {
        name: 'electron',
        mode: 0o755,
        data: Buffer.from(`#!/bin/sh\nprintf '%s\\n' "$PWD" "$@" > '${launched}'\n`),
      },
      { name: 'version', mode: 0o644, data: Buffer.from(version) },
    ]);
    const requested: string[] = [];
    const mirror = createServer((request, response) => {
      requested.push(request.url ?? '');
      if (request.url === `/v${version}/SHASUMS256.txt`)
        response.end(`${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`);
      else if (request.url === `/v${version}/${zipName}`) response.end(zip);
      else response.writeHead(404).end();
    });
    mirror.listen(0, '127.0.0.1');
    await once(mirror, 'listening');
    const { port } = mirror.address() as AddressInfo;
    try {
      const install = await run('npm', ['run', 'postinstall'], {
        ...userEnvironment(),
        ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
        electron_use_remote_checksums: '1',
        electron_config_cache: join(work, 'electron-cache'),
      });
      expect(install.code, install.output).toBe(0);
      expect(install.output).not.toContain('berth:');
      expect(requested.sort()).toEqual([`/v${version}/SHASUMS256.txt`, `/v${version}/${zipName}`].sort());
    } finally {
      mirror.close();
    }
    expect(readFileSync(join(clone, 'node_modules/electron/path.txt'), 'utf8')).toBe('electron');

    const start = await run('npm', ['start', '--', '--some-flag'], {
      ...userEnvironment(),
      DISPLAY: ':berth-test',
    });
    expect(start.code, start.output).toBe(0);
    expect(start.output).not.toContain('starting Berth in your browser');
    expect(readFileSync(launched, 'utf8')).toBe(`${clone}\n.\n--some-flag\n`);
  });
});
