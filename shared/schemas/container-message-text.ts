// Zod-free: the agent bundle reaches these through shared/domain/resources.ts.

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
