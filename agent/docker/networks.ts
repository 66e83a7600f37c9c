import type { NetworkObservation, NetworkSpec, RuntimeResult } from '#shared/ports/container-runtime.ts';
import { safeParse } from '../check/check.ts';
import { engineMessage, networkList, safeJson } from './docker-schemas.ts';
import type { TransportResponse } from './http-transport.ts';

/** One engine call, as DockerRuntime makes it (negotiated prefix, deadline, `unavailable` when unanswered). */
export type EngineCall = (
  method: string,
  path: string,
  options?: { body?: unknown },
) => Promise<RuntimeResult<TransportResponse>>;

const rejected = (message: string) => ({ ok: false as const, failure: { kind: 'rejected' as const, message } });
const done = <T>(value: T) => ({ ok: true as const, value });

/**
 * Creates a bridge network unless one of that name exists. The engine lets
 * two networks share a name on older versions, so the name is looked up
 * first; a 409 from a racing create on newer ones means it exists, which is
 * what was asked for.
 */
export async function ensureNetwork(call: EngineCall, network: NetworkSpec): Promise<RuntimeResult<void>> {
  const found = await call('GET', `/networks/${encodeURIComponent(network.name)}`);
  if (!found.ok) return found;
  if (found.value.status === 200) return done(undefined);
  const created = await call('POST', '/networks/create', {
    body: {
      Name: network.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { ...network.labels },
      ...(network.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: network.subnet }] } } : {}),
    },
  });
  if (!created.ok) return created;
  const { status, body } = created.value;
  return status === 201 || status === 409
    ? done(undefined)
    : rejected(`cannot create network ${network.name}: ${engineMessage(body)}`);
}

/** Removes a network; 404 means it is already gone. One with containers still on it is refused (and tried again later). */
export async function removeNetwork(call: EngineCall, name: string): Promise<RuntimeResult<void>> {
  const answer = await call('DELETE', `/networks/${encodeURIComponent(name)}`);
  if (!answer.ok) return answer;
  const { status, body } = answer.value;
  return status === 204 || status === 200 || status === 404
    ? done(undefined)
    : rejected(`cannot remove network ${name}: ${engineMessage(body)}`);
}

export async function listNetworks(
  call: EngineCall,
  labels: Readonly<Record<string, string>>,
): Promise<RuntimeResult<NetworkObservation[]>> {
  const filters = JSON.stringify({ label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) });
  const answer = await call('GET', `/networks?filters=${encodeURIComponent(filters)}`);
  if (!answer.ok) return answer;
  const listed = safeParse(networkList, safeJson(answer.value.body));
  if (answer.value.status !== 200 || !listed.success)
    return rejected(`cannot list networks: ${engineMessage(answer.value.body)}`);
  return done(listed.data.map((n) => ({ name: n.Name, labels: n.Labels ?? {} })));
}
