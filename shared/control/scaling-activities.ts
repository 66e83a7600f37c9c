import type { ControlContext } from './context.ts';
import { SCALABLE_DIMENSION } from '../schemas/scaling.ts';
import type { DescribeScalingActivitiesRequest } from '../schemas/scaling-requests.ts';
import { resourceIdOf } from './scaling-resource.ts';
import { page } from './scaling-store.ts';
import { describedTargets } from './scaling-targets.ts';

/** The activities the monitor recorded, newest first, as DescribeScalingActivities answers them. */
export async function describeScalingActivities(
  ctx: ControlContext,
  request: DescribeScalingActivitiesRequest,
): Promise<Record<string, unknown>> {
  const targets = await describedTargets(ctx, request);
  const rows = targets
    .flatMap((target) => target.activities.map((activity) => ({ target, activity })))
    .sort(
      (a, b) =>
        b.activity.StartTime - a.activity.StartTime || a.activity.ActivityId.localeCompare(b.activity.ActivityId),
    );
  // The key sorts as the list does: newest first.
  const keyOf = (r: (typeof rows)[number]) =>
    `${String(Number.MAX_SAFE_INTEGER - r.activity.StartTime).padStart(16, '0')}:${r.activity.ActivityId}`;
  const { items, NextToken } = page('scaling-activities', rows, keyOf, request);
  return {
    ScalingActivities: items.map(({ target, activity }) => ({
      ActivityId: activity.ActivityId,
      ServiceNamespace: 'ecs',
      ResourceId: resourceIdOf(target),
      ScalableDimension: SCALABLE_DIMENSION,
      Description: activity.Description,
      Cause: activity.Cause,
      StartTime: activity.StartTime / 1000,
      ...(activity.EndTime !== undefined && { EndTime: activity.EndTime / 1000 }),
      StatusCode: activity.StatusCode,
      ...(activity.StatusMessage !== undefined && { StatusMessage: activity.StatusMessage }),
    })),
    ...(NextToken !== undefined && { NextToken }),
  };
}
