import type { ControlContext } from './context.ts';

/**
 * PLACEHOLDER, replaced by the service metrics work (per-service windows of
 * the agents' container stats). Until then no service has samples, so target
 * tracking and step policies hold; scheduled actions and min/max still apply.
 */
export async function serviceMetrics(
  _ctx: ControlContext,
  _cluster: string,
  _service: string,
  _windowSeconds: number,
): Promise<{ cpuUtilization?: number; memoryUtilization?: number; samples: number }> {
  return { samples: 0 };
}
