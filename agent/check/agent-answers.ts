import type {
  ForeignInstancesResponse,
  PollResponse,
  RegisterInstanceResponse,
  TaskStateReportsResponse,
  TaskStateResponse,
} from '#shared/schemas/agent-api.ts';
import type { CredentialGrant, RegistrationAnswer, RotationAnswer } from '#shared/security/agent-credentials.ts';
import type { TaskSecretsResponse } from '#shared/security/secret-api.ts';
import type { AgentProtectionAnswer } from '#shared/schemas/agent-task-protection.ts';
import { boolean, int, literal, number, string, type Check } from './check.ts';
import { array, extend, object, optional, union } from './compose.ts';
import { desiredStatus, taskSpec } from './task-spec.ts';
import { dnsRecords } from './dns-records.ts';
import { CREDENTIAL_PREFIX } from '#shared/security/agent-credential-prefixes.ts';

/**
 * The control plane's answers on the agent API, as shared/schemas/
 * agent-api.ts, shared/security/agent-credentials.ts and secret-api.ts
 * define them: objects that drop keys they do not know, so an agent older
 * than its control plane still reads them.
 */

const epochMs = int({ min: 0 });

const credentialGrant: Check<CredentialGrant> = object({
  token: string({ startsWith: CREDENTIAL_PREFIX, max: 2048 }),
  issuedAt: epochMs,
  expiresAt: epochMs,
});

const registerInstanceFields = {
  instanceId: string(),
  containerInstanceArn: string(),
  epoch: int({ min: 0 }),
  pollIntervalSeconds: number({ above: 0 }),
};

export const registerInstanceResponse: Check<RegisterInstanceResponse> = object(registerInstanceFields);

export const registrationAnswer: Check<RegistrationAnswer> = object(
  extend(registerInstanceFields, { credential: optional(credentialGrant) }),
);

export const rotationAnswer: Check<RotationAnswer> = object({ credential: credentialGrant });

const assignmentView = object({ taskId: string(), taskArn: string(), taskDefinitionArn: string(), desiredStatus });

export const pollResponse: Check<PollResponse> = union(
  object({ changed: literal(false), version: int(), status: string(), dns: optional(dnsRecords) }),
  object({
    changed: literal(true),
    version: int(),
    status: string(),
    assignments: array(assignmentView),
    specs: optional(array(taskSpec)),
    dns: optional(dnsRecords),
  }),
);

export const taskStateResponse: Check<TaskStateResponse> = object({ applied: boolean(), desiredStatus });

export const agentError = object({ code: string(), message: string() });

export const logsAccepted: Check<{ accepted: number }> = object({ accepted: int({ min: 0 }) });

export const taskStateReportsResponse: Check<TaskStateReportsResponse> = object({
  results: array(
    union(
      object({ taskId: string(), applied: boolean(), desiredStatus }),
      object({ taskId: string(), error: agentError }),
    ),
  ),
});

export const taskSecretsResponse: Check<TaskSecretsResponse> = object({
  secrets: array(object({ valueFrom: string(), value: string() })),
  missing: array(string()),
});

export const foreignInstancesResponse: Check<ForeignInstancesResponse> = object({
  instances: array(object({ instanceId: string(), live: boolean() })),
});

/** GET/PUT .../tasks/{id}/protection (shared/schemas/agent-task-protection.ts). */
export const agentProtectionAnswer: Check<AgentProtectionAnswer> = object({
  protectedTasks: array(
    object({ taskArn: string(), protectionEnabled: boolean(), expirationDate: optional(string()) }),
  ),
  failures: array(object({ arn: string(), reason: string(), detail: optional(string()) })),
});
