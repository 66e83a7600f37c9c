import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { containerDocument, taskDocument, type EngineContainerView } from '#shared/agent/task-metadata.ts';
import type { AgentTask, ContainerState } from '#shared/agent/task-model.ts';
import {
  controlPlaneError,
  protectionAnswer,
  protectionError,
  readProtectionRequest,
  type EndpointAnswer,
} from '#shared/agent/task-protection-endpoint.ts';
import type { AgentProtectionAnswer, AgentProtectionChange } from '#shared/schemas/agent-task-protection.ts';
import type { ControlFailure } from '../control/control-client.ts';
import type { AgentLogger } from '../log.ts';
import { containerKey, type EndpointSettings } from './endpoint-settings.ts';
import { containerStats, containerView, type EngineReader } from './engine-view.ts';

/** A caller resolved from its path id: its task, its container, and what the engine says of it. */
interface Caller {
  readonly task: AgentTask;
  readonly container: ContainerState;
  readonly view: EngineContainerView;
  readonly reader: EngineReader;
}

type Route = (caller: Caller) => Promise<unknown>;

/**
 * The paths under a container's `/v4/<id>` (and `/v3/<id>`), one line per
 * route. ECS_AGENT_URI's paths (`/api/<id>/...`) are answered apart: they
 * take PUTs and reach the control plane.
 */
const ROUTES: Readonly<Record<string, Route>> = {
  '': async ({ task, container, view }) => containerDocument(task, container, view),
  '/task': async ({ task, reader }) => taskDocument(task, await views(reader, task)),
  '/stats': async ({ container, reader }) => (container.runtimeId ? containerStats(reader, container.runtimeId) : {}),
  '/task/stats': async ({ task, reader }) => taskStats(reader, task),
};

async function views(reader: EngineReader, task: AgentTask): Promise<Map<string, EngineContainerView>> {
  const found = await Promise.all(
    task.containers.map(
      async (c) => [c.name, c.runtimeId ? await containerView(reader, c.runtimeId) : undefined] as const,
    ),
  );
  return new Map(found.flatMap(([name, view]) => (view ? [[name, view] as const] : [])));
}

async function taskStats(reader: EngineReader, task: AgentTask): Promise<Record<string, unknown>> {
  const running = task.containers.flatMap((c) => (c.runtimeId ? [c.runtimeId] : []));
  const samples = await Promise.all(
    running.map(async (id) => [id, (await containerStats(reader, id)) ?? null] as const),
  );
  return Object.fromEntries(samples);
}

// Not `import ... from 'node:http'`: as an ES module import that reads node:http's lazy web-fetch getters (docs/agent.md, "Memory").
const http = process.getBuiltinModule('node:http');

const PATH = /^\/(v[34]|api)\/([0-9a-f]{32})(\/.*)?$/;

/** `${ECS_AGENT_URI}` is `/api/<id>`; its one path today. */
const PROTECTION_PATH = '/task-protection/v1/state';

/** A PUT body larger than this is not a protection request. */
const MAX_BODY_BYTES = 4096;

export interface MetadataServerOptions {
  /** The path ids. */
  readonly settings: EndpointSettings;
  readonly reader: EngineReader;
  /** The agent's tasks as it knows them now. */
  readonly tasks: () => readonly AgentTask[];
  readonly logger: AgentLogger;
  /** Reads (no change) or sets a task's scale-in protection through the control plane; absent, the agent endpoint answers 404. */
  readonly protection?: TaskProtectionRelay;
}

export type TaskProtectionRelay = (
  task: AgentTask,
  change?: AgentProtectionChange,
) => Promise<{ ok: true; value: AgentProtectionAnswer } | { ok: false; failure: ControlFailure }>;

/**
 * The task metadata endpoint: node's own http server (the agent's memory
 * budget has no room for a framework), documents built per request.
 * Isolation: a caller must know its container's path id (128 random bits the agent
 * kept in its state directory) and, unless the container shares the host's network,
 * connect from that container's own address. Anything else is 404 or 403,
 * with no body that says more.
 */
