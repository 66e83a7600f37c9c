import { ClientError } from './errors.ts';
import { securityOptionKind, sysctlNamespace } from './sysctls.ts';
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '../schemas/task-definition.ts';

/**
 * The checks RegisterTaskDefinition makes of the container options that
 * span members or that Berth answers instead of honouring. Each throws a
 * ClientException naming the container and the member.
 */
export function validateContainerOptions(request: RegisterTaskDefinitionRequest): void {
  if (request.ephemeralStorage !== undefined) {
    throw new ClientError(
      'ephemeralStorage is only supported for tasks hosted on Fargate; Berth runs tasks on EC2 and external instances, whose tasks use the host storage',
    );
  }
  for (const container of request.containerDefinitions) {
    checkVolumesFrom(container, request.containerDefinitions);
    checkSystemControls(container, request);
    checkSecurityOptions(container);
    checkResourceRequirements(container);
    checkEnvironmentFiles(container);
  }
  refuseVolumesFromCycle(request.containerDefinitions);
}

const invalid = (container: ContainerDefinition, what: string): ClientError =>
  new ClientError(`Invalid setting for container '${container.name}': ${what}`);

function checkVolumesFrom(container: ContainerDefinition, all: readonly ContainerDefinition[]): void {
  for (const from of container.volumesFrom ?? []) {
    const source = from.sourceContainer;
    if (source === undefined) throw invalid(container, 'volumesFrom.sourceContainer is required');
    if (source === container.name) throw invalid(container, 'volumesFrom cannot name the container itself');
    if (!all.some((c) => c.name === source)) {
      throw invalid(container, `volumesFrom.sourceContainer '${source}' is not a container of this task definition`);
    }
  }
}

/** The engine creates a container after the ones it takes volumes from, so they may not form a cycle. */
function refuseVolumesFromCycle(all: readonly ContainerDefinition[]): void {
  const sources = new Map(all.map((c) => [c.name, (c.volumesFrom ?? []).map((v) => v.sourceContainer ?? '')]));
  const done = new Set<string>();
  const visit = (name: string, path: readonly string[]): void => {
    if (path.includes(name)) {
      throw new ClientError(`volumesFrom forms a cycle between containers ${[...path, name].join(' -> ')}`);
    }
    if (done.has(name)) return;
    for (const source of sources.get(name) ?? []) visit(source, [...path, name]);
    done.add(name);
  };
  for (const c of all) visit(c.name, []);
}

function checkSystemControls(container: ContainerDefinition, request: RegisterTaskDefinitionRequest): void {
  for (const control of container.systemControls ?? []) {
    const name = control.namespace;
    if (name === undefined) throw invalid(container, 'systemControls.namespace is required');
    const namespace = sysctlNamespace(name);
    if (namespace === undefined) {
      throw invalid(
        container,
        `systemControls.namespace '${name}' is not a namespaced kernel parameter (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*)`,
      );
    }
    if (namespace === 'net' && (request.networkMode ?? 'bridge') === 'host') {
      throw invalid(
        container,
        `systemControls '${name}' sets a network namespace parameter, which the host network mode does not support`,
      );
    }
    if (namespace === 'ipc' && request.ipcMode === 'host') {
      throw invalid(
        container,
        `systemControls '${name}' sets an IPC namespace parameter, which the host IPC mode does not support`,
      );
    }
  }
}

function checkSecurityOptions(container: ContainerDefinition): void {
  for (const option of container.dockerSecurityOptions ?? []) {
    if (securityOptionKind(option) === undefined) {
      throw invalid(
        container,
        `dockerSecurityOptions '${option}' is not one of no-new-privileges, apparmor:PROFILE, label:VALUE or seccomp:PROFILE`,
      );
    }
  }
}

function checkResourceRequirements(container: ContainerDefinition): void {
  const seen = new Set<string>();
  for (const requirement of container.resourceRequirements ?? []) {
    if (requirement.type === 'InferenceAccelerator') {
      throw invalid(
        container,
        'InferenceAccelerator resource requirements are not supported; Amazon Elastic Inference is no longer available',
      );
    }
    if (seen.has(requirement.type)) throw invalid(container, `resourceRequirements lists ${requirement.type} twice`);
    seen.add(requirement.type);
    if (!/^[1-9][0-9]{0,3}$/.test(requirement.value)) {
      throw invalid(
        container,
        `the GPU resource requirement value '${requirement.value}' must be a whole number of GPUs`,
      );
    }
  }
}

function checkEnvironmentFiles(container: ContainerDefinition): void {
  for (const file of container.environmentFiles ?? []) {
    if (!/^arn:[a-z-]+:s3:::[^/]+\/.+\.env$/.test(file.value)) {
      throw invalid(
        container,
        `environmentFiles value '${file.value}' must be the ARN of an S3 object with the .env extension`,
      );
    }
  }
}
