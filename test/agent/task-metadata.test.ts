import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentHandle } from '#agent/index.ts';
import type { TaskSpec } from '#shared/schemas/agent-api.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import {
  busybox,
  docker,
  eventually,
  removeClusterContainers,
  removeTempDirs,
  startTestAgent,
  tempStateDir,
  uniqueCluster,
} from './support.ts';

const run = promisify(execFile);
const cluster = uniqueCluster('metadata');
const stateDir = tempStateDir();
let fake: FakeControlPlane;
let agent: AgentHandle;

beforeAll(async () => {
  await ensureBusyboxImage();
  fake = await FakeControlPlane.start({ pollIntervalSeconds: 0.2 });
  agent = await startTestAgent(fake, cluster, { stateDir, registrationToken: 'metadata-secret-token' });
});

afterAll(async () => {
  await agent?.stop();
  await fake?.close();
  await removeClusterContainers(cluster);
  removeTempDirs();
});

/** A running task's containers, by name, with their runtime ids. */
async function runTask(containers: Parameters<typeof busybox>[], extra: Partial<TaskSpec> = {}) {
  const spec = fake.runTask(
    agent.instanceId,
    containers.map((args) => busybox(...args)),
    extra,
  );
  agent.pollNow();
  const running = await fake.waitForTask(spec.taskId, (t) => t.last?.lastStatus === 'RUNNING');
  const ids = new Map((running.last?.containers ?? []).map((c) => [c.name, c.runtimeId ?? ''] as const));
  return { spec, ids };
}

/** `wget` inside a container: the body, or the error wget printed. */
async function wget(runtimeId: string, url: string): Promise<{ ok: boolean; text: string }> {
  try {
    const { stdout } = await run('docker', ['exec', runtimeId, 'wget', '-q', '-O', '-', url]);
    return { ok: true, text: stdout };
  } catch (error) {
    return { ok: false, text: String((error as { stderr?: string }).stderr ?? error) };
  }
}

async function readJson(runtimeId: string, url: string): Promise<Record<string, unknown>> {
  const answer = await wget(runtimeId, url);
  expect(answer.ok, answer.text).toBe(true);
  return JSON.parse(answer.text) as Record<string, unknown>;
}

async function environment(runtimeId: string): Promise<Map<string, string>> {
  const lines = (await docker('exec', runtimeId, 'env')).split('\n');
  return new Map(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

const sleeper = (name: string, extra = {}): Parameters<typeof busybox> => [
  name,
  ['sleep', '600'],
  { stopTimeout: 1, ...extra },
];

describe('the task metadata endpoint v4', () => {
  let first: Awaited<ReturnType<typeof runTask>>;
  let other: Awaited<ReturnType<typeof runTask>>;
  let uri: string;
  let sideUri: string;

  beforeAll(async () => {
    first = await runTask([sleeper('app', { cpu: 128, memory: 64 }), sleeper('side')], { cpu: 512, memory: 256 });
    other = await runTask([sleeper('other')]);
    uri = (await environment(first.ids.get('app') ?? '')).get('ECS_CONTAINER_METADATA_URI_V4') ?? '';
    sideUri = (await environment(first.ids.get('side') ?? '')).get('ECS_CONTAINER_METADATA_URI_V4') ?? '';
  });

  it('sets both URIs and nothing of the agent or its control plane in the environment', async () => {
    const env = await environment(first.ids.get('app') ?? '');
    expect(uri).toMatch(/^http:\/\/[0-9.]+:\d+\/v4\/[0-9a-f]{32}$/);
    expect(env.get('ECS_CONTAINER_METADATA_URI')).toBe(uri.replace('/v4/', '/v3/'));
    const all = [...env.values()].join('\n');
    expect(all).not.toContain(fake.url);
    expect(all).not.toContain('metadata-secret-token');
    expect(sideUri).toMatch(/\/v4\/[0-9a-f]{32}$/);
    expect(sideUri).not.toBe(uri);
  });

  it('answers the container its own document, in ECS shape', async () => {
    const id = first.ids.get('app') ?? '';
    const doc = await readJson(id, uri);
    expect(doc).toMatchObject({
      DockerId: id,
      Name: 'app',
      DockerName: `berth-${first.spec.taskId}-app`,
      Image: 'berth-test/busybox:latest',
      DesiredStatus: 'RUNNING',
      KnownStatus: 'RUNNING',
      Limits: { CPU: 128, Memory: 64 },
      Type: 'NORMAL',
      Labels: expect.objectContaining({ 'com.berth.task-arn': first.spec.taskArn }),
      Networks: [{ NetworkMode: 'bridge', IPv4Addresses: [expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/)] }],
    });
    expect(doc.ImageID).toMatch(/^sha256:/);
    expect(Date.parse(String(doc.CreatedAt))).toBeGreaterThan(0);
    expect(Date.parse(String(doc.StartedAt))).toBeGreaterThan(0);
    expect(JSON.stringify(doc)).not.toContain('metadata-secret-token');
    // The version 3 variable answers the same document.
    expect(await readJson(id, uri.replace('/v4/', '/v3/'))).toMatchObject({ DockerId: id, Name: 'app' });
  });

  it('answers the task document with every container', async () => {
    const doc = await readJson(first.ids.get('side') ?? '', `${sideUri}/task`);
    expect(doc).toMatchObject({
      Cluster: `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`,
      TaskARN: first.spec.taskArn,
      Family: 'fake',
      Revision: '1',
      DesiredStatus: 'RUNNING',
      KnownStatus: 'RUNNING',
      Limits: { CPU: 0.5, Memory: 256 },
      LaunchType: 'EC2',
    });
    expect(Date.parse(String(doc.PullStartedAt))).toBeGreaterThan(0);
    expect((doc.Containers as { Name: string }[]).map((c) => c.Name).sort()).toEqual(['app', 'side']);
  });

  it('answers one stats sample for the container and for the task', async () => {
    const id = first.ids.get('app') ?? '';
    const stats = await readJson(id, `${uri}/stats`);
    expect(stats).toHaveProperty('cpu_stats');
    expect(stats).toHaveProperty('memory_stats');
    const all = await readJson(id, `${uri}/task/stats`);
    expect(Object.keys(all).sort()).toEqual([...first.ids.values()].sort());
  });

  it('refuses another task: a wrong id is 404, the right id from its address is 403', async () => {
    const outsider = other.ids.get('other') ?? '';
    const wrong = await wget(outsider, uri.replace(/[0-9a-f]{32}$/, '0'.repeat(32)));
    expect(wrong.ok).toBe(false);
    expect(wrong.text).toContain('404');
    const stolen = await wget(outsider, `${uri}/task`);
    expect(stolen.ok).toBe(false);
    expect(stolen.text).toContain('403');
  });

  it('answers the same URI after the agent restarts', async () => {
    await agent.stop();
    agent = await startTestAgent(fake, cluster, { stateDir, registrationToken: 'metadata-secret-token' });
    const doc = await readJson(first.ids.get('app') ?? '', uri);
    expect(doc.Name).toBe('app');
  });

  it('answers 404 once the task has stopped', async () => {
    fake.stopTask(first.spec.taskId);
    agent.pollNow();
    await fake.waitForTask(first.spec.taskId, (t) => t.last?.lastStatus === 'STOPPED');
    // Asked from the other task's container, whose address would otherwise get 403.
    const gone = await eventually(async () => {
      const answer = await wget(other.ids.get('other') ?? '', uri);
      return answer.text.includes('404') ? answer : undefined;
    });
    expect(gone.ok).toBe(false);
  });
});
