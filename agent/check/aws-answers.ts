import { number, string, unknown, type Check } from './check.ts';
import { array, object, optional, record, refine } from './compose.ts';

/** What IMDS answers at iam/security-credentials/<role>: the instance role's temporary keys. */
export const imdsRoleCredentials = object({
  Code: optional(string()),
  AccessKeyId: string({ min: 1 }),
  SecretAccessKey: string({ min: 1 }),
  Token: optional(string({ min: 1 })),
  Expiration: refine(string(), (text) => !Number.isNaN(Date.parse(text)), 'expected a date'),
});

/** What the CloudWatch Logs sink reads of PutLogEvents' answer (its sequence token is obsolete). */
export const putLogEventsAnswer: Check<{ rejectedLogEventsInfo?: Record<string, unknown> | undefined }> = object({
  rejectedLogEventsInfo: optional(record(unknown())),
});

/** What it reads of GetLogEvents': the events' times. */
export const getLogEventsAnswer = object({ events: optional(array(object({ timestamp: optional(number()) }))) });
