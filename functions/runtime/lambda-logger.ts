import { serialise, type Logger } from './logger.ts';

/** The part of Lambda's context object a log line carries. */
export interface InvocationContext {
  readonly awsRequestId: string;
  readonly functionName: string;
}

/**
 * A logger whose lines carry the invocation they were written in. DEBUG is
 * its own (the shared Logger has none, so dev mode's output stays as it is).
 */
export interface LambdaLogger extends Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Called once at the start of each invocation: the following lines name it. */
  bind(context: InvocationContext): void;
}

const THRESHOLDS: Readonly<Record<string, number>> = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  FATAL: 24,
  SILENT: 28,
};

/**
 * The lowest level written, read as Powertools reads it: Lambda's own
 * (advanced logging controls) first, then POWERTOOLS_LOG_LEVEL, then the
 * legacy LOG_LEVEL; INFO when none is set or the value is unknown.
 */
export function logThreshold(env: NodeJS.ProcessEnv): number {
  const named = env.AWS_LAMBDA_LOG_LEVEL ?? env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL ?? 'INFO';
  return THRESHOLDS[named.toUpperCase()] ?? (THRESHOLDS.INFO as number);
}

/** The trace id of the invocation, as the Lambda runtime sets it while active tracing is on. */
function traceId(env: NodeJS.ProcessEnv): string | undefined {
  return env._X_AMZN_TRACE_ID?.match(/Root=([^;]+)/)?.[1];
}

/**
 * The functions' logger in Lambda: one JSON object a line with the keys of
 * Powertools for AWS Lambda's logger (level, message, timestamp, service,
 * cold_start, function_name, function_request_id, xray_trace_id), so Logs
 * Insights queries written for Powertools work on Berth's log groups
 * (docs/decisions.md, "Function logs and metrics"). Cold start is true in the
 * first invocation the process serves, false after.
 */
export function lambdaLogger(options: { env?: NodeJS.ProcessEnv; write?: (line: string) => void } = {}): LambdaLogger {
  const env = options.env ?? process.env;
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const threshold = logThreshold(env);
  const service = env.POWERTOOLS_SERVICE_NAME ?? 'berth';
  let invocations = 0;
  let bound: Record<string, unknown> = {};
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if ((THRESHOLDS[level] as number) < threshold) return;
    const trace = traceId(env);
    write(
      JSON.stringify({
        level,
        message,
        timestamp: new Date().toISOString(),
        service,
        ...bound,
        ...(trace !== undefined && { xray_trace_id: trace }),
        ...serialise(fields),
      }),
    );
  };
  return {
    debug: log('DEBUG'),
    info: log('INFO'),
    warn: log('WARN'),
    error: log('ERROR'),
    bind(context) {
      invocations++;
      bound = {
        cold_start: invocations === 1,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      };
    },
  };
}
