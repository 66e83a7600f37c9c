import { containerConfig, dynamicMappings, effectiveDefinition } from '#shared/agent/container-config.ts';
import { refusal } from '#shared/agent/host-policy.ts';
import { awslogsDestination, type AwslogsDestination, type AwslogsShipping } from '#shared/agent/log-driver.ts';
import { LABELS } from '#shared/agent/labels.ts';
import { hostModeBindings, observe, type Observed } from '#shared/agent/observe.ts';
import type { TaskEvent } from '#shared/agent/task-events.ts';
import { taskNetwork } from '#shared/agent/task-network.ts';
import { awsvpcNetwork, awsvpcPlace } from '#shared/agent/awsvpc-network.ts';
import type { TaskSpec } from '#shared/schemas/agent-api.ts';
import type { AgentTask, ContainerState, ContainerStep } from '#shared/agent/task-model.ts';
import type { ContainerRuntime, NetworkSpec, RuntimeFailure, RuntimeResult } from '#shared/ports/container-runtime.ts';
import type { ContainerDefinition } from '#shared/schemas/task-definition.ts';
import { DEFAULT_CLUSTER_POLICY } from '#shared/security/cluster-policy-defaults.ts';
import { resolveBindMounts } from '../host/bind-sources.ts';
import type { EnvironmentFilesResult, SecretResolver } from '../secrets/secret-resolver.ts';
import type { HostPortAllocator } from './host-ports.ts';

export interface StepDependencies {
  readonly runtime: ContainerRuntime;
  readonly secrets: SecretResolver;
  readonly ports: HostPortAllocator;
  readonly instanceId: () => string;
  /** Host ports held by the agent's live containers, by protocol. */
  readonly heldPorts: () => { tcp: ReadonlySet<number>; udp: ReadonlySet<number> };
  /** A container's task metadata URIs, when the agent serves the endpoint. */
  readonly metadataUris?: (taskId: string, containerName: string) => { v3: string; v4: string; agent?: string };
  /** The subnet of the host's awsvpc network (awsvpc-network.ts), when not the default. */
  readonly awsvpcSubnet?: string;
  /** Who ships awslogs containers' output (see AgentOptions.awslogs). */
  readonly awslogs?: AwslogsShipping;
  /** Makes ready where an awslogs container's lines go, before it starts; a message when that failed. */
  readonly prepareLogs?: (destination: AwslogsDestination) => Promise<string | undefined>;
  /** The agent's DNS server address, when it serves the DNS view on port 53. */
  readonly resolvers?: readonly string[];
}

/**
 * Executes one runtime step for one container and says what happened, as a
 * task event. It decides nothing: an engine failure is `step-failed`, an
 * engine that did not answer is `step-deferred`, and the task's reducer and
 * nextActions take it from there.
 */
export class StepRunner {
  private readonly deps: StepDependencies;
  /** One pull per image at a time, shared by every container that needs it. */
  private readonly pulls = new Map<string, Promise<RuntimeResult<{ digest?: string }>>>();

  constructor(deps: StepDependencies) {
    this.deps = deps;
  }

  async run(task: AgentTask, container: ContainerState, step: ContainerStep): Promise<TaskEvent> {
    const name = container.name;
    const definition = task.spec?.containerDefinitions.find((d) => d.name === name);
    if (step === 'stop') return this.stop(container);
    if (!task.spec || !definition)
      return { type: 'step-failed', container: name, step, message: 'the task definition has no such container' };
    // Checked before the pull: no point fetching an image for a container that will not be created.
    const refused = refusal(task.spec, definition, { resolvesSecrets: true });
    if (refused) return { type: 'step-failed', container: name, step: 'create', message: refused };
    if (step === 'pull') return this.pull(name, definition);
    if (step === 'create') return this.create(task, container, definition);
    if (step === 'restart') return this.restart(container);
    return this.start(task, container);
  }

  private async pull(name: string, definition: ContainerDefinition): Promise<TaskEvent> {
    let pulling = this.pulls.get(definition.image);
    if (!pulling) {
      pulling = this.pullOnce(definition).finally(() => this.pulls.delete(definition.image));
      this.pulls.set(definition.image, pulling);
    }
    const result = await pulling;
    if (!result.ok) return failed(name, 'pull', result.failure);
    return { type: 'pulled', container: name, ...(result.value.digest ? { imageDigest: result.value.digest } : {}) };
  }

