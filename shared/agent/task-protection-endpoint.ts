import type { AgentProtectionAnswer } from '../schemas/agent-task-protection.ts';

/**
 * The documents of `${ECS_AGENT_URI}/task-protection/v1/state`, as the ECS
 * agent answers them: exactly one of `protection` (ECS's ProtectedTask),
 * `failure` (ECS's Failure, still 200: the call worked, the task cannot be
 * protected) or `error` (the call did not work), with ECS's member names.
 */
export interface EndpointAnswer {
  readonly status: number;
  readonly body: unknown;
}

export function protectionAnswer(answer: AgentProtectionAnswer, taskArn: string): EndpointAnswer {
  const failure = answer.failures[0];
  if (failure) {
    return {
      status: 200,
      body: { failure: { Arn: failure.arn, Detail: failure.detail ?? null, Reason: failure.reason } },
    };
  }
  const found = answer.protectedTasks[0];
  if (!found) return protectionError(500, 'ServerException', 'The control plane answered without the task', taskArn);
  return {
    status: 200,
    body: {
      protection: {
        ExpirationDate: found.expirationDate ?? null,
        ProtectionEnabled: found.protectionEnabled,
        TaskArn: found.taskArn,
      },
    },
  };
}

export function protectionError(status: number, code: string, message: string, taskArn?: string): EndpointAnswer {
  return { status, body: { error: { ...(taskArn !== undefined && { Arn: taskArn }), Code: code, Message: message } } };
}

/** What went wrong between the agent and the control plane, in the endpoint's error shape. */
export function controlPlaneError(
  failure:
    | { readonly kind: 'rejected'; readonly status: number; readonly code: string; readonly message: string }
    | { readonly kind: string; readonly message: string },
  taskArn: string,
): EndpointAnswer {
  if (failure.kind === 'rejected' && 'status' in failure && failure.status >= 400 && failure.status < 500) {
    return protectionError(failure.status, failure.code, failure.message, taskArn);
  }
  return protectionError(503, 'ServerException', `The control plane could not be reached: ${failure.message}`, taskArn);
}

/** A PUT body: `{"ProtectionEnabled": boolean, "ExpiresInMinutes"?: integer}` and nothing else. */
export type ProtectionRequest =
  | { readonly ok: true; readonly protectionEnabled: boolean; readonly expiresInMinutes?: number }
  | { readonly ok: false; readonly answer: EndpointAnswer };

export function readProtectionRequest(text: string, taskArn: string): ProtectionRequest {
  const undecodable = {
    ok: false as const,
    answer: protectionError(
      400,
      'InvalidParameterException',
      'The body must be JSON with ProtectionEnabled (boolean) and optionally ExpiresInMinutes (integer), nothing else',
    ),
  };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undecodable;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undecodable;
  const { ProtectionEnabled: enabled, ExpiresInMinutes: minutes, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undecodable;
  if (enabled !== undefined && typeof enabled !== 'boolean') return undecodable;
  if (minutes !== undefined && minutes !== null && !Number.isInteger(minutes)) return undecodable;
  if (enabled === undefined) {
    return {
      ok: false,
      answer: protectionError(400, 'InvalidParameterException', 'The request has no ProtectionEnabled member', taskArn),
    };
  }
  return { ok: true, protectionEnabled: enabled, ...(typeof minutes === 'number' && { expiresInMinutes: minutes }) };
}
