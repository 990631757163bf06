/**
 * The compressible image of `npm run bench:fastpush` (issue 23): what the issue measured, a copy of a
 * browser's library folder, as real files in several layers. Shared by the bench and its profile.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';

/** The browser's library folder the issue measured (Debian's chromium package; `.ci/run` installs it). */
export const LIBRARY = '/usr/lib/chromium';
/** The browser binary alone is most of the folder: it is cut into this many layers, the rest is one more. */
const BINARY_PARTS = 3;

/**
 * FROM scratch + busybox + a copy of the browser's library folder in LAYERS layers of real files: the
 * browser binary cut into BINARY_PARTS pieces (one layer each), and every other file of the folder
 * (libraries, .pak resources, ICU data, locales) in a last one. Real machine code and data, which
 * gzip shrinks about 2.3× at Docker's level, slowly — what real images hold, unlike synthetic text.
 */
export async function buildLibraryImage(docker: Docker): Promise<string> {
  const binary = join(LIBRARY, 'chromium');
  if (!existsSync(binary))
    throw new Error(
      `bench:fastpush copies ${LIBRARY} into its compressible image: install Debian's chromium package (.ci/run does).`,
    );
  const reference = `berth-bench/fastpush-library-${process.pid}:1`;
  const context = await mkdtemp(join(tmpdir(), 'berth-fastpush-'));
  try {
    await copyFile('/usr/bin/busybox', join(context, 'busybox'));
    const lines = ['FROM scratch', 'COPY busybox /bin/busybox'];
    const files = ['Dockerfile', 'busybox', 'rest'];
    const whole = (await stat(binary)).size;
    const part = Math.ceil(whole / BINARY_PARTS);
    for (let index = 0; index < BINARY_PARTS; index += 1) {
      const name = `chromium.part-${index}`;
      await pipeline(
        createReadStream(binary, { start: index * part, end: Math.min(whole, (index + 1) * part) - 1 }),
        createWriteStream(join(context, name)),
      );
      files.push(name);
      lines.push(`COPY ${name} ${LIBRARY}/${name}`);
    }
    await cp(LIBRARY, join(context, 'rest'), {
      recursive: true,
      filter: (source) => source !== binary,
    });
    lines.push(`COPY rest ${LIBRARY}/`, 'CMD ["/bin/busybox", "true"]');
    await writeFile(join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
    const stream = await docker.buildImage(
      { context, src: files },
      { t: reference, rm: true, forcerm: true },
    );
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failed = error?.message ?? output.find((message) => message.error)?.error;
        if (failed) reject(new Error(failed));
        else resolve();
      }),
    );
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return reference;
}
