import fc from 'fast-check';
import { describe, it } from 'vitest';
import { taskRecord as recordCheck } from '#agent/check/task-record.ts';
import { taskRecord } from '#shared/agent/task-model.ts';
import { aContainer, aTask } from '#test/unit/shared/agent/fixtures.ts';
import { expectAgreement, noisy, someOf } from './check-agreement.ts';

/** A record as the agent writes it: JSON, without the in-memory `pending`. */
const written = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const running = aContainer({
  status: 'RUNNING',
  runtimeId: 'abc',
  imageDigest: 'sha256:1',
  health: 'HEALTHY',
  startedAt: 1,
  networkBindings: [{ bindIP: '0.0.0.0', containerPort: 80, hostPort: 50000, protocol: 'tcp' }],
  hostPorts: [{ containerPort: 80, protocol: 'tcp', hostPort: 50000 }],
  dependsOn: [{ containerName: 'db', condition: 'START' }],
});

describe("the agent's task records (agent/check/task-record.ts)", () => {
  it.each<[string, unknown]>([
    ['the unit fixture (aTask)', written(aTask())],
    [
      'a running task',
      written(aTask([running], { status: 'RUNNING', seq: 4, answeredSeq: 3, reportedFingerprint: 'f', startedAt: 2 })),
    ],
    [
      'a stopped task',
      written(
        aTask([aContainer({ status: 'STOPPED', exitCode: 1, reason: 'r', failed: true, finishedAt: 3 })], {
          status: 'STOPPED',
          desiredStatus: 'STOPPED',
          stopping: true,
          stopCode: 'EssentialContainerExited',
          stoppedReason: 's',
          executionStoppedAt: 4,
          removedAt: 5,
        }),
      ),
    ],
    ['an adopted task without a spec', written(aTask([aContainer()], { spec: undefined, taskArn: 'arn' }))],
    [
      'a record from an older agent (no defaulted fields)',
      {
        taskId: 't',
        desiredStatus: 'RUNNING',
        status: 'PENDING',
        seq: 1,
        containers: [
          { name: 'a', essential: true, dependsOn: [], hasHealthCheck: false, stopTimeoutSeconds: 30, status: 'NONE' },
        ],
      },
    ],
    ['a record with a key it no longer keeps', { ...(written(aTask()) as object), legacy: 1 }],
    ['a negative seq', written(aTask([], { seq: -1 }))],
    ['an unknown container status', written(aTask([aContainer({ status: 'PAUSED' as 'NONE' })]))],
    [
      'a bad host port protocol',
      written(aTask([aContainer({ hostPorts: [{ containerPort: 1, protocol: 'sctp' as 'tcp', hostPort: 2 }] })])),
    ],
    ['no containers', { ...(written(aTask()) as object), containers: undefined }],
    ['null (a file that is not JSON)', null],
  ])('agrees with the schema on %s', (_what, input) => {
    expectAgreement(recordCheck, taskRecord, input);
  });

  it('agrees with the schema on generated records', () => {
    const container = someOf({
      name: noisy(fc.string()),
      essential: noisy(fc.boolean()),
      dependsOn: noisy(fc.constant([])),
      hasHealthCheck: noisy(fc.boolean()),
      stopTimeoutSeconds: noisy(fc.integer({ min: -1, max: 100 })),
      status: noisy(fc.constantFrom('NONE', 'RUNNING', 'STOPPED', 'GONE')),
      exitCode: noisy(fc.integer()),
      failed: noisy(fc.boolean()),
      health: noisy(fc.constantFrom('HEALTHY', 'UNKNOWN', 'SICK')),
      networkBindings: noisy(
        fc.array(someOf({ hostPort: noisy(fc.integer()), protocol: noisy(fc.constantFrom('tcp', 'icmp')) }), {
          maxLength: 2,
        }),
      ),
    });
    const record = someOf({
      taskId: noisy(fc.string()),
      desiredStatus: noisy(fc.constantFrom('RUNNING', 'STOPPED')),
      status: noisy(fc.constantFrom('PROVISIONING', 'PENDING', 'RUNNING', 'STOPPED', 'LOST')),
      stopping: noisy(fc.boolean()),
      stopCode: noisy(fc.constantFrom('UserInitiated', 'Other')),
      seq: noisy(fc.integer({ min: -1, max: 10 })),
      answeredSeq: noisy(fc.integer({ min: -1, max: 10 })),
      startedAt: noisy(fc.double()),
      containers: noisy(fc.array(container, { maxLength: 2 })),
    });
    fc.assert(
      fc.property(record, (input) => expectAgreement(recordCheck, taskRecord, input)),
      { numRuns: 400 },
    );
  });
});
