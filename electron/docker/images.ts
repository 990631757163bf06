/** The local images as `docker images` shows them, and the tag / untag / remove verbs on them. */
import type Dockerode from 'dockerode';
import type { LocalImage } from '../api/contract/images';
import { AppError } from '../api/app-error';
import { parseReference } from '../common/reference';
import { dockerUnreachable } from './diagnose';

export class ImageService {
  constructor(private readonly docker: () => Dockerode) {}

  async list(): Promise<LocalImage[]> {
    let images: Dockerode.ImageInfo[];
    try {
      images = await this.docker().listImages();
    } catch (error) {
      throw dockerUnreachable(error, 'list your images') ?? AppError.from(error);
    }
    return images.map((image) => ({
      id: image.Id,
      repoTags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
      repoDigests: (image.RepoDigests ?? []).filter((digest) => !digest.startsWith('<none>@')),
      size: image.Size,
      created: image.Created,
    }));
  }

  /** Tags `source` (a name or an image ID) as `target`; answers the name Docker will show. */
  async tag(source: string, target: string): Promise<{ target: string }> {
    const parsed = parseReference(target);
    if (!parsed.ok)
      throw new AppError('NAME_INVALID', `"${target}" is not a valid image name: ${parsed.reason}`);
    if (parsed.ref.digest)
      throw new AppError('NAME_INVALID', 'A tag target cannot contain a digest (@sha256:…).');
    // The daemon stores names in their short form itself; we hand it the full one.
    const repo = parsed.ref.name;
    const tag = parsed.ref.tag ?? 'latest';
    try {
      await this.docker().getImage(source).tag({ repo, tag });
    } catch (error) {
      throw notFoundOr(error, source, 'tag');
    }
    return {
      target: parsed.ref.familiar.endsWith(`:${tag}`) ? parsed.ref.familiar : `${parsed.ref.familiar}:${tag}`,
    };
  }

  async remove(reference: string, force: boolean): Promise<{ untagged: string[]; deleted: string[] }> {
    try {
      const result = (await this.docker().getImage(reference).remove({ force })) as Array<{
        Untagged?: string;
        Deleted?: string;
      }>;
      return {
        untagged: result.flatMap((entry) => (entry.Untagged ? [entry.Untagged] : [])),
        deleted: result.flatMap((entry) => (entry.Deleted ? [entry.Deleted] : [])),
      };
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 409) {
        throw new AppError(
          'CONFLICT',
          `Docker won't remove ${reference}: it is in use or referenced by several tags.`,
          {
            raw: rawMessage(error),
            hint: 'Remove the containers that use it, or untag each name first.',
          },
        );
      }
      throw notFoundOr(error, reference, 'remove');
    }
  }
}

/** Why tagging or removing `reference` failed: Docker unreachable, no such image, or Docker's refusal. */
function notFoundOr(error: unknown, reference: string, action: 'tag' | 'remove'): AppError {
  const unreachable = dockerUnreachable(error, `${action} ${reference}`);
  if (unreachable) return unreachable;
  if ((error as { statusCode?: number }).statusCode === 404) {
    return new AppError('NOT_FOUND', `Docker has no image ${reference}.`, { raw: rawMessage(error) });
  }
  return new AppError('INTERNAL', `Docker refused the request for ${reference}.`, {
    raw: rawMessage(error),
    cause: error,
  });
}

function rawMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  return json?.message ?? (error instanceof Error ? error.message : String(error));
}
