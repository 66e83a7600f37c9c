import type { Service, ServiceEvent } from '@aws-sdk/client-ecs';
import type { ClusterSnapshot } from './fleet-snapshot.ts';
import { freeOf, yesNo } from './instance-cells.ts';
import { renderTable, shortIds, truncate } from './table.ts';
import type { Terminal } from './terminal.ts';

/** How many service events `berth status` shows per cluster, newest first. */
export const RECENT_EVENTS = 5;

/**
 * A service's deployment as a person asks about it: still rolling (a
 * deployment in progress or an older one still draining), completed, or
 * failed (the circuit breaker gave up).
 */
export function deploymentState(service: Service): string {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (primary?.rolloutState === 'FAILED') return 'failed';
  if (deployments.length > 1 || primary?.rolloutState === 'IN_PROGRESS') return 'rolling';
  return 'completed';
}

const STATE_COLOUR = { failed: 'red', rolling: 'yellow', completed: 'green' } as const;

function servicesTable(snapshot: ClusterSnapshot, terminal: Terminal): string {
  if (snapshot.services.length === 0) return 'No services.\n';
  const rows = snapshot.services.map((s) => {
    const state = deploymentState(s);
    return [
      s.serviceName ?? '',
      String(s.desiredCount ?? 0),
      String(s.runningCount ?? 0),
      String(s.pendingCount ?? 0),
      terminal.paint(STATE_COLOUR[state as keyof typeof STATE_COLOUR] ?? 'dim', state),
    ];
  });
  return renderTable(['SERVICE', 'DESIRED', 'RUNNING', 'PENDING', 'DEPLOYMENT'], rows, terminal.width);
}

function instancesTable(snapshot: ClusterSnapshot, terminal: Terminal): string {
  const instances = snapshot.containerInstances;
  if (instances.length === 0) return 'No container instances.\n';
  const ids = shortIds(instances.map((i) => i.containerInstanceArn ?? ''));
  const rows = instances.map((i, n) => [
    ids[n] ?? '',
    i.status ?? '',
    i.agentConnected === true ? terminal.paint('green', 'yes') : terminal.paint('red', yesNo(i.agentConnected)),
    freeOf(i, 'CPU'),
    freeOf(i, 'MEMORY'),
    String(i.runningTasksCount ?? 0),
  ]);
  return renderTable(['INSTANCE', 'STATUS', 'AGENT', 'FREE CPU', 'FREE MEMORY', 'TASKS'], rows, terminal.width);
}

/** The newest events of all the cluster's services. */
export function recentEvents(services: readonly Service[], limit = RECENT_EVENTS): ServiceEvent[] {
  return services
    .flatMap((s) => s.events ?? [])
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
    .slice(0, limit);
}

function eventsBlock(snapshot: ClusterSnapshot, terminal: Terminal): string {
  const events = recentEvents(snapshot.services);
  if (events.length === 0) return '';
  const lines = events.map((e) => {
    const time = e.createdAt?.toISOString().replace('T', ' ').slice(0, 19) ?? '';
    return `${terminal.paint('dim', time)}  ${truncate(e.message ?? '', terminal.width - time.length - 2)}`;
  });
  return `${terminal.paint('bold', 'RECENT EVENTS')}\n${lines.join('\n')}\n`;
}

function headline(snapshot: ClusterSnapshot, terminal: Terminal): string {
  const c = snapshot.cluster;
  const text = [
    `Cluster ${terminal.paint('bold', c.clusterName ?? '')}`,
    c.status ?? '',
    `${c.activeServicesCount ?? 0} services`,
    `${c.registeredContainerInstancesCount ?? 0} instances`,
    `${c.runningTasksCount ?? 0} running, ${c.pendingTasksCount ?? 0} pending tasks`,
  ].join('  ');
  return `${truncate(text, terminal.width)}\n`;
}

/** `berth status` for a person: one block per cluster. */
export function formatStatus(snapshots: readonly ClusterSnapshot[], terminal: Terminal): string {
  if (snapshots.length === 0) return 'No clusters. Create one with `aws ecs create-cluster --cluster-name NAME`.\n';
  return snapshots
    .map((s) =>
      [headline(s, terminal), servicesTable(s, terminal), instancesTable(s, terminal), eventsBlock(s, terminal)]
        .filter((part) => part !== '')
        .join('\n'),
    )
    .join('\n');
}

/** `--output text`: one tab-separated line per service and per instance, never cut. */
export function statusText(snapshots: readonly ClusterSnapshot[]): string[][] {
  return snapshots.flatMap((s) => [
    ...s.services.map((v) => [
      'SERVICE',
      s.cluster.clusterName ?? '',
      v.serviceName ?? '',
      String(v.desiredCount ?? 0),
      String(v.runningCount ?? 0),
      String(v.pendingCount ?? 0),
      deploymentState(v),
    ]),
    ...s.containerInstances.map((i) => [
      'INSTANCE',
      s.cluster.clusterName ?? '',
      i.containerInstanceArn ?? '',
      i.status ?? '',
      yesNo(i.agentConnected),
      freeOf(i, 'CPU'),
      freeOf(i, 'MEMORY'),
    ]),
  ]);
}
