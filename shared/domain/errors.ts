/**
 * Errors of the domain core. Expected outcomes (a task that fits nowhere, a
 * lost race) are values; these are for requests that cannot be served. The
 * API edge maps each class to an ECS error type in one place (`toEcsError`,
 * which every router's onError answers with).
 */
export type ResourceKind =
  | 'cluster'
  | 'taskDefinition'
  | 'task'
  | 'containerInstance'
  | 'service'
  | 'serviceDeployment'
  | 'attribute'
  | 'namespace'
  /** A resource named by ARN in a tagging operation. */
  | 'taggedResource'
  | 'taskSet';

export abstract class BerthError extends Error {
  abstract readonly code: string;
  readonly context: Record<string, unknown>;
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}

/** A request field is missing, malformed or out of range. */
export class InvalidParameterError extends BerthError {
  override readonly name = 'InvalidParameterError';
  readonly code = 'InvalidParameter';
}

/** The request is well formed but not allowed in the current state. */
export class ClientError extends BerthError {
  override readonly name = 'ClientError';
  readonly code = 'Client';
}

/** A resource still used by another (a capacity provider by a service), as ECS's ResourceInUseException. */
export class ResourceInUseError extends BerthError {
  override readonly name = 'ResourceInUseError';
  readonly code = 'ResourceInUse';
}

export class NotFoundError extends BerthError {
  override readonly name = 'NotFoundError';
  readonly code = 'NotFound';
  readonly kind: ResourceKind;
  constructor(kind: ResourceKind, message: string, context: Record<string, unknown> = {}) {
    super(message, { ...context, kind });
    this.kind = kind;
  }
}

/**
 * An entity too large for one table item (DynamoDB stores at most 400 KB).
 * Adapters raise it before writing, so a request that would grow an entity
 * past the limit is a client error naming the limit, not a backend failure.
 */
export class ItemTooLargeError extends BerthError {
  override readonly name = 'ItemTooLargeError';
  readonly code = 'ItemTooLarge';
}

/** A cluster cannot be deleted while it still holds instances or tasks. */
export class ClusterNotEmptyError extends BerthError {
  override readonly name = 'ClusterNotEmptyError';
  readonly code = 'ClusterNotEmpty';
  readonly holds: 'containerInstances' | 'tasks' | 'services';
  constructor(holds: 'containerInstances' | 'tasks' | 'services', message: string) {
    super(message, { holds });
    this.holds = holds;
  }
}

/**
 * A conditional write lost: the item changed (or appeared, or vanished) since
 * it was read. Adapters raise it in place of their backend's own error, so no
 * caller above the adapter sees a DynamoDB exception.
 */
export class VersionConflictError extends BerthError {
  override readonly name = 'VersionConflictError';
  readonly code = 'VersionConflict';
}

/** The service exists but is being deleted or was deleted. */
export class ServiceNotActiveError extends BerthError {
  override readonly name = 'ServiceNotActiveError';
  readonly code = 'ServiceNotActive';
}

/** The request conflicts with the resource's current state (a deployment not in progress, ...). */
export class StateConflictError extends BerthError {
  override readonly name = 'StateConflictError';
  readonly code = 'StateConflict';
}

/**
 * An answer to an agent that is not success: fenced (stale epoch, HTTP 409),
 * unknown instance or task (404), a report about someone else's task (403),
 * or a task assigned but not yet written (503: ask again).
 * The agent API edge turns it into `{ code, message }` with the status.
 */
export class AgentError extends BerthError {
  override readonly name = 'AgentError';
  readonly code: string;
  readonly status: 403 | 404 | 409 | 503;
  constructor(status: 403 | 404 | 409 | 503, code: string, message: string) {
    super(message, { code });
    this.status = status;
    this.code = code;
  }
}
