import { arns, type Deployment } from '#shared/domain/arn.ts';
import { getTaskProtection, updateTaskProtection, type ProtectionResult } from '#shared/control/task-protection.ts';
import { getTaskProtectionRequest, updateTaskProtectionRequest } from '#shared/schemas/task-protection-requests.ts';
import { seconds } from '../presenters/time.ts';
import { operation, type Operation } from './operation.ts';

function present(d: Deployment, result: ProtectionResult) {
  return {
    protectedTasks: result.protectedTasks.map((p) => ({
      taskArn: arns.task(d, p.task.clusterName, p.task.taskId),
      protectionEnabled: p.enabled,
      ...(p.until !== undefined && { expirationDate: seconds(p.until) }),
    })),
    failures: result.failures,
  };
}

export const taskProtectionOperations: Record<string, Operation> = {
  GetTaskProtection: operation(getTaskProtectionRequest, async (ctx, input) =>
    present(ctx.deployment, await getTaskProtection(ctx, input)),
  ),
  UpdateTaskProtection: operation(updateTaskProtectionRequest, async (ctx, input) =>
    present(ctx.deployment, await updateTaskProtection(ctx, input)),
  ),
};
