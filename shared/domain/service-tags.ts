import type { Tag } from '../schemas/common.ts';
import { InvalidParameterError } from './errors.ts';

/**
 * What a service does with the tasks of an instance that stops heartbeating,
 * as its tag `berth:on-disconnect` says: `replace` (the default) or `wait`.
 * Read when the service is created and whenever its tags change.
 */
export function onDisconnectOf(tags: readonly Tag[]): 'replace' | 'wait' {
  const value = tags.find((t) => t.key === 'berth:on-disconnect')?.value;
  if (value === undefined) return 'replace';
  if (value !== 'replace' && value !== 'wait') {
    throw new InvalidParameterError("The tag berth:on-disconnect must be 'replace' or 'wait'", {
      tags: 'berth:on-disconnect',
    });
  }
  return value;
}
