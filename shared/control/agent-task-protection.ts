import { arns } from '../domain/arn.ts';
import type { AgentProtectionAnswer, AgentProtectionChange } from '../schemas/agent-task-protection.ts';
import { requireAssignedTask } from './assigned-task.ts';
import { requireActiveCluster } from './clusters.ts';
import type { ControlContext } from './context.ts';
import { getTaskProtection, updateTaskProtection, type ProtectionResult } from './task-protection.ts';

/**
 * Task scale-in protection asked by a task's own containers through its
 * agent (ECS_AGENT_URI): the same reads and conditional writes as
 * GetTaskProtection / UpdateTaskProtection, for a task assigned to the
 * asking instance only, so a container can change no task but its own.
 */
export async function agentTaskProtection(
  ctx: ControlContext,
  clusterRef: string,
  instanceId: string,
  taskId: string,
  change?: AgentProtectionChange,
): Promise<AgentProtectionAnswer> {
  const cluster = (await requireActiveCluster(ctx, clusterRef)).value.clusterName;
  await requireAssignedTask(ctx, cluster, instanceId, taskId);
  const taskArn = arns.task(ctx.deployment, cluster, taskId);
  const result = change
    ? await updateTaskProtection(ctx, {
        cluster,
        tasks: [taskArn],
        protectionEnabled: change.protectionEnabled,
        ...(change.expiresInMinutes !== undefined && { expiresInMinutes: change.expiresInMinutes }),
      })
    : await getTaskProtection(ctx, { cluster, tasks: [taskArn] });
  return present(taskArn, result);
}

function present(taskArn: string, result: ProtectionResult): AgentProtectionAnswer {
  return {
    protectedTasks: result.protectedTasks.map((p) => ({
      taskArn,
      protectionEnabled: p.enabled,
      ...(p.until !== undefined && { expirationDate: new Date(p.until).toISOString() }),
    })),
    failures: result.failures.map((f) => ({
      arn: f.arn ?? taskArn,
      reason: f.reason,
      ...(f.detail !== undefined && { detail: f.detail }),
    })),
  };
}
