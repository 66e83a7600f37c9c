import { describeServiceRevisions } from '#shared/control/service-revisions.ts';
import { describeServiceRevisionsRequest } from '#shared/schemas/service-revision-requests.ts';
import { presentServiceRevision } from '../presenters/service-revision.ts';
import { operation, type Operation } from './operation.ts';

export const serviceRevisionOperations: Record<string, Operation> = {
  DescribeServiceRevisions: operation(describeServiceRevisionsRequest, async (ctx, input) => {
    const result = await describeServiceRevisions(ctx, input.serviceRevisionArns);
    return {
      serviceRevisions: result.found.map((r) => presentServiceRevision(ctx.deployment, r)),
      failures: result.missing.map((arn) => ({ arn, reason: 'MISSING' })),
    };
  }),
};
