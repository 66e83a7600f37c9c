import type * as Sdk from '@aws-sdk/client-cloudwatch-logs';
import type { AwslogsDestination } from '#shared/agent/log-driver.ts';
import type { LogBatches } from '#shared/schemas/logs-requests.ts';
import type { AgentLogger } from '../log.ts';
import type { ShipOutcome } from './log-shipper.ts';

/**
 * The SDK is imported here, at run time: the agent's bundle keeps
 * `@aws-sdk/*` external, and a static import would load it with the agent
 * (and fail on a host installed without it).
 */
export async function loadCloudWatchSink(logger: AgentLogger): Promise<CloudWatchSink> {
  return new CloudWatchSink(await import('@aws-sdk/client-cloudwatch-logs'), logger);
}

/**
 * Writes awslogs containers' lines to CloudWatch Logs with the host's
 * credentials and region (the SDK's standard chain; the endpoint from
 * AWS_ENDPOINT_URL_CLOUDWATCH_LOGS or AWS_ENDPOINT_URL). Loaded only by an
 * agent started with `--awslogs cloudwatch`: the SDK costs memory.
 */
export class CloudWatchSink {
  private readonly sdk: typeof Sdk;
  private readonly clients = new Map<string, Sdk.CloudWatchLogsClient>();
  /** Streams known to exist, so each is created once per agent run. */
  private readonly streams = new Set<string>();
  private readonly logger: AgentLogger;

  constructor(sdk: typeof Sdk, logger: AgentLogger) {
    this.sdk = sdk;
    this.logger = logger;
  }

  /**
   * Before the container starts, as the engine's awslogs driver does: the
   * group when awslogs-create-group is true, then the stream. A failure
   * keeps the container from starting, with the reason ECS gives.
   */
  async prepare(destination: AwslogsDestination): Promise<string | undefined> {
    const client = this.client(destination.region);
    const { CreateLogGroupCommand, CreateLogStreamCommand } = this.sdk;
    const { group, stream } = destination;
    try {
      if (destination.createGroup)
        await ignoreExisting(client.send(new CreateLogGroupCommand({ logGroupName: group })));
    } catch (error) {
      return `failed to initialize logging driver: failed to create Cloudwatch log group: ${describe(error)}`;
    }
    try {
      await ignoreExisting(client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })));
    } catch (error) {
      return `failed to initialize logging driver: failed to create Cloudwatch log stream: ${describe(error)}`;
    }
    this.streams.add(streamKey(destination.region, group, stream));
    return undefined;
  }

  /** The time of the stream's last event (0 for none), so an agent started again sends no line twice. */
  async lastTimestamp(destination: AwslogsDestination): Promise<number> {
    try {
      const answer = await this.client(destination.region).send(
        new this.sdk.GetLogEventsCommand({
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
        const answer = await this.client(region).send(
          new this.sdk.PutLogEventsCommand({
            logGroupName: destination.group,
            logStreamName: destination.stream,
            logEvents: [...batch.events],
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

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
  }

  private client(region: string | undefined): Sdk.CloudWatchLogsClient {
    const name = region ?? '';
    let client = this.clients.get(name);
    if (!client) {
      // The SDK's standard retry: exponential backoff with jitter on throttling and 5xx, 8 attempts.
      client = new this.sdk.CloudWatchLogsClient({ ...(region !== undefined && { region }), maxAttempts: 8 });
      this.clients.set(name, client);
    }
    return client;
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
