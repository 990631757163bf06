// Parallel gzip: independent members, compressed on the thread pool, written in input order, read
// back as one gzip stream by zlib (as by Go's gzip reader in dockerd and containerd).
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createParallelGzip } from '../../electron/docker/fast-push/parallel-gzip';

async function gzipThrough(
  chunks: Buffer[],
  options: Parameters<typeof createParallelGzip>[0] = {},
): Promise<Buffer> {
  return buffer(Readable.from(chunks).pipe(createParallelGzip(options)));
}

/** Offsets of the gzip member headers (1f 8b 08) in `bytes`: a rough count of members. */
function memberCount(bytes: Buffer): number {
  let count = 0;
  for (
    let index = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08]));
    index !== -1;
    index = bytes.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), index + 1)
  )
    count += 1;
  return count;
}

describe('createParallelGzip', () => {
  it('gives back the input, in order, through members compressed in parallel', async () => {
    const text = Buffer.from('berth '.repeat(200_000)); // 1.2 MB, compressible
    const noise = randomBytes(700_000);
    const input = [text.subarray(0, 333_333), noise, text.subarray(333_333)];
    const gz = await gzipThrough(input, { chunkSize: 256 * 1024, concurrency: 3 });
    expect(gunzipSync(gz).equals(Buffer.concat(input))).toBe(true);
    expect(memberCount(gz)).toBeGreaterThanOrEqual(Math.floor(Buffer.concat(input).length / (256 * 1024)));
    expect(gz.length).toBeLessThan(Buffer.concat(input).length);
  });

  it('writes one valid (empty) member for empty input', async () => {
    const gz = await gzipThrough([]);
    expect(gz.length).toBeGreaterThan(0);
    expect(gunzipSync(gz).length).toBe(0);
  });

  it('handles input that is an exact multiple of the chunk size', async () => {
    const input = randomBytes(4 * 64 * 1024);
    expect(gunzipSync(await gzipThrough([input], { chunkSize: 64 * 1024 })).equals(input)).toBe(true);
  });
});
