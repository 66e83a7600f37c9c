import type { ContainerDefinition } from '../schemas/task-definition.ts';
import { ClientError } from './errors.ts';

/**
 * The awslogs options CloudWatch Logs would refuse later, refused when the
 * task definition is registered instead: a task whose logs could never be
 * written must not start and lose them. The rules are CloudWatch Logs' own
 * (CreateLogGroup: 1 to 512 of `A-Za-z0-9 . - _ / #`; a log stream name has
 * no `:` or `*`).
 */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_PREFIX = /^[^:*]{1,512}$/;
const BOOLEAN_OPTION = /^(true|false)$/;

export function checkLogConfiguration(container: ContainerDefinition): void {
  const config = container.logConfiguration;
  if (config?.logDriver !== 'awslogs') return;
  const options = config.options ?? {};
  const invalid = (what: string): never => {
    throw new ClientError(`Invalid setting for container '${container.name}': logConfiguration.options ${what}`);
  };
  const group = options['awslogs-group'];
  if (group !== undefined && !LOG_GROUP_NAME.test(group)) {
    invalid(
      `awslogs-group '${group}' is not a valid log group name (1 to 512 characters of a-z, A-Z, 0-9, '.', '-', '_', '/', '#')`,
    );
  }
  const prefix = options['awslogs-stream-prefix'];
  if (prefix !== undefined && !STREAM_PREFIX.test(prefix)) {
    invalid(`awslogs-stream-prefix '${prefix}' must be 1 to 512 characters without ':' or '*'`);
  }
  const create = options['awslogs-create-group'];
  if (create !== undefined && !BOOLEAN_OPTION.test(create)) {
    invalid(`awslogs-create-group must be 'true' or 'false'`);
  }
  const mode = options.mode;
  if (mode !== undefined && mode !== 'blocking' && mode !== 'non-blocking') {
    invalid(`mode must be 'blocking' or 'non-blocking'`);
  }
}
