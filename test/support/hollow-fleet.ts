import { Agent, request } from 'node:http';
import type { z } from 'zod';
import {
  pollResponse,
  taskSpec,
  taskStateReportsResponse,
  type RegisterInstanceRequest,
  type TaskSpec,
  type TaskStateReport,
  type TaskStateReports,
} from '#shared/schemas/agent-api.ts';
import type { Attribute } from '#shared/schemas/container-instance.ts';
import { registrationAnswer } from '#shared/security/agent-credentials.ts';

/**
 * A simulated fleet: hollow agents that speak the agent API over real HTTP
 * (register, poll, fetch the task spec, report RUNNING and STOPPED with a
 * per-task seq) but run nothing. Thousands fit in one process because they
 * share everything a real agent would own alone:
 *
 * - one timer wheel: agent i polls in slot i of the wheel, so polls are
 *   spread evenly over the interval, from a single setTimeout chain;
 * - one keep-alive HTTP agent with a bounded socket pool, and a bound on
 *   requests in flight, so a thousand agents do not open a thousand sockets.
 */
export interface HollowFleetOptions {
  readonly endpoint: string;
  readonly cluster: string;
  readonly count: number;
  /**
   * A registration token good for `count` registrations (`uses`); each
   * agent then presents the instance credential it was answered with.
   * Absent against a control plane that asks for none.
   */
  readonly registrationToken?: string;
  readonly resources: { readonly cpu: number; readonly memory: number };
  /** Attributes of the i-th agent (zones round-robin, say). */
  readonly attributes?: (index: number) => Attribute[];
  /** The EC2 instance id the i-th agent registers with (one RunInstances answered, a load balancer target); none when absent. */
  readonly ec2InstanceId?: (index: number) => string | undefined;
  readonly pollIntervalMs: number;
  /**
   * Long polls: each agent keeps one poll open for up to this long (asking
   * for task specs in the answer) and polls again at once when it returns;
   * a control plane that answers at once is polled at pollIntervalMs.
   * Absent: every agent polls every pollIntervalMs, spread over the interval.
   */
  readonly longPollSeconds?: number;
  /** Requests in flight across the whole fleet; default 32. */
  readonly maxInFlight?: number;
  /** Told of each task the fleet reports RUNNING. */
  readonly onRunning?: (taskId: string, instanceId: string) => void;
}

export interface HollowInstance {
  readonly index: number;
  readonly instanceId: string;
  readonly containerInstanceArn: string;
  readonly attributes: readonly Attribute[];
  /** Tasks this agent reported RUNNING and has not stopped. */
  readonly running: ReadonlySet<string>;
}

export interface HollowFleetStats {
  requests: number;
  polls: number;
  changedPolls: number;
  specFetches: number;
  reports: number;
  /** Answers other than success, by the request that got them. */
  errors: number;
  /** Spec requests answered "assigned but not yet written: ask again". */
  notReady: number;
  started: number;
  stopped: number;
  lastError?: string;
}

export interface HollowFleet {
  readonly instances: readonly HollowInstance[];
  readonly stats: HollowFleetStats;
  /** Stops polling, waits for requests in flight, closes the sockets. */
  stop(): Promise<void>;
}

interface TaskState {
  seq: number;
  phase: 'starting' | 'running' | 'stopped';
  spec?: TaskSpec;
}

interface AgentState {
  index: number;
  instanceId: string;
  containerInstanceArn: string;
  attributes: Attribute[];
  ec2InstanceId: string | undefined;
  epoch: number;
  /** The instance credential, sent on every call. */
  bearer: string | undefined;
  knownVersion: number | undefined;
  busy: boolean;
  gone: boolean;
  running: Set<string>;
  tasks: Map<string, TaskState>;
}

