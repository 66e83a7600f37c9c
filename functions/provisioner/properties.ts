import * as z from 'zod';
import { ProvisionerError } from './errors.ts';

/**
 * The properties every Berth custom resource carries. The ECS request is one
 * JSON string (`Request`), built by the constructs with `Stack.toJsonString`:
 * CloudFormation turns every nested number and boolean into a string, and a
 * single JSON document keeps the request's types as the ECS API expects them.
 */
export const resourceProperties = z.object({
  /** Berth's endpoint, the stack's `ApiUrl` output. */
  Endpoint: z.url({ protocol: /^https?$/ }),
  /** A Secrets Manager secret (ARN or name) holding `{"accessKeyId", "secretAccessKey"}` of a Berth key. */
  CredentialsSecretArn: z.string().min(1),
  /** The region requests are signed for. @default the function's AWS_REGION */
  Region: z.string().min(1).optional(),
  Request: z.string().min(2),
});
export type ResourceProperties = z.infer<typeof resourceProperties>;

/** Parses the properties, failing with a reason that names each bad member. */
export function parseProperties(raw: Record<string, unknown>): ResourceProperties {
  const parsed = resourceProperties.safeParse(raw);
  if (!parsed.success) throw new ProvisionerError(`Invalid resource properties: ${explain(parsed.error)}`);
  return parsed.data;
}

/** The ECS request inside `Request`, checked against the resource type's schema. */
export function parseRequest<T extends z.ZodType>(properties: ResourceProperties, schema: T): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(properties.Request);
  } catch (cause) {
    throw new ProvisionerError('Invalid resource properties: Request is not a JSON document', { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ProvisionerError(`Invalid resource properties: ${explain(parsed.error, 'Request')}`);
  return parsed.data;
}

function explain(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== undefined).join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Two events' properties ask for the same thing (the provider's own token aside). */
export function sameProperties(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const { ServiceToken: _a, ...restA } = a;
  const { ServiceToken: _b, ...restB } = b;
  return canonical(restA) === canonical(restB);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}
