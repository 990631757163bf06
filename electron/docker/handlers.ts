/** The `docker.*` and `images.*` commands: the connection's state, and the local images. */
import type { HandlersFor } from '../api/router';
import type { DockerConnection } from './connection';
import type { ImageService } from './images';

/** What the handlers are given, built by the composition root. */
export interface DockerServices {
  connection: Pick<DockerConnection, 'status' | 'check'>;
  images: ImageService;
}

export function createDockerHandlers({
  connection,
  images,
}: DockerServices): HandlersFor<'docker'> & HandlersFor<'images'> {
  return {
    'docker.status': () => connection.status(),
    'docker.check': () => connection.check(),
    'images.list': () => images.list(),
    'images.tag': ({ source, target }) => images.tag(source, target),
    'images.remove': ({ reference, force }) => images.remove(reference, force),
  };
}
