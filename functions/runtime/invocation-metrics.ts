import { emfLine, type EmfUnit } from '#shared/domain/metrics-emf.ts';

/** Where Berth's own health metrics land in CloudWatch (the services' metrics have Berth/ECS). */
export const HEALTH_NAMESPACE = 'Berth';

/** What the code measuring something sees: a value to add to the invocation's metrics. */
export interface MetricsRecorder {
  add(name: string, unit: EmfUnit, value: number): void;
}

export interface InvocationMetrics extends MetricsRecorder {
  /** Writes what the invocation recorded as one EMF line (none if nothing was), and starts over. */
  flush(timestamp: number): void;
}

/** Dev mode's recorder: it has no CloudWatch to send to. */
export const noMetrics: MetricsRecorder = { add: () => {} };

/** EMF keeps at most 100 values of a metric in one document. */
const MAX_VALUES = 100;

/**
 * A function's metrics for one invocation, under the namespace Berth with
 * the dimension Function (api, scheduler, monitor): a value recorded twice
 * is kept twice (EMF's value arrays), so CloudWatch's statistics see every
 * reconcile pass of a batch rather than their sum. One line an invocation,
 * written to the log; never a PutMetricData call.
 */
export function invocationMetrics(
  functionName: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): InvocationMetrics {
  let recorded = new Map<string, { unit: EmfUnit; values: number[] }>();
  return {
    add(name, unit, value) {
      const metric = recorded.get(name) ?? { unit, values: [] };
      if (metric.values.length < MAX_VALUES) metric.values.push(value);
      recorded.set(name, metric);
    },
    flush(timestamp) {
      if (recorded.size === 0) return;
      const metrics = [...recorded].map(([name, { unit, values }]) => ({
        name,
        unit,
        value: values.length === 1 ? (values[0] as number) : values,
      }));
      recorded = new Map();
      write(emfLine(HEALTH_NAMESPACE, { Function: functionName }, metrics, timestamp));
    },
  };
}
