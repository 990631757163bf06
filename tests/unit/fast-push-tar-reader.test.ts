/**
 * The fast push's tar reader (electron/docker/fast-push/tar-reader.ts) against archives GNU tar
 * writes in its three formats (long names, long link targets, hard links, empty and unaligned files,
 * a body bigger than the reader's buffer): the same entries and bytes as tar-stream's extract reads,
 * whether the archive comes whole, in random pieces or a byte at a time. It ends at the archive's
 * end marker while its source is still open (the daemon's answer ends later), fails clearly on an
 * archive cut short, a corrupt header or a failing source, applies a PAX size record, and never
 * takes more from its source than its reader has room for.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile, link } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, readAll } from '../../electron/docker/fast-push/export-stream';
import { readTar, TarFormatError } from '../../electron/docker/fast-push/tar-reader';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Seen {
  name: string;
  size: number;
  type: string | null;
  linkname: string | null;
  sha: string;
}

let root: string;
const archives = new Map<string, Buffer>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-tar-reader-'));
  const tree = join(root, 'tree');
  const deep = join(tree, 'a'.repeat(60), 'b'.repeat(60));
  await mkdir(deep, { recursive: true });
  await writeFile(join(tree, 'empty'), '');
  await writeFile(join(tree, 'unaligned'), randomBytes(1000));
  await writeFile(join(tree, 'big'), randomBytes(5 * 1024 * 1024 + 123));
  await writeFile(join(deep, `${'c'.repeat(90)}.json`), '{"long":"name"}');
  await symlink(join('a'.repeat(60), 'b'.repeat(60), `${'c'.repeat(90)}.json`), join(tree, 'to-long'));
  await link(join(tree, 'unaligned'), join(tree, 'hard'));
  for (const format of ['gnu', 'pax', 'ustar']) {
    const file = join(root, `${format}.tar`);
    // ustar can't hold the 150+ character names: its archive leaves out the deep folder.
    const members = format === 'ustar' ? ['empty', 'unaligned', 'big', 'hard'] : ['.'];
    execFileSync('tar', [`--format=${format}`, '-cf', file, '-C', tree, ...members]);
    archives.set(format, execFileSync('cat', [file], { maxBuffer: 64 * 1024 * 1024 }));
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** What tar-stream's extract reads from `archive`: the yardstick. */
async function byTarStream(archive: Buffer): Promise<Seen[]> {
  const tar = extract();
  Readable.from([archive]).pipe(tar);
  const seen: Seen[] = [];
  for await (const entry of tar) {
    const data = await readAll(entry, 64 * 1024 * 1024);
    const { name, size, type, linkname } = entry.header;
    seen.push({ name, size: size ?? 0, type: type ?? null, linkname: linkname ?? null, sha: sha(data) });
  }
  return seen;
}

async function byReader(source: Readable): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const { header, body } of readTar(source)) {
    const data = await readAll(body, 64 * 1024 * 1024);
    seen.push({ ...header, sha: sha(data) });
  }
  return seen;
}

/** `bytes` in pieces of 1 to `most` bytes. */
function pieces(bytes: Buffer, most: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + Math.floor(Math.random() * most);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** A ustar header block with a correct checksum. */
function headerBlock(name: string, size: number, typeflag: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write('00000000000\0', 136);
  block.write(typeflag, 156);
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263);
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

const padded = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);

