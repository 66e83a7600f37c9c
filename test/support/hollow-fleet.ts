import { Agent, request } from 'node:http';
import type { z } from 'zod';
import {
  pollResponse,
  taskSpec,
  taskStateResponse,
  type AssignmentView,
  type RegisterInstanceRequest,
  type TaskSpec,
  type TaskStateReport,
} from '../../shared/schemas/agent-api.ts';
import type { Attribute } from '../../shared/schemas/container-instance.ts';
import { registrationAnswer } from '../../shared/security/agent-credentials.ts';

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
  readonly pollIntervalMs: number;
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
  const stats: HollowFleetStats = {
    requests: 0,
    polls: 0,
    changedPolls: 0,
    specFetches: 0,
    reports: 0,
    errors: 0,
    started: 0,
    stopped: 0,
  };
  const http = new JsonClient(options.endpoint, options.maxInFlight ?? 32, stats);
  const base = `/agent/v1/clusters/${encodeURIComponent(options.cluster)}`;

  const agents = await inBatches(options.count, 16, async (index): Promise<AgentState> => {
    const attributes = options.attributes?.(index) ?? [];
    const registered = await register(attributes);
    return {
      index,
      instanceId: registered.instanceId,
      containerInstanceArn: registered.containerInstanceArn,
      attributes,
      epoch: registered.epoch,
      bearer: registered.credential?.token,
      knownVersion: undefined,
      busy: false,
      gone: false,
      running: new Set(),
      tasks: new Map(),
    };
  });

  async function register(attributes: Attribute[], instanceId?: string, bearer = options.registrationToken) {
    const body: RegisterInstanceRequest = {
      ...(instanceId !== undefined && { instanceId }),
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

  async function poll(agent: AgentState): Promise<void> {
    stats.polls++;
    const path = `${base}/instances/${agent.instanceId}/poll`;
    const answer = await http.send('POST', path, { epoch: agent.epoch, knownVersion: agent.knownVersion }, pollResponse, agent.bearer);
    if (!answer.ok) {
      if (answer.status === 409) {
        // Re-attaching: the instance credential, not the (spent) registration token.
        const again = await register(agent.attributes, agent.instanceId, agent.bearer);
        agent.epoch = again.epoch;
        agent.bearer = again.credential?.token ?? agent.bearer;
      }
      if (answer.status === 404) agent.gone = true;
      return;
    }
    if (!answer.value.changed) return;
    stats.changedPolls++;
    const results = await Promise.all(answer.value.assignments.map((a) => follow(agent, a)));
    const listed = new Set(answer.value.assignments.map((a) => a.taskId));
    // A released assignment is gone from the list: the task is over for this agent.
    for (const taskId of agent.tasks.keys()) if (!listed.has(taskId)) agent.tasks.delete(taskId);
    // Only a fully applied answer is acknowledged; otherwise the next poll brings it again.
    agent.knownVersion = results.every(Boolean) ? answer.value.version : undefined;
  }

  /** Brings one task to what its assignment wants; false if a request failed. */
  async function follow(agent: AgentState, assignment: AssignmentView): Promise<boolean> {
    const task = agent.tasks.get(assignment.taskId) ?? { seq: 0, phase: 'starting' as const };
    agent.tasks.set(assignment.taskId, task);
    if (assignment.desiredStatus === 'STOPPED') return task.phase === 'stopped' || stopTask(agent, assignment.taskId, task);
    if (task.phase !== 'starting') return true;
    if (task.spec === undefined) {
      stats.specFetches++;
      const query = `?instanceId=${encodeURIComponent(agent.instanceId)}`;
      const spec = await http.send('GET', `${base}/tasks/${assignment.taskId}${query}`, undefined, taskSpec, agent.bearer);
      if (!spec.ok) return false;
      task.spec = spec.value;
    }
    const now = Date.now();
    const answer = await report(agent, assignment.taskId, task, 'RUNNING', {
      pullStartedAt: now,
      pullStoppedAt: now,
      startedAt: now,
    });
    if (!answer) return false;
    task.phase = 'running';
    agent.running.add(assignment.taskId);
    stats.started++;
    options.onRunning?.(assignment.taskId, agent.instanceId);
    return answer.desiredStatus === 'STOPPED' ? stopTask(agent, assignment.taskId, task) : true;
  }

  async function stopTask(agent: AgentState, taskId: string, task: TaskState): Promise<boolean> {
    const answer = await report(agent, taskId, task, 'STOPPED', { executionStoppedAt: Date.now() });
    if (!answer) return false;
    task.phase = 'stopped';
    if (agent.running.delete(taskId)) stats.stopped++;
    return true;
  }

  async function report(
    agent: AgentState,
    taskId: string,
    task: TaskState,
    lastStatus: 'RUNNING' | 'STOPPED',
    times: Partial<TaskStateReport>,
  ) {
    stats.reports++;
    task.seq += 1;
    const body: TaskStateReport = {
      instanceId: agent.instanceId,
      epoch: agent.epoch,
      seq: task.seq,
      lastStatus,
      containers: (task.spec?.containerDefinitions ?? []).map((c) => ({
        name: c.name,
        lastStatus,
        runtimeId: `hollow-${taskId}-${c.name}`,
        ...(lastStatus === 'STOPPED' && { exitCode: 0 }),
      })),
      ...times,
    };
    const answer = await http.send('POST', `${base}/tasks/${taskId}/state`, body, taskStateResponse, agent.bearer);
    return answer.ok ? answer.value : undefined;
  }

  // The timer wheel: one slot per tick, every agent in exactly one slot.
  const tickMs = Math.max(5, Math.min(50, Math.floor(options.pollIntervalMs / 10)));
  const slots = Math.max(1, Math.round(options.pollIntervalMs / tickMs));
  const wheel: AgentState[][] = Array.from({ length: slots }, () => []);
  for (const agent of agents) wheel[Math.floor((agent.index * slots) / agents.length)]?.push(agent);
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let tick = 0;
  const startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const turn = () => {
    if (stopped) return;
    for (const agent of wheel[tick % slots] ?? []) {
      if (agent.busy || agent.gone) continue;
      agent.busy = true;
      const work = poll(agent)
        .catch((error: unknown) => {
          stats.errors++;
          stats.lastError = error instanceof Error ? error.message : String(error);
        })
        .finally(() => {
          agent.busy = false;
          inFlight.delete(work);
        });
      inFlight.add(work);
    }
    tick += 1;
    // Scheduled against the start, so slow ticks do not make the wheel drift.
    timer = setTimeout(turn, Math.max(0, startedAt + tick * tickMs - Date.now()));
  };
  turn();

  return {
    instances: agents,
    stats,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all([...inFlight]);
      http.close();
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

  private exchange(method: string, path: string, body: unknown, bearer: string | undefined): Promise<{ status: number; text: string }> {
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
