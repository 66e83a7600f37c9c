import type { AwsJsonCall } from '#shared/aws/aws-json-call.ts';
import type { AwslogsDestination } from '#shared/agent/log-driver.ts';
import type { LogBatches } from '#shared/schemas/logs-requests.ts';
import { getLogEventsAnswer, putLogEventsAnswer } from '../check/aws-answers.ts';
import { parse } from '../check/check.ts';
import { hostCredentials, hostRegion, type HostAwsOptions } from '../host/aws-credentials.ts';
import type { AgentLogger } from '../log.ts';
import { cloudWatchLogsEndpoint, createCloudWatchLogsCall } from './cloudwatch-logs-client.ts';
import type { ShipOutcome } from './log-shipper.ts';

export function loadCloudWatchSink(logger: AgentLogger, host: HostAwsOptions): CloudWatchSink {
  return new CloudWatchSink(logger, host);
}

/**
 * Writes awslogs containers' lines to CloudWatch Logs with the host's
 * credentials and region (environment, then the instance role:
 * ../host/aws-credentials.ts; the endpoint from
 * AWS_ENDPOINT_URL_CLOUDWATCH_LOGS or AWS_ENDPOINT_URL), over Berth's lean
 * AWS JSON client rather than the SDK, which cost the agent 14 MiB.
 */
export class CloudWatchSink {
  private readonly calls = new Map<string, AwsJsonCall>();
  /** Streams known to exist, so each is created once per agent run. */
  private readonly streams = new Set<string>();
  private readonly logger: AgentLogger;
  private readonly host: HostAwsOptions;
  private readonly credentials: ReturnType<typeof hostCredentials>;
  private readonly region: ReturnType<typeof hostRegion>;

  constructor(logger: AgentLogger, host: HostAwsOptions) {
    this.logger = logger;
    this.host = host;
    this.credentials = hostCredentials(host);
    this.region = hostRegion(host);
  }

  /**
   * Before the container starts, as the engine's awslogs driver does: the
   * group when awslogs-create-group is true, then the stream. A failure
   * keeps the container from starting, with the reason ECS gives.
   */
  async prepare(destination: AwslogsDestination): Promise<string | undefined> {
    const { group, stream } = destination;
    try {
      if (destination.createGroup)
        await ignoreExisting(this.call(destination.region, 'CreateLogGroup', { logGroupName: group }));
    } catch (error) {
      return `failed to initialize logging driver: failed to create Cloudwatch log group: ${describe(error)}`;
    }
    try {
      await ignoreExisting(
        this.call(destination.region, 'CreateLogStream', { logGroupName: group, logStreamName: stream }),
      );
    } catch (error) {
      return `failed to initialize logging driver: failed to create Cloudwatch log stream: ${describe(error)}`;
    }
    this.streams.add(streamKey(destination.region, group, stream));
    return undefined;
  }

  /** The time of the stream's last event (0 for none), so an agent started again sends no line twice. */
  async lastTimestamp(destination: AwslogsDestination): Promise<number> {
    try {
      const answer = parse(
        getLogEventsAnswer,
        await this.call(destination.region, 'GetLogEvents', {
          logGroupName: destination.group,
          logStreamName: destination.stream,
          startFromHead: false,
          limit: 1,
        }),
      );
      return answer.events?.at(-1)?.timestamp ?? 0;
    } catch {
      return 0;
    }
  }

  /** One PutLogEvents per batch, in order; stops at the first failure and keeps the rest. */
  async send(body: LogBatches, destinations: readonly AwslogsDestination[]): Promise<ShipOutcome> {
    for (const [index, batch] of body.batches.entries()) {
      const destination = destinations[index];
      if (!destination) return index === 0 ? 'retry' : { sent: index };
      const { region } = destination;
      try {
        if (!this.streams.has(streamKey(region, destination.group, destination.stream))) {
          const failure = await this.prepare(destination);
          if (failure) throw new Error(failure);
        }
        const answer = parse(
          putLogEventsAnswer,
          await this.call(region, 'PutLogEvents', {
            logGroupName: destination.group,
            logStreamName: destination.stream,
            logEvents: batch.events,
          }),
        );
        if (answer.rejectedLogEventsInfo) {
          this.logger.warn('CloudWatch Logs refused some container log events', {
            group: destination.group,
            stream: destination.stream,
            rejected: JSON.stringify(answer.rejectedLogEventsInfo),
          });
        }
      } catch (error) {
        // A stream deleted under us is created again next time.
        if (errorName(error) === 'ResourceNotFoundException')
          this.streams.delete(streamKey(region, destination.group, destination.stream));
        this.logger.warn('Sending container logs to CloudWatch Logs failed; will retry', {
          group: destination.group,
          stream: destination.stream,
          error: describe(error),
        });
        return index === 0 ? 'retry' : { sent: index };
      }
    }
    return 'sent';
  }

  /** Nothing to close: the exchanges share the agent's keep-alive pool. */
  destroy(): void {}

  private async call(destinationRegion: string | undefined, operation: string, input: unknown): Promise<unknown> {
    const region = destinationRegion ?? (await this.region());
    if (region === undefined)
      throw new Error('no AWS region: set awslogs-region, AWS_REGION, or run on EC2 with IMDS reachable');
    let call = this.calls.get(region);
    if (!call) {
      call = createCloudWatchLogsCall({
        endpoint: cloudWatchLogsEndpoint(this.host.env, region),
        region,
        credentials: this.credentials,
      });
      this.calls.set(region, call);
    }
    return call(operation, input);
  }
}

function streamKey(region: string | undefined, group: string, stream: string): string {
  return `${region ?? ''}\u0000${group}\u0000${stream}`;
}

async function ignoreExisting(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (errorName(error) !== 'ResourceAlreadyExistsException') throw error;
  }
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
