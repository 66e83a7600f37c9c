import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as z from 'zod';
import { startAgent, type AgentHandle } from '#agent/index.ts';
import type { AgentOptions } from '#agent/config/agent-options.ts';
import type { AgentLogger } from '#agent/log.ts';
import { taskRecord } from '#shared/agent/task-model.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import type { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { BUSYBOX_IMAGE } from '../support/busybox-image.ts';

const run = promisify(execFile);

/** A cluster name no other test file uses, so label-scoped cleanup touches only this file's containers. */
export function uniqueCluster(prefix: string): string {
  return `t-${prefix}-${randomUUID().slice(0, 8)}`;
}

/** One directory per test file for state dirs and sockets; `removeTempDirs` in afterAll. */
let scratch: string | undefined;

export function tempStateDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'berth-agent-test-'));
  return mkdtempSync(join(scratch, 'state-'));
}

/** The agent's own record of a task, as it is on disk now (undefined while unreadable). */
export function savedRecord(stateDir: string, taskId: string): z.infer<typeof taskRecord> | undefined {
  try {
    const saved = taskRecord.safeParse(JSON.parse(readFileSync(join(stateDir, 'tasks', `${taskId}.json`), 'utf8')));
    return saved.success ? saved.data : undefined;
  } catch {
    return undefined;
  }
}

export function removeTempDirs(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** Collects log lines so a failing test can show what the agent said. */
export function memoryLogger(): AgentLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

export async function startTestAgent(
  fake: FakeControlPlane,
  cluster: string,
  options: Partial<AgentOptions> = {},
): Promise<AgentHandle> {
  return startAgent({
    endpoint: fake.url,
    cluster,
    stateDir: tempStateDir(),
    imds: false,
    backoff: { baseMs: 100, capMs: 1_000 },
    logger: memoryLogger(),
    ...options,
  });
}

export function busybox(
  name: string,
  command: string[],
  extra: Partial<ContainerDefinition> = {},
): ContainerDefinition {
  return { name, image: BUSYBOX_IMAGE, command, memory: 64, ...extra };
}

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args);
  return stdout.trim();
}

/** Ids of every container, running or not, carrying the label. */
export async function containersWithLabel(label: string): Promise<string[]> {
  const out = await docker('ps', '-aq', '--no-trunc', '--filter', `label=${label}`);
  return out === '' ? [] : out.split('\n');
}

/** Removes this test's containers, found by their cluster label; nobody else's are touched. */
export { removeClusterContainers } from '../support/agents.ts';

const inspectSchema = z.array(
  z.object({
    Id: z.string(),
    State: z.object({ Status: z.string(), ExitCode: z.number() }),
    HostConfig: z.object({
      CpuShares: z.number(),
      CpuQuota: z.number(),
      CpuPeriod: z.number(),
      Memory: z.number(),
      MemoryReservation: z.number(),
    }),
    Config: z.object({ Labels: z.record(z.string(), z.string()).nullable() }),
  }),
);

export async function dockerInspect(id: string): Promise<z.infer<typeof inspectSchema>[number]> {
  const [first] = inspectSchema.parse(JSON.parse(await docker('inspect', id)));
  if (!first) throw new Error(`docker inspect ${id} returned nothing`);
  return first;
}

/** Checks `probe` until it yields a value or the deadline passes; for state only the engine can tell. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
