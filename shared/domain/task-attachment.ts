import type { Task } from '../schemas/task.ts';

/** One ECS attachment, as DescribeTasks lists it. */
export interface TaskAttachment {
  readonly id: string;
  readonly type: 'ElasticNetworkInterface';
  readonly status: 'PRECREATED' | 'ATTACHED' | 'DELETED';
  readonly details: { readonly name: string; readonly value: string }[];
}

/**
 * The ENI-style attachment ECS shows for an awsvpc task: PRECREATED until
 * the agent reports the task's address, ATTACHED while it runs, DELETED
 * once the task has stopped. The subnet is the first given at launch, or
 * `berth-host-local`; the interface id and DNS name are made up from the
 * attachment and the address, as no EC2 interface stands behind them.
 * Details not known yet (the MAC and address before the task runs) are left out.
 */
export function taskAttachment(task: Pick<Task, 'lastStatus' | 'networkInterface'>): TaskAttachment | undefined {
  const eni = task.networkInterface;
  if (!eni) return undefined;
  const ip = eni.privateIpv4Address;
  const details = Object.entries({
    subnetId: eni.awsvpcConfiguration?.subnets[0] ?? 'berth-host-local',
    networkInterfaceId: `eni-${eni.attachmentId.replaceAll('-', '').slice(0, 17)}`,
    macAddress: eni.macAddress,
    privateDnsName: ip && `ip-${ip.replaceAll('.', '-')}`,
    privateIPv4Address: ip,
  }).flatMap(([name, value]) => (value ? [{ name, value }] : []));
  const status = task.lastStatus === 'STOPPED' ? 'DELETED' : ip ? 'ATTACHED' : 'PRECREATED';
  return { id: eni.attachmentId, type: 'ElasticNetworkInterface', status, details };
}
