import { PROVIDER_ATTRIBUTE } from '../domain/capacity-strategy.ts';
import { capacityProviders, clusters, containerInstances, tasks } from '../domain/collections.ts';
import type { Ec2Fleet } from '../ports/ec2-fleet.ts';
import { decideCapacity, type CapacityDecision, type ProviderInstance } from '../scheduler/capacity-decision.ts';
import type { CapacityProvider } from '../schemas/capacity-provider.ts';
import type { ContainerInstance } from '../schemas/container-instance.ts';
import type { Task } from '../schemas/task.ts';
import { putAttributes } from './attributes.ts';
import type { ControlContext } from './context.ts';
import { deregisterContainerInstance, updateContainerInstancesState } from './instances.ts';
import { readAll, updateWithRetry } from './listing.ts';

export interface CapacityOutcome {
  readonly launched: number;
  readonly drained: number;
  readonly terminated: number;
}

/** A provider whose pass failed (its launch template deleted, a refused launch); retried next sweep. */
export interface ProviderFailure {
  readonly cluster: string;
  readonly provider: string;
  readonly error: unknown;
}

/**
 * The monitor's managed scaling pass over every ACTIVE provider a cluster
 * uses: tag the instances it launched with the provider, then decide
 * (shared/scheduler/capacity-decision.ts) and act: launch, drain, terminate.
 */
export async function scaleCapacity(
  ctx: ControlContext,
  ec2: Ec2Fleet,
): Promise<CapacityOutcome & { readonly failures: ProviderFailure[] }> {
  const providers = (await readAll(ctx.store, capacityProviders, capacityProviders.partition())).filter(
    (p) => p.value.status === 'ACTIVE',
  );
  const using = (await readAll(ctx.store, clusters, clusters.partition())).filter(
    (c) => c.value.status === 'ACTIVE' && (c.value.capacityProviders ?? []).length > 0,
  );
  const total = { launched: 0, drained: 0, terminated: 0 };
  const failures: ProviderFailure[] = [];
  for (const { value: cluster } of using) {
    const [instances, clusterTasks] = await Promise.all([
      readAll(ctx.store, containerInstances, containerInstances.partition(cluster.clusterName)),
      readAll(ctx.store, tasks, tasks.partition(cluster.clusterName)),
    ]);
    for (const provider of providers.filter((p) => cluster.capacityProviders?.includes(p.value.name))) {
      const fleet = instances.map((i) => i.value).filter((i) => i.status === 'ACTIVE' || i.status === 'DRAINING');
      // One provider's failure is its own: the others still scale in this pass.
      try {
        await tagLaunched(ctx, cluster.clusterName, provider.value, fleet);
        const outcome = await scaleProvider(
          ctx,
          ec2,
          cluster.clusterName,
          provider.value,
          fleet,
          clusterTasks.map((t) => t.value),
        );
        total.launched += outcome.launched;
        total.drained += outcome.drained;
        total.terminated += outcome.terminated;
      } catch (error) {
        failures.push({ cluster: cluster.clusterName, provider: provider.value.name, error });
      }
    }
  }
  return { ...total, failures };
}

function launchedIds(provider: CapacityProvider): Set<string> {
  return new Set(provider.launches.flatMap((l) => l.ec2InstanceIds));
}

function providerOf(instance: ContainerInstance): string | undefined {
  return instance.attributes.find((a) => a.name === PROVIDER_ATTRIBUTE)?.value;
}

/** An instance this provider launched carries its name as an attribute from the first pass that sees it. */
async function tagLaunched(
  ctx: ControlContext,
  cluster: string,
  provider: CapacityProvider,
  fleet: ContainerInstance[],
): Promise<void> {
  const ours = launchedIds(provider);
  const untagged = fleet.filter(
    (i) => i.ec2InstanceId !== undefined && ours.has(i.ec2InstanceId) && providerOf(i) !== provider.name,
  );
  if (untagged.length === 0) return;
  await putAttributes(ctx, {
    cluster,
    attributes: untagged.map((i) => ({
      name: PROVIDER_ATTRIBUTE,
      value: provider.name,
      targetType: 'container-instance' as const,
      targetId: i.id,
    })),
  });
  for (const i of untagged) {
    const index = fleet.indexOf(i);
    fleet[index] = { ...i, attributes: [...i.attributes, { name: PROVIDER_ATTRIBUTE, value: provider.name }] };
  }
}

