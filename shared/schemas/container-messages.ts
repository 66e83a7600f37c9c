import * as z from 'zod';
import { containerMessages } from './container-message-text.ts';

export { containerMessages, isContainerClientMessage } from './container-message-text.ts';

/** A container's `name`: 1-255 letters, numbers, hyphens and underscores, with ECS's messages. */
export const containerName = z
  .string({ error: containerMessages.nameMissing })
  .min(1, containerMessages.nameMissing)
  .max(255, containerMessages.nameInvalid)
  .regex(/^[a-zA-Z0-9_-]+$/, containerMessages.nameInvalid);

/** A container's `image`: 1-255 characters, with ECS's message when it is missing. */
export const containerImage = z
  .string({ error: containerMessages.imageMissing })
  .min(1, containerMessages.imageMissing)
  .max(255);
