import type { EngineContainerView } from '#shared/agent/task-metadata.ts';
import type { RuntimeResult } from '#shared/ports/container-runtime.ts';
import { int, safeParse, string } from '../check/check.ts';
import { array, map, nullish, object, optional, record } from '../check/compose.ts';
import { parseEngineTime } from '../docker/observation.ts';

/** The engine calls the metadata endpoint makes: read-only, answered as JSON. */
export interface EngineReader {
  readJson(path: string): Promise<RuntimeResult<{ status: number; body: unknown }>>;
}

const inspect = object({
  Id: string(),
  Name: string(),
  Created: optional(string()),
  Image: optional(string()),
  Config: object({ Labels: map(nullish(record(string())), (value) => value ?? {}) }),
  State: nullish(object({ StartedAt: optional(string()), FinishedAt: optional(string()) })),
  HostConfig: nullish(object({ NetworkMode: optional(string()), Memory: optional(int()) })),
  NetworkSettings: nullish(object({ Networks: nullish(record(object({ IPAddress: optional(string()) }))) })),
});

const network = object({ IPAM: nullish(object({ Config: nullish(array(object({ Gateway: optional(string()) }))) })) });

/** The engine writes a zero time for "never"; the documents leave such a time out. */
function engineTime(value: string | undefined): string | undefined {
  return parseEngineTime(value) === undefined ? undefined : value;
}

/** One container as the documents see it; undefined when the engine has no such container or did not answer. */
export async function containerView(reader: EngineReader, runtimeId: string): Promise<EngineContainerView | undefined> {
  const answer = await reader.readJson(`/containers/${encodeURIComponent(runtimeId)}/json`);
  if (!answer.ok || answer.value.status !== 200) return undefined;
  const parsed = safeParse(inspect, answer.value.body);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  const ipv4Addresses = Object.values(c.NetworkSettings?.Networks ?? {}).flatMap((n) =>
    n.IPAddress ? [n.IPAddress] : [],
  );
  const createdAt = engineTime(c.Created);
  const startedAt = engineTime(c.State?.StartedAt);
  const finishedAt = engineTime(c.State?.FinishedAt);
  return {
    dockerId: c.Id,
    dockerName: c.Name.replace(/^\//, ''),
    ...(c.Image ? { imageId: c.Image } : {}),
    labels: c.Config.Labels,
    ...(createdAt ? { createdAt } : {}),
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(c.HostConfig?.Memory ? { memoryBytes: c.HostConfig.Memory } : {}),
    networkMode: c.HostConfig?.NetworkMode ?? '',
    ipv4Addresses,
  };
}

/** One stats sample (`stream=false`), as the engine gives it; undefined when there is none. */
export async function containerStats(reader: EngineReader, runtimeId: string): Promise<unknown> {
  const answer = await reader.readJson(`/containers/${encodeURIComponent(runtimeId)}/stats?stream=false`);
  return answer.ok && answer.value.status === 200 ? answer.value.body : undefined;
}

/** The default bridge's gateway: the host address every bridge-mode container can reach. */
export async function bridgeGateway(reader: EngineReader): Promise<string | undefined> {
  const answer = await reader.readJson('/networks/bridge');
  if (!answer.ok || answer.value.status !== 200) return undefined;
  const parsed = safeParse(network, answer.value.body);
  if (!parsed.success) return undefined;
  return parsed.data.IPAM?.Config?.find((c) => c.Gateway && !c.Gateway.includes(':'))?.Gateway;
}
