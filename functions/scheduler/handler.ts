import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ControlContext } from '#shared/control/context.ts';
import { createElbv2Targets } from '../adapters/elbv2-targets.ts';
import { createElbv2QueryClient } from '../adapters/elbv2-query-client.ts';
import { createCloudMap } from '../adapters/cloud-map.ts';
import { clientOptionsFromEnvironment } from '../adapters/aws-environment.ts';
import { awsRuntime } from '../runtime/aws-runtime.ts';
import { invocationMetrics, type MetricsRecorder } from '../runtime/invocation-metrics.ts';
import { lambdaEntry } from '../runtime/lambda-entry.ts';
import type { Logger } from '../runtime/logger.ts';
import { processBatch } from './process-batch.ts';

interface SchedulerDeps {
  readonly ctx: ControlContext;
  readonly logger: Logger;
  /** Dev mode records none. */
  readonly metrics?: MetricsRecorder;
}

export function createSchedulerHandler(deps: () => SchedulerDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { ctx, logger, metrics } = deps();
    return processBatch(ctx, event, logger, metrics);
  };
}

const metrics = invocationMetrics('scheduler');
let scheduling: SchedulerDeps | undefined;

/**
 * The scheduler is the one function that registers service tasks in ELBv2
 * target groups, with its role's keys, at the regional endpoint or the
 * AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 (else AWS_ENDPOINT_URL) override,
 * and in AWS Cloud Map (AWS_ENDPOINT_URL_SERVICEDISCOVERY overrides).
 */
function schedulerRuntime(): SchedulerDeps {
  if (scheduling) return scheduling;
  const runtime = awsRuntime();
  const region = runtime.env.AWS_REGION;
  const { credentials } = clientOptionsFromEnvironment('DYNAMODB', region);
  const endpoint =
    process.env.AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 ??
    process.env.AWS_ENDPOINT_URL ??
    `https://elasticloadbalancing.${region}.amazonaws.com`;
  const targets = createElbv2Targets(createElbv2QueryClient({ endpoint, region, credentials }));
  const discovery = createCloudMap({
    endpoint:
      process.env.AWS_ENDPOINT_URL_SERVICEDISCOVERY ??
      process.env.AWS_ENDPOINT_URL ??
      `https://servicediscovery.${region}.amazonaws.com`,
    region,
    credentials,
  });
  scheduling = { ctx: { ...runtime.ctx, targets, discovery }, logger: runtime.logger, metrics };
  return scheduling;
}

/** Lambda entry for the SQS event source (ReportBatchItemFailures on). */
export const handler = lambdaEntry(() => awsRuntime().logger, metrics, createSchedulerHandler(schedulerRuntime));
