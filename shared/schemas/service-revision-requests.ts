import * as z from 'zod';

/** DescribeServiceRevisions and ContinueServiceDeployment as @aws-sdk/client-ecs sends them. */

export const describeServiceRevisionsRequest = z.strictObject({
  serviceRevisionArns: z.array(z.string().min(1)).min(1).max(20),
});

export const continueServiceDeploymentRequest = z.strictObject({
  serviceDeploymentArn: z.string().min(1),
  hookId: z.string().min(1),
  action: z.enum(['CONTINUE', 'ROLLBACK']).optional(),
});
