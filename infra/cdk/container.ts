import type { Duration } from 'aws-cdk-lib';

/** A port mapping, as `aws_ecs.PortMapping`. */
export interface BerthPortMapping {
  readonly containerPort: number;
  /**
   * The host port; 0 or absent in bridge mode asks for a dynamic one.
   * @default - dynamic (bridge), the container port (host, awsvpc)
   */
  readonly hostPort?: number;
  /** @default 'tcp' */
  readonly protocol?: 'tcp' | 'udp';
  /**
   * A name for the mapping, for load balancers and service discovery.
   * @default - none
   */
  readonly name?: string;
}

/** A container health check, as `aws_ecs.HealthCheck`. */
export interface BerthHealthCheck {
  /** The command; a first word other than `CMD` or `CMD-SHELL` runs it with `CMD-SHELL`. */
  readonly command: readonly string[];
  /** @default Duration.seconds(30) */
  readonly interval?: Duration;
  /** @default Duration.seconds(5) */
  readonly timeout?: Duration;
  /** @default 3 */
  readonly retries?: number;
  /** @default - none */
  readonly startPeriod?: Duration;
}

/** A container, shaped like `aws_ecs.ContainerDefinitionOptions` where Berth has the member. */
export interface BerthContainerOptions {
  /**
   * The image reference, `repository:tag` or `repository@digest`; the
   * agent pulls it (or finds it on the host).
   */
  readonly image: string;
  /** @default - no cpu units reserved */
  readonly cpu?: number;
  /** The hard memory limit. @default - none (then `memoryReservationMiB` is required) */
  readonly memoryLimitMiB?: number;
  /** The soft memory limit, reserved on the host. @default - none */
  readonly memoryReservationMiB?: number;
  /** @default - none */
  readonly portMappings?: readonly BerthPortMapping[];
  /** @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default - the image's health check, if any */
  readonly healthCheck?: BerthHealthCheck;
  /** @default - the image's CMD */
  readonly command?: readonly string[];
  /** @default - the image's ENTRYPOINT */
  readonly entryPoint?: readonly string[];
  /** @default true */
  readonly essential?: boolean;
  /** @default - the image's working directory */
  readonly workingDirectory?: string;
  /** @default - the image's user */
  readonly user?: string;
  /** How long the container has to stop after SIGTERM. @default - Berth's default (30 s) */
  readonly stopTimeout?: Duration;
}

/** The ECS `containerDefinitions` entry of a container named `name`. */
export function renderContainer(name: string, options: BerthContainerOptions): Record<string, unknown> {
  const definition: Record<string, unknown> = {
    name,
    image: options.image,
    essential: options.essential ?? true,
    cpu: options.cpu,
    memory: options.memoryLimitMiB,
    memoryReservation: options.memoryReservationMiB,
    portMappings: options.portMappings?.map((p) => ({ protocol: 'tcp', ...p })),
    environment:
      options.environment && Object.entries(options.environment).map(([key, value]) => ({ name: key, value })),
    healthCheck: options.healthCheck && renderHealthCheck(options.healthCheck),
    command: options.command,
    entryPoint: options.entryPoint,
    workingDirectory: options.workingDirectory,
    user: options.user,
    stopTimeout: options.stopTimeout?.toSeconds(),
  };
  return Object.fromEntries(Object.entries(definition).filter(([, value]) => value !== undefined));
}

function renderHealthCheck(check: BerthHealthCheck): Record<string, unknown> {
  if (check.command.length === 0) throw new Error('A health check needs a command');
  const first = check.command[0];
  const command = first === 'CMD' || first === 'CMD-SHELL' ? [...check.command] : ['CMD-SHELL', ...check.command];
  return {
    command,
    interval: check.interval?.toSeconds() ?? 30,
    timeout: check.timeout?.toSeconds() ?? 5,
    retries: check.retries ?? 3,
    ...(check.startPeriod && { startPeriod: check.startPeriod.toSeconds() }),
  };
}
