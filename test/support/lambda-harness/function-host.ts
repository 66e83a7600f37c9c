import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const RUNTIME_CHILD = fileURLToPath(new URL('./runtime-child.ts', import.meta.url));
/** Lambda gives the init phase (the bundle's import) ten seconds. */
const INIT_TIMEOUT_MS = 10_000;

export interface FunctionSpec {
  readonly name: string;
  readonly arn: string;
  readonly codeDir: string;
  readonly timeoutSeconds: number;
  /** The whole environment of the process: nothing is inherited from the harness. */
  readonly environment: Readonly<Record<string, string>>;
  /** Execution environments that may run at once (Lambda's concurrency, kept small on a laptop). */
  readonly maxConcurrency: number;
}

export type InvokeOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

interface Environment {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  busy: boolean;
}

/** A start of an invocation, for tests that act while one runs (kill it, say). */
export interface InvocationStart {
  readonly requestId: string;
  readonly event: unknown;
  readonly pid: number | undefined;
}

/**
 * One function as Lambda runs it: execution environments (a node process
 * each) started on demand, reused while warm, one invocation at a time each,
 * killed and replaced when an invocation outlives the function's timeout or
 * its process dies.
 */
export class FunctionHost {
  private readonly environments = new Set<Environment>();
  private readonly waiting: (() => void)[] = [];
  private readonly startListeners = new Set<(start: InvocationStart) => void>();
  private stopped = false;
  private crashBeforeResponse: ((event: unknown) => boolean) | undefined;
  /** The last output of every environment of the function (its CloudWatch log, roughly). */
  logs = '';
  /** Every line the function wrote, for callers that follow the log (start:aws-local prints them). */
  onLog: ((line: string) => void) | undefined;
  invocations = 0;

  readonly spec: FunctionSpec;

  constructor(spec: FunctionSpec) {
    this.spec = spec;
  }

  /** Calls `listener` at the start of every invocation; returns the unsubscribe. */
  onInvocationStart(listener: (start: InvocationStart) => void): () => void {
    this.startListeners.add(listener);
    return () => this.startListeners.delete(listener);
  }

  async invoke(event: unknown): Promise<InvokeOutcome> {
    const environment = await this.acquire();
    const requestId = randomUUID();
    try {
      return await this.run(environment, requestId, event);
    } finally {
      environment.busy = false;
      this.waiting.shift()?.();
    }
  }

  /**
   * A fault, once: the next invocation whose event `matches` runs to the end,
   * and its process is killed -9 as it answers, so the caller never hears
   * back. Whatever the handler wrote stays written; what it was handed (an
   * SQS batch) is neither acknowledged nor reported failed.
   */
  crashBeforeNextResponse(matches: (event: unknown) => boolean): void {
    this.crashBeforeResponse = matches;
  }

  /** kill -9 every execution environment: invocations in flight end as Lambda reports a crashed runtime. */
  async killAll(): Promise<void> {
    await Promise.all([...this.environments].map((environment) => this.kill(environment)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.killAll();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      if (this.stopped) throw new Error(`${this.spec.name} is stopped`);
      const idle = [...this.environments].find((environment) => !environment.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.environments.size < this.spec.maxConcurrency) {
        const fresh = await this.start();
        if (!fresh.busy) {
          fresh.busy = true;
          return fresh;
        }
      } else {
        await new Promise<void>((resolve) => this.waiting.push(resolve));
      }
    }
  }

  private async start(): Promise<Environment> {
    const child = spawn(process.execPath, [RUNTIME_CHILD], {
      cwd: this.spec.codeDir,
      env: { ...this.spec.environment },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A send to an environment that just died reports here; the exit ends its invocation.
    child.on('error', () => {});
    const environment: Environment = { child, exited, busy: false };
    this.environments.add(environment);
    void exited.then(() => {
      this.environments.delete(environment);
      this.waiting.shift()?.();
    });
    this.follow(child);
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type?: string; error?: { errorMessage: string } }) => {
        if (message.type === 'ready') resolve();
        if (message.type === 'init-error') {
          const text = `INIT_REPORT Init failed: ${message.error?.errorMessage}`;
          this.logs = (this.logs + text + '\n').slice(-64_000);
          this.onLog?.(text);
          reject(new Error(`${this.spec.name}: ${text}`));
        }
      });
      void exited.then(() => reject(new Error(`${this.spec.name} exited during init:\n${this.logs.slice(-2000)}`)));
    });
    const late = setTimeout(() => child.kill('SIGKILL'), INIT_TIMEOUT_MS);
    try {
      await ready;
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(late);
    }
    return environment;
  }

  private follow(child: ChildProcess): void {
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      this.logs = (this.logs + text).slice(-64_000);
      if (this.onLog) for (const line of text.split('\n').filter(Boolean)) this.onLog(line);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  private run(environment: Environment, requestId: string, event: unknown): Promise<InvokeOutcome> {
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const { child } = environment;
    this.invocations++;
    return new Promise<InvokeOutcome>((resolve) => {
      const onMessage = (message: {
        type?: string;
        requestId?: string;
        result?: unknown;
        error?: { errorType: string; errorMessage: string };
      }) => {
        if (message.requestId !== requestId) return;
        if (this.crashBeforeResponse?.(event)) {
          this.crashBeforeResponse = undefined;
          child.kill('SIGKILL'); // the exit below ends the invocation as a crashed runtime
          return;
        }
        if (message.type === 'result') finish({ ok: true, result: message.result });
        if (message.type === 'error' && message.error) finish({ ok: false, ...message.error });
      };
      const timer = setTimeout(() => {
        // Lambda ends the environment of a timed-out invocation; the next one starts cold.
        void this.kill(environment);
        finish({
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
        });
      }, timeoutMs);
      const finish = (outcome: InvokeOutcome) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(outcome);
      };
      child.on('message', onMessage);
      void environment.exited.then(() =>
        finish({
          ok: false,
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${child.signalCode ?? `exit status ${child.exitCode}`}`,
        }),
      );
      child.send({
        type: 'invoke',
        requestId,
        event,
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn: this.spec.arn,
      });
      for (const listener of this.startListeners) listener({ requestId, event, pid: child.pid });
    });
  }

  private async kill(environment: Environment): Promise<void> {
    environment.child.kill('SIGKILL');
    await environment.exited;
  }
}
