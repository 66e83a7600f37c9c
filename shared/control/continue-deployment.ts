import { serviceDeploymentRef } from '../domain/arn.ts';
import { services } from '../domain/collections.ts';
import { InvalidParameterError, NotFoundError } from '../domain/errors.ts';
import type { ControlContext } from './context.ts';
import { allDeployments } from './service-deployments.ts';

/**
 * ContinueServiceDeployment resumes (or rolls back) a deployment paused at a
 * lifecycle hook whose action is PAUSE. Berth's deployments have no
 * lifecycle hooks, so none is ever paused at one: an unknown deployment is
 * ServiceDeploymentNotFoundException, and for a known one no `hookId` names
 * a hook of it, which is refused as an invalid parameter. Nothing is written
 * either way; the answer is what ECS gives for a hook that is not there.
 */
export async function continueServiceDeployment(ctx: ControlContext, arn: string, hookId: string): Promise<string> {
  const { cluster, service, id } = serviceDeploymentRef(ctx.deployment, arn);
  const item = await ctx.store.get(services, services.key(cluster, service));
  if (!item || !allDeployments(item.value).some((d) => d.id === id)) {
    throw new NotFoundError('serviceDeployment', `Service deployment ${arn} was not found.`);
  }
  throw new InvalidParameterError(
    `The service deployment ${arn} is not paused at lifecycle hook ${hookId}: it has no lifecycle hooks.`,
    { hookId },
  );
}
