import type { Hono } from 'hono';
import type { ControlContext } from '#shared/control/context.ts';
import { requireService } from '#shared/control/services.ts';
import { serviceMetrics } from '#shared/control/service-metrics.ts';
import { METRICS_WINDOW_SECONDS_MAX } from '#shared/schemas/metrics-window.ts';
import { serviceMetricsRequest } from '#shared/schemas/service-metrics.ts';
import { accept, admitted, type EnvelopeEnv } from '../envelope.ts';
import { parseJsonBody } from '../respond.ts';
import type { RequestGuard } from '../guard.ts';

/**
 * POST /berth/v1/service-metrics: what auto scaling would read for a
 * service. Policies name it `ecs:GetServiceMetrics`, a read on the cluster.
 */
export function serviceMetricsRoute(app: Hono<EnvelopeEnv>, ctx: ControlContext, guard: RequestGuard): void {
  app.post('/service-metrics', admitted(guard, 'ecs:GetServiceMetrics'), async (c) => {
    const request = await accept(c, serviceMetricsRequest, parseJsonBody(c.get('raw')));
    const service = (await requireService(ctx, request.cluster, request.service)).value;
    const windowSeconds = request.windowSeconds ?? METRICS_WINDOW_SECONDS_MAX;
    const metrics = await serviceMetrics(ctx, service.clusterName, service.serviceName, windowSeconds);
    return c.json({ clusterName: service.clusterName, serviceName: service.serviceName, windowSeconds, ...metrics });
  });
}
