import type { ContainerInstance, ECSClient } from '@aws-sdk/client-ecs';
import type { CliIo } from './explain.ts';
import { readClusters, readContainerInstances } from './fleet-snapshot.ts';
import { attributeOf, freeOf, yesNo } from './instance-cells.ts';
import type { OutputFormat } from './output-format.ts';
import { renderTable, renderText, shortIds } from './table.ts';
import type { Terminal } from './terminal.ts';

/** The attribute the agent sets from the Docker engine's health (shared/control/engine-status.ts). */
const ENGINE_STATUS = 'berth.docker.status';

interface Listed {
  readonly cluster: string;
  readonly instance: ContainerInstance;
}

function cells(item: Listed, id: string, terminal: Terminal): string[] {
  const i = item.instance;
  return [
    item.cluster,
    id,
    i.status ?? '',
    terminal.paint(i.agentConnected === true ? 'green' : 'red', yesNo(i.agentConnected)),
    i.versionInfo?.agentVersion ?? '-',
    i.ec2InstanceId ?? '-',
    String(i.runningTasksCount ?? 0),
    freeOf(i, 'CPU'),
    freeOf(i, 'MEMORY'),
    attributeOf(i, ENGINE_STATUS) ?? '-',
  ];
}

const HEADER = [
  'CLUSTER',
  'INSTANCE',
  'STATUS',
  'AGENT',
  'VERSION',
  'EC2 ID',
  'TASKS',
  'FREE CPU',
  'FREE MEM',
  'DOCKER',
];

/** `berth agents list [--cluster C]`: every container instance with its agent, through the ECS API. */
export async function agentsList(
  cluster: string | undefined,
  output: OutputFormat,
  ecs: ECSClient,
  io: CliIo,
  terminal: Terminal,
): Promise<void> {
  terminal.progress('reading container instances…');
  let listed: Listed[];
  try {
    const clusters = await readClusters(ecs, cluster);
    const per = await Promise.all(
      clusters.map(async (c) => {
        const name = c.clusterName ?? '';
        return (await readContainerInstances(ecs, name)).map((instance) => ({ cluster: name, instance }));
      }),
    );
    listed = per.flat();
  } finally {
    terminal.progress();
  }
  if (output === 'json') {
    return io.stdout(`${JSON.stringify({ containerInstances: listed.map((l) => l.instance) }, null, 2)}\n`);
  }
  if (output === 'text') {
    const arns = listed.map((l) => l.instance.containerInstanceArn ?? '');
    return io.stdout(renderText(listed.map((l, n) => cells(l, arns[n] ?? '', terminal))));
  }
  if (listed.length === 0) return io.stdout('No container instances.\n');
  const ids = shortIds(listed.map((l) => l.instance.containerInstanceArn ?? ''));
  io.stdout(
    renderTable(
      HEADER,
      listed.map((l, n) => cells(l, ids[n] ?? '', terminal)),
      terminal.width,
    ),
  );
}
