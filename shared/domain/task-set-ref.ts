import { arnPrefix, type Deployment } from './arn.ts';

/** `arn:...:task-set/<cluster>/<service>/ecs-svc/<digits>`, as ECS names a task set. */
export function taskSetArn(d: Deployment, cluster: string, service: string, id: string): string {
  return `${arnPrefix(d)}:task-set/${cluster}/${service}/${id}`;
}

/** A task set may be named by its id (`ecs-svc/...`) or by its full ARN. */
export function namesTaskSet(d: Deployment, ref: string, cluster: string, service: string, id: string): boolean {
  return ref === id || ref === taskSetArn(d, cluster, service, id);
}
