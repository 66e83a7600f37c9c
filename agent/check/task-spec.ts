import type { TaskSpec } from '#shared/schemas/agent-api.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { boolean, int, oneOf, string, type Check } from './check.ts';
import { array, object, optional, record, refine, strictObject, withDefault } from './compose.ts';
import { clusterPolicy } from './cluster-policy.ts';
import { containerOptionFields, environmentFiles, ulimit } from './container-options.ts';

/**
 * The task spec the control plane sends (shared/schemas/agent-api.ts's
 * taskSpec), restated key for key: its container definitions are strict
 * objects, so an unknown key is refused here as it is there.
 */

export const name255 = string({ pattern: /^[a-zA-Z0-9_-]{1,255}$/ });
const port = (min = 0): Check<number> => int({ min, max: 65535 });
const strings = array(string());
const keyValue = strictObject({ name: optional(string()), value: optional(string()) });
const stringMap = refine(
  record(string()),
  (m) => Object.keys(m).length <= 100 && Object.keys(m).every((k) => k.length >= 1 && k.length <= 255),
  'expected at most 100 entries with keys of 1-255 characters',
);

const portMapping = strictObject({
  containerPort: optional(port(1)),
  hostPort: optional(port()),
  protocol: optional(oneOf(['tcp', 'udp'])),
  name: optional(string({ max: 64 })),
  appProtocol: optional(oneOf(['http', 'http2', 'grpc'])),
  containerPortRange: optional(string()),
});

const healthCheck = strictObject({
  command: array(string(), { min: 1 }),
  interval: optional(int({ min: 5, max: 300 })),
  timeout: optional(int({ min: 2, max: 120 })),
  retries: optional(int({ min: 1, max: 10 })),
  startPeriod: optional(int({ min: 0, max: 300 })),
});

export const containerDependency = strictObject({
  containerName: string(),
  condition: oneOf(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY']),
});

const linuxParameters = strictObject({
  capabilities: optional(strictObject({ add: optional(strings), drop: optional(strings) })),
  initProcessEnabled: optional(boolean()),
  sharedMemorySize: optional(int()),
  maxSwap: optional(int()),
  swappiness: optional(int()),
  devices: optional(
    array(
      strictObject({
        hostPath: string({ min: 1, max: 4096 }),
        containerPath: optional(string({ max: 4096 })),
        permissions: optional(array(oneOf(['read', 'write', 'mknod']), { max: 3 })),
      }),
      { max: 100 },
    ),
  ),
  tmpfs: optional(
    array(
      strictObject({
        containerPath: string({ min: 1, max: 4096 }),
        size: int({ min: 1 }),
        mountOptions: optional(array(string({ max: 64 }), { max: 50 })),
      }),
      { max: 100 },
    ),
  ),
});

const logConfiguration = strictObject({
  logDriver: oneOf(['json-file', 'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'awsfirelens']),
  options: optional(stringMap),
  secretOptions: optional(
    array(strictObject({ name: string({ min: 1, max: 255 }), valueFrom: string({ min: 1, max: 2048 }) }), { max: 50 }),
  ),
});

const mountPoint = strictObject({
  sourceVolume: optional(string()),
  containerPath: optional(string()),
  readOnly: optional(boolean()),
});

export const containerDefinition: Check<ContainerDefinition> = strictObject({
  name: name255,
  image: string({ min: 1, max: 255 }),
  cpu: optional(int({ min: 0, max: 10240 * 4 })),
  memory: optional(int({ min: 6 })),
  memoryReservation: optional(int({ min: 4 })),
  portMappings: optional(array(portMapping)),
  essential: optional(boolean()),
  entryPoint: optional(strings),
  command: optional(strings),
  environment: optional(array(keyValue)),
  workingDirectory: optional(string()),
  user: optional(string()),
  hostname: optional(string()),
  healthCheck: optional(healthCheck),
  stopTimeout: optional(int({ min: 0, max: 120 })),
  startTimeout: optional(int({ min: 0 })),
  dependsOn: optional(array(containerDependency)),
  dockerLabels: optional(stringMap),
  ulimits: optional(array(ulimit)),
  linuxParameters: optional(linuxParameters),
  privileged: optional(boolean()),
  readonlyRootFilesystem: optional(boolean()),
  secrets: optional(array(strictObject({ name: string(), valueFrom: string() }))),
  mountPoints: optional(array(mountPoint)),
  repositoryCredentials: optional(strictObject({ credentialsParameter: string() })),
  links: optional(strings),
  disableNetworking: optional(boolean()),
  interactive: optional(boolean()),
  pseudoTerminal: optional(boolean()),
  dnsServers: optional(strings),
  dnsSearchDomains: optional(strings),
  extraHosts: optional(array(strictObject({ hostname: string(), ipAddress: string() }))),
  logConfiguration: optional(logConfiguration),
  ...containerOptionFields,
});

const volume = strictObject({
  name: string(),
  host: optional(strictObject({ sourcePath: optional(string()) })),
  dockerVolumeConfiguration: optional(
    strictObject({
      scope: optional(oneOf(['task', 'shared'])),
      autoprovision: optional(boolean()),
      driver: optional(string({ min: 1, max: 255 })),
      driverOpts: optional(stringMap),
      labels: optional(stringMap),
    }),
  ),
});

const count = int({ min: 0 });
const containerOverride = strictObject({
  name: optional(string()),
  command: optional(strings),
  environment: optional(array(keyValue)),
  cpu: optional(count),
  memory: optional(count),
  memoryReservation: optional(count),
  environmentFiles: optional(environmentFiles),
});

const taskOverride = strictObject({
  containerOverrides: optional(array(containerOverride)),
  cpu: optional(string()),
  memory: optional(string()),
  taskRoleArn: optional(string()),
  executionRoleArn: optional(string()),
});

export const desiredStatus = oneOf(['RUNNING', 'STOPPED']);

export const taskSpec: Check<TaskSpec> = object({
  taskId: string(),
  taskArn: string(),
  clusterName: name255,
  desiredStatus,
  family: string(),
  revision: int(),
  networkMode: oneOf(['bridge', 'host', 'none', 'awsvpc']),
  containerDefinitions: array(containerDefinition),
  volumes: withDefault(array(volume), (): TaskSpec['volumes'] => []),
  cpu: optional(int()),
  memory: optional(int()),
  overrides: taskOverride,
  pidMode: optional(oneOf(['host', 'task'])),
  ipcMode: optional(oneOf(['host', 'task', 'none'])),
  policy: optional(clusterPolicy),
});
