import { randomUUID } from 'node:crypto';
import type { IsCompleteResult, OnEventResult } from '#functions/provisioner/events.ts';
import { waitFor } from './wait.ts';

/** The two functions the CDK provider framework calls, as the provisioner exports them. */
export interface ProviderFunctions {
  onEvent(event: unknown): Promise<OnEventResult>;
  isComplete(event: unknown): Promise<IsCompleteResult>;
}

type RequestType = 'Create' | 'Update' | 'Delete';

export interface EventOptions {
  readonly requestType: RequestType;
  readonly resourceType: string;
  readonly properties: Record<string, unknown>;
  readonly oldProperties?: Record<string, unknown>;
  readonly physicalResourceId?: string;
  /** Defaults to a fresh id; pass one to repeat an event. */
  readonly requestId?: string;
}

/** A CloudFormation custom resource event, as CloudFormation sends it through the provider framework. */
export function customResourceEvent(options: EventOptions): Record<string, unknown> {
  return {
    RequestType: options.requestType,
    RequestId: options.requestId ?? randomUUID(),
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/UserStack/guid',
    LogicalResourceId: 'Resource',
    ResourceType: options.resourceType,
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      ...options.properties,
    },
    ...(options.oldProperties && {
      OldResourceProperties: {
        ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
        ...options.oldProperties,
      },
    }),
    ...(options.physicalResourceId && { PhysicalResourceId: options.physicalResourceId }),
  };
}

/**
 * Runs one event the way the provider framework does: onEvent, then
 * isComplete with onEvent's answer merged in, until it says complete (or
 * throws, which fails the event with the error's message as its reason).
 */
export async function runCustomResourceEvent(
  provider: ProviderFunctions,
  event: Record<string, unknown>,
  timeoutMs = 120_000,
): Promise<OnEventResult & { Data?: Record<string, string> }> {
  const started = await provider.onEvent(event);
  const merged = { ...event, ...started };
  let failure: unknown;
  await waitFor(
    async () => {
      try {
        const answer = await provider.isComplete(merged);
        return answer.IsComplete ? true : undefined;
      } catch (error) {
        failure = error;
        return true;
      }
    },
    { timeoutMs, intervalMs: 250, what: `${String(event.RequestType)} of ${String(event.ResourceType)} to complete` },
  );
  if (failure) throw failure;
  return started;
}
