import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import { awsSecurity } from '../runtime/aws-security.ts';
import { invocationMetrics } from '../runtime/invocation-metrics.ts';
import { lambdaEntry } from '../runtime/lambda-entry.ts';
import { createApp } from './app.ts';
import { withCallMetrics } from './call-metrics.ts';
import { consoleAssetsFromFiles } from './console/assets.ts';

const runtime = awsRuntime();
const security = awsSecurity(runtime);
const metrics = invocationMetrics('api');

/** Lambda entry behind the function URL: the same app dev mode serves, every call signed. */
const serve = handle(
  createApp({
    ctx: runtime.ctx,
    logger: runtime.logger,
    guard: security.guard,
    admin: security.admin,
    secrets: security.secrets,
    // Shipped beside the bundle (infra/constructs/berth-function.ts), not inside it.
    console: consoleAssetsFromFiles(new URL('console/', import.meta.url)),
  }),
);

const serveEvent = (event: LambdaEvent, context: LambdaContext) => serve(event, context);

export const handler = lambdaEntry(() => runtime.logger, metrics, withCallMetrics(serveEvent, metrics));