  /** A local image is used as it is: inspect first, pull only when missing. */
  private async pullOnce(definition: ContainerDefinition): Promise<RuntimeResult<{ digest?: string }>> {
    const { runtime } = this.deps;
    const present = await runtime.inspectImage(definition.image);
    if (!present.ok || present.value) return present.ok ? { ok: true, value: present.value ?? {} } : present;
    const credentials = definition.repositoryCredentials?.credentialsParameter;
    let auth;
    if (credentials) {
      const resolved = await this.deps.secrets.registryAuth(credentials);
      if (!resolved.ok) return { ok: false, failure: { kind: 'rejected', message: resolved.message } };
      auth = resolved.auth;
    }
    const pulled = await runtime.pullImage(definition.image, auth);
    if (!pulled.ok) return pulled;
    const after = await runtime.inspectImage(definition.image);
    return { ok: true, value: after.ok && after.value ? after.value : {} };
  }

  private async create(
    task: AgentTask,
    container: ContainerState,
    definition: ContainerDefinition,
  ): Promise<TaskEvent> {
    const spec = task.spec;
    if (!spec) return { type: 'step-failed', container: container.name, step: 'create', message: 'no task spec' };
    // Resolved at each create and handed straight to the engine: never kept, logged or reported.
    const secrets = await this.deps.secrets.containerSecrets(spec.taskId, definition);
    if (!secrets.ok) {
      return secrets.failure.kind === 'unavailable'
        ? { type: 'step-deferred', container: container.name }
        : { type: 'step-failed', container: container.name, step: 'create', message: secrets.failure.message };
    }
    const files = await this.environmentFiles(effectiveDefinition(spec, definition));
    if (!files.ok) {
      return files.failure.kind === 'unavailable'
        ? { type: 'step-deferred', container: container.name }
        : { type: 'step-failed', container: container.name, step: 'create', message: files.failure.message };
    }
    // The task's network exists before its first container, which is created onto it.
    const network = taskNetwork(spec, this.deps.instanceId()) ?? this.awsvpcNetworkFor(spec, definition);
    const joined = network ? await this.deps.runtime.ensureNetwork(network) : undefined;
    if (joined && !joined.ok) return failed(container.name, 'create', joined.failure);
    const mappings = dynamicMappings(spec, definition);
    // A create retried after a restart reuses the ports it was given the first time.
    const hostPorts =
      container.hostPorts.length === mappings.length
        ? container.hostPorts
        : await this.deps.ports.allocate(mappings, this.deps.heldPorts());
    if (!hostPorts) {
      return {
        type: 'step-failed',
        container: container.name,
        step: 'create',
        message: 'no free host port left in the dynamic port range',
      };
    }
    const config = containerConfig(spec, definition, {
      instanceId: this.deps.instanceId(),
      hostPorts,
      stopTimeoutSeconds: container.stopTimeoutSeconds,
      secrets: secrets.values,
      environmentFiles: files.values,
      ...(this.deps.metadataUris ? { metadataUris: this.deps.metadataUris(spec.taskId, definition.name) } : {}),
      ...(this.deps.awslogs ? { awslogs: this.deps.awslogs } : {}),
      ...(this.deps.resolvers ? { resolvers: this.deps.resolvers } : {}),
    });
    // The policy read the host paths as text; the host follows links. Checked and bound as they really are.
    const mounts = resolveBindMounts(config.security.mounts, spec.policy ?? DEFAULT_CLUSTER_POLICY);
    if (!mounts.ok) {
      this.deps.ports.release(hostPorts);
      return { type: 'step-failed', container: container.name, step: 'create', message: mounts.message };
    }
    const created = await this.deps.runtime.createContainer({
      ...config,
      security: { ...config.security, mounts: mounts.mounts },
    });
    if (created.ok) {
      return { type: 'created', container: container.name, runtimeId: created.value.runtimeId, hostPorts };
    }
    this.deps.ports.release(hostPorts);
    if (created.failure.kind === 'conflict') return this.adoptByName(task, container, config.name);
    return failed(container.name, 'create', created.failure);
  }

  /** The host's awsvpc network, for the container that holds an awsvpc task's namespace. */
  /** A container's environment files, read like its secrets at each create; none asked, none read. */
  private environmentFiles(definition: ContainerDefinition): Promise<EnvironmentFilesResult> {
    if (!definition.environmentFiles?.length) return Promise.resolve({ ok: true, values: [] });
    if (!this.deps.secrets.environmentFiles) {
      const failure = { kind: 'rejected' as const, message: 'this agent cannot read environment files' };
      return Promise.resolve({ ok: false, failure });
    }
    return this.deps.secrets.environmentFiles(definition);
  }