async function scaleProvider(
  ctx: ControlContext,
  ec2: Ec2Fleet,
  cluster: string,
  provider: CapacityProvider,
  fleet: readonly ContainerInstance[],
  clusterTasks: readonly Task[],
): Promise<CapacityOutcome> {
  const now = ctx.clock.now();
  const mine = fleet.filter((i) => providerOf(i) === provider.name);
  const waiting = clusterTasks.filter(
    (t) =>
      t.capacityProviderName === provider.name &&
      t.lastStatus === 'PROVISIONING' &&
      t.desiredStatus === 'RUNNING' &&
      t.containerInstanceId === undefined,
  );
  const seen = new Set(fleet.flatMap((i) => i.ec2InstanceId ?? []));
  const warmupMs = provider.managedScaling.instanceWarmupPeriod * 1000;
  const warming = provider.launches
    .filter((l) => now - l.at < warmupMs)
    .flatMap((l) => l.ec2InstanceIds)
    .filter((id) => !seen.has(id)).length;
  const idleSince = nextIdleSince(provider, mine, now);
  const decision = decideCapacity(
    {
      enabled: provider.managedScaling.status === 'ENABLED',
      targetCapacity: provider.managedScaling.targetCapacity,
      minimumScalingStepSize: provider.managedScaling.minimumScalingStepSize,
      maximumScalingStepSize: provider.managedScaling.maximumScalingStepSize,
      minInstances: provider.minInstances,
      maxInstances: provider.maxInstances,
      scaleInAfterMs: provider.scaleInAfterSeconds * 1000,
    },
    mine.map((i) => providerInstance(i, idleSince)),
    {
      tasks: waiting.length,
      cpu: Math.max(0, ...waiting.map((t) => t.cpu)),
      memory: Math.max(0, ...waiting.map((t) => t.memory)),
    },
    warming,
    now,
  );
  return act(ctx, ec2, cluster, provider, mine, decision, idleSince);
}

function providerInstance(i: ContainerInstance, idleSince: Readonly<Record<string, number>>): ProviderInstance {
  return {
    id: i.id,
    ec2InstanceId: i.ec2InstanceId,
    status: i.status === 'DRAINING' ? 'DRAINING' : 'ACTIVE',
    tasks: Object.keys(i.assignments).length,
    cpu: i.registered.cpu,
    memory: i.registered.memory,
    idleSince: idleSince[i.id],
  };
}

/** Empty instances keep the time they were first seen empty; busy ones lose it. */
function nextIdleSince(
  provider: CapacityProvider,
  mine: readonly ContainerInstance[],
  now: number,
): Record<string, number> {
  const next: Record<string, number> = {};
  for (const i of mine) {
    if (Object.keys(i.assignments).length === 0) next[i.id] = provider.idleSince[i.id] ?? now;
  }
  return next;
}

/**
 * Launched hosts get Berth's user data (install the agent, join the cluster)
 * unless the provider is tagged berth:agent-user-data=false: then its launch
 * template's own user data runs, as on ECS (docs/scaling.md).
 */
export const AGENT_USER_DATA_TAG = 'berth:agent-user-data';
function joinsByItself(provider: CapacityProvider): boolean {
  return provider.tags.find((t) => t.key === AGENT_USER_DATA_TAG)?.value !== 'false';
}

async function act(
  ctx: ControlContext,
  ec2: Ec2Fleet,
  cluster: string,
  provider: CapacityProvider,
  mine: readonly ContainerInstance[],
  decision: CapacityDecision,
  idleSince: Record<string, number>,
): Promise<CapacityOutcome> {
  const now = ctx.clock.now();
  let launched: string[] = [];
  if (decision.launch > 0) {
    launched = await ec2.runInstances({
      launchTemplateId: provider.launchTemplateId,
      count: decision.launch,
      tags: { 'berth:capacity-provider': provider.name, 'berth:cluster': cluster },
      ...(joinsByItself(provider) && { joinCluster: cluster }),
    });
  }
  if (decision.drain.length > 0) await updateContainerInstancesState(ctx, cluster, decision.drain, 'DRAINING');
  const terminated = mine.filter((i) => decision.terminate.includes(i.id));
  await ec2.terminateInstances(terminated.flatMap((i) => i.ec2InstanceId ?? []));
  for (const i of terminated) await deregisterContainerInstance(ctx, { cluster, containerInstance: i.id });
  // Recorded after the launch: the next pass counts these as warming and launches nothing more for them.
  await updateWithRetry(ctx.store, capacityProviders, capacityProviders.key(provider.name), (p) => {
    const gone = new Set(terminated.flatMap((i) => i.ec2InstanceId ?? []));
    const launches = [...p.launches, ...(launched.length > 0 ? [{ at: now, ec2InstanceIds: launched }] : [])]
      .map((l) => ({ ...l, ec2InstanceIds: l.ec2InstanceIds.filter((id) => !gone.has(id)) }))
      .filter((l) => l.ec2InstanceIds.length > 0);
    const next = { ...p, launches, idleSince };
    return JSON.stringify(next) === JSON.stringify(p) ? undefined : next;
  });
  return { launched: launched.length, drained: decision.drain.length, terminated: terminated.length };
}
