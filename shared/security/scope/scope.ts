import * as z from 'zod';

/**
 * What a request touches, in the terms policies are written in: the action,
 * the resource ARNs it acts on and the condition keys that hold. Resolved
 * from the request alone, without reading the table; tags of existing
 * resources are read later, and only when a policy asks for them.
 */

/** Where an existing resource's tags are kept. */
export type TagSource =
  | { readonly kind: 'cluster'; readonly cluster: string }
  | { readonly kind: 'task'; readonly cluster: string; readonly taskId: string }
  | { readonly kind: 'task-definition'; readonly family: string; readonly revision?: number }
  | { readonly kind: 'service'; readonly cluster: string; readonly service: string }
  | { readonly kind: 'container-instance'; readonly cluster: string; readonly instanceId: string };

export interface ScopedResource {
  readonly arn: string;
  /** Condition keys that hold for this resource (`ecs:cluster`). */
  readonly keys: Readonly<Record<string, readonly string[]>>;
  readonly tags?: TagSource;
}

export interface RequestScope {
  /** `ecs:RunTask`, `berth:CreateAccessKey`. */
  readonly action: string;
  /** Never empty: a request on no particular resource is on `*`. */
  readonly resources: readonly ScopedResource[];
  /** Condition keys of the request as a whole (`aws:RequestTag/...`, `aws:TagKeys`). */
  readonly keys: Readonly<Record<string, readonly string[]>>;
}

export const anyResource: ScopedResource = { arn: '*', keys: {} };

const record = z.record(z.string(), z.unknown());
const tagList = z.array(z.object({ key: z.string(), value: z.string().optional() }));

/**
 * Reads fields of a request body that may not have passed its schema yet
 * (a guard can run before validation): anything of the wrong shape is
 * treated as absent, and the operation's own validation refuses it later.
 */
export class Fields {
  private readonly values: Record<string, unknown>;
  constructor(input: unknown) {
    const parsed = record.safeParse(input);
    this.values = parsed.success ? parsed.data : {};
  }
  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }
  strings(name: string): string[] | undefined {
    const value = z.array(z.string()).safeParse(this.values[name]);
    return value.success ? value.data : undefined;
  }
  /** `aws:RequestTag/<key>` and `aws:TagKeys` from an ECS `tags` list (or `tagKeys`, as UntagResource sends). */
  requestTagKeys(): Record<string, string[]> {
    const tags = tagList.safeParse(this.values.tags);
    const keys: Record<string, string[]> = {};
    const names: string[] = [];
    if (tags.success) {
      for (const tag of tags.data) {
        keys[`aws:RequestTag/${tag.key}`] = [tag.value ?? ''];
        names.push(tag.key);
      }
    }
    names.push(...(this.strings('tagKeys') ?? []));
    if (names.length > 0) keys['aws:TagKeys'] = names;
    return keys;
  }
}
