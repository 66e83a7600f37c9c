/**
 * The host agent, for in-process use (dev mode, tests). The command-line
 * entry is bin/berth-agent.js, which runs main.ts.
 */
export { startAgent, type AgentHandle } from './agent.ts';
export type { AgentOptions } from './config/agent-options.ts';
export { dockerRuntimeFor } from './docker/default-runtime.ts';
export { probeDocker, type DockerProbe } from './probe.ts';
export type { AgentLogger } from './log.ts';
export type { SecretResolver } from './secrets/secret-resolver.ts';
