import { DescribeServicesCommand, type ECSClient, type ServiceEvent } from '@aws-sdk/client-ecs';
import { waitFor } from './wait.ts';

type Pattern = string | RegExp;

const matches = (message: string, pattern: Pattern) =>
  typeof pattern === 'string' ? message.includes(pattern) : pattern.test(message);

/**
 * Waits until the service's events hold, for each pattern, one whose message
 * matches it (a string is looked for as a part of the message), and returns
 * those events in the patterns' order.
 */
export async function serviceEventMatching(
  ecs: ECSClient,
  where: { cluster: string; service: string; timeoutMs?: number },
  ...patterns: [Pattern, ...Pattern[]]
): Promise<ServiceEvent[]> {
  return waitFor(
    async () => {
      const described = await ecs.send(
        new DescribeServicesCommand({ cluster: where.cluster, services: [where.service] }),
      );
      const events = described.services?.[0]?.events ?? [];
      const found = patterns
        .map((pattern) => events.find((e) => matches(e.message ?? '', pattern)))
        .filter((e): e is ServiceEvent => e !== undefined);
      return found.length === patterns.length ? found : undefined;
    },
    {
      what: `service ${where.service} events matching ${patterns.join(' and ')}`,
      timeoutMs: where.timeoutMs ?? 30_000,
    },
  );
}
