import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ECSClient } from '@aws-sdk/client-ecs';
import { signedFetch } from '../../functions/cli/signed-fetch.ts';
import { createRegistrationTokenResponse } from '../../shared/security/agent-credentials.ts';
import { freePort } from './aws-endpoint.ts';
import { waitFor } from './wait.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'functions/runtime/dev-main.ts');
const BANNER = 'Berth is running';

export interface ControlPlaneProcessOptions {
  /** Where the table lives across restarts; a fresh temporary directory by default. */
  readonly dataDir?: string;
  /** Environment for the control plane (BERTH_HEARTBEAT_TTL_SECONDS, BERTH_MONITOR_INTERVAL_SECONDS, ...). */
  readonly env?: Record<string, string>;
  /** How long a start may take before it counts as failed; 60 s by default (a loaded machine). */
  readonly startTimeoutMs?: number;
}

/**
 * Dev mode's control plane (api, scheduler, monitor over the embedded
 * DynamoDB on a data directory) as a child process that can be killed with
 * SIGKILL and started again on the same data directory and port: the fault
 * injector for control-plane crashes and outages. Agents run elsewhere
 * (`--no-agent`) and outlive it.
 */
export class ControlPlaneProcess {
  readonly dataDir: string;
  private readonly options: ControlPlaneProcessOptions;
  private port = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';
  private key: { accessKeyId: string; secretAccessKey: string } | undefined;

  constructor(options: ControlPlaneProcessOptions = {}) {
    this.options = options;
    this.dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'berth-control-plane-'));
  }

  /** Starts it and resolves once it serves; the first start on a data directory creates the administrator key. */
  async start(): Promise<void> {
    if (this.running) throw new Error('the control plane is already running');
    if (this.port === 0) this.port = await freePort();
    this.output = '';
    // Node with tsx's loader, not the tsx command: one process, so SIGKILL leaves nothing behind.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, '--data-dir', this.dataDir, '--no-agent', '--port', String(this.port)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_ENDPOINT_URL: '', ...this.options.env } },
    );
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-16_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`the control plane exited: ${this.output}`);
        return this.output.includes(BANNER) ? true : undefined;
      },
      { timeoutMs: this.options.startTimeoutMs ?? 60_000, intervalMs: 100, what: 'the control plane to serve' },
    ).catch((error: unknown) => {
      throw new Error(`the control plane did not start: ${this.output}`, { cause: error });
    });
    const printed = /AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/.exec(this.output);
    if (printed?.[1] && printed[2]) this.key = { accessKeyId: printed[1], secretAccessKey: printed[2] };
    if (!this.key) throw new Error('the data directory had keys already, and this helper never saw them');
  }

  /** kill -9: no shutdown, no flush; the data directory keeps what was written. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Starts again on the same data directory and port, as an operator or a supervisor would. */
  async restart(): Promise<void> {
    await this.start();
  }

  /** Ctrl-C: the orderly stop. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The administrator key printed at the first start. */
  get credentials(): { accessKeyId: string; secretAccessKey: string } {
    if (!this.key) throw new Error('the control plane has not started yet');
    return this.key;
  }

  /** Its recent output, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  /** An unmodified ECS SDK client for it, without SDK retries (a test sees every error). */
  ecs(): ECSClient {
    return new ECSClient({ endpoint: this.endpoint, region: 'us-east-1', credentials: this.credentials, maxAttempts: 1 });
  }

  /** An agent registration token, made through the admin API as `berth agents token` makes it. */
  async registrationToken(cluster: string): Promise<string> {
    const signed = signedFetch({ credentials: this.credentials, region: 'us-east-1' });
    const response = await signed(`${this.endpoint}/admin/v1/registration-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cluster }),
    });
    if (!response.ok) throw new Error(`registration token refused: ${response.status} ${await response.text()}`);
    return createRegistrationTokenResponse.parse(await response.json()).registrationToken.registrationToken;
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.child?.kill(signal);
    await this.exited;
  }
}
