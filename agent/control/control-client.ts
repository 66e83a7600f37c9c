import type {
  ForeignInstancesRequest,
  ForeignInstancesResponse,
  PollRequest,
  PollResponse,
  RegisterInstanceRequest,
  TaskSpec,
  TaskStateReport,
  TaskStateReports,
  TaskStateReportsResponse,
  TaskStateResponse,
} from '#shared/schemas/agent-api.ts';
import type { RegistrationAnswer, RotationAnswer } from '#shared/security/agent-credentials.ts';
import type { AgentProtectionAnswer, AgentProtectionChange } from '#shared/schemas/agent-task-protection.ts';
import type { LogBatches } from '#shared/schemas/logs-requests.ts';
import {
  agentError,
  agentProtectionAnswer,
  foreignInstancesResponse,
  logsAccepted,
  pollResponse,
  registrationAnswer,
  rotationAnswer,
  taskStateReportsResponse,
  taskStateResponse,
} from '../check/agent-answers.ts';
import { safeParse, type Check } from '../check/check.ts';
import { taskSpec } from '../check/task-spec.ts';
import { httpRequest, type HttpAnswer } from '../net/http-request.ts';
import { untrustedCertificate } from '../net/tls-failure.ts';
import type { AgentAuth, RegistrationBearer } from './auth.ts';

/**
 * The control plane's answer when it is not a success, by what the agent
 * does about it:
 * - fenced (409 InstanceFenced): re-register, then follow the new assignments;
 * - instance-not-found (404 InstanceNotFound): the instance was deregistered;
 * - unauthorized (401): the credential was refused (expired, replaced, spent);
 * - rejected (any other 4xx, or a body that does not parse): a bug; log, drop;
 * - unavailable (5xx, network, timeout): retry with backoff.
 */
export type ControlFailure =
  | { readonly kind: 'fenced'; readonly message: string }
  | { readonly kind: 'instance-not-found'; readonly message: string }
  | { readonly kind: 'unauthorized'; readonly code: string; readonly message: string }
  | { readonly kind: 'rejected'; readonly status: number; readonly code: string; readonly message: string }
  | { readonly kind: 'unavailable'; readonly message: string };

/** The code of a `rejected` failure whose cause is a server certificate that did not verify. */
export const UNTRUSTED_CERTIFICATE = 'UntrustedCertificate';

export type ControlResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: ControlFailure };

export interface ControlClientOptions {
  readonly endpoint: string;
  readonly cluster: string;
  readonly auth: AgentAuth;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
  /** PEM CAs trusted for an https:// endpoint; Node's bundled CAs when undefined. */
  readonly tlsCa?: string;
}

/** The agent API under /agent/v1, over node:http (see ../net/http-request.ts for why not fetch). */
export class ControlClient {
  private readonly base: string;
  private readonly auth: AgentAuth;
  private readonly timeoutMs: number;
  private readonly tlsCa: string | undefined;

