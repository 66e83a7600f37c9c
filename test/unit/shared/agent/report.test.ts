import { describe, expect, it } from 'vitest';
import { backoffDelay } from '#agent/control/backoff.ts';
import { buildReport, isReportable, reportFingerprint } from '#shared/agent/report.ts';
import { taskStateReport } from '#shared/schemas/agent-api.ts';
import { aContainer, aTask } from './fixtures.ts';

describe('task reports', () => {
  const task = aTask(
    [
      aContainer({
        status: 'STOPPED',
        runtimeId: 'r1',
        exitCode: 3,
        reason: 'x'.repeat(2000),
        hasHealthCheck: true,
        networkBindings: [{ bindIP: '0.0.0.0', containerPort: 80, hostPort: 50000, protocol: 'tcp' }],
      }),
    ],
    {
      status: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      executionStoppedAt: 9,
      pullStartedAt: 1,
    },
  );

  it('is a valid state report once identity and seq are added', () => {
    const report = { instanceId: 'i', epoch: 1, seq: 1, ...buildReport(task, task.containers) };
    expect(taskStateReport.safeParse(report).success).toBe(true);
    expect(report.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 3, healthStatus: 'UNKNOWN' });
    expect(report.containers[0]?.reason).toHaveLength(1024);
  });

  it('has the same fingerprint whatever the pull timestamps say', () => {
    const later = { ...task, pullStoppedAt: 5 };
    expect(reportFingerprint(buildReport(later, later.containers))).toBe(
      reportFingerprint(buildReport(task, task.containers)),
    );
  });

  it.each([
    ['PROVISIONING', false],
    ['PENDING', false],
    ['RUNNING', true],
    ['STOPPING', true],
    ['STOPPED', true],
  ] as const)('a %s task is reportable: %s', (status, expected) => {
    expect(isReportable({ status })).toBe(expected);
  });
});

describe('backoff', () => {
  const policy = { baseMs: 500, capMs: 30_000 };
  it.each([
    [0, 0.999, 499],
    [3, 0.999, 3_996],
    [20, 0.999, 29_970],
    [5, 0, 250],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, policy, () => random)).toBe(expected);
  });
});
