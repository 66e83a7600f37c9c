import type { Api } from './api.ts';
import { chunks, type Cluster, type ContainerInstance, type Service, type Task, type TaskDefinition } from './ecs.ts';

/**
 * What each view reads, as ECS calls: List* through every page, then
 * Describe* in the batch sizes ECS accepts.
 */

async function listAll(api: Api, operation: string, body: Record<string, unknown>, member: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await api.ecs<Record<string, unknown>>(operation, {
      ...body,
      ...(nextToken !== undefined && { nextToken }),
    });
    arns.push(...((page[member] as string[] | undefined) ?? []));
    nextToken = page.nextToken as string | undefined;
  } while (nextToken);
  return arns;
}

export async function clusters(api: Api): Promise<Cluster[]> {
  const arns = await listAll(api, 'ListClusters', {}, 'clusterArns');
  const batches = await Promise.all(
    chunks(arns, 100).map((batch) =>
      api.ecs<{ clusters?: Cluster[] }>('DescribeClusters', { clusters: batch, include: ['STATISTICS'] }),
    ),
  );
  return batches.flatMap((answer) => answer.clusters ?? []);
}

export async function services(api: Api, cluster: string): Promise<Service[]> {
  const arns = await listAll(api, 'ListServices', { cluster }, 'serviceArns');
  const batches = await Promise.all(
    chunks(arns, 10).map((batch) =>
      api.ecs<{ services?: Service[] }>('DescribeServices', { cluster, services: batch }),
    ),
  );
  return batches.flatMap((answer) => answer.services ?? []).sort(byName);
}

function byName(a: Service, b: Service): number {
  return (a.serviceName ?? '').localeCompare(b.serviceName ?? '');
}

export async function service(api: Api, cluster: string, name: string): Promise<Service> {
  const answer = await api.ecs<{ services?: Service[]; failures?: Array<{ reason?: string }> }>('DescribeServices', {
    cluster,
    services: [name],
  });
  const found = answer.services?.[0];
  if (!found)
    throw new Error(
      `Service ${name} was not found in cluster ${cluster} (${answer.failures?.[0]?.reason ?? 'MISSING'}).`,
    );
  return found;
}

/** Running and stopped tasks, newest first; ECS keeps stopped tasks for a while, so both are worth seeing. */
export async function tasks(api: Api, cluster: string, filter: { serviceName?: string } = {}): Promise<Task[]> {
  const [running, stopped] = await Promise.all([
    listAll(api, 'ListTasks', { cluster, ...filter, desiredStatus: 'RUNNING' }, 'taskArns'),
    listAll(api, 'ListTasks', { cluster, ...filter, desiredStatus: 'STOPPED' }, 'taskArns'),
  ]);
  const batches = await Promise.all(
    chunks([...running, ...stopped], 100).map((batch) =>
      api.ecs<{ tasks?: Task[] }>('DescribeTasks', { cluster, tasks: batch }),
    ),
  );
  return batches.flatMap((answer) => answer.tasks ?? []).sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
}

export async function task(api: Api, cluster: string, id: string): Promise<Task> {
  const answer = await api.ecs<{ tasks?: Task[] }>('DescribeTasks', { cluster, tasks: [id] });
  const found = answer.tasks?.[0];
  if (!found) throw new Error(`Task ${id} was not found in cluster ${cluster}.`);
  return found;
}

export async function taskDefinition(api: Api, arn: string): Promise<TaskDefinition> {
  const answer = await api.ecs<{ taskDefinition?: TaskDefinition }>('DescribeTaskDefinition', { taskDefinition: arn });
  return answer.taskDefinition ?? {};
}

export async function instances(api: Api, cluster: string): Promise<ContainerInstance[]> {
  const arns = await listAll(api, 'ListContainerInstances', { cluster }, 'containerInstanceArns');
  const batches = await Promise.all(
    chunks(arns, 100).map((batch) =>
      api.ecs<{ containerInstances?: ContainerInstance[] }>('DescribeContainerInstances', {
        cluster,
        containerInstances: batch,
      }),
    ),
  );
  return batches.flatMap((answer) => answer.containerInstances ?? []);
}
