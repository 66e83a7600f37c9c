import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as check from '#agent/check/agent-answers.ts';
import {
  agentError,
  foreignInstancesResponse,
  pollResponse,
  registerInstanceResponse,
  taskStateReportsResponse,
  taskStateResponse,
} from '#shared/schemas/agent-api.ts';
import { CREDENTIAL_PREFIX, registrationAnswer, rotationAnswer } from '#shared/security/agent-credentials.ts';
import { taskSecretsResponse } from '#shared/security/secret-api.ts';
import { expectAgreement, noisy, someOf } from './check-agreement.ts';

const registered = {
  instanceId: 'i-1',
  containerInstanceArn: 'arn:aws:ecs:us-east-1:0:container-instance/c1/i-1',
  epoch: 1,
  pollIntervalSeconds: 2,
};
const grant = { token: `${CREDENTIAL_PREFIX}abc`, issuedAt: 1, expiresAt: 2 };
const spec = {
  taskId: 't1',
  taskArn: 'arn:aws:ecs:us-east-1:0:task/c1/t1',
  clusterName: 'c1',
  desiredStatus: 'RUNNING',
  family: 'web',
  revision: 1,
  networkMode: 'bridge',
  containerDefinitions: [{ name: 'app', image: 'busybox' }],
  overrides: {},
};
const assignment = { taskId: 't1', taskArn: spec.taskArn, taskDefinitionArn: 'arn:td', desiredStatus: 'STOPPED' };

