import type { InvocationMetrics } from './invocation-metrics.ts';
import type { InvocationContext, LambdaLogger } from './lambda-logger.ts';

/**
 * A function's Lambda entry around its handler: the logger names the
 * invocation (request id, cold start) before the handler runs, and what the
 * invocation measured is written as one EMF line when it ends, failed or not.
 * The logger is asked for at each call, as the runtime holding it is built
 * on first use.
 */
export function lambdaEntry<E, C extends InvocationContext, R>(
  logger: () => LambdaLogger,
  metrics: InvocationMetrics,
  handler: (event: E, context: C) => Promise<R>,
): (event: E, context: C) => Promise<R> {
  return async (event, context) => {
    logger().bind(context);
    try {
      return await handler(event, context);
    } finally {
      metrics.flush(Date.now());
    }
  };
}
