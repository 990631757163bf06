/** The version check `/v2/`, tags list, catalog and referrers. */
import { type Handler, paginate, sendJson } from './context';
import { registryError } from '../errors';
import { MEDIA_TYPES } from '../manifest-format';
import { parseDigest } from '../names';

/** GET/HEAD /v2/: "this is a registry/2.0 registry" (the header is added to every response). */
export const apiVersion: Handler = (ctx) => {
  sendJson(ctx.res, 200, {});
  return Promise.resolve();
};

/** GET /v2/<name>/tags/list: tags in lexical order with n/last pagination. */
export const listTags: Handler = async (ctx) => {
  if (!(await ctx.storage.repositories.exists(ctx.name)))
    throw registryError('NAME_UNKNOWN', 'repository name not known to registry', {
      detail: { name: ctx.name },
    });
  const { page, link } = paginate(
    await ctx.storage.tags.list(ctx.name),
    ctx.query,
    `/v2/${ctx.name}/tags/list`,
  );
  sendJson(ctx.res, 200, { name: ctx.name, tags: page }, link ? { Link: link } : {});
};

/** GET /v2/_catalog: repositories in lexical order with n/last pagination. */
export const catalog: Handler = async (ctx) => {
  const { page, link } = paginate(await ctx.storage.repositories.names(), ctx.query, '/v2/_catalog');
  sendJson(ctx.res, 200, { repositories: page }, link ? { Link: link } : {});
};

/** GET /v2/<name>/referrers/<digest>: an OCI index of manifests whose subject is <digest>. */
export const referrers: Handler = async (ctx) => {
  const subject = parseDigest(ctx.params[0]);
  const artifactType = ctx.query.get('artifactType') ?? undefined;
  const manifests = await ctx.storage.manifests.referrers(ctx.name, subject, artifactType);
  sendJson(
    ctx.res,
    200,
    { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests },
    {
      'Content-Type': MEDIA_TYPES.ociIndex,
      ...(artifactType !== undefined ? { 'OCI-Filters-Applied': 'artifactType' } : {}),
    },
  );
};
