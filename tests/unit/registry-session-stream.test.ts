/**
 * A blob read through `RegistrySession.stream` arrives whole even when the garbage collector runs while
 * it is read: undici cancels the body of a Response that is collected, which ended a copy's download
 * early and silently (0 of 32 MiB) until the session held the Response for as long as its body is
 * read. The check runs in a Node process of its own, with `--expose-gc`.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

it('streams a whole blob while the garbage collector runs', () => {
  const script = resolve(import.meta.dirname, '../helpers/session-stream-gc.ts');
  const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(Number(output.trim())).toBe(8 * 1024 * 1024);
});
