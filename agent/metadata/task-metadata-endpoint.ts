import type { AgentTask } from '#shared/agent/task-model.ts';
import type { ContainerRuntime } from '#shared/ports/container-runtime.ts';
import type { AgentLogger } from '../log.ts';
import { EndpointSettings } from './endpoint-settings.ts';
import { bridgeGateway, type EngineReader } from './engine-view.ts';
import { MetadataServer, type TaskProtectionRelay } from './metadata-server.ts';

export interface TaskMetadataEndpoint {
  /** The URIs set in a container's environment. */
  uris(taskId: string, containerName: string): MetadataUris;
  close(): void;
}

/** ECS_CONTAINER_METADATA_URI (v3), ECS_CONTAINER_METADATA_URI_V4 and ECS_AGENT_URI of one container. */
export interface MetadataUris {
  readonly v3: string;
  readonly v4: string;
  readonly agent: string;
}

export interface TaskMetadataOptions {
  readonly runtime: ContainerRuntime;
  readonly stateDir: string;
  readonly logger: AgentLogger;
  readonly tasks: () => readonly AgentTask[];
  /** Where to listen; default the engine's default bridge gateway. */
  readonly address?: string;
  /** Task protection through the control plane, for ECS_AGENT_URI. */
  readonly protection?: TaskProtectionRelay;
}

function isReader(runtime: ContainerRuntime): runtime is ContainerRuntime & EngineReader {
  return typeof (runtime as Partial<EngineReader>).readJson === 'function';
}

/**
 * Starts the endpoint on the bridge gateway, on the port of the last run
 * when it is still free. Undefined when it cannot be served (an engine
 * without the calls it needs, no bridge): containers then get no URI.
 */
export async function startTaskMetadata(options: TaskMetadataOptions): Promise<TaskMetadataEndpoint | undefined> {
  const { runtime, logger } = options;
  if (!isReader(runtime)) return undefined;
  const address = options.address ?? (await bridgeGateway(runtime));
  if (!address) {
    logger.warn('No bridge gateway address: task containers get no metadata endpoint');
    return undefined;
  }
  const settings = new EndpointSettings(options.stateDir);
  const server = new MetadataServer({
    settings,
    reader: runtime,
    tasks: options.tasks,
    logger,
    ...(options.protection && { protection: options.protection }),
  });
  let port: number;
  try {
    port = await server.listen(address, settings.port ?? 0);
  } catch (error) {
    if (settings.port === undefined) throw error;
    // The old port is taken: running containers lose their endpoint, new ones get the new port.
    logger.warn('Task metadata port taken; choosing another', { port: settings.port, error: String(error) });
    port = await server.listen(address, 0);
  }
  settings.port = port;
  settings.save();
  const base = `http://${address}:${port}`;
  return {
    uris: (taskId, containerName) => {
      const live = (id: string): boolean => options.tasks().some((t) => t.taskId === id);
      const token = settings.tokenFor(taskId, containerName, live);
      return { v3: `${base}/v3/${token}`, v4: `${base}/v4/${token}`, agent: `${base}/api/${token}` };
    },
    close: () => server.close(),
  };
}
