import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('../../bin/berth-agent.js', import.meta.url));

/**
 * The real `berth-agent` command as a child process, for faults an agent in
 * the test's own process cannot suffer: freezing it (SIGSTOP, as a stalled
 * host or a long GC pause would) and killing it with SIGKILL.
 */
export class AgentProcess {
  private child: ChildProcess | undefined;
  private output = '';
  readonly stateDir: string;
  private readonly endpoint: string;
  private readonly cluster: string;
  private readonly registrationToken: string;

  private constructor(endpoint: string, cluster: string, registrationToken: string, stateDir: string | undefined) {
    this.endpoint = endpoint;
    this.cluster = cluster;
    this.registrationToken = registrationToken;
    this.stateDir = stateDir ?? mkdtempSync(join(tmpdir(), 'berth-agent-process-'));
  }

  /** Starts an agent that registers with `registrationToken` (or re-attaches from `stateDir`). */
  static start(options: { endpoint: string; cluster: string; registrationToken: string; stateDir?: string }): AgentProcess {
    const agent = new AgentProcess(options.endpoint, options.cluster, options.registrationToken, options.stateDir);
    agent.spawn();
    return agent;
  }

  /** The agent's last few kilobytes of log, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  /** Stops the process in its tracks: no poll, no report, no timer runs until thaw(). */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops the agent as an operator would (SIGTERM); its containers keep running. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  private spawn(): void {
    const child = spawn(
      process.execPath,
      [
        LAUNCHER,
        '--endpoint',
        this.endpoint,
        '--cluster',
        this.cluster,
        '--registration-token',
        this.registrationToken,
        '--state-dir',
        this.stateDir,
        '--no-imds',
        '--cleanup-delay',
        '5',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
    });
    this.child = child;
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A frozen process ignores SIGTERM until it runs again.
    child.kill('SIGCONT');
    child.kill(signal);
    await exited;
  }
}
