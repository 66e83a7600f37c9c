import { describe, expect, it } from 'vitest';
import { CarriedSpecs } from '#agent/control/carried-specs.ts';
import { aSpec } from '#test/unit/shared/agent/fixtures.ts';

const assignment = (taskId: string) => ({
  taskId,
  taskArn: `arn:aws:ecs:us-east-1:000000000000:task/c1/${taskId}`,
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:3',
  desiredStatus: 'RUNNING' as const,
});

describe('CarriedSpecs', () => {
  it('hands a carried spec over once', () => {
    const specs = new CarriedSpecs();
    specs.follow([assignment('t1')], [aSpec(undefined, { taskId: 't1' })]);
    expect(specs.take('t1')?.taskId).toBe('t1');
    expect(specs.take('t1')).toBeUndefined();
  });

  it('drops the specs of tasks a later answer no longer names, and keeps the others', () => {
    const specs = new CarriedSpecs();
    specs.follow(
      [assignment('t1'), assignment('t2')],
      [aSpec(undefined, { taskId: 't1' }), aSpec(undefined, { taskId: 't2' })],
    );
    specs.follow([assignment('t2')], []);
    expect(specs.take('t1')).toBeUndefined();
    expect(specs.take('t2')?.taskId).toBe('t2');
  });
});
