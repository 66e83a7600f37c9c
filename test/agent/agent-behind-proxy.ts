import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { AgentHandle, AgentOptions } from '#agent/index.ts';
import { FakeControlPlane } from '../fixtures/fake-control-plane.ts';
import { ensureBusyboxImage } from '../support/busybox-image.ts';
import { DockerSocketProxy } from '../support/docker-socket-proxy.ts';
import {
  memoryLogger,
  removeClusterContainers,
  removeTempDirs,
  startTestAgent,
  tempStateDir,
  uniqueCluster,
} from './support.ts';

export interface AgentBehindProxy {
  readonly cluster: string;
  /** The agent's only way to the Docker engine: hang or cut it to fail the engine for this agent alone. */
  readonly proxy: DockerSocketProxy;
  readonly logger: ReturnType<typeof memoryLogger>;
  readonly fake: FakeControlPlane;
  readonly agent: AgentHandle;
}

/**
 * Registers the suite's hooks: one agent against a fake control plane that
 * reaches Docker through its own socket proxy, and everything removed after.
 * The answer's `fake` and `agent` are set once beforeAll has run.
 */
export function agentBehindProxy(prefix: string, options: Partial<AgentOptions> = {}): AgentBehindProxy {
  const cluster = uniqueCluster(prefix);
  const proxy = new DockerSocketProxy(join(tempStateDir(), 'docker.sock'));
  const logger = memoryLogger();
  let fake: FakeControlPlane | undefined;
  let agent: AgentHandle | undefined;

  beforeAll(async () => {
    await ensureBusyboxImage();
    await proxy.start();
    fake = await FakeControlPlane.start({ pollIntervalSeconds: 0.2 });
    agent = await startTestAgent(fake, cluster, { dockerHost: proxy.dockerHost, logger, ...options });
  });
  afterAll(async () => {
    await agent?.stop();
    await proxy.stop();
    await fake?.close();
    await removeClusterContainers(cluster);
    removeTempDirs();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is used before beforeAll started it`);
    return value;
  };
  return {
    cluster,
    proxy,
    logger,
    get fake() {
      return started(fake, 'fake control plane');
    },
    get agent() {
      return started(agent, 'agent');
    },
  };
}
