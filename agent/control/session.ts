import type { RegisterInstanceRequest } from '../../shared/schemas/agent-api.ts';
import type { AgentLogger } from '../log.ts';
import type { StateDir, Identity } from '../state/state-dir.ts';
import type { ControlClient, ControlFailure, ControlResult } from './control-client.ts';

export interface SessionOptions {
  readonly client: ControlClient;
  readonly state: StateDir;
  readonly cluster: string;
  readonly logger: AgentLogger;
  /** What to register with (resources, attributes); computed once at start. */
  readonly registration: Omit<RegisterInstanceRequest, 'instanceId'>;
}

/**
 * The agent's identity with the control plane: instance id and epoch, kept
 * on disk so a restarted agent registers as the same instance. A fenced
 * agent (its epoch went stale while it was out of touch) re-registers with
 * the same id to learn the new epoch; concurrent callers share one attempt.
 */
export class Session {
  private readonly options: SessionOptions;
  private identity: Identity | undefined;
  private pollIntervalSeconds: number | undefined;
  private registering: Promise<ControlResult<Identity>> | undefined;

  constructor(options: SessionOptions) {
    this.options = options;
    const saved = options.state.readIdentity();
    if (saved && saved.cluster !== options.cluster) {
      options.logger.warn('The state directory belongs to another cluster; registering as a new instance', {
        savedCluster: saved.cluster,
        cluster: options.cluster,
      });
    }
    this.identity = saved?.cluster === options.cluster ? saved : undefined;
  }

  get current(): Identity | undefined {
    return this.identity;
  }

  /** The control plane's poll interval, once registered. */
  get interval(): number | undefined {
    return this.pollIntervalSeconds;
  }

  register(): Promise<ControlResult<Identity>> {
    this.registering ??= this.attempt().finally(() => {
      this.registering = undefined;
    });
    return this.registering;
  }

  private async attempt(): Promise<ControlResult<Identity>> {
    const previous = this.identity;
    const result = await this.options.client.register({
      ...this.options.registration,
      ...(previous ? { instanceId: previous.instanceId } : {}),
    });
    if (!result.ok) return result;
    const identity: Identity = {
      cluster: this.options.cluster,
      instanceId: result.value.instanceId,
      containerInstanceArn: result.value.containerInstanceArn,
      epoch: result.value.epoch,
    };
    this.options.state.writeIdentity(identity);
    this.identity = identity;
    this.pollIntervalSeconds = result.value.pollIntervalSeconds;
    this.options.logger.info(previous ? 'Re-attached as container instance' : 'Registered as container instance', {
      instanceId: identity.instanceId,
      epoch: identity.epoch,
    });
    return { ok: true, value: identity };
  }
}

export function describeFailure(failure: ControlFailure): string {
  return failure.kind === 'rejected'
    ? `${failure.status} ${failure.code}: ${failure.message}`
    : `${failure.kind}: ${failure.message}`;
}
