import * as z from 'zod';
import { lazySchema } from '../../schemas/lazy-schema.ts';

/**
 * Berth's policies: IAM's identity-based policy language, the subset that
 * makes sense for one ECS endpoint. Documents are normalised on the way in
 * (single strings become lists), so the stored form reads back unchanged.
 *
 * Refused rather than half-understood: `Principal` (these are identity
 * policies), policy variables (`${...}`, which Berth does not substitute: a
 * Deny naming one would silently never match), services other than `ecs`,
 * `application-autoscaling` and `berth`, and condition operators Berth does not evaluate.
 */

const noVariables = (value: string) => !value.includes('${');
const list = <T extends z.ZodType<string>>(item: T) =>
  z.union([item, z.array(item).min(1).max(100)]).transform((v) => (Array.isArray(v) ? v : [v]));

const actionPattern = lazySchema(() =>
  z
    .string()
    .regex(
      /^(\*|(ecs|berth|application-autoscaling|logs):[A-Za-z0-9*?]{1,128})$/i,
      "must be '*', 'ecs:<Operation>', 'application-autoscaling:<Operation>', 'logs:<Operation>' or 'berth:<Action>' (wildcards * and ? allowed)",
    ),
);

const resourcePattern = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(2048)
    .refine((v) => v === '*' || v.startsWith('arn:'), "must be '*' or an ARN (wildcards * and ? allowed)")
    .refine(noVariables, 'policy variables (${...}) are not supported'),
);

export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
  'Null',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export const OPERATOR_SYNTAX = new RegExp(
  `^(ForAnyValue:|ForAllValues:)?(${CONDITION_OPERATORS.join('|')})(IfExists)?$`,
);

const conditionValue = lazySchema(() =>
  z
    .union([z.string(), z.number(), z.boolean()])
    .transform(String)
    .refine(noVariables, 'policy variables (${...}) are not supported'),
);

const conditionValues = lazySchema(() =>
  z.union([conditionValue, z.array(conditionValue).min(1).max(100)]).transform((v) => (Array.isArray(v) ? v : [v])),
);

const conditionBlock = lazySchema(() =>
  z.record(
    z
      .string()
      .regex(
        OPERATOR_SYNTAX,
        `must be a supported condition operator (${CONDITION_OPERATORS.join(', ')}, with optional IfExists, ForAnyValue: or ForAllValues:)`,
      ),
    z.record(z.string().min(1).max(256), conditionValues),
  ),
);

export const policyStatement = lazySchema(() =>
  z
    .strictObject({
      Sid: z.string().max(128).optional(),
      Effect: z.enum(['Allow', 'Deny']),
      Action: list(actionPattern).optional(),
      NotAction: list(actionPattern).optional(),
      Resource: list(resourcePattern).optional(),
      NotResource: list(resourcePattern).optional(),
      Condition: conditionBlock.optional(),
    })
    .refine(
      (s) => (s.Action === undefined) !== (s.NotAction === undefined),
      'a statement has exactly one of Action or NotAction',
    )
    .refine(
      (s) => (s.Resource === undefined) !== (s.NotResource === undefined),
      'a statement has exactly one of Resource or NotResource',
    ),
);
export type PolicyStatement = z.infer<typeof policyStatement>;

export const policyDocument = lazySchema(() =>
  z.strictObject({
    Version: z.enum(['2012-10-17', '2008-10-17']).optional(),
    Id: z.string().max(128).optional(),
    Statement: z
      .union([policyStatement, z.array(policyStatement).min(1).max(100)])
      .transform((v) => (Array.isArray(v) ? v : [v])),
  }),
);
export type PolicyDocument = z.infer<typeof policyDocument>;
/** What a policy looks like before normalisation, as written in a file. */
export type PolicyDocumentInput = z.input<typeof policyDocument>;

/** Everything, on every Berth resource: the dev-mode key and `berth keys create --admin`. */
export const ADMIN_POLICY: PolicyDocumentInput = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'BerthAdministrator',
      Effect: 'Allow',
      Action: ['ecs:*', 'application-autoscaling:*', 'logs:*', 'berth:*'],
      Resource: '*',
    },
  ],
};
