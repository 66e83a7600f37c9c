import { agentError, taskSecretsResponse } from '../check/agent-answers.ts';
import { safeParse } from '../check/check.ts';
import type { AgentAuth } from '../control/auth.ts';
import { httpRequest, type HttpAnswer } from '../net/http-request.ts';
import { failed, type SecretFailure } from './secret-result.ts';

export type BerthSecretsResult =
  | { readonly ok: true; readonly values: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly failure: SecretFailure };

/** Berth's own secret store, as the agent reaches it. */
export interface BerthSecretSource {
  /** The task's `berth:secret:` values, by valueFrom. */
  taskSecrets(taskId: string): Promise<BerthSecretsResult>;
}

export interface ControlPlaneSecretOptions {
  readonly endpoint: string;
  readonly cluster: string;
  readonly auth: AgentAuth;
  /** The instance asking: the control plane answers only for tasks assigned to it. */
  readonly instanceId: () => string;
  readonly timeoutMs?: number;
}

/**
 * GET /agent/v1/clusters/{cluster}/tasks/{taskId}/secrets through the
 * agent's own credentials. The answer is read and handed on; it is never
 * written down or logged.
 */
export function controlPlaneSecretSource(options: ControlPlaneSecretOptions): BerthSecretSource {
  const base = `${options.endpoint.replace(/\/+$/, '')}/agent/v1/clusters/${encodeURIComponent(options.cluster)}`;
  return {
    async taskSecrets(taskId) {
      const instanceId = options.instanceId();
      const url = `${base}/tasks/${encodeURIComponent(taskId)}/secrets?${new URLSearchParams({ instanceId })}`;
      let response: HttpAnswer;
      try {
        const headers = {
          'x-berth-instance-id': instanceId,
          ...(await options.auth.headers({ method: 'GET', url, body: undefined })),
        };
        response = await httpRequest(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      } catch (error) {
        return failed(
          'unavailable',
          `Berth's secret store did not answer: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const json = parseJson(response.body);
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        return failed('unavailable', `Berth's secret store answered ${response.status}`);
      }
      if (!response.ok) {
        const error = safeParse(agentError, json);
        const why = error.success ? `${error.data.code}: ${error.data.message}` : `HTTP ${response.status}`;
        return failed('rejected', `Berth's secret store refused the task's secrets (${why})`);
      }
      const parsed = safeParse(taskSecretsResponse, json);
      if (!parsed.success) return failed('rejected', "Berth's secret store sent an answer the agent cannot read");
      return { ok: true, values: new Map(parsed.data.secrets.map((s) => [s.valueFrom, s.value])) };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