describe("the control plane's answers (agent/check/agent-answers.ts)", () => {
  it.each<[string, unknown]>([
    ['an answer', registered],
    ['an answer with a newer key', { ...registered, region: 'x' }],
    ['a zero interval', { ...registered, pollIntervalSeconds: 0 }],
    ['a negative epoch', { ...registered, epoch: -1 }],
    ['a missing arn', { ...registered, containerInstanceArn: undefined }],
  ])('agrees on the register answer: %s', (_what, input) => {
    expectAgreement(check.registerInstanceResponse, registerInstanceResponse, input);
  });

  it.each<[string, unknown]>([
    ['no credential', registered],
    ['a credential', { ...registered, credential: grant }],
    ['a credential with a newer key', { ...registered, credential: { ...grant, scope: 'x' } }],
    ['a token without the prefix', { ...registered, credential: { ...grant, token: 'abc' } }],
    ['too long a token', { ...registered, credential: { ...grant, token: CREDENTIAL_PREFIX + 'x'.repeat(2048) } }],
    ['a null credential', { ...registered, credential: null }],
  ])('agrees on the registration answer: %s', (_what, input) => {
    expectAgreement(check.registrationAnswer, registrationAnswer, input);
  });

  it.each<[string, unknown]>([
    ['a credential', { credential: grant }],
    ['none', {}],
    ['a fractional time', { credential: { ...grant, issuedAt: 1.5 } }],
  ])('agrees on the rotation answer: %s', (_what, input) => {
    expectAgreement(check.rotationAnswer, rotationAnswer, input);
  });

  it.each<[string, unknown]>([
    ['unchanged', { changed: false, version: 3, status: 'ACTIVE' }],
    ['unchanged with assignments (dropped)', { changed: false, version: 3, status: 'ACTIVE', assignments: [] }],
    ['changed', { changed: true, version: 4, status: 'DRAINING', assignments: [assignment] }],
    ['changed with specs', { changed: true, version: 4, status: 'ACTIVE', assignments: [assignment], specs: [spec] }],
    [
      'changed with a bad spec',
      { changed: true, version: 4, status: 'ACTIVE', assignments: [], specs: [{ ...spec, revision: 'x' }] },
    ],
    ['changed without assignments', { changed: true, version: 4, status: 'ACTIVE' }],
    ['no changed', { version: 4, status: 'ACTIVE' }],
    ['changed as a string', { changed: 'true', version: 4, status: 'ACTIVE', assignments: [] }],
    [
      'a bad desired status',
      { changed: true, version: 4, status: 'ACTIVE', assignments: [{ ...assignment, desiredStatus: 'PENDING' }] },
    ],
  ])('agrees on the poll answer: %s', (_what, input) => {
    expectAgreement(check.pollResponse, pollResponse, input);
  });

  it.each<[string, unknown, unknown, unknown]>([
    [
      'applied',
      { applied: true, desiredStatus: 'RUNNING' },
      { code: 'InstanceFenced', message: 'm' },
      { secrets: [{ valueFrom: 'berth:a', value: 'v' }], missing: [] },
    ],
    [
      'with newer keys',
      { applied: false, desiredStatus: 'STOPPED', at: 1 },
      { code: 'c', message: 'm', details: {} },
      { secrets: [], missing: ['berth:b'], more: 1 },
    ],
    [
      'wrong kinds',
      { applied: 'yes', desiredStatus: 'RUNNING' },
      { code: 1, message: 'm' },
      { secrets: [{ valueFrom: 'a' }], missing: [] },
    ],
    ['nothing', undefined, undefined, undefined],
    ['plain text', 'Internal Server Error', 'Internal Server Error', 'x'],
  ])('agrees on the state answer, errors and secrets: %s', (_what, state, error, secrets) => {
    expectAgreement(check.taskStateResponse, taskStateResponse, state);
    expectAgreement(check.agentError, agentError, error);
    expectAgreement(check.taskSecretsResponse, taskSecretsResponse, secrets);
  });

  it.each<[string, unknown]>([
    [
      'live and gone',
      {
        instances: [
          { instanceId: 'a', live: true },
          { instanceId: 'b', live: false },
        ],
      },
    ],
    ['none, with newer keys', { instances: [], more: 1 }],
    ['live as a string', { instances: [{ instanceId: 'a', live: 'yes' }] }],
    ['no list', {}],
  ])('agrees on the foreign instances answer: %s', (_what, input) => {
    expectAgreement(check.foreignInstancesResponse, foreignInstancesResponse, input);
  });

  it.each<[string, unknown]>([
    [
      'answers and refusals',
      {
        results: [
          { taskId: 't1', applied: true, desiredStatus: 'RUNNING' },
          { taskId: 't2', error: { code: 'TaskNotAssigned', message: 'm' } },
        ],
      },
    ],
    ['none', { results: [] }],
    ['with newer keys', { results: [{ taskId: 't1', applied: false, desiredStatus: 'STOPPED', at: 1 }], more: 1 }],
    ['an answer without its task', { results: [{ applied: true, desiredStatus: 'RUNNING' }] }],
    ['a refusal without a message', { results: [{ taskId: 't1', error: { code: 'c' } }] }],
    ['a bad desired status', { results: [{ taskId: 't1', applied: true, desiredStatus: 'PENDING' }] }],
    ['no results', {}],
    ['plain text', 'Not Found'],
  ])('agrees on the batched reports answer: %s', (_what, input) => {
    expectAgreement(check.taskStateReportsResponse, taskStateReportsResponse, input);
  });

  it('agrees on generated poll answers', () => {
    const answer = someOf({
      changed: noisy(fc.boolean()),
      version: noisy(fc.integer()),
      status: noisy(fc.constantFrom('ACTIVE', 'DRAINING')),
      assignments: noisy(
        fc.array(
          someOf({
            taskId: noisy(fc.string()),
            taskArn: noisy(fc.string()),
            taskDefinitionArn: noisy(fc.string()),
            desiredStatus: noisy(fc.constantFrom('RUNNING', 'STOPPED')),
          }),
          { maxLength: 2 },
        ),
      ),
      specs: noisy(fc.array(noisy(fc.constant(spec)), { maxLength: 2 })),
    });
    fc.assert(
      fc.property(answer, (input) => expectAgreement(check.pollResponse, pollResponse, input)),
      { numRuns: 300 },
    );
  });
});
