import type { AgentLogger } from '../log.ts';
import type { ControlResult } from './control-client.ts';
import { describeFailure } from './session.ts';

/** The running parts the policy acts on; they exist only once the policy's hooks have been handed to them. */
export interface FencedParts {
  readonly engine: { setAssignmentsKnown(known: boolean): void };
  readonly poller: { resetVersion(): void; pollNow(): void; stop(): void };
  readonly reporter: { stop(): void };
  readonly sync: { stop(): void };
}

export interface FencingDependencies {
  /** Registers the instance again, on the identity and credential it holds. */
  readonly session: { register(): Promise<ControlResult<unknown>> };
  readonly logger: AgentLogger;
  /** Named in the message that tells the operator how to rejoin as a new instance. */
  readonly stateDir: string;
  readonly instanceId: () => string;
}

/**
 * What the agent does when the control plane no longer takes it as it is:
 * - fenced (declared disconnected): forget what should run, re-register and
 *   poll afresh; fences noticed together share one registration;
 * - unauthorized: renew the instance credential by registering again;
 * - deregistered (the instance is gone): take no more work and leave the
 *   containers as they are, once, for the operator to decide.
 * The poller and the reporter call these hooks; they are built before the
 * parts they act on exist, which `attach` hands over before anything runs.
 */
export class FencingPolicy {
  private readonly deps: FencingDependencies;
  private parts: FencedParts | undefined;
  private fencing: Promise<boolean> | undefined;
  private gone = false;

  constructor(deps: FencingDependencies) {
    this.deps = deps;
  }

  attach(parts: FencedParts): void {
    this.parts = parts;
  }

  /** True once the instance was found deregistered: the agent takes no more work. */
  get deregistered(): boolean {
    return this.gone;
  }

  readonly onFenced = (): Promise<boolean> =>
    (this.fencing ??= this.reRegister().finally(() => {
      this.fencing = undefined;
    }));

  readonly onUnauthorized = async (): Promise<boolean> => {
    const result = await this.deps.session.register();
    if (!result.ok && result.failure.kind === 'instance-not-found') this.onDeregistered();
    else if (!result.ok)
      this.deps.logger.error('Cannot renew the instance credential', { error: describeFailure(result.failure) });
    return result.ok;
  };

  readonly onDeregistered = (): void => {
    if (this.gone) return;
    this.gone = true;
    this.deps.logger.error(
      `Container instance ${this.deps.instanceId()} was deregistered: taking no more work and leaving containers as they are. ` +
        `To join as a new instance, stop the agent, delete ${this.deps.stateDir}/identity.json and start it again.`,
    );
    const { poller, reporter, sync, engine } = this.attached();
    poller.stop();
    reporter.stop();
    sync.stop();
    engine.setAssignmentsKnown(false);
  };

  private async reRegister(): Promise<boolean> {
    this.deps.logger.warn('Fenced: the control plane declared this instance disconnected; re-registering');
    const { engine, poller } = this.attached();
    engine.setAssignmentsKnown(false);
    poller.resetVersion();
    const result = await this.deps.session.register();
    if (!result.ok && result.failure.kind === 'instance-not-found') this.onDeregistered();
    if (result.ok) poller.pollNow();
    return result.ok;
  }

  private attached(): FencedParts {
    if (!this.parts) throw new Error('FencingPolicy: attach the running parts before they can be fenced');
    return this.parts;
  }
}