describe('readTar', () => {
  it.each(['gnu', 'pax', 'ustar'])('reads GNU tar’s %s archive as tar-stream does', async (format) => {
    const archive = archives.get(format) as Buffer;
    const expected = await byTarStream(archive);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    if (format !== 'ustar') {
      // The long name, the long link target and the hard link came through as such.
      expect(expected.some((entry) => entry.name.endsWith(`${'c'.repeat(90)}.json`))).toBe(true);
      expect(expected.find((entry) => entry.name.endsWith('to-long'))?.linkname).toMatch(/c{90}\.json$/);
    }
    expect(expected.find((entry) => entry.name.endsWith('hard'))?.type).toBe('link');
    expect(await byReader(Readable.from([archive]))).toEqual(expected);
    expect(await byReader(Readable.from(pieces(archive, 70_000)))).toEqual(expected);
  });

  it('reads an archive that comes a byte at a time', async () => {
    const archive = Buffer.concat([
      headerBlock('one', 700, '0'),
      padded(randomBytes(700)),
      headerBlock('two', 0, '0'),
      headerBlock('three', 3, '0'),
      padded(Buffer.from('abc')),
      Buffer.alloc(1024),
    ]);
    const bytes = [...archive].map((byte) => Buffer.from([byte]));
    expect(await byReader(Readable.from(bytes))).toEqual(await byTarStream(archive));
  });

  it('ends at the end marker while its source is still open, without reading on', async () => {
    const archive = Buffer.concat([
      headerBlock('only', 5, '0'),
      padded(Buffer.from('hello')),
      Buffer.alloc(1024),
    ]);
    const source = new PassThrough();
    // After the marker, bytes that are not an archive, and no end: the daemon still deleting its staging folder.
    source.write(Buffer.concat([archive, Buffer.from('not part of the archive'.repeat(50))]));
    const seen: string[] = [];
    for await (const { header, body } of readTar(source)) {
      seen.push(`${header.name}:${(await readAll(body, 1024)).toString()}`);
    }
    expect(seen).toEqual(['only:hello']);
    expect(source.readableEnded).toBe(false);
    source.destroy();
  });

  it('does not end at one zero block inside the archive', async () => {
    const archive = Buffer.concat([
      headerBlock('first', 1, '0'),
      padded(Buffer.from('1')),
      Buffer.alloc(512),
      headerBlock('second', 1, '0'),
      padded(Buffer.from('2')),
      Buffer.alloc(1024),
    ]);
    expect((await byReader(Readable.from([archive]))).map((entry) => entry.name)).toEqual([
      'first',
      'second',
    ]);
  });

  it('applies a PAX size record to the entry after it', async () => {
    const record = Buffer.from('12 size=700\n');
    const data = randomBytes(700);
    const archive = Buffer.concat([
      headerBlock('PaxHeaders/big', record.length, 'x'),
      padded(record),
      // The ustar field says 0, as for a file too big for it.
      headerBlock('big', 0, '0'),
      padded(data),
      Buffer.alloc(1024),
    ]);
    expect(await byReader(Readable.from([archive]))).toEqual([
      { name: 'big', size: 700, type: 'file', linkname: null, sha: sha(data) },
    ]);
  });

  it('applies a global PAX record only through a local one, as tar-stream does', async () => {
    const global = Buffer.from('20 path=elsewhere/x\n');
    const local = Buffer.from('12 size=300\n');
    const data = randomBytes(300);
    const archive = Buffer.concat([
      headerBlock('GlobalHead', global.length, 'g'),
      padded(global),
      // No local record: the global one renames nothing.
      headerBlock('first', 3, '0'),
      padded(Buffer.from('one')),
      headerBlock('PaxHeaders/second', local.length, 'x'),
      padded(local),
      headerBlock('second', 0, '0'),
      padded(data),
      Buffer.alloc(1024),
    ]);
    const seen = await byReader(Readable.from([archive]));
    expect(seen).toEqual(await byTarStream(archive));
    expect(seen.map((entry) => `${entry.name}:${entry.size}`)).toEqual(['first:3', 'elsewhere/x:300']);
  });

  it('fails a source destroyed before it was given', async () => {
    const source = new PassThrough();
    source.destroy();
    await expect(byReader(source)).rejects.toThrow(/closed in the middle of the archive/);
  });

  it('fails an archive cut short, in a body and in a header', async () => {
    const archive = archives.get('gnu') as Buffer;
    const inBody = byReader(Readable.from([archive.subarray(0, 2048 + 100)]));
    await expect(inBody).rejects.toThrow(TarFormatError);
    await expect(inBody).rejects.toThrow(/ended in the middle of the archive/);
    const inHeader = byReader(Readable.from([archive.subarray(0, 300)]));
    await expect(inHeader).rejects.toThrow(/ended in the middle of the archive/);
  });

  it('fails a source destroyed without an error', async () => {
    const source = new PassThrough();
    source.write(Buffer.concat([headerBlock('half', 4096, '0'), randomBytes(1000)]));
    const reading = byReader(source);
    setImmediate(() => source.destroy());
    await expect(reading).rejects.toThrow(/closed in the middle of the archive/);
  });

  it('fails a header whose checksum is wrong', async () => {
    const block = headerBlock('bad', 1, '0');
    block[0] = 'c'.charCodeAt(0);
    const reading = byReader(Readable.from([Buffer.concat([block, padded(Buffer.from('x'))])]));
    await expect(reading).rejects.toThrow(TarFormatError);
    await expect(reading).rejects.toThrow(/not a readable tar archive/);
  });

  it('passes the source’s failure to the body being read and to the caller', async () => {
    const source = new PassThrough();
    source.write(Buffer.concat([headerBlock('layer.tar', 10 * 1024 * 1024, '0'), randomBytes(64 * 1024)]));
    const entries = readTar(source);
    const first = await entries.next();
    expect(first.done).toBe(false);
    const body = (first.value as { body: Readable }).body;
    const reading = drain(body);
    source.destroy(Object.assign(new Error('the daemon went away'), { code: 'ECONNRESET' }));
    await expect(reading).rejects.toThrow('the daemon went away');
    await expect(entries.next()).rejects.toThrow('the daemon went away');
  });

  it('a failure while nobody reads the body is kept for its reader, not thrown out of the process', async () => {
    const source = new PassThrough();
    source.write(Buffer.concat([headerBlock('layer.tar', 4096, '0'), randomBytes(1000)]));
    const entries = readTar(source);
    const first = await entries.next();
    const body = (first.value as { body: Readable }).body;
    // The upload isn't reading yet (its session is being created) when the export fails.
    source.destroy(new Error('cancelled'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.errored?.message).toBe('cancelled');
    await expect(drain(body)).rejects.toThrow('cancelled');
  });

  it('takes from its source only what the body’s reader has room for', async () => {
    const size = 48 * 1024 * 1024;
    const chunk = randomBytes(1024 * 1024);
    let produced = 0;
    const source = Readable.from(
      (function* () {
        yield Buffer.concat([headerBlock('layer.tar', size, '0')]);
        for (let at = 0; at < size; at += chunk.length) {
          produced += chunk.length;
          yield chunk;
        }
        yield Buffer.alloc(1024);
      })(),
      { highWaterMark: 1 },
    );
    let consumed = 0;
    let mostAhead = 0;
    for await (const { body } of readTar(source)) {
      for await (const piece of body) {
        consumed += (piece as Buffer).length;
        mostAhead = Math.max(mostAhead, produced - consumed);
        // A slow reader: the disk behind the upload.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    expect(consumed).toBe(size);
    // The body's 2 MiB, a chunk waiting in the reader, and the source's own buffer and the one it yields.
    expect(mostAhead).toBeLessThanOrEqual(6 * 1024 * 1024);
  });
});
