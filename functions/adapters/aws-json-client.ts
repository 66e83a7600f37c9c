import type { IncomingMessage } from 'node:http';
import {
  createAwsJsonCall,
  type AwsCredentials,
  type AwsJsonAnswer,
  type AwsJsonRequest,
  type AwsJsonService,
  type Backoff,
} from '#shared/aws/aws-json-call.ts';

export { standardRetry, type AwsJsonService, type Backoff } from '#shared/aws/aws-json-call.ts';

/**
 * Berth's lean client for the AWS services that speak a JSON protocol
 * (DynamoDB, SQS, KMS): the signed call of shared/aws/aws-json-call.ts
 * over a keep-alive connection pool. It replaces the AWS SDK in the Lambda
 * functions, whose bundles the SDK's request pipeline tripled
 * (docs/decisions.md, "Lambda bundles"), and in dev mode, where that
 * pipeline cost four times what the embedded emulator spends answering.
 *
 * What it leaves out of the SDK: credential providers other than static
 * keys (a Lambda function has them in its environment), request
 * compression, endpoint discovery, checksums of responses.
 */
export interface AwsJsonClientOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** Connections kept per endpoint; default 32. */
  readonly maxSockets?: number;
  /** Attempts for throttling, 5xx, clock skew and dropped connections; default the SDK's 3. */
  readonly maxAttempts?: number;
  readonly backoff?: Backoff;
}

export interface AwsJsonClient {
  /** Makes one call; the answer is the operation's JSON, unchecked. Throws AwsServiceError. */
  call(operation: string, input: unknown): Promise<unknown>;
  /** Closes the pooled connections. */
  destroy(): void;
}

function readAnswer(response: IncomingMessage): Promise<AwsJsonAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.on('end', () => {
      const errorType = response.headers['x-amzn-errortype'];
      resolve({
        status: response.statusCode ?? 0,
        text: Buffer.concat(chunks).toString('utf8'),
        date: response.headers.date,
        errorType: typeof errorType === 'string' ? errorType : undefined,
      });
    });
  });
}

/**
 * node:http and node:https taken as built-in modules rather than ES module
 * imports: an ES import of node:http builds its export list, whose lazy
 * getters load Node's fetch stack (undici), about 60 ms of CPU in a cold
 * start (docs/performance.md); getBuiltinModule returns the module object
 * as `require` does, without that.
 */
function transport(secure: boolean, maxSockets: number) {
  if (secure) {
    const https = process.getBuiltinModule('node:https');
    return { pool: new https.Agent({ keepAlive: true, maxSockets }), send: https.request };
  }
  const http = process.getBuiltinModule('node:http');
  return { pool: new http.Agent({ keepAlive: true, maxSockets }), send: http.request };
}

export function createAwsJsonClient(service: AwsJsonService, options: AwsJsonClientOptions): AwsJsonClient {
  const url = new URL(options.endpoint);
  // Made on the first call, not with the client: loading node:https (TLS and
  // its crypto) was 10 to 15 ms of the api's import CPU, and a cold start
  // that never calls the service need not pay it (docs/performance.md).
  let connection: ReturnType<typeof transport> | undefined;
  const connect = () => (connection ??= transport(url.protocol === 'https:', options.maxSockets ?? 32));

  function post(request: AwsJsonRequest): Promise<AwsJsonAnswer> {
    const { pool, send } = connect();
    return new Promise((resolve, reject) => {
      const outgoing = send(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: url.pathname,
          agent: pool,
          headers: { ...request.headers, 'content-length': request.body.length },
        },
        (response) => void readAnswer(response).then(resolve, reject),
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  return {
    call: createAwsJsonCall(service, { ...options, url, send: post }),
    destroy: () => connection?.pool.destroy(),
  };
}
