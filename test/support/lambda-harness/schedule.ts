import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { FunctionHost } from './function-host.ts';

/** The event an EventBridge schedule rule sends its target. */
export function scheduledEvent(context: { account: string; region: string; ruleArn: string }): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: context.account,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: context.region,
    resources: [context.ruleArn],
    detail: {},
  };
}

/**
 * The monitor's schedule rule: an asynchronous invocation every `rateMs`,
 * without retries (the rule's target has retryAttempts 0). A slow sweep does
 * not hold the next one back; the function host starts another environment.
 */
export function startSchedule(
  host: FunctionHost,
  rateMs: number,
  context: { account: string; region: string; ruleArn: string },
): { stop(): void } {
  // Invocations in flight end with the function host's stop, which kills their environments.
  const timer = setInterval(() => void host.invoke(scheduledEvent(context)).catch(() => undefined), rateMs);
  return { stop: () => clearInterval(timer) };
}