export class MetadataServer {
  private readonly options: MetadataServerOptions;
  private readonly server: Server;

  constructor(options: MetadataServerOptions) {
    this.options = options;
    this.server = http.createServer((request, response) => {
      this.answer(request, response).catch((error: unknown) => {
        options.logger.warn('Task metadata request failed', { error: String(error) });
        reply(response, 500, { error: 'internal error' });
      });
    });
    // A listening server's own errors are logged, never allowed to end the agent.
    this.server.on('error', (error) => options.logger.warn('Task metadata server error', { error: String(error) }));
  }

  /** Listens on `address:port`; resolves with the port it got. */
  listen(address: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, address, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port); // listen() on a TCP address always yields AddressInfo
      });
    });
  }

  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }

  /** The caller's container, if the id names a live one of this agent's tasks. */
  private find(token: string): { task: AgentTask; container: ContainerState } | undefined {
    const owner = this.options.settings.ownerOf(token);
    if (!owner) return undefined;
    for (const task of this.options.tasks()) {
      // A stopped task's endpoint goes away with it.
      if (task.status === 'STOPPED' || task.removedAt !== undefined) continue;
      const container = task.containers.find((c) => containerKey(task.taskId, c.name) === owner);
      if (container) return { task, container };
    }
    return undefined;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = PATH.exec((request.url ?? '').split('?')[0] ?? '');
    const found = match?.[2] ? this.find(match[2]) : undefined;
    if (match?.[1] === 'api') return this.answerAgent(request, response, match[3] ?? '', found);
    const route = match ? ROUTES[match[3] ?? ''] : undefined;
    if (request.method !== 'GET' || !route || !found?.container.runtimeId) return reply(response, 404, notFound);
    const view = await containerView(this.options.reader, found.container.runtimeId);
    if (!view) return reply(response, 404, notFound);
    if (!fromContainer(request, view)) return reply(response, 403, { error: 'forbidden' });
    const body = await route({ ...found, view, reader: this.options.reader });
    reply(response, 200, body ?? {});
  }

  /** `${ECS_AGENT_URI}/task-protection/v1/state`: GET reads, PUT sets, in the ECS agent's documents. */
  private async answerAgent(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    found: { task: AgentTask; container: ContainerState } | undefined,
  ): Promise<void> {
    const relay = this.options.protection;
    const method = request.method ?? '';
    if (!relay || path !== PROTECTION_PATH || !found?.container.runtimeId) {
      return send(response, protectionError(404, 'ResourceNotFoundException', 'No task for this request'));
    }
    if (method !== 'GET' && method !== 'PUT') {
      return send(response, protectionError(405, 'InvalidParameterException', 'Use GET or PUT'));
    }
    const view = await containerView(this.options.reader, found.container.runtimeId);
    if (!view) return send(response, protectionError(404, 'ResourceNotFoundException', 'No task for this request'));
    if (!fromContainer(request, view)) return reply(response, 403, { error: 'forbidden' });
    const taskArn = found.task.spec?.taskArn ?? found.task.taskArn ?? found.task.taskId;
    let change: AgentProtectionChange | undefined;
    if (method === 'PUT') {
      const asked = readProtectionRequest(await readBody(request), taskArn);
      if (!asked.ok) return send(response, asked.answer);
      change = {
        protectionEnabled: asked.protectionEnabled,
        ...(asked.expiresInMinutes !== undefined && { expiresInMinutes: asked.expiresInMinutes }),
      };
    }
    const result = await relay(found.task, change);
    send(response, result.ok ? protectionAnswer(result.value, taskArn) : controlPlaneError(result.failure, taskArn));
  }
}

/** The request body as text, cut off past MAX_BODY_BYTES (then it does not parse). */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return '';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, answer: EndpointAnswer): void {
  reply(response, answer.status, answer.body);
}

const notFound = { error: 'not found' };

/** A container with its own network namespace must call from its own address; a host-mode one cannot be told apart. */
function fromContainer(request: IncomingMessage, view: EngineContainerView): boolean {
  if (view.networkMode === 'host') return true;
  const remote = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return view.ipv4Addresses.includes(remote);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
