import * as z from 'zod';

/**
 * The agent API's task protection calls (`GET` and `PUT
 * /agent/v1/clusters/{cluster}/tasks/{taskId}/protection`), which carry what
 * a task's containers ask at ECS_AGENT_URI. Bounds are checked where
 * UpdateTaskProtection checks them, so both paths answer alike.
 */
export const agentProtectionChange = z.strictObject({
  protectionEnabled: z.boolean(),
  expiresInMinutes: z.number().int().optional(),
});
export type AgentProtectionChange = z.infer<typeof agentProtectionChange>;

/** ECS's ProtectedTask and Failure, with the expiry as an ISO time. */
export interface AgentProtectionAnswer {
  readonly protectedTasks: { taskArn: string; protectionEnabled: boolean; expirationDate?: string }[];
  readonly failures: { arn: string; reason: string; detail?: string }[];
}
