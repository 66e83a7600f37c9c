import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { adminKeyInBanner } from './dev-banner.ts';
import { waitFor } from './wait.ts';

const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const MAIN = join(process.cwd(), 'functions/runtime/dev-main.ts');

/**
 * `npm start` as a user runs it: tsx in front of the dev-mode entry point, in its own process.
 * control-plane-process.ts spawns dev mode as node with tsx's loader instead, so that its
 * kill -9 leaves no child behind; this one keeps the tsx CLI because Ctrl-C is tested through it.
 */
export interface DevMainProcess {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** The exit code, or the signal's name when a signal ended it. */
  readonly exited: Promise<number | string | null>;
}

export function startDevMain(args: readonly string[], env: NodeJS.ProcessEnv = {}): DevMainProcess {
  const child = spawn(TSX, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so killDevMain can end tsx and the node process under it together.
    detached: true,
    env: { ...process.env, AWS_ENDPOINT_URL: '', ...env },
  });
  const run: DevMainProcess = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal))),
  };
  child.stdout?.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

/** Waits for the banner and answers the endpoint and the administrator key it printed. */
export async function devMainReady(run: DevMainProcess, timeoutMs = 60_000) {
  await waitFor(() => (run.stdout.includes('Press Ctrl-C') ? true : undefined), {
    timeoutMs,
    what: `the banner (stderr: ${run.stderr})`,
  });
  const endpoint = /endpoint: (\S+)/.exec(run.stdout)?.[1] ?? '';
  const credentials = adminKeyInBanner(run.stdout);
  return { endpoint, ...(credentials && { credentials }) };
}

/**
 * Resolves with how the process ended, or undefined when it is still
 * running after `timeoutMs`: the caller decides whether that is a failure.
 */
export async function exitWithin(run: DevMainProcess, timeoutMs: number): Promise<number | string | null | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    return await Promise.race([run.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Ends the run and everything it started, at once (test cleanup; no tidying up). */
export async function killDevMain(run: DevMainProcess): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null && run.child.pid !== undefined) {
    try {
      process.kill(-run.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await run.exited;
}
