import { DockerRuntime } from './docker/docker-runtime.ts';

export type DockerProbe =
  | { readonly ok: true; readonly version: string; readonly message: string }
  | { readonly ok: false; readonly message: string };

/**
 * One line on whether a container engine answers at `dockerHost` (default:
 * `DOCKER_HOST`, else the local socket). Dev mode asks before starting an
 * agent, and runs the control plane either way.
 */
export async function probeDocker(dockerHost?: string): Promise<DockerProbe> {
  let runtime: DockerRuntime;
  try {
    runtime = new DockerRuntime({ dockerHost: dockerHost ?? process.env.DOCKER_HOST });
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  try {
    const info = await runtime.info();
    if (!info.ok) return { ok: false, message: info.failure.message };
    const { engineVersion, apiVersion } = info.value;
    return {
      ok: true,
      version: engineVersion,
      message: `container engine ${engineVersion} (API ${apiVersion}) at ${runtime.address}`,
    };
  } finally {
    runtime.close();
  }
}
