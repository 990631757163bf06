/** The registry badge beside each name of an image row (issue 22). Pure, so it is unit-tested. */
import { DOCKER_HUB_DOMAIN, parseReference } from '../../../../electron/common/reference';

/**
 * The registry badge's words, its tooltip and whether the name gets a Push button, from one parse of
 * the name. The badge says where a push of that name would go, not where the image came from: a local
 * `myapp:v1` has no host, so Docker would push it to Docker Hub.
 */
export function describeName(
  name: string,
  localPort?: number,
): { registry: string; pushable: boolean; tooltip: string } {
  const parsed = parseReference(name);
  const host = parsed.ok ? parsed.ref.domain : undefined;
  const elsewhere = host !== undefined && host !== DOCKER_HUB_DOMAIN;
  if (!elsewhere) {
    const full = parsed.ok ? parsed.ref.normalized : name;
    return {
      registry: 'Docker Hub',
      pushable: false,
      tooltip: `Where a push of this name would go: it has no registry host, so Docker means Docker Hub (${full}). It doesn't say where the image came from.`,
    };
  }
  const local =
    localPort !== undefined &&
    [`localhost:${localPort}`, `127.0.0.1:${localPort}`, `[::1]:${localPort}`].includes(host);
  // A name written with a registry host (`127.0.0.1:5000/app:1`) can be pushed as it is.
  return {
    registry: host,
    pushable: true,
    tooltip: local
      ? `Where a push of this name goes: Berth's local registry at ${host}.`
      : `Where a push of this name goes: the registry at ${host}.`,
  };
}
