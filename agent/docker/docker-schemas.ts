import { z } from 'zod';

/**
 * The parts of the engine's answers the agent reads, validated at the edge.
 * Unknown fields are dropped; fields Podman leaves out are optional.
 */

export const versionResponse = z.object({
  Version: z.string(),
  ApiVersion: z.string(),
  MinAPIVersion: z.string().optional(),
  Os: z.string().optional(),
  Arch: z.string().optional(),
});

export const infoResponse = z.object({
  NCPU: z.number().int().positive(),
  MemTotal: z.number().int().positive(),
  OSType: z.string().optional(),
  Architecture: z.string().optional(),
});

const labels = z
  .record(z.string(), z.string())
  .nullish()
  .transform((value) => value ?? {});

const hostBinding = z.object({ HostIp: z.string().optional(), HostPort: z.string().optional() });

export const containerInspect = z.object({
  Id: z.string(),
  Name: z.string(),
  Config: z.object({ Image: z.string().optional(), Labels: labels, StopTimeout: z.number().int().nullish() }),
  State: z.object({
    Status: z.string(),
    ExitCode: z.number().int().optional(),
    Error: z.string().optional(),
    OOMKilled: z.boolean().optional(),
    StartedAt: z.string().optional(),
    FinishedAt: z.string().optional(),
    Health: z.object({ Status: z.string() }).nullish(),
  }),
  HostConfig: z.object({ PortBindings: z.record(z.string(), z.array(hostBinding).nullable()).nullish() }).nullish(),
  NetworkSettings: z.object({ Ports: z.record(z.string(), z.array(hostBinding).nullable()).nullish() }).nullish(),
});
export type ContainerInspect = z.infer<typeof containerInspect>;

export const containerList = z.array(z.object({ Id: z.string() }));

export const imageInspect = z.object({
  Id: z.string(),
  RepoDigests: z.array(z.string()).nullish(),
});

export const engineEvent = z.object({
  Type: z.string().optional(),
  Action: z.string(),
  Actor: z.object({ ID: z.string(), Attributes: z.record(z.string(), z.string()).nullish() }),
  time: z.number().optional(),
  timeNano: z.number().optional(),
});
export type EngineEvent = z.infer<typeof engineEvent>;

/** A pull progress line; an `error` means the pull failed even though the status was 200. */
export const pullProgress = z.object({
  error: z.string().optional(),
  errorDetail: z.object({ message: z.string().optional() }).optional(),
});

export const errorBody = z.object({ message: z.string() });

/** The engine's error message from a non-2xx body, or the body itself. */
export function engineMessage(body: string): string {
  try {
    const parsed = errorBody.safeParse(JSON.parse(body));
    if (parsed.success) return parsed.data.message;
  } catch {
    // Not JSON: the body is the message.
  }
  return body.trim();
}
