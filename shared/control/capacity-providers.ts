import type { z } from 'zod';
import { capacityProviders, clusters } from '../domain/collections.ts';
import { checkProviderName, fleetBounds, launchTemplateIdOf } from '../domain/capacity-provider-rules.ts';
import { ClientError } from '../domain/errors.ts';
import { refuseReservedKeys } from '../domain/tags.ts';
import type { Versioned } from '../ports/store.ts';
import type { CapacityProvider, ManagedScaling, ResolvedScaling } from '../schemas/capacity-provider.ts';
import type {
  createCapacityProviderRequest,
  describeCapacityProvidersRequest,
  updateCapacityProviderRequest,
} from '../schemas/capacity-provider-requests.ts';
import type { ControlContext } from './context.ts';
import { listMatching, readAll } from './listing.ts';
import { decodeToken, encodeToken, pageSize } from './pagination.ts';

/** How long a deleted provider stays describable (INACTIVE) before the table expires it. */
const INACTIVE_RETENTION_SECONDS = 3600;

const SCALING_DEFAULTS: ResolvedScaling = {
  status: 'DISABLED',
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10000,
  instanceWarmupPeriod: 300,
};

function resolveScaling(base: ResolvedScaling, given: ManagedScaling | undefined): ResolvedScaling {
  const next = { ...base, ...given };
  if (next.minimumScalingStepSize > next.maximumScalingStepSize) {
    throw new ClientError(
      'The managed scaling minimumScalingStepSize must be less than or equal to maximumScalingStepSize.',
      { managedScaling: given },
    );
  }
  return next;
}

/** A provider by name or ARN (the part after `capacity-provider/`). */
export function providerName(ref: string): string {
  const at = ref.lastIndexOf(':capacity-provider/');
  return ref.startsWith('arn:') && at >= 0 ? ref.slice(at + ':capacity-provider/'.length) : ref;
}

export async function requireActiveProvider(ctx: ControlContext, ref: string): Promise<Versioned<CapacityProvider>> {
  const found = await ctx.store.get(capacityProviders, capacityProviders.key(providerName(ref)));
  if (!found || found.value.status !== 'ACTIVE') {
    throw new ClientError(
      'The specified capacity provider does not exist. Specify a valid name or ARN and try again.',
      {
        capacityProvider: ref,
      },
    );
  }
  return found;
}

export async function createCapacityProvider(
  ctx: ControlContext,
  request: z.infer<typeof createCapacityProviderRequest>,
): Promise<CapacityProvider> {
  checkProviderName(request.name);
  const tags = request.tags ?? [];
  refuseReservedKeys(tags.map((t) => t.key));
  const group = request.autoScalingGroupProvider;
  const provider: CapacityProvider = {
    name: request.name,
    status: 'ACTIVE',
    autoScalingGroupArn: group.autoScalingGroupArn,
    launchTemplateId: launchTemplateIdOf(group.autoScalingGroupArn),
    managedScaling: resolveScaling(SCALING_DEFAULTS, group.managedScaling),
    managedTerminationProtection: group.managedTerminationProtection ?? 'DISABLED',
    managedDraining: group.managedDraining ?? 'ENABLED',
    ...fleetBounds(tags),
    tags,
    createdAt: ctx.clock.now(),
    launches: [],
    idleSince: {},
  };
  // Where Berth can reach EC2, a template that does not exist is refused before anything is written.
  if (ctx.ec2 && !(await ctx.ec2.launchTemplateExists(provider.launchTemplateId))) {
    throw new ClientError(
      `The launch template ${provider.launchTemplateId} named by autoScalingGroupProvider.autoScalingGroupArn does not exist.`,
      { autoScalingGroupArn: group.autoScalingGroupArn },
    );
  }
  const outcome = await ctx.store.tryCreate(capacityProviders, provider);
  // ECS keeps a deleted provider's name taken too, so an INACTIVE one is refused alike.
  if (!outcome.written) {
    throw new ClientError(
      'The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.',
      { name: request.name },
    );
  }
  return provider;
}

export async function updateCapacityProvider(
  ctx: ControlContext,
  request: z.infer<typeof updateCapacityProviderRequest>,
): Promise<CapacityProvider> {
  const found = await requireActiveProvider(ctx, request.name);
  const group = request.autoScalingGroupProvider;
  const next: CapacityProvider = {
    ...found.value,
    managedScaling: resolveScaling(found.value.managedScaling, group.managedScaling),
    managedTerminationProtection: group.managedTerminationProtection ?? found.value.managedTerminationProtection,
    managedDraining: group.managedDraining ?? found.value.managedDraining,
    updateStatus: 'UPDATE_COMPLETE',
  };
  await ctx.store.replace(capacityProviders, next, found.version);
  return next;
}

/**
 * ECS refuses to delete a provider a cluster still names (its list or its
 * default strategy); a service can only use a provider its cluster names,
 * so that one check covers services too.
 */
export async function deleteCapacityProvider(ctx: ControlContext, ref: string): Promise<CapacityProvider> {
  const found = await requireActiveProvider(ctx, ref);
  const name = found.value.name;
  const holders = (await readAll(ctx.store, clusters, clusters.partition())).filter(
    (c) =>
      c.value.status === 'ACTIVE' &&
      ((c.value.capacityProviders ?? []).includes(name) ||
        (c.value.defaultCapacityProviderStrategy ?? []).some((s) => s.capacityProvider === name)),
  );
  const holder = holders[0];
  if (holder) {
    throw new ClientError(
      `The capacity provider cannot be deleted because it is associated with cluster: ${holder.value.clusterName}. Remove the capacity provider from the cluster and try again.`,
      { capacityProvider: name },
    );
  }
  const inactive: CapacityProvider = { ...found.value, status: 'INACTIVE', updateStatus: 'DELETE_COMPLETE' };
  const expiresAt = Math.floor(ctx.clock.now() / 1000) + INACTIVE_RETENTION_SECONDS;
  await ctx.store.replace(capacityProviders, inactive, found.version, { expiresAt });
  return inactive;
}

export interface DescribedProviders {
  readonly providers: CapacityProvider[];
  readonly missing: string[];
  readonly nextToken?: string;
}

/** Named providers (INACTIVE ones too, as ECS shows them), or a page of the ACTIVE ones. */
export async function describeCapacityProviders(
  ctx: ControlContext,
  request: z.infer<typeof describeCapacityProvidersRequest>,
): Promise<DescribedProviders> {
  const refs = request.capacityProviders ?? [];
  if (refs.length === 0) {
    const page = await listMatching(ctx.store, capacityProviders, capacityProviders.partition(), {
      limit: pageSize(request.maxResults, 10),
      ...(decodeToken('capacity-providers', request.nextToken) !== undefined && {
        after: decodeToken('capacity-providers', request.nextToken),
      }),
      match: (p) => p.status === 'ACTIVE',
    });
    return {
      providers: page.items.map((i) => i.value),
      missing: [],
      ...(page.next !== undefined && { nextToken: encodeToken('capacity-providers', page.next) }),
    };
  }
  const names = refs.map(providerName);
  const found = await ctx.store.getMany(
    capacityProviders,
    names.map((n) => capacityProviders.key(n)),
  );
  const byName = new Map(found.map((f) => [f.value.name, f.value]));
  return {
    providers: names.flatMap((n) => byName.get(n) ?? []),
    missing: refs.filter((r) => !byName.has(providerName(r))),
  };
}
