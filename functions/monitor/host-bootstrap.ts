import * as z from 'zod';
import { renderUserData } from '#shared/domain/host-user-data.ts';
import { ENVIRONMENT } from '#shared/deployment/names.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { Ec2Fleet } from '#shared/ports/ec2-fleet.ts';
import type { Store } from '#shared/ports/store.ts';
import { createRegistrationTokenRepository } from '../security/agent-registration-tokens.ts';
import { ConfigurationError } from '../runtime/env.ts';

/**
 * How long the token in a launch's user data stays good: the host boots,
 * installs Docker, Node.js and the agent, and registers well within it
 * (docs/scaling.md, "How a launched host joins").
 */
export const LAUNCH_TOKEN_TTL_MS = 30 * 60 * 1000;

export interface HostBootstrapConfig {
  /** The control plane's endpoint as the hosts reach it (a function so dev mode can name its port once listening). */
  readonly endpoint: () => string;
  readonly agentReleaseUrl: string;
  readonly region: string;
}

const bootstrapEnvironment = z.object({
  [ENVIRONMENT.agentEndpoint]: z.string().min(1).optional(),
  [ENVIRONMENT.agentReleaseUrl]: z.string().min(1).optional(),
});

/**
 * The monitor's bootstrap settings from the environment: none without an
 * agent release URL (launched hosts then run their launch template's own
 * user data). A value the user data would refuse stops start-up, rather
 * than the first launch.
 */
export function hostBootstrapConfig(
  source: Readonly<Record<string, string | undefined>>,
  region: string,
  defaultEndpoint?: () => string,
): HostBootstrapConfig | undefined {
  const env = bootstrapEnvironment.parse(source);
  const agentReleaseUrl = env[ENVIRONMENT.agentReleaseUrl];
  if (agentReleaseUrl === undefined) return undefined;
  const given = env[ENVIRONMENT.agentEndpoint];
  const endpoint = given !== undefined ? () => given : defaultEndpoint;
  if (endpoint === undefined) {
    throw new ConfigurationError(
      `Invalid configuration: ${ENVIRONMENT.agentEndpoint} is required with ${ENVIRONMENT.agentReleaseUrl}`,
    );
  }
  const config = { endpoint, agentReleaseUrl, region };
  if (given !== undefined) {
    const check = render(config, 'cluster', 'token');
    if (!check.ok) throw new ConfigurationError(`Invalid configuration: ${check.message}`);
  }
  return config;
}

function render(config: HostBootstrapConfig, cluster: string, token: string) {
  return renderUserData({
    endpoint: config.endpoint(),
    cluster,
    tokenSource: 'inline',
    tokenName: token,
    region: config.region,
    agentReleaseUrl: config.agentReleaseUrl,
  });
}

/**
 * An Ec2Fleet whose launches for a cluster carry Berth's user data: one
 * registration token per launch, good for as many registrations as
 * instances launched and for LAUNCH_TOKEN_TTL_MS, so user data read back
 * from EC2 later admits no further host. A launch that fails deletes its
 * token before the failure is reported, so failed sweeps leave none behind.
 */
export function withHostBootstrap(
  ec2: Ec2Fleet,
  options: { readonly store: Store; readonly clock: Clock; readonly config: HostBootstrapConfig },
): Ec2Fleet {
  const tokens = createRegistrationTokenRepository(options);
  return {
    async runInstances(input) {
      const cluster = input.joinCluster;
      if (cluster === undefined) return ec2.runInstances(input);
      const { token } = await tokens.create({ cluster, ttlMs: LAUNCH_TOKEN_TTL_MS, uses: input.count });
      try {
        const rendered = render(options.config, cluster, token);
        if (!rendered.ok) throw new ConfigurationError(`The launched hosts' user data: ${rendered.message}`);
        return await ec2.runInstances({ ...input, userData: Buffer.from(rendered.script).toString('base64') });
      } catch (error) {
        // No host got the token (a missing launch template, a refused launch): none may use it later.
        await tokens.revoke(token);
        throw error;
      }
    },
    terminateInstances: (ids) => ec2.terminateInstances(ids),
    launchTemplateExists: (id) => ec2.launchTemplateExists(id),
  };
}
