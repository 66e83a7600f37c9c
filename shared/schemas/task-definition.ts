import * as z from 'zod';
import { epochMs, keyValue, name255, stringMap, tags } from './common.ts';
import { containerImage, containerMessages, containerName } from './container-messages.ts';
import { LOG_DRIVERS } from './cluster-policy-normalize.ts';
import { containerOptionFields, ephemeralStorage, ULIMIT_NAMES } from './container-options.ts';
import { lazySchema } from './lazy-schema.ts';

const port = lazySchema(() => z.number().int().min(0).max(65535));

export const portMapping = lazySchema(() =>
  z.strictObject({
    containerPort: port.min(1).optional(),
    hostPort: port.optional(),
    protocol: z.enum(['tcp', 'udp']).optional(),
    name: z.string().max(64).optional(),
    appProtocol: z.enum(['http', 'http2', 'grpc']).optional(),
    containerPortRange: z.string().optional(),
  }),
);
export type PortMapping = z.infer<typeof portMapping>;

export const healthCheck = lazySchema(() =>
  z.strictObject({
    command: z.array(z.string()).min(1),
    interval: z.number().int().min(5).max(300).optional(),
    timeout: z.number().int().min(2).max(120).optional(),
    retries: z.number().int().min(1).max(10).optional(),
    startPeriod: z.number().int().min(0).max(300).optional(),
  }),
);
export type HealthCheck = z.infer<typeof healthCheck>;

