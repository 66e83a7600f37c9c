import type { ControlContext } from '#shared/control/context.ts';
import { createCloudMap } from '../adapters/cloud-map.ts';

/**
 * Dev mode calls AWS Cloud Map only when told where:
 * AWS_ENDPOINT_URL_SERVICEDISCOVERY, else AWS_ENDPOINT_URL (an emulator, or
 * the real regional endpoint), with the usual AWS keys or an emulator's
 * placeholders.
 */
export function withDiscovery(ctx: ControlContext, vars: NodeJS.ProcessEnv, region: string): ControlContext {
  const endpoint = vars.AWS_ENDPOINT_URL_SERVICEDISCOVERY || vars.AWS_ENDPOINT_URL;
  if (endpoint === undefined || endpoint === '') return ctx;
  const credentials = {
    accessKeyId: vars.AWS_ACCESS_KEY_ID ?? 'berth-dev',
    secretAccessKey: vars.AWS_SECRET_ACCESS_KEY ?? 'berth-dev',
    ...(vars.AWS_SESSION_TOKEN !== undefined && { sessionToken: vars.AWS_SESSION_TOKEN }),
  };
  return { ...ctx, discovery: createCloudMap({ endpoint, region, credentials }) };
}