export async function startHollowFleet(options: HollowFleetOptions): Promise<HollowFleet> {
  let nextHostPort = 32768;
  const stats: HollowFleetStats = {
    requests: 0,
    polls: 0,
    changedPolls: 0,
    specFetches: 0,
    reports: 0,
    errors: 0,
    notReady: 0,
    started: 0,
    stopped: 0,
  };
  const http = new JsonClient(options.endpoint, options.maxInFlight ?? 32, stats);
  const longPollSeconds = options.longPollSeconds;
  // A held poll takes a connection of its own for as long as it is held.
  const longPolls =
    longPollSeconds === undefined ? undefined : new JsonClient(options.endpoint, options.count + 1, stats);
  const base = `/agent/v1/clusters/${encodeURIComponent(options.cluster)}`;

  const agents = await inBatches(options.count, 16, async (index): Promise<AgentState> => {
    const attributes = options.attributes?.(index) ?? [];
    const ec2InstanceId = options.ec2InstanceId?.(index);
    const registered = await register(attributes, undefined, options.registrationToken, ec2InstanceId);
    return {
      index,
      instanceId: registered.instanceId,
      containerInstanceArn: registered.containerInstanceArn,
      attributes,
      ec2InstanceId,
      epoch: registered.epoch,
      bearer: registered.credential?.token,
      knownVersion: undefined,
      busy: false,
      gone: false,
      running: new Set(),
      tasks: new Map(),
    };
  });

  async function register(
    attributes: Attribute[],
    instanceId?: string,
    bearer = options.registrationToken,
    ec2InstanceId?: string,
  ) {
    const body: RegisterInstanceRequest = {
      ...(instanceId !== undefined && { instanceId }),
      ...(ec2InstanceId !== undefined && { ec2InstanceId }),
      resources: { ...options.resources, reservedPorts: [], reservedPortsUdp: [] },
      attributes,
      agentVersion: 'hollow',
    };
    // As a real agent does, a busy or conflicted control plane (5xx, 429) is
    // retried with a jittered backoff: many agents spending one registration
    // token at once race on its use count.
    for (let attempt = 1; ; attempt++) {
      const answer = await http.send('POST', `${base}/instances`, body, registrationAnswer, bearer);
      if (answer.ok) return answer.value;
      const transient = answer.status >= 500 || answer.status === 429;
      if (!transient || attempt >= REGISTER_ATTEMPTS) {
        throw new Error(`hollow agent could not register: ${answer.status} ${answer.text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
    }
  }

  /** Polls once; true when the answer brought a change. */
  async function poll(agent: AgentState): Promise<boolean> {
    stats.polls++;
    const path = `${base}/instances/${agent.instanceId}/poll`;
    const body = {
      epoch: agent.epoch,
      knownVersion: agent.knownVersion,
      ...(longPollSeconds !== undefined && { waitSeconds: longPollSeconds, withSpecs: true }),
    };
    const answer = await (longPolls ?? http).send('POST', path, body, pollResponse, agent.bearer);
    if (!answer.ok) {
      if (answer.status === 409) {
        // Re-attaching: the instance credential, not the (spent) registration token.
        const again = await register(agent.attributes, agent.instanceId, agent.bearer, agent.ec2InstanceId);
        agent.epoch = again.epoch;
        agent.bearer = again.credential?.token ?? agent.bearer;
      }
      if (answer.status === 404) agent.gone = true;
      return false;
    }
    if (!answer.value.changed) return false;
    stats.changedPolls++;
    for (const spec of answer.value.specs ?? []) stateOf(agent, spec.taskId).spec = spec;
    const starts: string[] = [];
    const stops: string[] = [];
    for (const assignment of answer.value.assignments) {
      const task = stateOf(agent, assignment.taskId);
      if (assignment.desiredStatus === 'STOPPED' && task.phase !== 'stopped') stops.push(assignment.taskId);
      if (assignment.desiredStatus === 'RUNNING' && task.phase === 'starting') starts.push(assignment.taskId);
    }
    const fetched = await Promise.all(starts.map((taskId) => fetchSpec(agent, taskId)));
    const ready = starts.filter((_, i) => fetched[i]);
    const started = await reportAll(agent, ready, 'RUNNING');
    for (const [taskId, desired] of started) {
      const task = stateOf(agent, taskId);
      task.phase = 'running';
      agent.running.add(taskId);
      stats.started++;
      options.onRunning?.(taskId, agent.instanceId);
      if (desired === 'STOPPED') stops.push(taskId);
    }
    const stopped = await reportAll(agent, stops, 'STOPPED');
    for (const taskId of stopped.keys()) {
      stateOf(agent, taskId).phase = 'stopped';
      if (agent.running.delete(taskId)) stats.stopped++;
    }
    const listed = new Set(answer.value.assignments.map((a) => a.taskId));
    // A released assignment is gone from the list: the task is over for this agent.
    for (const taskId of agent.tasks.keys()) if (!listed.has(taskId)) agent.tasks.delete(taskId);
    // Only a fully applied answer is acknowledged; otherwise the next poll brings it again.
    const complete = started.size === starts.length && stopped.size === new Set(stops).size;
    agent.knownVersion = complete ? answer.value.version : undefined;
    return true;
  }

  function stateOf(agent: AgentState, taskId: string): TaskState {
    let task = agent.tasks.get(taskId);
    if (!task) agent.tasks.set(taskId, (task = { seq: 0, phase: 'starting' }));
    return task;
  }

  async function fetchSpec(agent: AgentState, taskId: string): Promise<boolean> {
    const task = stateOf(agent, taskId);
    if (task.spec !== undefined) return true;
    stats.specFetches++;
    const query = `?instanceId=${encodeURIComponent(agent.instanceId)}`;
    const spec = await http.send('GET', `${base}/tasks/${taskId}${query}`, undefined, taskSpec, agent.bearer);
    if (spec.ok) task.spec = spec.value;
    return spec.ok;
  }

  /** Reports tasks in one request; answers which were taken, with the status each is wanted in. */
  async function reportAll(
    agent: AgentState,
    taskIds: readonly string[],
    lastStatus: 'RUNNING' | 'STOPPED',
  ): Promise<Map<string, 'RUNNING' | 'STOPPED'>> {
    const taken = new Map<string, 'RUNNING' | 'STOPPED'>();
    const unique = [...new Set(taskIds)];
    if (unique.length === 0) return taken;
    const now = Date.now();
    const times: Partial<TaskStateReport> =
      lastStatus === 'RUNNING'
        ? { pullStartedAt: now, pullStoppedAt: now, startedAt: now }
        : { executionStoppedAt: now };
    for (let start = 0; start < unique.length; start += 100) {
      const reports = unique.slice(start, start + 100).map((taskId) => {
        const task = stateOf(agent, taskId);
        task.seq += 1;
        stats.reports++;
        return {
          taskId,
          report: {
            seq: task.seq,
            lastStatus,
            containers: (task.spec?.containerDefinitions ?? []).map((c) => ({
              name: c.name,
              lastStatus,
              runtimeId: `hollow-${taskId}-${c.name}`,
              // Ports as Docker binds them: a fixed host port as asked, else one from the ephemeral range.
              ...(lastStatus === 'RUNNING' && {
                networkBindings: (c.portMappings ?? []).map((p) => ({
                  containerPort: p.containerPort,
                  hostPort: p.hostPort || nextHostPort++,
                  protocol: p.protocol ?? 'tcp',
                })),
              }),
              ...(lastStatus === 'STOPPED' && { exitCode: 0 }),
            })),
            ...times,
          },
        };
      });
      const body: TaskStateReports = { instanceId: agent.instanceId, epoch: agent.epoch, reports };
      const answer = await http.send(
        'POST',
        `${base}/instances/${agent.instanceId}/reports`,
        body,
        taskStateReportsResponse,
        agent.bearer,
      );
      if (!answer.ok) continue;
      for (const result of answer.value.results) {
        if ('error' in result) {
          stats.errors++;
          stats.lastError = `report ${result.taskId}: ${result.error.code} ${result.error.message}`;
        } else {
          taken.set(result.taskId, result.desiredStatus);
        }
      }
    }
    return taken;
  }

  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const failed = (error: unknown): undefined => {
    stats.errors++;
    stats.lastError = error instanceof Error ? error.message : String(error);
  };
  if (longPollSeconds !== undefined) {
    // One loop per agent, each always holding one poll.
    const loop = async (agent: AgentState) => {
      while (!stopped && !agent.gone) {
        const sent = Date.now();
        const changed = await poll(agent).catch((error: unknown) => failed(error) ?? false);
        // Answered at once with nothing new (or an error): this control
        // plane does not hold polls, or is in trouble; wait an interval.
        if (!stopped && !changed && Date.now() - sent < (longPollSeconds * 1000) / 2) {
          await new Promise((resolve) => (timer = setTimeout(resolve, options.pollIntervalMs)));
        }
      }
    };
    for (const agent of agents) track(loop(agent));
  } else {
    // The timer wheel: one slot per tick, every agent in exactly one slot.
    const tickMs = Math.max(5, Math.min(50, Math.floor(options.pollIntervalMs / 10)));
    const slots = Math.max(1, Math.round(options.pollIntervalMs / tickMs));
    const wheel: AgentState[][] = Array.from({ length: slots }, () => []);
    for (const agent of agents) wheel[Math.floor((agent.index * slots) / agents.length)]?.push(agent);
    let tick = 0;
    const startedAt = Date.now();
    const turn = () => {
      if (stopped) return;
      for (const agent of wheel[tick % slots] ?? []) {
        if (agent.busy || agent.gone) continue;
        agent.busy = true;
        track(
          poll(agent)
            .then(() => {}, failed)
            .finally(() => {
              agent.busy = false;
            }),
        );
      }
      tick += 1;
      // Scheduled against the start, so slow ticks do not make the wheel drift.
      timer = setTimeout(turn, Math.max(0, startedAt + tick * tickMs - Date.now()));
    };
    turn();
  }

  return {
    instances: agents,
    stats,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // Held polls end at their wait at the latest.
      await Promise.all([...inFlight]);
      http.close();
      longPolls?.close();
    },
  };
}

const REGISTER_ATTEMPTS = 12;

/** Runs `make` for 0..count-1 with at most `width` at a time, keeping the order. */
async function inBatches<T>(count: number, width: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await make(index);
      }
    }),
  );
  return results;
}

type Answer<T> = { ok: true; value: T } | { ok: false; status: number; text: string };

/**
 * JSON over node:http with one keep-alive pool and a cap on requests in
 * flight (callers beyond it wait their turn in order).
 */
class JsonClient {
  private readonly stats: HollowFleetStats;
  private readonly url: URL;
  private readonly agent: Agent;
  private readonly limit: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(endpoint: string, limit: number, stats: HollowFleetStats) {
    this.stats = stats;
    this.url = new URL(endpoint);
    this.limit = limit;
    this.agent = new Agent({ keepAlive: true, maxSockets: limit });
  }

  async send<S extends z.ZodType>(
    method: string,
    path: string,
    body: unknown,
    schema: S,
    bearer: string | undefined,
  ): Promise<Answer<z.infer<S>>> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.stats.requests++;
    try {
      const { status, text } = await this.exchange(method, path, body, bearer);
      // A task assigned but not yet written is asked for again: a protocol answer, not an error.
      if (status === 503 && text.includes('"TaskNotReady"')) {
        this.stats.notReady++;
        return { ok: false, status, text };
      }
      if (status >= 400) {
        this.stats.errors++;
        this.stats.lastError = `${method} ${path}: ${status} ${text.slice(0, 200)}`;
        return { ok: false, status, text };
      }
      return { ok: true, value: schema.parse(JSON.parse(text)) };
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private exchange(
    method: string,
    path: string,
    body: unknown,
    bearer: string | undefined,
  ): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const auth = bearer === undefined ? {} : { authorization: `Bearer ${bearer}` };
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers:
            payload === undefined
              ? auth
              : { ...auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}
