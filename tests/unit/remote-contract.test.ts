/**
 * The remote.* contract and handlers: the host refuses what isn't a registry host, repository, tag or
 * digest before any request is made, and `remote.cancel` stops the call with that requestId (and only
 * the caller's own).
 */
import { describe, expect, it } from 'vitest';
import { commands } from '../../electron/api/contract';
import { AppError } from '../../electron/api/app-error';
import { createRemoteHandlers } from '../../electron/remote/handlers';
import type { RemoteRegistries } from '../../electron/remote/remote-registries';

describe('remote.* input validation', () => {
  it('normalises hosts and refuses what is not one', () => {
    const input = commands['remote.repositories'].input;
    expect(input.parse({ host: 'https://Registry.Example.com:5000/' })).toMatchObject({
      host: 'registry.example.com:5000',
      n: 100,
    });
    expect(input.parse({ host: 'index.docker.io' }).host).toBe('docker.io');
    expect(input.safeParse({ host: 'a b' }).success).toBe(false);
    expect(input.safeParse({ host: 'x.io', n: 100000 }).success).toBe(false);
    expect(input.safeParse({ host: 'docker.io', namespace: 'Not A Namespace' }).success).toBe(false);
  });

  it('refuses repository names, tags and digests outside the OCI grammar', () => {
    expect(commands['remote.tags'].input.safeParse({ host: 'x.io', repository: '../etc' }).success).toBe(
      false,
    );
    expect(
      commands['remote.tagDetails'].input.safeParse({ host: 'x.io', repository: 'a/b', tag: '-x' }).success,
    ).toBe(false);
    const remove = commands['remote.deleteTag'].input;
    expect(
      remove.safeParse({ host: 'x.io', repository: 'a/b', tag: 'v1', digest: 'sha256:short' }).success,
    ).toBe(false);
    expect(
      remove.safeParse({ host: 'x.io', repository: 'a/b', tag: 'v1', digest: `sha256:${'a'.repeat(64)}` })
        .success,
    ).toBe(true);
  });
});

describe('remote.cancel', () => {
  const waiting = {
    repositories: (_host: string, _input: unknown, signal?: AbortSignal) =>
      new Promise((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(new AppError('CANCELLED', 'stopped'))),
      ),
  } as unknown as RemoteRegistries;

  it("stops the caller's call with that requestId, not another window's", async () => {
    const handlers = createRemoteHandlers({ remote: waiting });
    const mine = Promise.resolve(
      handlers['remote.repositories']({ host: 'x.io', n: 10, requestId: 'r1' }, { clientId: 'a' }),
    ).catch((error: unknown) => AppError.from(error).code);
    const theirs = Promise.resolve(
      handlers['remote.repositories']({ host: 'x.io', n: 10, requestId: 'r1' }, { clientId: 'b' }),
    ).catch((error: unknown) => AppError.from(error).code);
    expect(await handlers['remote.cancel']({ requestId: 'r1' }, { clientId: 'a' })).toEqual({
      cancelled: true,
    });
    expect(await mine).toBe('CANCELLED');
    expect(await handlers['remote.cancel']({ requestId: 'nope' }, { clientId: 'a' })).toEqual({
      cancelled: false,
    });
    expect(await handlers['remote.cancel']({ requestId: 'r1' }, { clientId: 'b' })).toEqual({
      cancelled: true,
    });
    expect(await theirs).toBe('CANCELLED');
  });

  it('a newer call with the same requestId replaces the older one', async () => {
    const handlers = createRemoteHandlers({ remote: waiting });
    const first = Promise.resolve(
      handlers['remote.repositories']({ host: 'x.io', n: 10, requestId: 'list' }, { clientId: 'a' }),
    ).catch((error: unknown) => AppError.from(error).code);
    void Promise.resolve(
      handlers['remote.repositories']({ host: 'x.io', n: 10, requestId: 'list' }, { clientId: 'a' }),
    ).catch(() => undefined);
    expect(await first).toBe('CANCELLED');
    await handlers['remote.cancel']({ requestId: 'list' }, { clientId: 'a' });
  });
});
