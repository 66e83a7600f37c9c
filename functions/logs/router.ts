import { Hono, type Context } from 'hono';
import type * as z from 'zod';
import { LogsError } from '#shared/control/logs-errors.ts';
import {
  describeLogGroups,
  describeLogStreams,
  filterLogEvents,
  getLogEvents,
  type LogReadContext,
} from '#shared/control/log-queries.ts';
import {
  describeLogGroupsRequest,
  describeLogStreamsRequest,
  filterLogEventsRequest,
  getLogEventsRequest,
} from '#shared/schemas/logs-requests.ts';
import type { Logger } from '#functions/runtime/logger.ts';
import { admitted, answerErrors, type EnvelopeEnv } from '#functions/api/envelope.ts';
import type { RequestGuard } from '#functions/api/guard.ts';
import { AWS_JSON, parseJsonBody } from '#functions/api/respond.ts';
import { ProtocolError, type EcsErrorShape } from '#functions/api/ecs/errors.ts';

/** CloudWatch Logs' target prefix; its calls share Berth's endpoint in dev mode. */
export const LOGS_TARGET_PREFIX = 'Logs_20140328.';

export function isLogsCall(c: Context): boolean {
  return (c.req.header('x-amz-target') ?? '').startsWith(LOGS_TARGET_PREFIX);
}

const operationName = (c: Context) => (c.req.header('x-amz-target') ?? '').slice(LOGS_TARGET_PREFIX.length);

interface Operation {
  readonly schema: z.ZodType;
  run(ctx: LogReadContext, input: never): unknown;
}

const operations: Record<string, Operation> = {
  GetLogEvents: { schema: getLogEventsRequest, run: getLogEvents },
  FilterLogEvents: {
    schema: filterLogEventsRequest,
    run: (ctx, input: z.infer<typeof filterLogEventsRequest>) => filterLogEvents(ctx, input, Date.now()),
  },
  DescribeLogStreams: { schema: describeLogStreamsRequest, run: describeLogStreams },
  DescribeLogGroups: { schema: describeLogGroupsRequest, run: describeLogGroups },
};

function ownErrors(error: unknown): EcsErrorShape | undefined {
  return error instanceof LogsError ? { type: error.code, status: 400, message: error.message } : undefined;
}

/** A request that fails its schema, as CloudWatch Logs says it: InvalidParameterException naming the member. */
function invalidMember(error: z.ZodError): LogsError {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(request)';
  return new LogsError('InvalidParameterException', `${path}: ${issue?.message ?? 'invalid'}`);
}

/**
 * The CloudWatch Logs subset dev mode answers (AWS JSON 1.1,
 * `Logs_20140328.<Op>`, signed for `logs` with a Berth key; policies name
 * the calls `logs:<Operation>`): GetLogEvents, FilterLogEvents,
 * DescribeLogStreams, DescribeLogGroups over Berth's log store. Not part of
 * the api Lambda: in AWS the clients read CloudWatch Logs itself.
 */
export function logsRouter(ctx: LogReadContext, guard: RequestGuard, logger: Logger): Hono<EnvelopeEnv> {
  const app = new Hono<EnvelopeEnv>();
  app.onError(answerErrors(logger, (c) => `logs request ${c.req.header('x-amz-target') ?? ''}`, ownErrors));
  app.post(
    '/',
    admitted(guard, (c) => `logs:${operationName(c)}`),
    async (c) => {
      const name = operationName(c);
      const op = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (!op)
        throw new ProtocolError(
          'UnknownOperationException',
          `Unknown operation ${JSON.stringify(c.req.header('x-amz-target'))}`,
        );
      const parsed = op.schema.safeParse(parseJsonBody(c.get('raw')));
      if (!parsed.success) throw invalidMember(parsed.error);
      await c.get('admission').authorize(parsed.data);
      const result = await op.run(ctx, parsed.data as never);
      return c.body(JSON.stringify(result), 200, { 'content-type': AWS_JSON });
    },
  );
  return app;
}
