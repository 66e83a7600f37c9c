import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitorHandler } from '#functions/monitor/handler.ts';
import { invocationMetrics } from '#functions/runtime/invocation-metrics.ts';
import { silentLogger } from '#functions/runtime/logger.ts';
import { startBerthWithCluster, type TestBerth } from '../support/berth.ts';

describe('the monitor’s own metrics', () => {
  let berth: TestBerth;
  beforeAll(async () => {
    berth = await startBerthWithCluster('monitored');
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('records the sweep’s duration, written as the invocation’s EMF line', async () => {
    const lines: string[] = [];
    const metrics = invocationMetrics('monitor', (line) => lines.push(line));
    const monitor = createMonitorHandler(() => ({ ctx: berth.ctx, logger: silentLogger, metrics }));
    const outcome = await monitor();
    metrics.flush(berth.ctx.clock.now());
    expect(outcome.clusters).toBeGreaterThanOrEqual(1);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'Berth',
              Dimensions: [['Function']],
              Metrics: [{ Name: 'SweepDuration', Unit: 'Milliseconds' }],
            },
          ],
        },
        Function: 'monitor',
        SweepDuration: expect.any(Number),
      },
    ]);
  });
});
