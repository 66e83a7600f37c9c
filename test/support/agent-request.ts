/**
 * A raw request to the agent API (`path` below `/agent/v1`), with `bearer`
 * as the credential when given and `body` as JSON when given, so a test can
 * send what no agent would.
 */
export function agentRequest(
  endpoint: string,
  method: string,
  path: string,
  bearer?: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${endpoint}/agent/v1${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(bearer !== undefined && { authorization: `Bearer ${bearer}` }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

/**
 * An agent API call of one instance, made as its agent makes it: a JSON POST
 * to `/agent/v1/clusters/{cluster}/instances/{id}/{call}` with `bearer` as
 * the credential. The body is the caller's, so a test can send a stale epoch
 * or another instance's credential.
 */
export function agentPost(
  endpoint: string,
  at: { cluster: string; instanceId: string; call: 'poll' | 'reports' | 'foreign-instances' },
  bearer: string,
  body: unknown,
): Promise<Response> {
  return agentRequest(endpoint, 'POST', `/clusters/${at.cluster}/instances/${at.instanceId}/${at.call}`, bearer, body);
}

/**
 * A call made exactly as a registered instance's own agent makes it: its own
 * credential, its current epoch, and whatever else the test adds to the body.
 */
export function agentCall(
  endpoint: string,
  cluster: string,
  agent: { readonly instanceId: string; readonly epoch: number; readonly credential: { readonly token: string } },
  call: 'poll' | 'reports' | 'foreign-instances',
  body: Record<string, unknown> = {},
): Promise<Response> {
  return agentPost(endpoint, { cluster, instanceId: agent.instanceId, call }, agent.credential.token, {
    epoch: agent.epoch,
    ...body,
  });
}
