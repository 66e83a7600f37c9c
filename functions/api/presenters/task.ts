import { arns, type Deployment } from '#shared/domain/arn.ts';
import type { Task } from '#shared/schemas/task.ts';
import { taskAttachment } from '#shared/domain/task-attachment.ts';
import { compact, seconds } from './time.ts';

export function presentTask(d: Deployment, t: Task): Record<string, unknown> {
  const taskArn = arns.task(d, t.clusterName, t.taskId);
  const attachment = taskAttachment(t);
  const eni = t.networkInterface;
  // In awsvpc mode every container has the task's one interface.
  const networkInterfaces = eni && [{ attachmentId: eni.attachmentId, privateIpv4Address: eni.privateIpv4Address }];
  return compact({
    taskArn,
    clusterArn: arns.cluster(d, t.clusterName),
    taskDefinitionArn: t.taskDefinitionArn,
    containerInstanceArn:
      t.containerInstanceId === undefined ? undefined : arns.containerInstance(d, t.clusterName, t.containerInstanceId),
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    cpu: String(t.cpu),
    memory: String(t.memory),
    launchType: 'EC2',
    capacityProviderName: t.capacityProviderName,
    containers: t.containers.map((c) =>
      compact({
        containerArn: arns.container(d, t.clusterName, t.taskId, c.containerId),
        taskArn,
        name: c.name,
        image: c.image,
        imageDigest: c.imageDigest,
        runtimeId: c.runtimeId,
        lastStatus: c.lastStatus,
        exitCode: c.exitCode,
        reason: c.reason,
        networkBindings: c.networkBindings,
        networkInterfaces,
        healthStatus: c.healthStatus ?? 'UNKNOWN',
        cpu: c.cpu === undefined ? undefined : String(c.cpu),
        memory: c.memory === undefined ? undefined : String(c.memory),
        memoryReservation: c.memoryReservation === undefined ? undefined : String(c.memoryReservation),
      }),
    ),
    overrides: { containerOverrides: [], ...t.overrides },
    startedBy: t.startedBy,
    group: t.group,
    healthStatus: t.healthStatus ?? 'UNKNOWN',
    connectivity: t.containerInstanceId === undefined ? undefined : 'CONNECTED',
    createdAt: seconds(t.createdAt),
    pullStartedAt: seconds(t.pullStartedAt),
    pullStoppedAt: seconds(t.pullStoppedAt),
    startedAt: seconds(t.startedAt),
    stoppingAt: seconds(t.stoppingAt),
    executionStoppedAt: seconds(t.executionStoppedAt),
    stoppedAt: seconds(t.stoppedAt),
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    tags: t.tags,
    attachments: attachment ? [attachment] : [],
    version: t.reportSeq + 1,
  });
}