  private awsvpcNetworkFor(spec: TaskSpec, definition: ContainerDefinition): NetworkSpec | undefined {
    if (definition.disableNetworking || awsvpcPlace(spec, definition)?.kind !== 'holder') return undefined;
    return awsvpcNetwork(this.deps.awsvpcSubnet);
  }

  /**
   * The name is taken: most likely by this very container, created before the
   * agent died and never recorded. It is adopted only if its labels say so.
   */
  private async adoptByName(task: AgentTask, container: ContainerState, runtimeName: string): Promise<TaskEvent> {
    const found = await this.deps.runtime.inspectContainer(runtimeName);
    if (!found.ok) return failed(container.name, 'create', found.failure);
    const labels = found.value?.labels ?? {};
    const ours =
      labels[LABELS.taskId] === task.taskId &&
      labels[LABELS.containerName] === container.name &&
      labels[LABELS.instanceId] === this.deps.instanceId();
    if (!found.value || !ours) {
      return {
        type: 'step-failed',
        container: container.name,
        step: 'create',
        message: `the name ${runtimeName} is taken by a container Berth did not create`,
      };
    }
    // Its ports are the ones it was created with, not the ones just picked.
    const hostPorts = found.value.portBindings.flatMap((b) =>
      b.hostPort ? [{ containerPort: b.containerPort, protocol: b.protocol, hostPort: b.hostPort }] : [],
    );
    return { type: 'created', container: container.name, runtimeId: found.value.runtimeId, hostPorts };
  }

  private async start(task: AgentTask, container: ContainerState): Promise<TaskEvent> {
    const unready = await this.prepareLogs(task, container);
    if (unready) return { type: 'step-failed', container: container.name, step: 'start', message: unready };
    const run = await this.startCreated(container, 'start');
    if (run.type === 'failed') return run.event;
    const bindings = task.spec ? hostModeBindings(task.spec, container.name) : [];
    const observed = run.observed;
    return { type: 'started', container: container.name, ...(observed ? { observed } : {}), networkBindings: bindings };
  }

  /** The engine's awslogs driver creates its stream when the container starts; an agent that ships does it here. */
  private async prepareLogs(task: AgentTask, container: ContainerState): Promise<string | undefined> {
    const definition = task.spec?.containerDefinitions.find((d) => d.name === container.name);
    if (!this.deps.prepareLogs || !task.spec || !definition || !container.runtimeId) return undefined;
    const destination = awslogsDestination(task.spec, definition, container.runtimeId);
    return destination ? this.deps.prepareLogs(destination) : undefined;
  }

  /** The same container, started again: its task, name, ports and volumes stay as they are. */
  private async restart(container: ContainerState): Promise<TaskEvent> {
    const run = await this.startCreated(container, 'restart');
    if (run.type === 'failed') return run.event;
    return { type: 'restarted', container: container.name, ...(run.observed ? { observed: run.observed } : {}) };
  }

  /** Starts the container the engine already has, and looks at it once it runs. */
  private async startCreated(
    container: ContainerState,
    step: 'start' | 'restart',
  ): Promise<{ type: 'failed'; event: TaskEvent } | { type: 'ran'; observed?: Observed }> {
    const id = container.runtimeId;
    if (!id) {
      const message = 'the container was never created';
      return { type: 'failed', event: { type: 'step-failed', container: container.name, step, message } };
    }
    const started = await this.deps.runtime.startContainer(id);
    if (!started.ok) return { type: 'failed', event: failed(container.name, step, started.failure) };
    const observed = await this.look(id);
    return observed ? { type: 'ran', observed } : { type: 'ran' };
  }

  private async stop(container: ContainerState): Promise<TaskEvent> {
    const id = container.runtimeId;
    if (!id) return { type: 'stop-done', container: container.name };
    const stopped = await this.deps.runtime.stopContainer(id, container.stopTimeoutSeconds);
    if (!stopped.ok) return failed(container.name, 'stop', stopped.failure);
    const observed = await this.look(id);
    return { type: 'stop-done', container: container.name, ...(observed ? { observed } : {}) };
  }

  private async look(runtimeId: string): Promise<Observed | undefined> {
    const inspected = await this.deps.runtime.inspectContainer(runtimeId);
    return inspected.ok && inspected.value ? observe(inspected.value) : undefined;
  }
}

function failed(container: string, step: ContainerStep, failure: RuntimeFailure): TaskEvent {
  return failure.kind === 'unavailable'
    ? { type: 'step-deferred', container }
    : { type: 'step-failed', container, step, message: failure.message };
}
