import { waitFor } from './wait.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startAgent, type AgentHandle } from '#agent/index.ts';
import { parse } from '#agent/check/check.ts';
import { identity } from '#agent/state/state-dir.ts';

const run = promisify(execFile);
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * A real agent on the local Docker engine, in this process, with its own
 * state directory: several of them on one engine are several container
 * instances, told apart by their identity. Each start brings a registration
 * token of its own (a restart on a kept state directory re-attaches with the
 * instance credential instead).
 */
export async function startTestAgent(
  berth: { readonly endpoint: string; registrationToken(cluster: string): Promise<string> },
  cluster: string,
  options: {
    stateDir?: string;
    attributes?: Record<string, string>;
    hostAddress?: string;
    metricsIntervalSeconds?: number;
    awsvpcSubnet?: string;
    dns?: { address: string; port?: number };
    /** An instance metadata endpoint to read the EC2 identity from (none by default). */
    imdsEndpoint?: string;
  } = {},
): Promise<AgentHandle & { stateDir: string }> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'berth-agent-test-'));
  const agent = await startAgent({
    endpoint: berth.endpoint,
    cluster,
    registrationToken: await berth.registrationToken(cluster),
    stateDir,
    imds: options.imdsEndpoint !== undefined ? { endpoint: options.imdsEndpoint } : false,
    logger: quiet,
    cleanupDelaySeconds: 5,
    ...(options.attributes !== undefined && { attributes: options.attributes }),
    ...(options.hostAddress !== undefined && { hostAddress: options.hostAddress }),
    ...(options.metricsIntervalSeconds !== undefined && { metricsIntervalSeconds: options.metricsIntervalSeconds }),
    ...(options.awsvpcSubnet !== undefined && { awsvpcSubnet: options.awsvpcSubnet }),
    ...(options.dns !== undefined && { dns: options.dns }),
  });
  return Object.assign(agent, { stateDir });
}

/** The instance credential an agent keeps in its state directory, for raw agent API calls. */
export function agentCredential(stateDir: string): string {
  const saved = parse(identity, JSON.parse(readFileSync(join(stateDir, 'identity.json'), 'utf8')));
  if (!saved.credential) throw new Error(`no instance credential in ${stateDir}`);
  return saved.credential.token;
}

/** Container ids on the engine carrying all the given Berth labels. */
export async function containersLabelled(labels: Record<string, string>, all = false): Promise<string[]> {
  const filters = Object.entries(labels).flatMap(([k, v]) => ['--filter', `label=${k}=${v}`]);
  const { stdout } = await run('docker', ['ps', '-q', ...(all ? ['-a'] : []), ...filters]);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/**
 * Removes every container of a test cluster: the tests clean up after
 * themselves. An agent may still be removing some of them (its cleanup
 * delay), and the engine then refuses `rm` for those ("removal ... already in
 * progress", "No such container"): ask again until none is left.
 */
export async function removeClusterContainers(cluster: string): Promise<void> {
  await waitFor(
    async () => {
      const ids = await containersLabelled({ 'com.berth.cluster': cluster }, true);
      if (ids.length === 0) return true;
      await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
      return undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: `the containers of cluster ${cluster} to be removed` },
  );
  // Task networks outlive an agent killed by a test; Docker's address pools hold only about 30.
  const { stdout } = await run('docker', ['network', 'ls', '-q', '--filter', `label=com.berth.cluster=${cluster}`]);
  const networks = stdout.split('\n').filter((id) => id !== '');
  if (networks.length > 0) await run('docker', ['network', 'rm', ...networks]).catch(() => undefined);
}
