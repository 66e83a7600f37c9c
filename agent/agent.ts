import { instanceSelector } from '#shared/agent/labels.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { resolveSettings, DEFAULT_POLL_INTERVAL_SECONDS, type AgentOptions } from './config/agent-options.ts';
import { AgentCredentials } from './control/auth.ts';
import { ControlClient } from './control/control-client.ts';
import { Poller } from './control/poller.ts';
import { Reporter } from './control/reporter.ts';
import { CarriedSpecs } from './control/carried-specs.ts';
import { FencingPolicy } from './control/fencing-policy.ts';
import { Session } from './control/session.ts';
import { dockerRuntimeFor } from './docker/default-runtime.ts';
import { applyAssignments } from './engine/assignments.ts';
import { networkSelector } from '#shared/agent/task-network.ts';
import { CleanupSweep } from './engine/cleanup.ts';
import { ForeignContainers } from './engine/foreign-containers.ts';
import { HostPortAllocator, portsHeld } from './engine/host-ports.ts';
import { RuntimeSync, type EngineStatus } from './engine/runtime-sync.ts';
import { StepRunner } from './engine/steps.ts';
import { TaskEngine } from './engine/task-engine.ts';
import { MetricsSampler } from './engine/metrics-sampler.ts';
import { startTaskMetadata } from './metadata/task-metadata-endpoint.ts';
import { prepareHost } from './host/prepare-host.ts';
import { isPortFree } from './host/port-probe.ts';
import { jsonLogger } from './log.ts';
import { LogShipper } from './logs/log-shipper.ts';
import type { AwslogsDestination } from '#shared/agent/log-driver.ts';
import type { CloudWatchSink } from './logs/cloudwatch-sink.ts';
import { defaultSecretResolver } from './secrets/default-resolver.ts';
import { drainTasks, DRAIN_REASON } from './drain.ts';
import { registerWithRetry, waitForRuntime } from './startup.ts';
import { guardStateDir } from './state/protected-mounts.ts';
import { StateDir } from './state/state-dir.ts';

/** How long awslogs lines wait to go to CloudWatch Logs together: the engine's awslogs driver's 5 s. */
const CLOUDWATCH_FLUSH_MS = 5_000;

export interface AgentHandle {
  readonly instanceId: string;
  readonly containerInstanceArn: string | undefined;
  /** Poll the control plane now instead of at the next interval. */
  pollNow(): void;
  /**
   * Stops the agent. Plain: containers keep running and a restarted agent
   * adopts them. `drain`: take no new work, stop every task gracefully,
   * report, then stop.
   */
  stop(options?: { readonly drain?: boolean }): Promise<void>;
}

/**
 * The agent's composition root: discovers the host, registers, then runs
 * the assignment loop (Poller), the runtime's event stream (RuntimeSync),
 * the task engine and the reporter until stopped.
 */
