import { describe, expect, it } from 'vitest';
import { dependencyVerdict } from '#shared/agent/dependencies.ts';
import type { ContainerState } from '#shared/agent/task-model.ts';
import { aContainer } from './fixtures.ts';

type Condition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

function verdict(condition: Condition, dependency: Partial<ContainerState>): string {
  const dep = aContainer({ name: 'dep', ...dependency });
  const app = aContainer({ name: 'app', status: 'CREATED', dependsOn: [{ containerName: 'dep', condition }] });
  return dependencyVerdict(app, [dep, app]).kind;
}

describe('dependencyVerdict', () => {
  it.each<[Condition, Partial<ContainerState>, string]>([
    ['START', { status: 'CREATED' }, 'waiting'],
    ['START', { status: 'RUNNING' }, 'met'],
    ['START', { status: 'STOPPED', startedAt: 1 }, 'met'],
    ['START', { status: 'STOPPED' }, 'blocked'],
    ['START', { status: 'STOPPED', failed: true }, 'blocked'],
    ['COMPLETE', { status: 'RUNNING' }, 'waiting'],
    ['COMPLETE', { status: 'STOPPED', startedAt: 1, exitCode: 9 }, 'met'],
    ['SUCCESS', { status: 'RUNNING' }, 'waiting'],
    ['SUCCESS', { status: 'STOPPED', startedAt: 1, exitCode: 0 }, 'met'],
    ['SUCCESS', { status: 'STOPPED', startedAt: 1, exitCode: 1 }, 'blocked'],
    ['HEALTHY', { status: 'RUNNING', hasHealthCheck: true, health: 'UNKNOWN' }, 'waiting'],
    ['HEALTHY', { status: 'RUNNING', hasHealthCheck: true, health: 'HEALTHY' }, 'met'],
    ['HEALTHY', { status: 'RUNNING', hasHealthCheck: false }, 'blocked'],
    ['HEALTHY', { status: 'STOPPED', hasHealthCheck: true, startedAt: 1 }, 'blocked'],
  ])('%s with the dependency %o is %s', (condition, dependency, expected) => {
    expect(verdict(condition, dependency)).toBe(expected);
  });

  it('is met with no dependencies and blocked on an unknown container', () => {
    const free = aContainer();
    expect(dependencyVerdict(free, [free]).kind).toBe('met');
    const lost = aContainer({ dependsOn: [{ containerName: 'ghost', condition: 'START' }] });
    expect(dependencyVerdict(lost, [lost])).toMatchObject({
      kind: 'blocked',
      reason: expect.stringContaining('ghost'),
    });
  });
});
