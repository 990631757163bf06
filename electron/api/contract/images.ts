/** Commands and events about the images in the local Docker daemon. */
import { z } from 'zod';
import { isLocalImageReference } from '../../common/reference';
import { command, event } from './define';

export const localImageSchema = z.object({
  id: z.string(),
  repoTags: z.array(z.string()),
  repoDigests: z.array(z.string()),
  size: z.number(),
  created: z.number(),
});
export type LocalImage = z.infer<typeof localImageSchema>;

const imageReference = z
  .string()
  .min(1)
  .max(512)
  .refine(isLocalImageReference, 'not an image name or image ID');

export const imagesCommands = {
  'images.list': command(
    z.object({}),
    z.array(localImageSchema),
    'Local images, as `docker images` lists them.',
  ),
  'images.tag': command(
    z.object({ source: imageReference, target: imageReference }),
    z.object({ target: z.string() }),
    'Add a tag to a local image; answers the normalised name.',
  ),
  'images.remove': command(
    z.object({ reference: imageReference, force: z.boolean().default(false) }),
    z.object({ untagged: z.array(z.string()), deleted: z.array(z.string()) }),
    'Untag a reference, or remove an image by ID.',
  ),
} as const;

export const imagesEvents = {
  'images.changed': event(
    z.object({ action: z.string(), id: z.string().optional(), reference: z.string().optional() }),
    'The daemon reported a change to its images (tag, untag, delete, pull, load…).',
  ),
} as const;
