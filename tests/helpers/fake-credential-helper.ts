/**
 * Stand-in credential helpers for unit tests of the helper protocol's edges (a real one,
 * docker-credential-pass, is exercised by the integration tests). Each is a small Node program named
 * `docker-credential-<name>` in a temp folder put on PATH; it speaks the helpers' protocol and keeps
 * its logins in `<folder>/<name>.json`. `FAKE_HELPER_FAIL=<action>` makes that action fail, echoing
 * its input in the error (to prove Berth cuts secrets out); `FAKE_HELPER_GARBAGE=<action>` answers
 * something that is not JSON.
 */
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const program = `
const fs = require('node:fs');
const path = require('node:path');
const name = path.basename(process.argv[1]).replace('docker-credential-', '');
const file = path.join(path.dirname(process.argv[1]), name + '.json');
const action = process.argv[2];
const input = fs.readFileSync(0, 'utf8');
const logins = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
const calls = path.join(path.dirname(process.argv[1]), 'calls.log');
fs.appendFileSync(calls, name + ' ' + action + ' ' + (action === 'store' ? JSON.parse(input).ServerURL : input) + '\\n');
if (process.env.FAKE_HELPER_FAIL === action) { process.stdout.write('boom: ' + input); process.exit(1); }
if (process.env.FAKE_HELPER_GARBAGE === action) { process.stdout.write('this is not json'); process.exit(0); }
const notFound = () => { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); };
if (action === 'get') {
  const login = logins[input];
  if (!login) notFound();
  process.stdout.write(JSON.stringify({ ServerURL: input, Username: login.Username, Secret: login.Secret }));
} else if (action === 'store') {
  const creds = JSON.parse(input);
  logins[creds.ServerURL] = { Username: creds.Username, Secret: creds.Secret };
  fs.writeFileSync(file, JSON.stringify(logins));
} else if (action === 'erase') {
  if (!logins[input]) notFound();
  delete logins[input];
  fs.writeFileSync(file, JSON.stringify(logins));
} else if (action === 'list') {
  process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(logins).map(([k, v]) => [k, v.Username]))));
} else { process.stdout.write('unknown action'); process.exit(1); }
`;

export interface FakeHelpers {
  /** The folder to put first on PATH. */
  bin: string;
  /** The logins helper `name` holds: address → { Username, Secret }. */
  logins(name: string): Promise<Record<string, { Username: string; Secret: string }>>;
  /** Every call so far, as `name action address`. */
  calls(): Promise<string[]>;
}

export async function makeFakeHelpers(names: string[]): Promise<FakeHelpers> {
  const bin = await mkdtemp(join(tmpdir(), 'berth-fake-helpers-'));
  for (const name of names) {
    const path = join(bin, `docker-credential-${name}`);
    await writeFile(path, `#!${process.execPath}\n${program}`);
    await chmod(path, 0o755);
  }
  return {
    bin,
    async logins(name) {
      const text = await readFile(join(bin, `${name}.json`), 'utf8').catch(() => '{}');
      return JSON.parse(text) as Record<string, { Username: string; Secret: string }>;
    },
    async calls() {
      const text = await readFile(join(bin, 'calls.log'), 'utf8').catch(() => '');
      return text.split('\n').filter((line) => line !== '');
    },
  };
}
