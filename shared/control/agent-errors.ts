import { BerthError } from '../domain/errors.ts';

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
