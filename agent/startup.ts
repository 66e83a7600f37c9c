import type { ContainerRuntime, RuntimeInfo } from '#shared/ports/container-runtime.ts';
import { backoffDelay, pollRetryDelay, type BackoffPolicy } from './control/backoff.ts';
import { UNTRUSTED_CERTIFICATE } from './control/control-client.ts';
import { describeFailure, type Session } from './control/session.ts';
import type { AgentLogger } from './log.ts';
import type { Identity } from './state/state-dir.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The engine's facts, waiting (with backoff) for an engine that is not up yet. */
export async function waitForRuntime(
  runtime: ContainerRuntime,
  logger: AgentLogger,
  backoff: BackoffPolicy,
  random: () => number,
  cancelled: () => boolean,
): Promise<RuntimeInfo> {
  for (let attempt = 0; ; attempt++) {
    const info = await runtime.info();
    if (info.ok) return info.value;
    if (info.failure.kind !== 'unavailable' || cancelled()) {
      throw new Error(`Cannot use the container engine at ${runtime.address}: ${info.failure.message}`);
    }
    if (attempt === 0)
      logger.warn('Waiting for the container engine', { address: runtime.address, error: info.failure.message });
    await sleep(backoffDelay(attempt, backoff, random));
  }
}

/**
 * Registers (or re-attaches), retrying while the control plane is
 * unreachable. A refusal is a configuration problem and ends the start; so
 * does an instance that was deregistered: the agent does not quietly come
 * back as a new instance (see docs/agent.md).
 */
export async function registerWithRetry(
  session: Session,
  stateDir: string,
  logger: AgentLogger,
  backoff: BackoffPolicy,
  random: () => number,
  cancelled: () => boolean,
  /** The poll interval: a restarted agent re-attaching is heartbeating, so it never waits longer (backoff.ts). */
  intervalMs: number,
): Promise<Identity> {
  for (let attempt = 0; ; attempt++) {
    const result = await session.register();
    if (result.ok) return result.value;
    const failure = result.failure;
    if (failure.kind === 'instance-not-found') {
      throw new Error(
        `Container instance ${session.current?.instanceId ?? ''} was deregistered. To join as a new instance, delete ${stateDir}/identity.json and start again.`,
      );
    }
    if (failure.kind === 'unauthorized') {
      throw new Error(
        `The control plane refused this agent's credentials (${describeFailure(failure)}). ` +
          'Start it with a new registration token: berth agents token --cluster NAME, then --registration-token.',
      );
    }
    if (failure.kind === 'rejected' && failure.code === UNTRUSTED_CERTIFICATE)
      throw new Error(`Cannot register this instance: ${failure.message}`);
    if (failure.kind !== 'unavailable' || cancelled()) {
      throw new Error(`The control plane refused to register this instance: ${describeFailure(failure)}`);
    }
    if (attempt === 0) logger.warn('Waiting for the control plane to register', { error: failure.message });
    await sleep(pollRetryDelay(attempt, backoff, random, intervalMs));
  }
}
