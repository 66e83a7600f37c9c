import { instanceMetricsWindows } from '../domain/collections.ts';
import { serviceAverage } from '../domain/metrics-window.ts';
import type { InstanceMetricsWindow } from '../schemas/metrics-window.ts';
import type { ControlContext } from './context.ts';
import { requireActiveCluster } from './clusters.ts';

export interface ServiceMetrics {
  /** Average of the service's tasks' cpu used / reserved x 100; undefined without samples. */
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  /** How many task samples the averages are made of. */
  readonly samples: number;
}

/**
 * A service's average CPU and memory utilisation over the last
 * `windowSeconds` (the samples written within it), as ECS's
 * ECSServiceAverageCPUUtilization and ECSServiceAverageMemoryUtilization:
 * every task sample of the window weighs the same. One query of the
 * cluster's metrics windows, one item per instance.
 */
export async function serviceMetrics(
  ctx: ControlContext,
  cluster: string,
  service: string,
  windowSeconds: number,
): Promise<ServiceMetrics> {
  const name = (await requireActiveCluster(ctx, cluster)).value.clusterName;
  const windows = await allWindows(ctx, name);
  return serviceAverage(windows, service, ctx.clock.now(), windowSeconds);
}

/** Every instance's metrics window in a cluster. */
export async function allWindows(ctx: ControlContext, cluster: string): Promise<InstanceMetricsWindow[]> {
  const windows: InstanceMetricsWindow[] = [];
  let after: string | undefined;
  do {
    const page = await ctx.store.query(instanceMetricsWindows, instanceMetricsWindows.partition(cluster), {
      ...(after !== undefined && { after }),
    });
    windows.push(...page.items.map((i) => i.value));
    after = page.lastSort;
  } while (after !== undefined);
  return windows;
}
