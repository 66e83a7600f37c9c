import { CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlContext } from '#shared/control/context.ts';
import { evaluateScaling, type ScalingMetricSource } from '#shared/control/scaling-evaluation.ts';
import { awsCli } from '#test/support/aws-cli.ts';
import { trackCpuAtHalf } from '#test/support/service-scaling.ts';
import { startBerthWithCluster, type TestBerth } from '#test/support/berth.ts';
import { startHollowFleet, type HollowFleet } from '#test/support/hollow-fleet.ts';
import { waitFor } from '#test/support/wait.ts';

const CLUSTER = 'scale-eval';
const awsAutoScaling = (target: TestBerth, ...args: string[]) => awsCli(target, 'application-autoscaling', ...args);
const TARGET = [
  '--service-namespace',
  'ecs',
  '--resource-id',
  `service/${CLUSTER}/web`,
  '--scalable-dimension',
  'ecs:service:DesiredCount',
];

/**
 * Target tracking on a real service run by hollow agents: the target and the
 * policy are made with the AWS CLI, the metric comes from an injected source,
 * and the evaluation runs on dev mode's own control context with a clock the
 * test moves past the cooldown.
 */
describe('target tracking through the AWS CLI on a running service', () => {
  let berth: TestBerth;
  let fleet: HollowFleet;
  let cpu = 0;
  let offsetMs = 0;
  const source: ScalingMetricSource = async () => ({ cpuUtilization: cpu, samples: 6 });
  const evaluate = () => {
    const ctx: ControlContext = { ...berth.ctx, clock: { ...berth.ctx.clock, now: () => Date.now() + offsetMs } };
    return evaluateScaling(ctx, source);
  };
  const service = async () =>
    (await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services?.[0];

  beforeAll(async () => {
    // The monitor's own pass (with the placeholder metrics) stays out of the way: the test evaluates.
    berth = await startBerthWithCluster(CLUSTER, { BERTH_MONITOR_INTERVAL_SECONDS: '3600' });
    fleet = await startHollowFleet({
      endpoint: berth.endpoint,
      cluster: CLUSTER,
      count: 2,
      registrationToken: await berth.registrationToken(CLUSTER, { uses: 2 }),
      resources: { cpu: 1024, memory: 2048 },
      pollIntervalMs: 200,
    });
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, cpu: 32, essential: true }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }),
    );
    await trackCpuAtHalf(berth, CLUSTER, 'web', { min: 2, max: 4 }, { ScaleOutCooldown: 0, ScaleInCooldown: 60 });
  });
  afterAll(async () => {
    await fleet?.stop();
    await berth?.stop();
  });

  it('raises the desired count proportionally and the new tasks run', async () => {
    cpu = 90;
    expect(await evaluate()).toMatchObject({ targets: 1, scaled: 1, failed: [] });
    const scaled = await waitFor(
      async () => {
        const s = await service();
        return s?.desiredCount === 4 && s.runningCount === 4 ? s : undefined;
      },
      { timeoutMs: 30_000, what: 'four running tasks' },
    );
    expect(scaled.events?.map((e) => e.message)).toContainEqual(
      expect.stringContaining('was scaled to a desired count of 4 by Application Auto Scaling'),
    );
    const { ScalingActivities } = (await awsAutoScaling(
      berth,
      'describe-scaling-activities',
      '--service-namespace',
      'ecs',
    )) as {
      ScalingActivities: { Cause: string; StatusCode: string; Description: string }[];
    };
    expect(ScalingActivities[0]).toMatchObject({
      StatusCode: 'Successful',
      Description: 'Setting desired count to 4.',
    });
    expect(ScalingActivities[0]?.Cause).toContain('monitor alarm TargetTracking-cpu50 in state ALARM');
  });

  it('holds a scale-in within the cooldown, then lowers the count after it, never below the minimum', async () => {
    cpu = 5;
    expect(await evaluate()).toMatchObject({ scaled: 0 });
    expect((await service())?.desiredCount).toBe(4);
    offsetMs = 61_000;
    expect(await evaluate()).toMatchObject({ scaled: 1 });
    const lowered = await waitFor(
      async () => {
        const s = await service();
        return s?.desiredCount === 2 && s.runningCount === 2 ? s : undefined;
      },
      { timeoutMs: 30_000, what: 'two running tasks' },
    );
    expect(lowered.desiredCount).toBe(2);
  });

  it('refuses bad input through the AWS CLI and writes nothing', async () => {
    const refused = awsAutoScaling(
      berth,
      'put-scaling-policy',
      ...TARGET,
      '--policy-name',
      'zero',
      '--policy-type',
      'TargetTrackingScaling',
      '--target-tracking-scaling-policy-configuration',
      JSON.stringify({
        TargetValue: 0,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    );
    await expect(refused).rejects.toThrow(/ValidationException.*TargetValue 0 is out of range/s);
    const minAboveMax = awsAutoScaling(
      berth,
      'register-scalable-target',
      ...TARGET,
      '--min-capacity',
      '5',
      '--max-capacity',
      '3',
    );
    await expect(minAboveMax).rejects.toThrow(
      /ValidationException.*Minimum capacity cannot be greater than maximum capacity/s,
    );
    const { ScalingPolicies } = (await awsAutoScaling(
      berth,
      'describe-scaling-policies',
      '--service-namespace',
      'ecs',
    )) as {
      ScalingPolicies: { PolicyName: string }[];
    };
    expect(ScalingPolicies.map((p) => p.PolicyName)).toEqual(['cpu50']);
    const { ScalableTargets } = (await awsAutoScaling(
      berth,
      'describe-scalable-targets',
      '--service-namespace',
      'ecs',
    )) as {
      ScalableTargets: { MinCapacity: number; MaxCapacity: number }[];
    };
    expect(ScalableTargets).toMatchObject([{ MinCapacity: 2, MaxCapacity: 4 }]);
  });
});
