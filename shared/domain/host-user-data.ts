import * as z from 'zod';
import { HOST_USER_DATA_TEMPLATE } from './host-user-data-template.ts';

/**
 * Fills in the EC2 user data of a Berth host (./host-user-data-template.ts):
 * operators render it for their launch templates (infra/agent-install/,
 * docs/agent.md) and the monitor for the hosts capacity providers launch.
 * Values land inside single quotes in a shell script, so each is checked to
 * be one plain line without a quote: a bad value fails here, never as a
 * half-run boot script.
 */
const shellSafe = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .regex(/^[^'\n\r\\]*$/, `${what} must be one line without quotes or backslashes`);

export const userDataParams = z.strictObject({
  endpoint: shellSafe('endpoint').regex(/^https?:\/\//, 'endpoint must be an http:// or https:// URL'),
  cluster: shellSafe('cluster').regex(/^[a-zA-Z0-9_-]{1,255}$/, 'cluster must be a cluster name'),
  tokenSource: z.enum(['ssm', 'secretsmanager', 'inline']),
  /** The SSM parameter name or Secrets Manager secret id (or ARN) holding the registration token; inline: the token. */
  tokenName: shellSafe('tokenName'),
  region: shellSafe('region').regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must be an AWS region name'),
  /** A tar.gz of one folder holding install.sh, berth-agent.service and berth-agent.mjs. */
  agentReleaseUrl: shellSafe('agentReleaseUrl').regex(/^https:\/\//, 'agentReleaseUrl must be an https:// URL'),
  /** The Node.js version to install when the image has none of 22 or later. */
  nodeVersion: shellSafe('nodeVersion')
    .regex(/^\d+\.\d+\.\d+$/, 'nodeVersion must be a version such as 22.12.0')
    .default('22.12.0'),
});
export type UserDataParams = z.input<typeof userDataParams>;

const PLACEHOLDER = /@@([A-Z_]+)@@/g;

export type RenderedUserData =
  { readonly ok: true; readonly script: string } | { readonly ok: false; readonly message: string };

/** The user data script with every placeholder filled, or why the parameters do not fit. */
export function renderUserData(params: UserDataParams, template = HOST_USER_DATA_TEMPLATE): RenderedUserData {
  const parsed = userDataParams.safeParse(params);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => i.message).join('; ') };
  const values: Record<string, string> = {
    ENDPOINT: parsed.data.endpoint,
    CLUSTER: parsed.data.cluster,
    TOKEN_SOURCE: parsed.data.tokenSource,
    TOKEN_NAME: parsed.data.tokenName,
    REGION: parsed.data.region,
    AGENT_RELEASE_URL: parsed.data.agentReleaseUrl,
    NODE_VERSION: parsed.data.nodeVersion,
  };
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((name) => !(name in values));
  if (unknown.length > 0) return { ok: false, message: `the template has unknown placeholders: ${unknown.join(', ')}` };
  return { ok: true, script: template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '') };
}
