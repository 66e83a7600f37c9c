import type * as z from 'zod';
import type { Berth } from './berth-client.ts';
import type { IsCompleteResult, OnEventResult, PendingWork } from './events.ts';

/**
 * One Berth resource type: what each CloudFormation request does through the
 * ECS API. `request` is the parsed `Request` property (checked against
 * `schema`; Berth's endpoint validates every other member), `old` the
 * previous one on Update.
 */
export interface ResourceHandler {
  readonly schema: z.ZodType<Record<string, unknown>>;
  create(berth: Berth, request: Record<string, unknown>, requestId: string): Promise<OnEventResult>;
  update(
    berth: Berth,
    request: Record<string, unknown>,
    old: Record<string, unknown>,
    physicalId: string,
    requestId: string,
  ): Promise<OnEventResult>;
  delete(berth: Berth, physicalId: string): Promise<OnEventResult>;
  /** Whether the work `onEvent` started has finished; throws when it failed. */
  isComplete?(berth: Berth, pending: PendingWork): Promise<IsCompleteResult>;
}
