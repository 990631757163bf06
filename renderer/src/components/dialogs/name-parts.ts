/**
 * The parts of an image name, `[registry-host]/[user]/[repository]:[tag]`, as the Tag dialog draws them
 * live under the full name (issue 22): what each part is, and the parts Docker fills in when they are
 * left out (no host means Docker Hub; no tag means latest). Pure, so the wording is unit-tested.
 */
import { DEFAULT_TAG, DOCKER_HUB_DOMAIN } from '../../../../electron/common/reference';

export interface NamePart {
  kind: 'registry' | 'namespace' | 'repository' | 'tag';
  /** What is written (or, when `implied`, what Docker reads in its place). */
  text: string;
  /** Not typed: Docker fills it in. */
  implied: boolean;
  /** What the part is, in a beginner's words. */
  label: string;
}

export interface NamePartsInput {
  /** The registry host ('docker.io' for Docker Hub, '' while not typed yet). */
  host: string;
  namespace: string;
  repository: string;
  tag: string;
  /** True when the host is Berth's own registry. */
  local: boolean;
}

export function nameParts(input: NamePartsInput): { parts: NamePart[]; destination: string } {
  const hub = input.host === DOCKER_HUB_DOMAIN;
  const namespace = input.namespace.trim().replace(/^\/+|\/+$/g, '');
  const repository = input.repository.trim();
  const tag = input.tag.trim();
  const parts: NamePart[] = [
    hub
      ? { kind: 'registry', text: DOCKER_HUB_DOMAIN, implied: true, label: 'no host written: Docker Hub' }
      : {
          kind: 'registry',
          text: input.host || 'host',
          implied: input.host === '',
          label: input.local ? 'registry host: Berth’s own' : 'registry host',
        },
  ];
  if (namespace)
    parts.push({
      kind: 'namespace',
      text: namespace,
      implied: false,
      label: hub ? 'your Docker ID' : 'user or team',
    });
  else if (hub)
    parts.push({ kind: 'namespace', text: 'library', implied: true, label: 'official images only' });
  parts.push({
    kind: 'repository',
    text: repository || 'repository',
    implied: repository === '',
    label: 'repository',
  });
  parts.push(
    tag
      ? { kind: 'tag', text: tag, implied: false, label: 'tag (version)' }
      : { kind: 'tag', text: DEFAULT_TAG, implied: true, label: 'no tag written: latest' },
  );
  const destination = hub
    ? 'A push sends it to Docker Hub, the default registry.'
    : input.local
      ? `A push sends it to Berth’s local registry at ${input.host}.`
      : input.host
        ? `A push sends it to the registry at ${input.host}.`
        : 'Type the registry host: the name’s first part says where a push goes.';
  return { parts, destination };
}
