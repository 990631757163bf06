/**
 * The OCI Distribution grammar for repository names and tags, declared once. The contract's schemas
 * (what the router lets through), the registry's checks (what may become a path on disk) and the
 * image-reference parser (what `docker tag` takes) all use these, so the three can't drift apart.
 * Pure TypeScript with no imports: the renderer and the registry process load it too.
 *
 *   name       := path-component { "/" path-component }           (at most NAME_MAX_LENGTH characters)
 *   path-comp. := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}                (at most TAG_MAX_LENGTH characters)
 */

/** One component of a repository path: lowercase alphanumerics joined by `.`, `_`, `__` or runs of `-`. */
export const PATH_COMPONENT_PATTERN = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A whole repository name: components separated by `/` (length checked apart: NAME_MAX_LENGTH). */
export const REPOSITORY_NAME_PATTERN =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/**
 * Longest repository name (with the registry host, for a full image name): Docker refuses longer
 * ones, and so do other registries; longer ones would also break on-disk paths.
 */
export const NAME_MAX_LENGTH = 255;
/** Longest tag. */
export const TAG_MAX_LENGTH = 128;
/** A tag, its length limit included. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** True when `name` is a repository name a registry stores (no host part). */
export function isValidRepositoryName(name: string): boolean {
  return name.length > 0 && name.length <= NAME_MAX_LENGTH && REPOSITORY_NAME_PATTERN.test(name);
}

/** True when `tag` is a valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}
