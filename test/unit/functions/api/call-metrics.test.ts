import { describe, expect, it } from 'vitest';
import { withCallMetrics } from '#functions/api/call-metrics.ts';
import type { EmfUnit } from '#shared/domain/metrics-emf.ts';

function recorder() {
  const recorded: [string, EmfUnit, number][] = [];
  return {
    recorded,
    metrics: { add: (name: string, unit: EmfUnit, value: number) => recorded.push([name, unit, value]) },
  };
}

const runTask = { rawPath: '/', headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RunTask' } };

describe('the api call metrics', () => {
  it('records a RunTask’s latency and the tasks it placed', async () => {
    const { recorded, metrics } = recorder();
    const answer = { statusCode: 200, body: JSON.stringify({ tasks: [{}, {}], failures: [] }), isBase64Encoded: false };
    const handler = withCallMetrics(async () => answer, metrics);
    expect(await handler(runTask, undefined)).toBe(answer);
    expect(recorded).toEqual([
      ['RunTaskLatency', 'Milliseconds', expect.any(Number)],
      ['RunTaskPlacements', 'Count', 2],
    ]);
  });

  it('reads a base64 answer, and counts no placement for a refused RunTask', async () => {
    const { recorded, metrics } = recorder();
    const body = Buffer.from(JSON.stringify({ tasks: [{}] })).toString('base64');
    await withCallMetrics(async () => ({ statusCode: 200, body, isBase64Encoded: true }), metrics)(runTask, undefined);
    const refused = { statusCode: 400, body: '{"__type":"ClusterNotFoundException"}', isBase64Encoded: false };
    await withCallMetrics(async () => refused, metrics)(runTask, undefined);
    expect(recorded.map(([name, , value]) => (name === 'RunTaskLatency' ? name : [name, value]))).toEqual([
      'RunTaskLatency',
      ['RunTaskPlacements', 1],
      'RunTaskLatency',
    ]);
  });

  it('counts agent polls and nothing for other calls', async () => {
    const { recorded, metrics } = recorder();
    const handler = withCallMetrics(async () => ({ statusCode: 200, body: '{}', isBase64Encoded: false }), metrics);
    await handler({ rawPath: '/agent/v1/clusters/default/instances/i-1/poll', headers: {} }, undefined);
    await handler({ rawPath: '/agent/v1/clusters/default/instances/i-1/credentials', headers: {} }, undefined);
    await handler(
      { rawPath: '/', headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListTasks' } },
      undefined,
    );
    expect(recorded).toEqual([['AgentPolls', 'Count', 1]]);
  });
});
