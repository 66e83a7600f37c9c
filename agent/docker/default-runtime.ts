import { DEFAULT_ENGINE_CALL_TIMEOUT_MS, type AgentOptions } from '../config/agent-options.ts';
import { DockerRuntime } from './docker-runtime.ts';

/**
 * The Docker engine an agent drives unless it is handed another runtime: at
 * `dockerHost`, else `DOCKER_HOST`, else the local socket, with the options'
 * deadline on each engine call.
 */
export function dockerRuntimeFor(options: Pick<AgentOptions, 'dockerHost' | 'engineTimeouts'>): DockerRuntime {
  const dockerHost = options.dockerHost ?? process.env.DOCKER_HOST;
  return new DockerRuntime({
    ...(dockerHost ? { dockerHost } : {}),
    callTimeoutMs: options.engineTimeouts?.callMs ?? DEFAULT_ENGINE_CALL_TIMEOUT_MS,
  });
}
