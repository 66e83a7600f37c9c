import { describe, expect, it } from 'vitest';
import { serviceMetricsEmf } from '#shared/domain/metrics-emf.ts';

describe('serviceMetricsEmf', () => {
  it('writes one EMF line with both metrics under the cluster and service', () => {
    const line = serviceMetricsEmf(
      'prod',
      'web',
      { cpuUtilization: 61.5, memoryUtilization: 20, samples: 4 },
      1_700_000_040_000,
    );
    expect(JSON.parse(line!)).toEqual({
      _aws: {
        Timestamp: 1_700_000_040_000,
        CloudWatchMetrics: [
          {
            Namespace: 'Berth/ECS',
            Dimensions: [['ClusterName', 'ServiceName']],
            Metrics: [
              { Name: 'CPUUtilization', Unit: 'Percent' },
              { Name: 'MemoryUtilization', Unit: 'Percent' },
            ],
          },
        ],
      },
      ClusterName: 'prod',
      ServiceName: 'web',
      CPUUtilization: 61.5,
      MemoryUtilization: 20,
      SampleCount: 4,
    });
    expect(line).not.toContain('\n');
  });

  it('leaves out a metric without samples', () => {
    const line = JSON.parse(serviceMetricsEmf('prod', 'web', { memoryUtilization: 5, samples: 1 }, 0)!);
    expect(line._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'MemoryUtilization', Unit: 'Percent' }]);
    expect(line).not.toHaveProperty('CPUUtilization');
  });

  it('writes nothing for a service without samples', () => {
    expect(serviceMetricsEmf('prod', 'web', { samples: 0 }, 0)).toBeUndefined();
  });
});
