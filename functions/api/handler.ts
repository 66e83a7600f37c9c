import { handle } from 'hono/aws-lambda';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import { awsSecurity } from '../runtime/aws-security.ts';
import { createApp } from './app.ts';
import { consoleAssetsFromFiles } from './console/assets.ts';

const runtime = awsRuntime();
const security = awsSecurity(runtime);

/** Lambda entry behind the function URL: the same app dev mode serves, every call signed. */
export const handler = handle(
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
