import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ControlContext } from '#shared/control/context.ts';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import type { Logger } from '../runtime/logger.ts';
import { processBatch } from './process-batch.ts';

export function createSchedulerHandler(deps: () => { ctx: ControlContext; logger: Logger }) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { ctx, logger } = deps();
    return processBatch(ctx, event, logger);
  };
}

/** Lambda entry for the SQS event source (ReportBatchItemFailures on). */
export const handler = createSchedulerHandler(awsRuntime);
