/**
 * Where the engine listens, from `DOCKER_HOST` as the docker CLI reads it:
 * `unix:///path/to.sock` (the default, /var/run/docker.sock) or
 * `tcp://host:port`. Podman's compatible socket is just another unix path.
 */
export type DockerEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly address: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly address: string };

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export function parseDockerHost(value: string | undefined): DockerEndpoint {
  const text = value === undefined || value.trim() === '' ? DEFAULT_DOCKER_HOST : value.trim();
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (socketPath === '') throw new Error(`DOCKER_HOST '${text}' names no socket path`);
    return { kind: 'unix', socketPath, address: text };
  }
  if (text.startsWith('/')) return { kind: 'unix', socketPath: text, address: `unix://${text}` };
  if (text.startsWith('tcp://')) {
    const url = new URL(`http://${text.slice('tcp://'.length)}`);
    // 2375 is the engine's conventional plain-text port.
    const port = url.port === '' ? 2375 : Number(url.port);
    return { kind: 'tcp', host: url.hostname, port, address: `tcp://${url.hostname}:${port}` };
  }
  throw new Error(`DOCKER_HOST '${text}' is not supported: use unix:///path or tcp://host:port`);
}
