// The process of one Lambda execution environment: run by plain `node`
// (no loader; Node strips the types), with only the environment Lambda would
// give the function. It imports the bundle from LAMBDA_TASK_ROOT (the init
// phase), then runs one invocation at a time as the parent sends them, with
// the context object Lambda's Node runtime passes. No imports from the
// repository: nothing but the bundle may be loaded here.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

interface Invoke {
  readonly type: 'invoke';
  readonly requestId: string;
  readonly event: unknown;
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

function send(message: unknown): void {
  process.send?.(message);
}

function errorShape(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  const e = error instanceof Error ? error : new Error(String(error));
  return { errorType: e.name, errorMessage: e.message, trace: (e.stack ?? '').split('\n') };
}

async function init(): Promise<Handler> {
  const [file = 'index', exported = 'handler'] = (process.env._HANDLER ?? 'index.handler').split('.');
  const module = (await import(pathToFileURL(join(process.env.LAMBDA_TASK_ROOT ?? '.', `${file}.mjs`)).href)) as Record<
    string,
    unknown
  >;
  const handler = module[exported];
  if (typeof handler !== 'function') throw new Error(`${file}.${exported} is not a function`);
  return handler as Handler;
}

function contextFor(invoke: Invoke): Record<string, unknown> {
  return {
    awsRequestId: invoke.requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: invoke.invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, invoke.deadlineMs - Date.now()),
  };
}

try {
  const handler = await init();
  process.on('message', (message: Invoke) => {
    if (message.type !== 'invoke') return;
    void (async () => {
      try {
        const result = await handler(message.event, contextFor(message));
        send({ type: 'result', requestId: message.requestId, result: result ?? null });
      } catch (error) {
        send({ type: 'error', requestId: message.requestId, error: errorShape(error) });
      }
    })();
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'init-error', error: errorShape(error) });
  process.exitCode = 1;
  process.disconnect?.();
}
