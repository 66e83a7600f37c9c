import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '#agent/check/check.ts';
import { identity } from '#agent/state/state-dir.ts';

// node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a
// child of its own, and a kill -9 of the CLI would leave that child running.
const TSX_LOADER = ['--import', 'tsx'];
const MAIN = join(process.cwd(), 'agent/main.ts');

export interface AgentProcessOptions {
  readonly endpoint: string;
  readonly cluster: string;
  /** Asked for at the first start only: later starts re-attach with the credential in the state directory. */
  readonly registrationToken: () => Promise<string>;
  /** e.g. `unix:///tmp/x.sock` to put a fault injector between the agent and the engine. */
  readonly dockerHost?: string;
  /** More agent options, e.g. `['--awslogs', 'cloudwatch']`. */
  readonly args?: readonly string[];
  /** More environment, e.g. the host's AWS credentials and endpoint. */
  readonly env?: Readonly<Record<string, string>>;
  /** The EC2 metadata service to read (a fake one); by default the agent runs with IMDS off. */
  readonly imdsEndpoint?: string;
}

/**
 * `berth-agent` as its own process, as it runs on a host: a test can kill -9
 * it (a crash), freeze it with SIGSTOP (a host that stops answering without
 * dying: a long GC pause, a hypervisor stall, a partition) and resume it.
 */
export class AgentProcess {
  readonly stateDir = mkdtempSync(join(tmpdir(), 'berth-agent-proc-'));
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  output = '';

  private readonly options: AgentProcessOptions;

  constructor(options: AgentProcessOptions) {
    this.options = options;
  }

  /** The instance id, once the agent has registered. */
  get instanceId(): string | undefined {
    try {
      return parse(identity, JSON.parse(readFileSync(join(this.stateDir, 'identity.json'), 'utf8'))).instanceId;
    } catch {
      return undefined;
    }
  }

  /** Starts the agent and resolves once it is registered. */
  async start(): Promise<string> {
    if (this.child) throw new Error('the agent is running already');
    const { endpoint, cluster, dockerHost } = this.options;
    const imds =
      this.options.imdsEndpoint === undefined ? ['--no-imds'] : ['--imds-endpoint', this.options.imdsEndpoint];
    const args = [MAIN, '--endpoint', endpoint, '--cluster', cluster, '--state-dir', this.stateDir, ...imds];
    args.push('--cleanup-delay', '5', '--log-level', 'warn');
    if (this.instanceId === undefined) args.push('--registration-token', await this.options.registrationToken());
    if (dockerHost) args.push('--docker-host', dockerHost);
    args.push(...(this.options.args ?? []));
    const child = spawn(process.execPath, [...TSX_LOADER, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_ENDPOINT_URL: '', ...this.options.env },
    });
    this.child = child;
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-16_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let alive = true;
    void this.exited.then(() => (alive = false));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const id = this.instanceId;
      if (id !== undefined) return id;
      if (!alive) throw new Error(`berth-agent exited before registering:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`berth-agent did not register within 60 s:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGSTOP: the process stays, says nothing and does nothing, its containers run on. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** A plain stop: containers keep running for the next agent to adopt. */
  async stop(): Promise<void> {
    const child = this.child;
    this.resume();
    // An agent stuck on a fault (a hung engine, say) may not finish its stop: kill -9 it after 15 s.
    const late = setTimeout(() => child?.kill('SIGKILL'), 15_000);
    await this.signal('SIGTERM');
    clearTimeout(late);
  }

  /** Stops it and removes its state directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    await this.exited;
    this.child = undefined;
  }
}