  constructor(options: ControlClientOptions) {
    this.tlsCa = options.tlsCa;
    this.base = `${options.endpoint.replace(/\/+$/, '')}/agent/v1/clusters/${encodeURIComponent(options.cluster)}`;
    this.auth = options.auth;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Registers with the given bearer secret (none when undefined), not the current credential. */
  register(request: RegisterInstanceRequest, bearer: RegistrationBearer): Promise<ControlResult<RegistrationAnswer>> {
    return this.call('POST', '/instances', request, registrationAnswer, {}, bearer ?? null);
  }

  /** Exchanges the instance credential for a new one. */
  rotateCredential(instanceId: string): Promise<ControlResult<RotationAnswer>> {
    return this.call('POST', `/instances/${encodeURIComponent(instanceId)}/credentials`, undefined, rotationAnswer);
  }

  poll(instanceId: string, request: PollRequest): Promise<ControlResult<PollResponse>> {
    return this.call('POST', `/instances/${encodeURIComponent(instanceId)}/poll`, request, pollResponse);
  }

  taskSpec(instanceId: string, taskId: string): Promise<ControlResult<TaskSpec>> {
    const query = new URLSearchParams({ instanceId });
    return this.call('GET', `/tasks/${encodeURIComponent(taskId)}?${query}`, undefined, taskSpec, {
      'x-berth-instance-id': instanceId,
    });
  }

  /** A task's scale-in protection, read (no change) or set, for its containers' ECS_AGENT_URI calls. */
  taskProtection(
    instanceId: string,
    taskId: string,
    change?: AgentProtectionChange,
  ): Promise<ControlResult<AgentProtectionAnswer>> {
    const query = new URLSearchParams({ instanceId });
    return this.call(
      change ? 'PUT' : 'GET',
      `/tasks/${encodeURIComponent(taskId)}/protection?${query}`,
      change,
      agentProtectionAnswer,
      { 'x-berth-instance-id': instanceId },
    );
  }

  reportState(taskId: string, report: TaskStateReport): Promise<ControlResult<TaskStateResponse>> {
    return this.call('POST', `/tasks/${encodeURIComponent(taskId)}/state`, report, taskStateResponse);
  }

  /** Many tasks' reports in one request; each is answered on its own. */
  reportStates(batch: TaskStateReports): Promise<ControlResult<TaskStateReportsResponse>> {
    return this.call(
      'POST',
      `/instances/${encodeURIComponent(batch.instanceId)}/reports`,
      batch,
      taskStateReportsResponse,
    );
  }

  /** Container output for dev mode's log store (functions/logs/agent-logs-router.ts). */
  shipLogs(instanceId: string, body: LogBatches): Promise<ControlResult<{ accepted: number }>> {
    return this.call('POST', `/instances/${encodeURIComponent(instanceId)}/logs`, body, logsAccepted);
  }

  /** Whether an agent still answers for each of these other instances (see shared/control/foreign-instances.ts). */
  foreignInstances(
    instanceId: string,
    request: ForeignInstancesRequest,
  ): Promise<ControlResult<ForeignInstancesResponse>> {
    return this.call(
      'POST',
      `/instances/${encodeURIComponent(instanceId)}/foreign-instances`,
      request,
      foreignInstancesResponse,
    );
  }

  private async call<T>(
    method: string,
    path: string,
    body: unknown,
    check: Check<T>,
    extraHeaders: Record<string, string> = {},
    /** Overrides the auth: this bearer secret, or null for none. */
    bearer?: string | null,
  ): Promise<ControlResult<T>> {
    const url = `${this.base}${path}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let response: HttpAnswer;
    try {
      const headers = {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...extraHeaders,
        ...(bearer === undefined
          ? await this.auth.headers({ method, url, body: payload })
          : bearer === null
            ? {}
            : { authorization: `Bearer ${bearer}` }),
      };
      response = await httpRequest(url, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(this.tlsCa === undefined ? {} : { ca: this.tlsCa }),
      });
    } catch (error) {
      const untrusted = untrustedCertificate(error);
      if (untrusted !== undefined)
        return { ok: false, failure: { kind: 'rejected', status: 0, code: UNTRUSTED_CERTIFICATE, message: untrusted } };
      return unavailable(`${method} ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = response.body;
    const json = parseJson(text);
    if (response.status >= 500)
      return unavailable(`${method} ${url} answered ${response.status}: ${text.slice(0, 200)}`);
    if (response.status >= 400) return { ok: false, failure: classify(response.status, json, text) };
    const parsed = safeParse(check, json);
    if (!parsed.success) {
      return {
        ok: false,
        failure: {
          kind: 'rejected',
          status: response.status,
          code: 'UnexpectedBody',
          message: `${method} ${url}: ${parsed.error.message}`,
        },
      };
    }
    return { ok: true, value: parsed.data };
  }
}

function classify(status: number, json: unknown, text: string): ControlFailure {
  const error = safeParse(agentError, json);
  const code = error.success ? error.data.code : `Http${status}`;
  const message = error.success ? error.data.message : text.slice(0, 200);
  if (status === 409 && code === 'InstanceFenced') return { kind: 'fenced', message };
  if (status === 404 && code === 'InstanceNotFound') return { kind: 'instance-not-found', message };
  if (status === 401) return { kind: 'unauthorized', code, message };
  // 408 and 429 are the control plane asking for patience, not a bug.
  if (status === 408 || status === 429) return { kind: 'unavailable', message };
  return { kind: 'rejected', status, code, message };
}

function unavailable(message: string): { ok: false; failure: ControlFailure } {
  return { ok: false, failure: { kind: 'unavailable', message } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
