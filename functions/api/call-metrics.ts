import type { MetricsRecorder } from '../runtime/invocation-metrics.ts';

/** What the api reads of a function URL request and its answer. */
interface UrlEvent {
  readonly rawPath?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}
interface UrlResult {
  readonly statusCode?: number;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

const AGENT_POLL = /^\/agent\/v1\/clusters\/[^/]+\/instances\/[^/]+\/poll$/;

/**
 * The api's metrics, read from the function URL's request and answer rather
 * than inside the app, so dev mode and the app stay as they are: a RunTask's
 * latency and the tasks it placed, and each agent poll.
 */
export function withCallMetrics<E extends object, C, R extends UrlResult>(
  handler: (event: E, context: C) => Promise<R>,
  metrics: MetricsRecorder,
): (event: E, context: C) => Promise<R> {
  return async (event, context) => {
    const started = performance.now();
    const result = await handler(event, context);
    // The function URL's event (payload format 2.0); hono's union of every event shape does not narrow to it.
    const request = event as UrlEvent;
    if (request.headers?.['x-amz-target']?.endsWith('.RunTask')) {
      metrics.add('RunTaskLatency', 'Milliseconds', performance.now() - started);
      if (result.statusCode === 200) metrics.add('RunTaskPlacements', 'Count', placed(result));
    }
    if (AGENT_POLL.test(request.rawPath ?? '')) metrics.add('AgentPolls', 'Count', 1);
    return result;
  };
}

function placed(result: UrlResult): number {
  try {
    const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString() : result.body;
    const tasks: unknown = (JSON.parse(body ?? '{}') as { tasks?: unknown }).tasks;
    return Array.isArray(tasks) ? tasks.length : 0;
  } catch {
    return 0;
  }
}
