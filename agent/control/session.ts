import type { Clock } from '#shared/ports/clock.ts';
import type { RegisterInstanceRequest } from '#shared/schemas/agent-api.ts';
import type { RegistrationAnswer } from '#shared/security/agent-credentials.ts';
import type { AgentLogger } from '../log.ts';
import type { StateDir, Identity } from '../state/state-dir.ts';
import type { AgentCredentials, RegistrationBearer } from './auth.ts';
import type { ControlClient, ControlFailure, ControlResult } from './control-client.ts';

export interface SessionOptions {
  readonly client: ControlClient;
  readonly state: StateDir;
  readonly cluster: string;
  readonly logger: AgentLogger;
  readonly credentials: AgentCredentials;
  readonly clock: Clock;
  /** What to register with (resources, attributes); computed once at start. */
  readonly registration: Omit<RegisterInstanceRequest, 'instanceId'>;
}

/**
 * The agent's identity with the control plane: instance id, epoch and
 * instance credential, kept on disk so a restarted agent registers as the
 * same instance. A fenced agent (its epoch went stale while it was out of
 * touch) re-registers with the same id to learn the new epoch; concurrent
 * callers share one attempt. Re-attaching presents the instance credential,
 * and falls back to the registration token if the credential is refused.
 */
export class Session {
  private readonly options: SessionOptions;
  private identity: Identity | undefined;
  private pollIntervalSeconds: number | undefined;
  private registering: Promise<ControlResult<Identity>> | undefined;
  private rotating: Promise<void> | undefined;
  private rotationFailures = 0;

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
    options.credentials.set(this.identity?.credential);
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

  /**
   * Exchanges the instance credential once less than a third of its
   * lifetime is left. Called before each poll, so a failed exchange is
   * simply tried again at the next one, hours before the credential runs out.
   */
  rotateIfDue(): Promise<void> {
    const { credentials, clock } = this.options;
    if (this.rotating || !this.identity || !credentials.rotationDue(clock.now()))
      return this.rotating ?? Promise.resolve();
    this.rotating = this.rotate(this.identity).finally(() => {
      this.rotating = undefined;
    });
    return this.rotating;
  }

  private async rotate(identity: Identity): Promise<void> {
    const result = await this.options.client.rotateCredential(identity.instanceId);
    if (!result.ok) {
      // Every poll retries; one line per outage is enough.
      if (this.rotationFailures++ === 0) {
        this.options.logger.warn('Could not exchange the instance credential; retrying at the next poll', {
          error: describeFailure(result.failure),
          expiresAt: new Date(identity.credential?.expiresAt ?? 0).toISOString(),
        });
      }
      return;
    }
    this.rotationFailures = 0;
    // A registration meanwhile brought a credential of its own, which is at least as new.
    if (this.identity !== identity) return;
    this.save({ ...identity, credential: result.value.credential });
    this.options.logger.info('Exchanged the instance credential', {
      expiresAt: new Date(result.value.credential.expiresAt).toISOString(),
    });
  }

  private async attempt(): Promise<ControlResult<Identity>> {
    const previous = this.identity;
    const { credentials, logger } = this.options;
    const bearers = credentials.registrationBearers(previous !== undefined, this.options.clock.now());
    if (bearers.length === 0 && credentials.current) {
      return {
        ok: false,
        failure: {
          kind: 'unauthorized',
          code: 'ExpiredCredential',
          message: `The instance credential expired at ${new Date(credentials.current.expiresAt).toISOString()} and no registration token is left; start the agent with a new one (berth agents token --cluster ${this.options.cluster})`,
        },
      };
    }
    const request = { ...this.options.registration, ...(previous ? { instanceId: previous.instanceId } : {}) };
    const [first, ...rest] = bearers;
    let result = await this.registerWith(request, first);
    for (const bearer of rest) {
      if (result.ok || result.failure.kind !== 'unauthorized') break;
      logger.warn('The instance credential was refused; registering with the registration token', {
        error: describeFailure(result.failure),
      });
      result = await this.registerWith(request, bearer);
    }
    if (!result.ok) return result;
    const sameInstance = previous?.instanceId === result.value.instanceId;
    const credential = result.value.credential ?? (sameInstance ? previous?.credential : undefined);
    const identity: Identity = {
      cluster: this.options.cluster,
      instanceId: result.value.instanceId,
      containerInstanceArn: result.value.containerInstanceArn,
      epoch: result.value.epoch,
      ...(credential !== undefined && { credential }),
    };
    this.save(identity);
    this.pollIntervalSeconds = result.value.pollIntervalSeconds;
    logger.info(previous ? 'Re-attached as container instance' : 'Registered as container instance', {
      instanceId: identity.instanceId,
      epoch: identity.epoch,
      ...(credential !== undefined && { credentialExpiresAt: new Date(credential.expiresAt).toISOString() }),
    });
    return { ok: true, value: identity };
  }

  /** One registration; a registration token is forgotten once spent or refused. */
  private async registerWith(
    request: RegisterInstanceRequest,
    bearer: RegistrationBearer,
  ): Promise<ControlResult<RegistrationAnswer>> {
    const result = await this.options.client.register(request, bearer);
    const spent = result.ok || result.failure.kind === 'unauthorized';
    if (spent && this.options.credentials.isRegistrationToken(bearer)) this.options.credentials.dropRegistrationToken();
    return result;
  }

  /** Identity and credential are written together, then used. */
  private save(identity: Identity): void {
    this.options.state.writeIdentity(identity);
    this.identity = identity;
    this.options.credentials.set(identity.credential);
  }
}

export function describeFailure(failure: ControlFailure): string {
  return failure.kind === 'rejected' || failure.kind === 'unauthorized'
    ? `${failure.kind === 'rejected' ? failure.status : 401} ${failure.code}: ${failure.message}`
    : `${failure.kind}: ${failure.message}`;
}