export async function startAgent(options: AgentOptions): Promise<AgentHandle> {
  const settings = resolveSettings(options);
  const logger = options.logger ?? jsonLogger();
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  let stopping = false;
  const state = new StateDir(settings.stateDir, logger);
  const runtime = options.runtime ?? dockerRuntimeFor(options);

  const info = await waitForRuntime(runtime, logger, settings.backoff, random, () => stopping);
  const { metadata, ec2, registration } = await prepareHost(info, options, settings, logger);
  const credentials = new AgentCredentials(options.registrationToken);
  const client = new ControlClient({
    endpoint: options.endpoint,
    cluster: options.cluster,
    auth: credentials,
    ...(options.tlsCa === undefined ? {} : { tlsCa: options.tlsCa }),
  });
  const session = new Session({ client, state, cluster: options.cluster, logger, registration, credentials, clock });
  const identity = await registerWithRetry(
    session,
    settings.stateDir,
    logger,
    settings.backoff,
    random,
    () => stopping,
    (settings.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
  );
  const instanceId = (): string => session.current?.instanceId ?? identity.instanceId;

  /** What the last poll told the control plane about the engine; undefined until first connected. */
  let engineStatus: EngineStatus | undefined;
  let localDraining = false;
  const fencing = new FencingPolicy({ session, logger, stateDir: settings.stateDir, instanceId });
  const ports = new HostPortAllocator({
    range: settings.dynamicPortRange,
    reservedTcp: registration.resources.reservedPorts,
    reservedUdp: registration.resources.reservedPortsUdp,
    random,
    isFree: isPortFree,
  });
  const taskMetadata =
    options.taskMetadata === false
      ? undefined
      : await startTaskMetadata({
          runtime,
          stateDir: settings.stateDir,
          logger,
          tasks: () => engine.list(),
          ...(options.taskMetadata?.address ? { address: options.taskMetadata.address } : {}),
          protection: (task, change) => client.taskProtection(instanceId(), task.taskId, change),
        });
  // Loaded only when asked for: most hosts serve no DNS view, and the agent's memory is counted.
  const dns = options.dns && (await (await import('./dns/agent-dns.ts')).startAgentDns(options.dns, logger));
  // Loaded in that mode only, at the first awslogs container: most hosts ship logs otherwise.
  let sinkLoaded: Promise<CloudWatchSink> | undefined;
  const cloudwatch =
    options.awslogs === 'cloudwatch'
      ? () =>
          (sinkLoaded ??= import('./logs/cloudwatch-sink.ts').then((m) =>
            m.loadCloudWatchSink(logger, { env: process.env, imds: settings.imds }),
          ))
      : undefined;
  const secrets = options.secrets ?? defaultSecretResolver(options, { ec2, auth: credentials, instanceId });
  const steps = new StepRunner({
    // No container is created with a bind mount showing the state directory (and the credential in it).
    runtime: guardStateDir(runtime, settings.stateDir),
    secrets,
    ports,
    instanceId,
    heldPorts: () => portsHeld(engine.list()),
    ...(taskMetadata ? { metadataUris: taskMetadata.uris } : {}),
    ...(options.awsvpcSubnet ? { awsvpcSubnet: options.awsvpcSubnet } : {}),
    ...(options.awslogs ? { awslogs: options.awslogs } : {}),
    ...(cloudwatch && {
      prepareLogs: async (destination: AwslogsDestination) => (await cloudwatch()).prepare(destination),
    }),
    ...(dns && dns.containerResolvers && { resolvers: dns.containerResolvers }),
  });
  const carriedSpecs = new CarriedSpecs();
  const engine: TaskEngine = new TaskEngine({
    steps,
    state,
    clock,
    logger,
    defaultStopTimeoutSeconds: settings.defaultStopTimeoutSeconds,
    fetchSpec: async (taskId) => {
      const known = carriedSpecs.take(taskId);
      const spec = known ? { ok: true as const, value: known } : await client.taskSpec(instanceId(), taskId);
      // The cluster's policy rides on every spec: the metadata block follows it before the task's containers exist.
      if (spec.ok) await metadata.follow(spec.value.policy?.allowTaskMetadataAccess);
      return spec;
    },
    report: (taskId, seq, body) => reporter.enqueue(taskId, seq, body),
    onRuntimeTrouble: () => sync.trouble(),
  });
  engine.load(state.readTasks());

  const reporter: Reporter = new Reporter({
    client,
    session,
    logger,
    random,
    backoff: settings.backoff,
    onAnswer: (taskId, seq, desiredStatus) => {
      engine.dispatch(taskId, { type: 'report-answered', seq });
      if (desiredStatus === 'STOPPED') engine.dispatch(taskId, { type: 'desired', desiredStatus });
    },
    onFenced: fencing.onFenced,
    onDeregistered: fencing.onDeregistered,
  });
  const sampler = new MetricsSampler({
    runtime,
    tasks: () => engine.list(),
    clock,
    intervalMs: settings.metricsIntervalMs,
  });
  const poller: Poller = new Poller({
    client,
    session,
    logger,
    random,
    backoff: settings.backoff,
    intervalSeconds: () => settings.pollIntervalSeconds ?? session.interval ?? DEFAULT_POLL_INTERVAL_SECONDS,
    onResponse: (response) => {
      if (response.dns) dns?.zone.replace(response.dns);
      if (!response.changed) return engine.retryMissingSpecs();
      carriedSpecs.follow(response.assignments, response.specs ?? []);
      const draining = localDraining || response.status !== 'ACTIVE';
      applyAssignments(engine, response.assignments, { draining });
      engine.retryMissingSpecs();
    },
    onReachable: () => reporter.flush(),
    onFenced: fencing.onFenced,
    onDeregistered: fencing.onDeregistered,
    onUnauthorized: fencing.onUnauthorized,
    beforePoll: () => session.rotateIfDue(),
    engineStatus: () => engineStatus,
    metrics: () => sampler.take(),
    ...(dns && { dnsSerial: () => dns.zone.serial }),
  });
  const sync: RuntimeSync = new RuntimeSync({
    runtime,
    engine,
    selector: () => instanceSelector(options.cluster, instanceId()),
    logger,
    random,
    backoff: settings.backoff,
    defaultStopTimeoutSeconds: settings.defaultStopTimeoutSeconds,
    livenessIntervalMs: settings.engineLivenessIntervalMs,
    onEngineStatus: (status) => {
      engineStatus = status;
      if (status === 'UNRESPONSIVE')
        logger.error('The container engine is not answering; reported to the control plane');
      // The control plane hears of it with the next poll, not an interval later.
      poller.pollNow();
    },
  });

  const foreign = new ForeignContainers({
    runtime,
    cluster: options.cluster,
    instanceId,
    ask: (instanceIds) =>
      client.foreignInstances(instanceId(), { epoch: session.current?.epoch ?? identity.epoch, instanceIds }),
    logger,
    intervalMs: settings.foreignContainerCheckMs,
    defaultStopTimeoutSeconds: settings.defaultStopTimeoutSeconds,
  });

  const shipper =
    options.awslogs === 'engine'
      ? undefined
      : new LogShipper({
          runtime,
          tasks: () => engine.list(),
          logger,
          ...(cloudwatch && {
            resumeAfter: async (destination: AwslogsDestination) => (await cloudwatch()).lastTimestamp(destination),
            // As the engine's awslogs driver batches: one PutLogEvents a stream every 5 s, not one each round.
            flushIntervalMs: CLOUDWATCH_FLUSH_MS,
          }),
          send: async (body, destinations) => {
            if (cloudwatch) return (await cloudwatch()).send(body, destinations);
            const result = await client.shipLogs(instanceId(), body);
            if (result.ok) return 'sent';
            // A control plane with no log route (the Lambda one) answers 404 to it.
            const { failure } = result;
            return failure.kind === 'rejected' && failure.status === 404 ? 'unsupported' : 'retry';
          },
        });

  fencing.attach({ engine, poller, reporter, sync });
  const cleanup = new CleanupSweep({
    engine,
    runtime,
    now: () => clock.now(),
    delayMs: settings.cleanupDelayMs,
    held: (task) => reporter.has(task.taskId) || (shipper?.unread(task) ?? false),
    paused: () => fencing.deregistered,
    networks: () => networkSelector(options.cluster, instanceId()),
  });

  cleanup.start();
  sync.start();
  poller.start();
  foreign.start();
  sampler.start();
  shipper?.start();
  logger.info('Agent started', {
    instanceId: instanceId(),
    cluster: options.cluster,
    engine: runtime.address,
    stateDir: settings.stateDir,
  });

  return {
    instanceId: identity.instanceId,
    containerInstanceArn: identity.containerInstanceArn,
    pollNow: () => poller.pollNow(),
    stop: async (stopOptions) => {
      if (stopping) return;
      stopping = true;
      if (stopOptions?.drain && !fencing.deregistered) {
        localDraining = true;
        await drainTasks(engine, () => reporter.idle, logger, DRAIN_REASON);
      }
      cleanup.stop();
      foreign.stop();
      poller.stop();
      sampler.stop();
      shipper?.stop();
      void sinkLoaded?.then((sink) => sink.destroy());
      reporter.stop();
      sync.stop();
      taskMetadata?.close();
      dns?.server.close();
      runtime.close();
      logger.info('Agent stopped', { instanceId: instanceId(), drained: Boolean(stopOptions?.drain) });
    },
  };
}
