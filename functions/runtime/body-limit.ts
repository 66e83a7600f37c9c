import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AWS_JSON } from '../api/respond.ts';

/**
 * Lambda refuses a request payload over 6 MB before Berth's code runs; dev
 * mode's HTTP server has no such limit of its own, so it gets the same one
 * here, answered with 413 in the AWS JSON error shape before the body is read
 * in full.
 */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

export function withBodyLimit(app: Hono, maxSize = MAX_REQUEST_BODY_BYTES): Hono {
  const limited = new Hono();
  limited.use(
    bodyLimit({
      maxSize,
      onError: (c) => {
        const message = `The request body exceeds ${maxSize} bytes, the most a request may carry`;
        c.header('x-amzn-ErrorType', 'ClientException');
        return c.body(JSON.stringify({ __type: 'ClientException', message }), 413, { 'content-type': AWS_JSON });
      },
    }),
  );
  limited.route('/', app);
  return limited;
}
