import { ClientError } from './errors.ts';
import type { RegisterTaskDefinitionRequest } from '../schemas/task-definition.ts';

/** Docker's rule for a name on a network: what the embedded DNS can answer for. */
const LINK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * The network rules RegisterTaskDefinition checks, as ECS does: links only
 * in bridge mode and only to a container of the same task definition; in
 * awsvpc mode a hostPort, if given, equals its containerPort (the task has
 * its own address, so there is nothing to remap).
 */
export function checkNetworkRules(request: RegisterTaskDefinitionRequest): void {
  const mode = request.networkMode ?? 'bridge';
  const names = new Set(request.containerDefinitions.map((c) => c.name));
  for (const c of request.containerDefinitions) {
    if (c.links?.length && mode !== 'bridge') {
      throw new ClientError(`Links are not supported when networkMode=${mode}. Container '${c.name}' has links.`);
    }
    for (const link of c.links ?? []) {
      const [target = '', alias, ...rest] = link.split(':');
      if (!names.has(target)) {
        throw new ClientError(
          `Container '${c.name}' links to '${target}', which is not a container in this task definition.`,
        );
      }
      if (rest.length > 0 || (alias !== undefined && !LINK_NAME.test(alias)) || target === c.name) {
        throw new ClientError(
          `Invalid link '${link}' in container '${c.name}': expected name:alias to another container.`,
        );
      }
    }
    if (mode !== 'awsvpc') continue;
    // The task's containers share one namespace, whose name and hosts file belong to the task.
    for (const member of ['hostname', 'extraHosts'] as const) {
      if (c[member] !== undefined) {
        throw new ClientError(`${member} is not supported on container when networkMode=awsvpc.`);
      }
    }
    for (const m of c.portMappings ?? []) {
      if (m.hostPort !== undefined && m.hostPort !== 0 && m.hostPort !== m.containerPort) {
        throw new ClientError(
          `When networkMode=awsvpc, the host ports and container ports in port mappings must match. Container '${c.name}' maps ${m.containerPort} to ${m.hostPort}.`,
        );
      }
    }
  }
}
