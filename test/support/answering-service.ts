import {
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import type { ContainerCluster } from './container-cluster.ts';

/**
 * Registers a revision of the task definition `web` whose busybox httpd
 * answers `<answer> <hostname>` on container port 8080 (a dynamic host
 * port), and exits on SIGTERM: what the proxy tests put behind a proxy.
 */
export async function registerAnsweringWeb(cluster: ContainerCluster, answer: string): Promise<string> {
  const out = await cluster.berth.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: [
        {
          name: 'app',
          image: cluster.image,
          memory: 32,
          cpu: 64,
          command: ['sh', '-c', `echo "${answer} $(hostname)" > /tmp/index.html && exec httpd -f -p 8080 -h /tmp`],
          stopTimeout: 1,
          portMappings: [{ containerPort: 8080, hostPort: 0 }],
        },
      ],
    }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? '';
}

/** The service's tasks that are RUNNING and meant to stay so. */
export async function runningServiceTasks(ecs: ECSClient, cluster: string, service: string): Promise<Task[]> {
  const arns = (await ecs.send(new ListTasksCommand({ cluster, serviceName: service }))).taskArns ?? [];
  if (arns.length === 0) return [];
  const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
  return (out.tasks ?? []).filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
}
