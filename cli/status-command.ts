import { ECSClient } from '@aws-sdk/client-ecs';
import type { CliIo } from './explain.ts';
import { readClusters, readSnapshot, type ClusterSnapshot } from './fleet-snapshot.ts';
import { UsageError } from './keys-command.ts';
import type { OutputFormat } from './output-format.ts';
import { formatStatus, recentEvents, statusText } from './status-view.ts';
import { renderText } from './table.ts';
import type { Terminal } from './terminal.ts';

export const STATUS_USAGE = `Usage:
  berth status [--cluster NAME] [--output table|text|json]
    Clusters at a glance: each service's desired/running/pending tasks and
    deployment state, each container instance's agent and free cpu/memory,
    and the cluster's latest service events.`;

export interface StatusArgs {
  readonly positionals: readonly string[];
  readonly cluster?: string;
  readonly output: OutputFormat;
}

/** `berth status`: throws UsageError for a bad command line, the SDK's exception for a refusal. */
export async function statusCommand(args: StatusArgs, ecs: ECSClient, io: CliIo, terminal: Terminal): Promise<void> {
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  terminal.progress('reading clusters…');
  let snapshots: ClusterSnapshot[];
  try {
    const clusters = await readClusters(ecs, args.cluster);
    snapshots = [];
    for (const [n, cluster] of clusters.entries()) {
      terminal.progress(`reading cluster ${n + 1}/${clusters.length} ${cluster.clusterName ?? ''}…`);
      snapshots.push(await readSnapshot(ecs, cluster));
    }
  } finally {
    terminal.progress();
  }
  if (args.output === 'json') {
    const clusters = snapshots.map((s) => ({ ...s, events: recentEvents(s.services) }));
    return io.stdout(`${JSON.stringify({ clusters }, null, 2)}\n`);
  }
  io.stdout(args.output === 'text' ? renderText(statusText(snapshots)) : formatStatus(snapshots, terminal));
}
