import * as z from 'zod';
import { METRICS_WINDOW_SECONDS_MAX } from './metrics-window.ts';

/** POST /berth/v1/service-metrics: a service's average utilisation over the last minutes. */
export const serviceMetricsRequest = z.strictObject({
  cluster: z.string().min(1).max(1600).optional(),
  service: z.string().min(1).max(1600),
  /** How far back to average; whole minutes, at most the window the control plane keeps. Default 300. */
  windowSeconds: z.number().int().min(60).max(METRICS_WINDOW_SECONDS_MAX).optional(),
});
export type ServiceMetricsRequest = z.infer<typeof serviceMetricsRequest>;
