import type { z } from 'zod';

/**
 * Berth's answer to one request member of the ECS model.
 * - `supported`: honoured (derived from the operation's schema, or declared
 *   for members being added beside this table);
 * - `supported-with-note`: honoured, with a difference worth knowing;
 * - `refused`: answered with the declared ECS error whenever the member asks
 *   for something (an empty list, `false` or an object of such, as ECS
 *   exports them, asks for nothing and is accepted);
 * - `not-yet`: validated against `shape`, then refused like the above until
 *   the feature lands.
 */
export type MemberAnswer =
  | { readonly answer: 'supported' }
  | { readonly answer: 'supported-with-note'; readonly note: string }
  | { readonly answer: 'refused'; readonly error: RefusalError; readonly accepts?: (value: unknown) => boolean }
  | { readonly answer: 'not-yet'; readonly error: RefusalError; readonly shape: z.ZodType };

export interface RefusalError {
  readonly type: 'ClientException' | 'InvalidParameterException';
  readonly message: string;
}

export const supported: MemberAnswer = { answer: 'supported' };

export function note(text: string): MemberAnswer {
  return { answer: 'supported-with-note', note: text };
}

/** A member Berth cannot honour: ClientException naming it and why. */
export function unsupported(member: string, why: string, accepts?: (value: unknown) => boolean): MemberAnswer {
  return {
    answer: 'refused',
    error: { type: 'ClientException', message: `${member} is not supported by Berth: ${why}` },
    ...(accepts && { accepts }),
  };
}

/** A member only Fargate (or another platform Berth is not) honours, refused as ECS refuses it on EC2. */
export function platformOnly(member: string, platform: string): MemberAnswer {
  return {
    answer: 'refused',
    error: {
      type: 'InvalidParameterException',
      message: `${member} is only supported on ${platform}; Berth runs tasks on its own container instances (EC2/EXTERNAL)`,
    },
  };
}

export function notYet(member: string, shape: z.ZodType): MemberAnswer {
  return {
    answer: 'not-yet',
    error: { type: 'ClientException', message: `${member} is not yet supported by Berth` },
    shape,
  };
}

/**
 * A value that asks for nothing: what ECS's describe output carries for an
 * unused member (`[]`, `false`, `{}`, or an object whose members are those).
 * A null member is nothing. Deeper down only `[]`, `false` and `{}` are:
 * an object there that names a key, even with a null or empty value, may
 * name one outside the model, which must not pass unseen.
 */
export function asksNothing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.values(value).every(isEmpty);
  }
  return isEmpty(value);
}

function isEmpty(value: unknown): boolean {
  if (value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}
