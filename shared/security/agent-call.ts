import { arns, type Deployment } from '../domain/arn.ts';

/**
 * What an agent API call is, for the audit log: the action in ECS's own
 * words where ECS has one (its agent's `ecs:Poll`,
 * `ecs:SubmitTaskStateChange`), and the resource the path names. Read from
 * the path alone, so a call refused before routing (no credential, a
 * forged one) is named the same way as one refused by its route.
 */
export interface AgentCall {
  readonly action: string;
  readonly resources: string[];
}

const SEGMENT = '([^/]{1,255})';
const routes: readonly { method: string; path: RegExp; action: string; resource: 'cluster' | 'instance' | 'task' }[] = [
  {
    method: 'POST',
    path: new RegExp(`^/clusters/${SEGMENT}/instances/?$`),
    action: 'ecs:RegisterContainerInstance',
    resource: 'cluster',
  },
  {
    method: 'POST',
    path: new RegExp(`^/clusters/${SEGMENT}/instances/${SEGMENT}/credentials$`),
    action: 'berth:RotateAgentCredential',
    resource: 'instance',
  },
  {
    method: 'POST',
    path: new RegExp(`^/clusters/${SEGMENT}/instances/${SEGMENT}/poll$`),
    action: 'ecs:Poll',
    resource: 'instance',
  },
  {
    method: 'POST',
    path: new RegExp(`^/clusters/${SEGMENT}/instances/${SEGMENT}/reports$`),
    action: 'ecs:SubmitTaskStateChange',
    resource: 'instance',
  },
  { method: 'GET', path: new RegExp(`^/clusters/${SEGMENT}/tasks/${SEGMENT}$`), action: 'ecs:Poll', resource: 'task' },
  {
    method: 'POST',
    path: new RegExp(`^/clusters/${SEGMENT}/tasks/${SEGMENT}/state$`),
    action: 'ecs:SubmitTaskStateChange',
    resource: 'task',
  },
  {
    method: 'GET',
    path: new RegExp(`^/clusters/${SEGMENT}/tasks/${SEGMENT}/secrets$`),
    action: 'berth:GetTaskSecrets',
    resource: 'task',
  },
];

/** `path` is the part after `/agent/v1`. */
export function agentCallOf(d: Deployment, method: string, path: string): AgentCall {
  for (const route of routes) {
    const match = route.method === method ? route.path.exec(path) : null;
    if (!match) continue;
    const [, cluster = '', id = ''] = match.map((part) => safeDecode(part));
    const resource =
      route.resource === 'cluster'
        ? arns.cluster(d, cluster)
        : route.resource === 'instance'
          ? arns.containerInstance(d, cluster, id)
          : arns.task(d, cluster, id);
    return { action: route.action, resources: [resource] };
  }
  return { action: 'berth:AgentCall', resources: [] };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
