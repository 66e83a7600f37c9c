import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { inject } from 'vitest';

/**
 * Where integration tests find an AWS-compatible endpoint for DynamoDB and
 * SQS. In order of preference:
 *
 * 1. `AWS_ENDPOINT_URL`, if set: any endpoint, a real AWS account included.
 * 2. `BERTH_TEST_LOCALSTACK=1`: LocalStack started through testcontainers
 *    (needs the LocalStack image and, for current versions, an auth token).
 * 3. Otherwise moto server (`pip install 'moto[server]'`), started here on a
 *    free loopback port.
 *
 * The global setup resolves it once and hands it to every test file through
 * vitest's provide/inject.
 */
export interface AwsEndpoint {
  readonly url: string;
  readonly kind: 'env' | 'localstack' | 'moto';
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > until) throw new Error(`Nothing answered at ${url} within ${deadlineMs} ms`, { cause: error });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startMoto(): Promise<AwsEndpoint> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.on('error', (error) =>
      reject(new Error(`Could not start moto_server (pip install 'moto[server]'): ${error.message}`)),
    );
    child.on('exit', (code) => reject(new Error(`moto_server exited with ${code}: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([waitForHttp(`${url}/moto-api/`, 30_000), exited]);
  exited.catch(() => {});
  return {
    url,
    kind: 'moto',
    stop: async () => {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
    },
  };
}

async function startLocalStack(): Promise<AwsEndpoint> {
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const image = process.env.BERTH_LOCALSTACK_IMAGE ?? 'localstack/localstack:latest';
  const container = await new LocalstackContainer(image).start();
  return { url: container.getConnectionUri(), kind: 'localstack', stop: async () => void (await container.stop()) };
}

export async function resolveAwsEndpoint(): Promise<AwsEndpoint> {
  const fromEnv = process.env.AWS_ENDPOINT_URL;
  if (fromEnv) return { url: fromEnv, kind: 'env', stop: async () => {} };
  if (process.env.BERTH_TEST_LOCALSTACK === '1') return startLocalStack();
  return startMoto();
}

/** The endpoint the global setup resolved, for use inside test files. */
export function testAwsEndpoint(): string {
  return inject('awsEndpoint');
}

/** Credentials and region for emulators; real AWS uses the usual chain instead. */
export function testAwsClientConfig(): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    endpoint: testAwsEndpoint(),
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
    },
  };
}
