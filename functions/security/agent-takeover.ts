import { AgentError } from '#shared/domain/errors.ts';
import { containerInstances, instanceLeases } from '#shared/domain/collections.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Store, Versioned } from '#shared/ports/store.ts';
import type { InstanceCredentialRecord } from '#shared/security/agent-credentials.ts';

/**
 * A registration token re-attaches an existing instance only when that
 * instance's own agent can no longer: the instance is disconnected, or
 * being declared so (its lease fenced: its agent went quiet past the
 * heartbeat TTL), or its current credential has expired. Otherwise the token would hand a live instance's credential, and
 * with it the instance's tasks and their secrets, to whoever holds any
 * token for the cluster. A deregistered or unknown instance is left to the
 * registration itself, which answers 404.
 */
export async function requireTakeoverAllowed(
  deps: { readonly store: Store; readonly clock: Clock },
  cluster: string,
  instanceId: string,
  credential: Versioned<InstanceCredentialRecord> | undefined,
): Promise<void> {
  if (!credential || deps.clock.now() >= credential.value.expiresAt) return;
  const [found, lease] = await Promise.all([
    deps.store.get(containerInstances, containerInstances.key(cluster, instanceId)),
    deps.store.get(instanceLeases, instanceLeases.key(cluster, instanceId)),
  ]);
  const instance = found?.value;
  if (!instance || instance.status === 'INACTIVE' || !instance.agentConnected || lease?.value.fenced) return;
  throw new AgentError(
    403,
    'AccessDenied',
    `A registration token cannot take over container instance ${instanceId}: it is connected and its credential is valid until ` +
      `${new Date(credential.value.expiresAt).toISOString()}. Its own agent re-attaches with that credential; ` +
      'a token re-attaches it only once it is disconnected or its credential has expired.',
  );
}
