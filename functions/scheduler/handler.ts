import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ControlContext } from '#shared/control/context.ts';
import { createElbv2Targets } from '../adapters/elbv2-targets.ts';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import type { Logger } from '../runtime/logger.ts';
import { processBatch } from './process-batch.ts';

export function createSchedulerHandler(deps: () => { ctx: ControlContext; logger: Logger }) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { ctx, logger } = deps();
    return processBatch(ctx, event, logger);
  };
}

let scheduling: { ctx: ControlContext; logger: Logger } | undefined;

/**
 * The scheduler is the one function that registers service tasks in ELBv2
 * target groups; the SDK client takes its region, role keys and any
 * AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 override from the environment.
 */
function schedulerRuntime(): { ctx: ControlContext; logger: Logger } {
  if (scheduling) return scheduling;
  const runtime = awsRuntime();
  scheduling = {
    ctx: { ...runtime.ctx, targets: createElbv2Targets({ region: runtime.env.AWS_REGION }) },
    logger: runtime.logger,
  };
  return scheduling;
}

/** Lambda entry for the SQS event source (ReportBatchItemFailures on). */
export const handler = createSchedulerHandler(schedulerRuntime);
