/**
 * How the agent proves who it is to the control plane. One seam: today a
 * bearer registration token; request signing with per-instance credentials
 * plugs in here later without touching the client.
 */
export interface RequestToSign {
  readonly method: string;
  readonly url: string;
  readonly body: string | undefined;
}

export interface AgentAuth {
  headers(request: RequestToSign): Promise<Record<string, string>>;
}

export function bearerToken(token: string | undefined): AgentAuth {
  return {
    headers: async (): Promise<Record<string, string>> => (token ? { authorization: `Bearer ${token}` } : {}),
  };
}
