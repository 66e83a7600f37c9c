import { describe, expect, it } from 'vitest';
import { countCluster } from '#shared/control/cluster-counts.ts';
import { TASK_STATUSES, type TaskStatus } from '#shared/domain/task-status.ts';

describe('countCluster', () => {
  it.each<[TaskStatus, { running: number; pending: number }]>([
    ['PROVISIONING', { running: 0, pending: 1 }],
    ['PENDING', { running: 0, pending: 1 }],
    ['ACTIVATING', { running: 0, pending: 1 }],
    ['RUNNING', { running: 1, pending: 0 }],
    ['DEACTIVATING', { running: 0, pending: 0 }],
    ['STOPPING', { running: 0, pending: 0 }],
    ['DEPROVISIONING', { running: 0, pending: 0 }],
    ['STOPPED', { running: 0, pending: 0 }],
  ])('counts a %s task as %o', (status, expected) => {
    const counts = countCluster([status], []);
    expect({ running: counts.runningTasksCount, pending: counts.pendingTasksCount }).toEqual(expected);
    expect(counts.unstoppedTasksCount).toBe(status === 'STOPPED' ? 0 : 1);
  });

  it('covers every task status', () => {
    expect(countCluster(TASK_STATUSES, []).unstoppedTasksCount).toBe(TASK_STATUSES.length - 1);
  });

  it('counts only ACTIVE services, not DRAINING or INACTIVE ones', () => {
    expect(countCluster([], ['ACTIVE', 'DRAINING', 'INACTIVE', 'ACTIVE']).activeServicesCount).toBe(2);
  });
});
