/**
 * The parts of the ECS answers the console shows. Every member is optional:
 * the page displays what arrives and renders a dash for what does not, so it
 * never has to trust a shape it cannot check.
 */
export interface Cluster {
  clusterName?: string;
  clusterArn?: string;
  status?: string;
  registeredContainerInstancesCount?: number;
  runningTasksCount?: number;
  pendingTasksCount?: number;
  activeServicesCount?: number;
}

export interface Deployment {
  id?: string;
  status?: string;
  taskDefinition?: string;
  desiredCount?: number;
  pendingCount?: number;
  runningCount?: number;
  failedTasks?: number;
  rolloutState?: string;
  rolloutStateReason?: string;
  createdAt?: number;
  updatedAt?: number;
}

export interface ServiceEvent {
  id?: string;
  createdAt?: number;
  message?: string;
}

export interface Service {
  serviceName?: string;
  serviceArn?: string;
  status?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  taskDefinition?: string;
  launchType?: string;
  schedulingStrategy?: string;
  deployments?: Deployment[];
  events?: ServiceEvent[];
  createdAt?: number;
}

export interface Container {
  name?: string;
  cpu?: string;
  image?: string;
  lastStatus?: string;
  healthStatus?: string;
  exitCode?: number;
  reason?: string;
  runtimeId?: string;
}

export interface Task {
  taskArn?: string;
  clusterArn?: string;
  taskDefinitionArn?: string;
  containerInstanceArn?: string;
  group?: string;
  lastStatus?: string;
  desiredStatus?: string;
  healthStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  createdAt?: number;
  startedAt?: number;
  stoppedAt?: number;
  cpu?: string;
  memory?: string;
  launchType?: string;
  containers?: Container[];
}

export interface Resource {
  name?: string;
  type?: string;
  integerValue?: number;
  stringSetValue?: string[];
}

export interface Attribute {
  name?: string;
  value?: string;
}

export interface ContainerInstance {
  containerInstanceArn?: string;
  ec2InstanceId?: string;
  status?: string;
  agentConnected?: boolean;
  runningTasksCount?: number;
  pendingTasksCount?: number;
  registeredResources?: Resource[];
  remainingResources?: Resource[];
  attributes?: Attribute[];
  registeredAt?: number;
  versionInfo?: { agentVersion?: string; dockerVersion?: string };
}

export interface LogConfiguration {
  logDriver?: string;
  options?: Record<string, string>;
}

export interface TaskDefinition {
  taskDefinitionArn?: string;
  containerDefinitions?: Array<{ name?: string; logConfiguration?: LogConfiguration }>;
}

/** The last part of an ARN: a task id, a service name, `family:revision`. */
export function shortName(arn: string | undefined): string {
  if (arn === undefined) return '—';
  return arn.split('/').pop() ?? arn;
}

/** ECS timestamps arrive as epoch seconds (JSON 1.1). */
export function when(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  return new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function ago(seconds: number | undefined, now = Date.now()): string {
  if (seconds === undefined) return '—';
  const s = Math.max(0, Math.round(now / 1000 - seconds));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** Splits a list into chunks the Describe* calls accept (10 services, 100 tasks or instances). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The cpu units a task reserves, as ECS accounts them: the task-level value,
 * else the sum of its containers' (an EC2 task may set cpu on containers
 * only); undefined when nothing is reserved, so a page shows "—", not 0.
 */
export function reservedCpu(task: Task): number | undefined {
  const own = Number(task.cpu ?? 0);
  const units = own > 0 ? own : (task.containers ?? []).reduce((sum, c) => sum + Number(c.cpu ?? 0), 0);
  return units > 0 ? units : undefined;
}

/** When a task started; one that stopped without ever running reads as the ECS console has it. */
export function startedText(task: Task): string {
  if (task.startedAt !== undefined) return `${when(task.startedAt)} (${ago(task.startedAt)})`;
  return task.lastStatus === 'STOPPED' ? 'never started' : '—';
}
