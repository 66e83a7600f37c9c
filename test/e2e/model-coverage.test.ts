import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsOperations } from '#functions/api/ecs/router.ts';
import { answerFor } from '#functions/api/ecs/model/coverage.ts';
import { model } from '#functions/api/ecs/model/model.ts';
import { admitMembers } from '#functions/api/ecs/model/member-gate.ts';
import { requestWith } from '../support/model-requests.ts';
import { startBerth, type TestBerth } from '../support/berth.ts';

/** The keys the operation's schema refuses as unknown once the member gate has run (the router's own order). */
function unknownKeys(schema: z.ZodType, operation: string, body: unknown): string[] {
  const parsed = schema.safeParse(admitMembers(operation, schema, body));
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : []));
}

const TARGET = 'AmazonEC2ContainerServiceV20141113.';

/** Required members Berth checks beyond the model, so that the member under test is what the answer is about. */
const bases: Record<string, Record<string, unknown>> = {
  RegisterTaskDefinition: { family: 'coverage', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64 }] },
  CreateService: { serviceName: 'coverage', taskDefinition: 'coverage', desiredCount: 0 },
};

const served = Object.keys(ecsOperations).sort();
const cases = served.flatMap((operation) =>
  (model.operations[operation]?.members ?? []).map((m) => ({ operation, path: m.path })),
);

/**
 * Every member of every operation Berth serves, sent with a plausible value
 * through the dev-mode endpoint, gets the answer declared for it: supported
 * members are never an unknown field, refused ones get their ECS error.
 */
describe('ECS model coverage', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerth();
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('serves only operations of the model', () => {
    expect(served.filter((op) => !model.operations[op])).toEqual([]);
  });

  it('has an answer for every member of every operation Berth serves', () => {
    const missing = cases.filter((c) => !answerFor(c.operation, ecsOperations[c.operation]!.schema, c.path));
    expect(missing.map((c) => `${c.operation} ${c.path}`)).toEqual([]);
  });

  it('answers every member as declared, through the ECS endpoint', async () => {
    const wrong: string[] = [];
    for (const { operation, path } of cases) {
      const answer = answerFor(operation, ecsOperations[operation]!.schema, path);
      const body = requestWith(model.operations[operation]!.members, path, bases[operation]);
      const schema = ecsOperations[operation]!.schema;
      const response = await berth.fetch(berth.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}${operation}` },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { __type?: string; message?: string };
      const got = response.ok ? 'ok' : `${json.__type}: ${json.message}`;
      const refused = answer?.answer === 'refused' || answer?.answer === 'not-yet';
      if (refused) {
        const expected = `${answer.error.type}: ${answer.error.message}`;
        // A plausible value may miss the shape of a member that is validated before it is refused.
        const invalid = answer.answer === 'not-yet' && json.__type === 'InvalidParameterException';
        if (got !== expected && !invalid) wrong.push(`${operation} ${path}: expected ${expected}, got ${got}`);
      } else if (/Unknown field|not (yet )?supported by Berth/.test(got)) {
        wrong.push(`${operation} ${path}: expected it accepted, got ${got}`);
      } else if (unknownKeys(schema, operation, body).length > 0) {
        // The endpoint names only the first problem of a request; the schema's own issues show a masked one.
        wrong.push(`${operation} ${path}: unknown to the schema: ${unknownKeys(schema, operation, body).join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