export const containerDependency = lazySchema(() =>
  z.strictObject({
    containerName: z.string(),
    condition: z.enum(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY']),
  }),
);

export const ulimit = lazySchema(() =>
  z.strictObject({
    name: z.enum(ULIMIT_NAMES),
    softLimit: z.number().int(),
    hardLimit: z.number().int(),
  }),
);

export const device = lazySchema(() =>
  z.strictObject({
    hostPath: z.string().min(1).max(4096),
    containerPath: z.string().max(4096).optional(),
    permissions: z
      .array(z.enum(['read', 'write', 'mknod']))
      .max(3)
      .optional(),
  }),
);

export const tmpfs = lazySchema(() =>
  z.strictObject({
    containerPath: z.string().min(1).max(4096),
    size: z.number().int().positive(),
    mountOptions: z.array(z.string().max(64)).max(50).optional(),
  }),
);

export const linuxParameters = lazySchema(() =>
  z.strictObject({
    capabilities: z
      .strictObject({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
      .optional(),
    initProcessEnabled: z.boolean().optional(),
    sharedMemorySize: z.number().int().optional(),
    maxSwap: z.number().int().optional(),
    swappiness: z.number().int().optional(),
    devices: z.array(device).max(100).optional(),
    tmpfs: z.array(tmpfs).max(100).optional(),
  }),
);

/** ECS's log drivers; `options` and `secretOptions` go to the driver as given. */
export const logConfiguration = lazySchema(() =>
  z.strictObject({
    logDriver: z.enum(LOG_DRIVERS),
    options: stringMap.optional(),
    secretOptions: z
      .array(z.strictObject({ name: z.string().min(1).max(255), valueFrom: z.string().min(1).max(2048) }))
      .max(50)
      .optional(),
  }),
);

export const containerDefinition = lazySchema(() =>
  z.strictObject({
    name: containerName,
    image: containerImage,
    cpu: z
      .number()
      .int()
      .min(0)
      .max(10240 * 4)
      .optional(),
    memory: z.number().int().min(6, containerMessages.memoryTooLow).optional(),
    memoryReservation: z.number().int().min(4).optional(),
    portMappings: z.array(portMapping).optional(),
    essential: z.boolean().optional(),
    entryPoint: z.array(z.string()).optional(),
    command: z.array(z.string()).optional(),
    environment: z.array(keyValue).optional(),
    workingDirectory: z.string().optional(),
    user: z.string().optional(),
    hostname: z.string().optional(),
    healthCheck: healthCheck.optional(),
    stopTimeout: z.number().int().min(0).max(120).optional(),
    startTimeout: z.number().int().min(0).optional(),
    dependsOn: z.array(containerDependency).optional(),
    dockerLabels: stringMap.optional(),
    ulimits: z.array(ulimit).optional(),
    linuxParameters: linuxParameters.optional(),
    privileged: z.boolean().optional(),
    readonlyRootFilesystem: z.boolean().optional(),
    secrets: z.array(z.strictObject({ name: z.string(), valueFrom: z.string() })).optional(),
    mountPoints: z
      .array(
        z.strictObject({
          sourceVolume: z.string().optional(),
          containerPath: z.string().optional(),
          readOnly: z.boolean().optional(),
        }),
      )
      .optional(),
    repositoryCredentials: z.strictObject({ credentialsParameter: z.string() }).optional(),
    links: z.array(z.string()).optional(),
    disableNetworking: z.boolean().optional(),
    interactive: z.boolean().optional(),
    pseudoTerminal: z.boolean().optional(),
    dnsServers: z.array(z.string()).optional(),
    dnsSearchDomains: z.array(z.string()).optional(),
    extraHosts: z.array(z.strictObject({ hostname: z.string(), ipAddress: z.string() })).optional(),
    logConfiguration: logConfiguration.optional(),
    ...containerOptionFields,
  }),
);
export type ContainerDefinition = z.infer<typeof containerDefinition>;

export const placementConstraint = lazySchema(() =>
  z.strictObject({
    type: z.enum(['distinctInstance', 'memberOf']),
    expression: z.string().max(2000).optional(),
  }),
);
export type PlacementConstraint = z.infer<typeof placementConstraint>;

export const dockerVolumeConfiguration = lazySchema(() =>
  z.strictObject({
    scope: z.enum(['task', 'shared']).optional(),
    autoprovision: z.boolean().optional(),
    driver: z.string().min(1).max(255).optional(),
    driverOpts: stringMap.optional(),
    labels: stringMap.optional(),
  }),
);

export const volume = lazySchema(() =>
  z.strictObject({
    name: z.string(),
    host: z.strictObject({ sourcePath: z.string().optional() }).optional(),
    dockerVolumeConfiguration: dockerVolumeConfiguration.optional(),
  }),
);

export const networkMode = z.enum(['bridge', 'host', 'none', 'awsvpc']);

/** RegisterTaskDefinition's request, as the ECS API defines it. */
export const registerTaskDefinitionRequest = lazySchema(() =>
  z.strictObject({
    family: name255,
    containerDefinitions: z.array(containerDefinition).min(1).max(10, containerMessages.tooMany),
    taskRoleArn: z.string().optional(),
    executionRoleArn: z.string().optional(),
    networkMode: networkMode.optional(),
    volumes: z.array(volume).optional(),
    placementConstraints: z.array(placementConstraint).max(10).optional(),
    requiresCompatibilities: z.array(z.enum(['EC2', 'EXTERNAL', 'FARGATE', 'MANAGED_INSTANCES'])).optional(),
    cpu: z.string().optional(),
    memory: z.string().optional(),
    tags: tags.optional(),
    pidMode: z.enum(['host', 'task']).optional(),
    ipcMode: z.enum(['host', 'task', 'none']).optional(),
    ephemeralStorage: ephemeralStorage.optional(),
    runtimePlatform: z
      .strictObject({ cpuArchitecture: z.string().optional(), operatingSystemFamily: z.string().optional() })
      .optional(),
  }),
);
export type RegisterTaskDefinitionRequest = z.infer<typeof registerTaskDefinitionRequest>;

/** A stored task definition revision: the request plus what Berth decided. */
export const taskDefinition = lazySchema(() =>
  registerTaskDefinitionRequest.extend({
    revision: z.number().int().positive(),
    status: z.enum(['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS']),
    networkMode: networkMode,
    registeredAt: epochMs,
    deregisteredAt: epochMs.optional(),
    /** Normalised task-level reservation in cpu units and MiB (see resources.ts). */
    reservation: z.object({ cpu: z.number().int(), memory: z.number().int() }),
  }),
);
export type TaskDefinition = z.infer<typeof taskDefinition>;

/**
 * The listing entry of a family, written before its first revision so that
 * families list without reading every revision.
 */
export const taskDefinitionFamily = lazySchema(() =>
  z.object({
    family: name255,
    createdAt: epochMs,
    /** The highest revision ever deleted: a new registration numbers past it, as ECS never reuses a revision. */
    retiredRevision: z.number().int().positive().optional(),
  }),
);
export type TaskDefinitionFamily = z.infer<typeof taskDefinitionFamily>;

export const storedTags = tags;
export { epochMs };
