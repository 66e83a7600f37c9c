import { handle } from 'hono/aws-lambda';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import { createApp } from './app.ts';

const runtime = awsRuntime();

/** Lambda entry behind the function URL: the same app dev mode serves. */
export const handler = handle(createApp({ ctx: runtime.ctx, logger: runtime.logger }));
