import type { RegistryAuth } from '#shared/ports/container-runtime.ts';

/**
 * Splits an image reference into what POST /images/create wants. An empty
 * tag would make the engine pull every tag of the repository, so a reference
 * without tag or digest means `latest`, as `docker pull` does.
 */
export function splitImageReference(image: string): { fromImage: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { fromImage: image.slice(0, at), tag: image.slice(at + 1) };
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  // A colon before the last slash belongs to a registry host:port, not a tag.
  if (colon > lastSlash) return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { fromImage: image, tag: 'latest' };
}

/** The X-Registry-Auth header: base64url of the engine's auth JSON. */
export function registryAuthHeader(auth: RegistryAuth): string {
  const json = JSON.stringify({
    username: auth.username,
    password: auth.password,
    ...(auth.serverAddress ? { serveraddress: auth.serverAddress } : {}),
  });
  return Buffer.from(json, 'utf8').toString('base64url');
}
