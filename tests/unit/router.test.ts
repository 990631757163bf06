/** The router refuses bad calls with typed errors before any handler runs. */
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../electron/api/contract';
import { AppError } from '../../electron/api/app-error';
import { createRouter, type Handlers } from '../../electron/api/router';

function routerWithSpy() {
  const calls: string[] = [];
  const handler = (name: string) => (input: unknown) => {
    calls.push(name);
    if (name === 'images.tag') return { target: (input as { target: string }).target };
    if (name === 'images.remove') throw new AppError('NOT_FOUND', 'Docker has no image x.');
    if (name === 'images.list')
      return [{ id: 'sha256:1', repoTags: [], repoDigests: [], size: 'big', created: 0 }];
    return {};
  };
  const handlers = new Proxy({}, { get: (_target, name: string) => handler(name) }) as Handlers;
  return { router: createRouter(handlers), calls };
}

const context = { clientId: 'test' };

describe('router', () => {
  it('answers UNKNOWN_COMMAND for a command the contract does not declare, and for prototype keys', async () => {
    const { router, calls } = routerWithSpy();
    for (const command of ['images.nuke', '__proto__', 'constructor', 'toString', 42]) {
      const response = await router.handle({ id: 1, command, input: {} }, 50, context);
      expect(response).toMatchObject({ id: 1, ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    }
    expect(calls).toEqual([]);
  });

  it('answers INVALID_INPUT with the field and reason for input of the wrong type', async () => {
    const { router, calls } = routerWithSpy();
    const response = await router.handle(
      { id: 7, command: 'images.tag', input: { source: 12, target: 'ok' } },
      60,
      context,
    );
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.id).toBe(7);
    expect(response.error.code).toBe('INVALID_INPUT');
    expect(response.error.issues?.[0]?.path).toBe('source');
    expect(calls).toEqual([]);
  });

  it("says the reason, not the command or the field's internal path, in the message a user reads", async () => {
    const { router } = routerWithSpy();
    const response = await router.handle(
      { id: 7, command: 'images.tag', input: { source: 'ok', target: 'x?force=1' } },
      60,
      context,
    );
    if (response.ok) throw new Error('expected a refusal');
    expect(response.error.message).toBe('Not an image name or image ID.');
    expect(response.error.issues).toEqual([{ path: 'target', message: 'not an image name or image ID' }]);
    expect(response.error.raw).toBeUndefined();
  });

  it('refuses an image reference that is neither a name nor an ID (it would land in the Engine API URL)', async () => {
    const { router, calls } = routerWithSpy();
    for (const reference of ['../containers/abc', 'x?force=1', 'a/../b', 'ubuntu#x', '/etc/passwd']) {
      const remove = await router.handle(
        { id: 8, command: 'images.remove', input: { reference, force: true } },
        80,
        context,
      );
      expect(remove).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      const tag = await router.handle(
        { id: 9, command: 'images.tag', input: { source: reference, target: 'b:1' } },
        80,
        context,
      );
      expect(tag).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(calls).toEqual([]);
    // What the app sends: names, digests and image IDs (short, full, with sha256:).
    for (const reference of [
      'ubuntu',
      '127.0.0.1:5000/team/app:1',
      'app@sha256:' + 'a'.repeat(64),
      'ca5f91ab0521',
      'sha256:' + 'b'.repeat(64),
    ]) {
      const answer = await router.handle(
        { id: 10, command: 'images.tag', input: { source: reference, target: 'b:1' } },
        80,
        context,
      );
      expect(answer).toMatchObject({ ok: true });
    }
  });

  it('lets the renderer change no path the app reads or writes (the registry folder, daemon.json)', async () => {
    const { router, calls } = routerWithSpy();
    for (const input of [
      { daemonConfigPath: '/home/me/.bashrc' },
      { registry: { dataDir: '/home/me' } },
      { registry: { port: 5001, dataDir: '/' } },
    ]) {
      const answer = await router.handle({ id: 11, command: 'settings.update', input }, 80, context);
      expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(calls).toEqual([]);
    // The port and the network choice still reach the handler.
    await router.handle(
      { id: 12, command: 'settings.update', input: { registry: { port: 5001, exposeOnNetwork: true } } },
      80,
      context,
    );
    expect(calls).toEqual(['settings.update']);
  });

  it('answers INVALID_INPUT for a request that is not an object', async () => {
    const { router } = routerWithSpy();
    expect(await router.handle('images.list', 12, context)).toMatchObject({
      id: -1,
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await router.handle(null, 4, context)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('answers PAYLOAD_TOO_LARGE for an oversized request without touching a service', async () => {
    const { router, calls } = routerWithSpy();
    const response = await router.handle(
      { id: 3, command: 'images.list', input: {} },
      MAX_REQUEST_BYTES + 1,
      context,
    );
    expect(response).toMatchObject({ id: 3, ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(calls).toEqual([]);
  });

  it('passes valid input to the handler and its answer back', async () => {
    const { router, calls } = routerWithSpy();
    const response = await router.handle(
      { id: 4, command: 'images.tag', input: { source: 'a', target: 'b:1' } },
      60,
      context,
    );
    expect(response).toEqual({ id: 4, ok: true, result: { target: 'b:1' } });
    expect(calls).toEqual(['images.tag']);
  });

  it('keeps a service’s typed error as it is', async () => {
    const { router } = routerWithSpy();
    const response = await router.handle(
      { id: 5, command: 'images.remove', input: { reference: 'x' } },
      60,
      context,
    );
    expect(response).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Docker has no image x.' },
    });
  });

  it('refuses a handler answer that breaks the contract as INTERNAL', async () => {
    const { router } = routerWithSpy();
    const response = await router.handle({ id: 6, command: 'images.list', input: {} }, 60, context);
    expect(response).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
