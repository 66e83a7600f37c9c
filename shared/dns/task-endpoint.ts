import type { Task } from '../schemas/task.ts';

/** Which of a task's ports a service's SRV records name: its serviceRegistries entry, if any. */
export interface PortChoice {
  readonly containerName?: string | undefined;
  readonly containerPort?: number | undefined;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/**
 * Where a serving task is reached. A bridge or host task is reached on its
 * host's address at the host port of its binding: the binding of the
 * container and port the choice names, else its first binding (the first
 * port mapping, as the agent reports bindings in definition order).
 *
 * awsvpc tasks are reached at their own address and the container port
 * instead: when tasks carry that address, answer it here and nothing else in
 * the view changes.
 */
export function taskEndpoint(task: Task, hostAddress: string, choice: PortChoice): Endpoint | undefined {
  const bindings = task.containers.flatMap((c) =>
    c.networkBindings
      .filter((b) => (b.protocol ?? 'tcp') === 'tcp' && b.hostPort !== undefined && b.hostPort > 0)
      .map((b) => ({ container: c.name, containerPort: b.containerPort, hostPort: b.hostPort ?? 0 })),
  );
  const chosen = bindings.find(
    (b) =>
      (choice.containerName === undefined || b.container === choice.containerName) &&
      (choice.containerPort === undefined || b.containerPort === choice.containerPort),
  );
  return chosen && { address: hostAddress, port: chosen.hostPort };
}
