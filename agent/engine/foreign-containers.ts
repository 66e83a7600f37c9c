import { LABELS } from '#shared/agent/labels.ts';
import { networkSelector } from '#shared/agent/task-network.ts';
import type { ContainerObservation, ContainerRuntime } from '#shared/ports/container-runtime.ts';
import type { ForeignInstancesResponse } from '#shared/schemas/agent-api.ts';
import type { ControlResult } from '../control/control-client.ts';
import type { AgentLogger } from '../log.ts';

export interface ForeignContainerOptions {
  readonly runtime: ContainerRuntime;
  readonly cluster: string;
  readonly instanceId: () => string;
  /** Asks the control plane which of these instances an agent still answers for. */
  ask(instanceIds: string[]): Promise<ControlResult<ForeignInstancesResponse>>;
  readonly logger: AgentLogger;
  /** Between looks while foreign containers remain whose instance is still live (or unknown). */
  readonly intervalMs: number;
  readonly defaultStopTimeoutSeconds: number;
}

/** What one look found: nothing foreign left, or some that must be looked at again later. */
export type ForeignOutcome = 'clear' | 'later' | 'unsupported';

/**
 * Containers on this host that Berth started for this cluster under another
 * instance id. After the state directory is lost, the agent registers as a
 * new instance and the old one's containers would run on untracked next to
 * their replacements. So, from start, the agent asks the control plane about
 * each instance it finds there:
 * - still live (an agent answers for it: another agent sharing the engine,
 *   or the old one's lease not yet expired): left alone, asked again later;
 * - not live: its tasks are lost to the control plane, which replaces those
 *   of services elsewhere; its containers are stopped and removed.
 * They are never adopted: the control plane holds their tasks on the old
 * instance, and moving a task between instances is not a change Berth
 * makes. The looks end once nothing foreign is left.
 */
export class ForeignContainers {
  private readonly options: ForeignContainerOptions;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: ForeignContainerOptions) {
    this.options = options;
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    const outcome = await this.look();
    if (outcome !== 'later' || this.stopped) return;
    this.timer = setTimeout(() => void this.loop(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One look: list, ask, stop and remove what nobody answers for. */
  async look(): Promise<ForeignOutcome> {
    const { runtime, logger } = this.options;
    const listed = await runtime.listContainers({ [LABELS.cluster]: this.options.cluster });
    if (!listed.ok) return 'later';
    const mine = this.options.instanceId();
    const byInstance = new Map<string, ContainerObservation[]>();
    for (const container of listed.value) {
      const owner = container.labels[LABELS.instanceId];
      if (!owner || owner === mine) continue;
      byInstance.set(owner, [...(byInstance.get(owner) ?? []), container]);
    }
    if (byInstance.size === 0) return 'clear';
    const answer = await this.options.ask([...byInstance.keys()].slice(0, 100));
    if (!answer.ok) {
      if (answer.failure.kind !== 'rejected') return 'later';
      logger.warn('The control plane cannot say whose containers these are; leaving them alone', {
        instances: [...byInstance.keys()],
        error: answer.failure.message,
      });
      return 'unsupported';
    }
    let waiting = byInstance.size > 100;
    for (const { instanceId, live } of answer.value.instances) {
      const containers = byInstance.get(instanceId) ?? [];
      if (live) {
        waiting = true;
        continue;
      }
      logger.warn('Removing containers of an instance no agent answers for (an earlier life of this host)', {
        instanceId,
        containers: containers.map((c) => c.runtimeId),
      });
      if (!(await this.remove(containers))) waiting = true;
      // Its task networks go with its containers: nothing else would ever remove them.
      else await this.removeNetworks(instanceId);
    }
    return waiting ? 'later' : 'clear';
  }

  private async removeNetworks(instanceId: string): Promise<void> {
    const { runtime, cluster } = this.options;
    const listed = await runtime.listNetworks(networkSelector(cluster, instanceId));
    for (const network of listed.ok ? listed.value : []) await runtime.removeNetwork(network.name);
  }

  private async remove(containers: readonly ContainerObservation[]): Promise<boolean> {
    const { runtime } = this.options;
    let all = true;
    for (const container of containers) {
      const timeout = container.stopTimeoutSeconds ?? this.options.defaultStopTimeoutSeconds;
      const live = container.state !== 'exited' && container.state !== 'created';
      const stopped = live ? await runtime.stopContainer(container.runtimeId, timeout) : undefined;
      const removed =
        stopped === undefined || stopped.ok ? await runtime.removeContainer(container.runtimeId) : stopped;
      if (!removed.ok) {
        all = false;
        this.options.logger.warn('Could not remove a foreign container; trying again later', {
          runtimeId: container.runtimeId,
          error: removed.failure.message,
        });
      }
    }
    return all;
  }
}
