import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { adminKeyInBanner } from './dev-banner.ts';
import { requestRegistrationToken, type RegistrationTokenOptions } from './registration-token.ts';
import { waitFor } from './wait.ts';

// node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a
// child of its own, and a kill -9 of the CLI would leave that child running.
const TSX_LOADER = ['--import', 'tsx'];
const MAIN = join(process.cwd(), 'functions/runtime/dev-main.ts');

export interface ControlPlaneProcessOptions {
  /** Where the table lives across restarts; a fresh temporary directory by default. */
  readonly dataDir?: string;
  /** Environment for dev mode, e.g. BERTH_HEARTBEAT_TTL_SECONDS. */
  readonly env?: Readonly<Record<string, string>>;
  /** Run dev mode's own agent for this cluster (in the same process, so killed with it); none by default. */
  readonly agentCluster?: string;
}

/**
 * Dev mode (`npm start -- --data-dir D`) as a child process that a test can
 * kill -9 and start again on the same port and data directory, as an
 * operator's crash and restart would. The administrator key is printed only
 * at the first start; it is kept here for every later one.
 *
 * dev-main-process.ts also spawns dev mode, but through the tsx CLI exactly
 * as `npm start` does, because its tests are about Ctrl-C reaching that pair
 * of processes. Here the server must be the spawned process itself, so that
 * kill -9 ends it and nothing survives the crash; the two are kept apart.
 */
export class ControlPlaneProcess {
  readonly dataDir: string;
  private port = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private keys: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** The last output of the current run, for a failing test to show. */
  output = '';

  private readonly options: ControlPlaneProcessOptions;

  constructor(options: ControlPlaneProcessOptions = {}) {
    this.options = options;
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'berth-cp-'));
  }

  get endpoint(): string {
    if (this.port === 0) throw new Error('the control plane was never started');
    return `http://127.0.0.1:${this.port}`;
  }

  get credentials(): { accessKeyId: string; secretAccessKey: string } {
    if (!this.keys) throw new Error('the control plane printed no administrator key');
    return this.keys;
  }

  /** An unmodified ECS SDK client for it, without SDK retries (a test sees every error). */
  ecs(): ECSClient {
    return new ECSClient({
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: this.credentials,
      maxAttempts: 1,
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts dev mode and resolves once it serves (its banner is printed after the listen). */
  async start(): Promise<void> {
    if (this.child) throw new Error('the control plane is running already');
    if (this.port === 0) this.port = await freeLoopbackPort();
    const args = [MAIN, '--port', String(this.port), '--data-dir', this.dataDir];
    args.push(...(this.options.agentCluster ? ['--cluster', this.options.agentCluster] : ['--no-agent']));
    const child = spawn(process.execPath, [...TSX_LOADER, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_ENDPOINT_URL: '', ...this.options.env },
    });
    this.child = child;
    this.output = '';
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-16_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const gone = this.exited.then(() => {
      throw new Error(`dev mode exited before serving:\n${this.output}`);
    });
    await Promise.race([this.banner(), gone]);
  }

  /** kill -9: no shutdown code runs; the data directory is left as the crash leaves it. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** A crash and a start: kill -9 when running, then start on the same port and data directory. */
  async restart(): Promise<void> {
    if (this.child) await this.kill9();
    await this.start();
  }

  /** A clean stop (SIGTERM), with kill -9 if it does not exit within 20 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const late = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await this.signal('SIGTERM');
    clearTimeout(late);
  }

  /** Stops it and removes the data directory, unless the caller gave that directory. */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.options.dataDir === undefined) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A registration token for an agent, asked for as `berth agents token` asks. */
  registrationToken(cluster: string, options: RegistrationTokenOptions = {}): Promise<string> {
    return requestRegistrationToken(this.endpoint, this.credentials, cluster, options);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    await this.exited;
    this.child = undefined;
  }

  private async banner(): Promise<void> {
    await waitFor(() => (this.output.includes('Berth is running') ? true : undefined), { timeoutMs: 60_000 }).catch(
      (error: unknown) => {
        throw new Error(`dev mode did not start within 60 s:\n${this.output}`, { cause: error });
      },
    );
    this.keys ??= adminKeyInBanner(this.output);
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
