import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBoto3Scenario } from '#test/support/boto3.ts';
import { startBerthWithCluster, type TestBerth } from '#test/support/berth.ts';

/** Application Auto Scaling through boto3's own client, against dev mode with a quick monitor. */
describe('service auto scaling through boto3', () => {
  let berth: TestBerth;

  beforeAll(async () => {
    berth = await startBerthWithCluster('scaling', { BERTH_MONITOR_INTERVAL_SECONDS: '1' });
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('registers, describes and deletes, refuses bad input, and applies a scheduled action at its time', async () => {
    const answer = (await runBoto3Scenario('autoscaling.py', berth, {
      CLUSTER: 'scaling',
      AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING: berth.endpoint,
    })) as {
      bad: Record<string, string>;
      messages: Record<string, string>;
      target: { min: number; max: number };
      activities: { cause: string; status: string; description: string }[];
      left: string[];
      afterDeregister: Record<string, unknown[]>;
    };
    expect(answer.bad).toEqual({
      'min above max': 'ValidationException',
      'no such service': 'ValidationException',
      'other namespace': 'ValidationException',
      'unregistered target': 'ObjectNotFoundException',
      'target value out of range': 'ValidationException',
      'unknown metric': 'ValidationException',
      'delete an absent policy': 'ObjectNotFoundException',
    });
    expect(answer.messages['min above max']).toBe('Minimum capacity cannot be greater than maximum capacity');
    expect(answer.messages['no such service']).toBe("ECS service doesn't exist: service/scaling/absent");
    expect(answer.messages['unknown metric']).toContain('ALBRequestCountPerTarget');
    expect(answer.target).toEqual({ min: 2, max: 6 });
    expect(answer.activities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          status: 'Successful',
          cause: expect.stringContaining('scheduled action name morning was triggered'),
        }),
        expect.objectContaining({ status: 'Successful', description: 'Setting desired count to 2.' }),
      ]),
    );
    expect(answer.left).toEqual(['memory-steps']);
    expect(answer.afterDeregister).toEqual({ targets: [], policies: [], actions: [] });
  });
});
