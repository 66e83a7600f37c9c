import * as z from 'zod';

/**
 * The words ECS answers RegisterTaskDefinition's common container mistakes
 * with, as a ClientException. Tools match on them (and users search for
 * them), so they are ECS's own text, not a schema library's.
 */
export const containerMessages = {
  nameMissing: 'Container.name should not be null or empty.',
  nameInvalid: 'Container.name contains invalid characters.',
  imageMissing: 'Container.image should not be null or empty.',
  tooMany: 'Too many containers.',
  // Docker 20.10 and later reserve 6 MiB for a container; ECS refuses less.
  memoryTooLow: "Invalid 'memory' setting for container: the minimum is 6 MiB.",
  duplicateName: 'Container names must be unique within a Task Definition.',
} as const;

const verbatim: ReadonlySet<string> = new Set(Object.values(containerMessages));

/** True for a schema message that is ECS's own ClientException text, to be answered as it is. */
export function isContainerClientMessage(message: string): boolean {
  return verbatim.has(message);
}

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
