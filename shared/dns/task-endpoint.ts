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

interface Port {
  readonly container: string;
  readonly containerPort: number | undefined;
  readonly port: number;
}

/**
 * The address a serving task is reached at: an awsvpc task's own, once its
 * agent has reported it; any other task's host's.
 */
export function taskAddress(task: Task, hostAddress: string | undefined): string | undefined {
  return task.networkInterface ? task.networkInterface.privateIpv4Address : hostAddress;
}

/**
 * Where a serving task is reached, at the address taskAddress() answers. A
 * bridge or host task is reached at the host port of its binding; an awsvpc
 * task, whose containers bind no host port, at the container port itself.
 * The port is the one the choice names (container and port), else the first
 * (the first port mapping: the agent reports bindings in definition order,
 * and an awsvpc task keeps its definition's ports in that order).
 */
export function taskEndpoint(task: Task, address: string, choice: PortChoice): Endpoint | undefined {
  const ports = task.networkInterface ? awsvpcPorts(task) : boundPorts(task);
  const chosen = ports.find(
    (p) =>
      (choice.containerName === undefined || p.container === choice.containerName) &&
      (choice.containerPort === undefined || p.containerPort === choice.containerPort),
  );
  return chosen && { address, port: chosen.port };
}

function awsvpcPorts(task: Task): Port[] {
  return (task.networkInterface?.ports ?? []).map((p) => ({
    container: p.containerName,
    containerPort: p.containerPort,
    port: p.containerPort,
  }));
}

function boundPorts(task: Task): Port[] {
  return task.containers.flatMap((c) =>
    c.networkBindings
      .filter((b) => (b.protocol ?? 'tcp') === 'tcp' && b.hostPort !== undefined && b.hostPort > 0)
      .map((b) => ({ container: c.name, containerPort: b.containerPort, port: b.hostPort ?? 0 })),
  );
}
