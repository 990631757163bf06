/**
 * The typed seam between the host and the registry process: every request type of messages.ts sent
 * through the real child process, each result checked against the contract's own schema at run time
 * (the compile-time types say the same), and each failure arriving with the code the registry gave
 * it (a missing repository, a missing tag, an invalid name), not one guessed from its words. A full
 * disk's code is checked on a real ENOSPC (writing to /dev/full): no request writes to the disk.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  garbageCollectionResultSchema,
  registryStatsSchema,
  repositorySummarySchema,
} from '../../electron/api/contract/registry';
import type { RegistryRequestType } from '../../electron/registry/messages';
import { toReplyError } from '../../electron/registry/server/requests';
import { makeImage, pushBlob, putManifest, randomBlob } from '../helpers/registry-http';
import { RegistryIpc, RegistryReplyFailure } from '../helpers/registry-ipc';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';

let registry: RunningRegistry;
let ipc: RegistryIpc;

beforeAll(async () => {
  registry = await startRegistry({ ipc: true });
  ipc = new RegistryIpc(registry.child);
  const image = await makeImage(registry.url, 'seam/app');
  expect((await putManifest(registry.url, 'seam/app', 'v1', image.manifest)).status).toBe(201);
  // A cancelled push: a layer went up, no manifest, no tag.
  await pushBlob(registry.url, 'seam/left-over', randomBlob(1000));
  expect((await putManifest(registry.url, 'seam/app', 'v2', image.manifest)).status).toBe(201);
});
afterAll(async () => {
  await registry?.stop();
});

/** The contract's schema for each request's result: every request type must have one. */
const resultSchemas: { [K in RegistryRequestType]: z.ZodType } = {
  repositories: z.array(repositorySummarySchema),
  stats: registryStatsSchema,
  deleteTag: z.object({ digest: z.string().regex(/^sha256:[a-f0-9]{64}$/) }).strict(),
  gc: garbageCollectionResultSchema,
  deleteRepository: z.object({}).strict(),
};

async function failureOf(work: Promise<unknown>): Promise<RegistryReplyFailure> {
  try {
    await work;
  } catch (error) {
    if (error instanceof RegistryReplyFailure) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

describe('every request type through the real registry process', () => {
  it('answers each with a result of the contract’s shape', async () => {
    const results: { [K in RegistryRequestType]: unknown } = {
      repositories: await ipc.request('repositories', {}),
      stats: await ipc.request('stats', {}),
      deleteRepository: await ipc.request('deleteRepository', { repository: 'seam/left-over' }),
      deleteTag: await ipc.request('deleteTag', { repository: 'seam/app', tag: 'v2' }),
      gc: await ipc.request('gc', { dryRun: true }),
    };
    for (const type of Object.keys(resultSchemas) as RegistryRequestType[])
      expect(resultSchemas[type].safeParse(results[type]).error).toBeUndefined();
    expect(results.repositories).toMatchObject([
      { name: 'seam/app', tags: [{ tag: 'v1' }, { tag: 'v2' }] },
      { name: 'seam/left-over', tags: [], untaggedSize: 1000 },
    ]);
    expect(results.stats).toMatchObject({ repositories: 2, tags: 2 });
    expect(await ipc.request('repositories', {})).toMatchObject([{ name: 'seam/app' }]);
  });

  it('carries each failure’s code across the boundary', async () => {
    const missingRepository = await failureOf(ipc.request('deleteTag', { repository: 'no/such', tag: 'v1' }));
    expect(missingRepository.reply.code).toBe('REPOSITORY_NOT_FOUND');
    const missingTag = await failureOf(ipc.request('deleteTag', { repository: 'seam/app', tag: 'gone' }));
    expect(missingTag.reply).toMatchObject({ code: 'MANIFEST_UNKNOWN', hint: expect.any(String) });
    const invalid = await failureOf(ipc.request('deleteTag', { repository: 'Not/Valid', tag: 'v1' }));
    expect(invalid.reply.code).toBe('NAME_INVALID');
    // The process is still answering after the failures.
    expect(registryStatsSchema.safeParse(await ipc.request('stats', {})).success).toBe(true);
  });
});

describe('a full disk', () => {
  it('is NO_SPACE, decided from the system error’s code, with its words kept', () => {
    let diskFull: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (error) {
      diskFull = error;
    }
    expect((diskFull as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(toReplyError(diskFull)).toMatchObject({
      code: 'NO_SPACE',
      raw: expect.stringContaining('ENOSPC'),
    });
    expect(toReplyError(new Error('ENOSPC in words only')).code).toBe('INTERNAL');
  });
});
