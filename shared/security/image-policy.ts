import { wildcardMatch } from './policy/wildcard.ts';
import type { ClusterPolicy } from './cluster-policy.ts';

/**
 * Which images a cluster may run. References are normalised the way the
 * engine reads them before they are compared: `nginx` is
 * `docker.io/library/nginx:latest`, `acme/app` is `docker.io/acme/app`, and a
 * first component with a dot, a colon or `localhost` names the registry.
 *
 * Patterns in `allowedRegistries`:
 * - without `/`: a registry host, any repository on it
 *   (`registry.example.com`, `*.dkr.ecr.*.amazonaws.com`, `localhost:5000`);
 * - with `/`: registry host and repository (`docker.io/library/*`,
 *   `ghcr.io/acme/*`); `*` in the repository part spans `/`, so
 *   `ghcr.io/acme/*` also allows `ghcr.io/acme/team/app`.
 * `*` matches any run of characters and `?` one; hosts compare without case.
 * On Docker Hub a repository pattern without `/` or wildcard names an
 * official image (`docker.io/nginx` is `docker.io/library/nginx`).
 */
export interface ImageReference {
  /** Lower case; Docker Hub's aliases are `docker.io`. */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]{32,}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/** The parts of an image reference, or undefined when the engine would not accept it either. */
export function parseImageReference(image: string): ImageReference | undefined {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? normalizeHost(first) : DOCKER_HUB;
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.indexOf(':', path.lastIndexOf('/') + 1);
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (path === '' || !path.split('/').every((c) => COMPONENT.test(c))) return undefined;
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository: path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export function registryPatternMatches(pattern: string, reference: ImageReference): boolean {
  const slash = pattern.indexOf('/');
  const hostPattern = slash >= 0 ? pattern.slice(0, slash) : pattern;
  const host = HUB_ALIASES.has(hostPattern.toLowerCase()) ? DOCKER_HUB : hostPattern;
  if (!wildcardMatch(host, reference.registry, true)) return false;
  if (slash < 0) return true;
  let repository = pattern.slice(slash + 1);
  const official = reference.registry === DOCKER_HUB && !/[/*?]/.test(repository);
  if (official) repository = `library/${repository}`;
  return wildcardMatch(repository, reference.repository);
}

/**
 * Why a container's image may not run on the cluster, or undefined when it
 * may. `subject` names the container in the reason.
 */
export function checkImage(
  image: string,
  policy: ClusterPolicy['images'],
  clusterName: string,
  subject: string,
): string | undefined {
  const reference = parseImageReference(image);
  if (!reference) return `${subject} uses '${image}', which is not a valid image reference`;
  const allowed = policy.allowedRegistries;
  if (allowed.length > 0 && !allowed.some((p) => registryPatternMatches(p, reference))) {
    return (
      `${subject} uses image '${image}' from ${reference.registry}/${reference.repository}, ` +
      `which cluster '${clusterName}' does not allow (allowed: ${allowed.join(', ')})`
    );
  }
  if (policy.requireDigest && (reference.digest === undefined || !SHA256_DIGEST.test(reference.digest))) {
    return (
      `${subject} uses image '${image}', which is not pinned by digest; ` +
      `cluster '${clusterName}' requires images as name@sha256:<digest>`
    );
  }
  return undefined;
}
