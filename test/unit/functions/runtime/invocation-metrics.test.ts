import { describe, expect, it } from 'vitest';
import { invocationMetrics } from '#functions/runtime/invocation-metrics.ts';

describe('the invocation metrics', () => {
  it('writes what an invocation recorded as one EMF line under Berth, with the Function dimension', () => {
    const lines: string[] = [];
    const metrics = invocationMetrics('scheduler', (line) => lines.push(line));
    metrics.add('ReconcileDuration', 'Milliseconds', 12);
    metrics.add('ReconcileDuration', 'Milliseconds', 30);
    metrics.add('ReconcilePlacements', 'Count', 2);
    metrics.flush(1_700_000_000_000);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        _aws: {
          Timestamp: 1_700_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: 'Berth',
              Dimensions: [['Function']],
              Metrics: [
                { Name: 'ReconcileDuration', Unit: 'Milliseconds' },
                { Name: 'ReconcilePlacements', Unit: 'Count' },
              ],
            },
          ],
        },
        Function: 'scheduler',
        ReconcileDuration: [12, 30],
        ReconcilePlacements: 2,
      },
    ]);
  });

  it('starts over after a flush, and writes nothing for an invocation that recorded nothing', () => {
    const lines: string[] = [];
    const metrics = invocationMetrics('api', (line) => lines.push(line));
    metrics.add('AgentPolls', 'Count', 1);
    metrics.flush(1);
    metrics.flush(2);
    metrics.add('AgentPolls', 'Count', 1);
    metrics.flush(3);
    expect(lines.map((line) => (JSON.parse(line) as { AgentPolls: unknown }).AgentPolls)).toEqual([1, 1]);
  });

  it('keeps at most the 100 values EMF takes for one metric', () => {
    const lines: string[] = [];
    const metrics = invocationMetrics('scheduler', (line) => lines.push(line));
    for (let i = 0; i < 150; i++) metrics.add('QueueAge', 'Milliseconds', i);
    metrics.flush(1);
    expect((JSON.parse(lines[0] as string) as { QueueAge: number[] }).QueueAge).toHaveLength(100);
  });
});
