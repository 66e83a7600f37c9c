import type { Task, TaskNetworkInterface } from '../schemas/task.ts';

/** One ECS attachment, as DescribeTasks lists it. */
export interface TaskAttachment {
  readonly id: string;
  readonly type: 'ElasticNetworkInterface';
  readonly status: 'PRECREATED' | 'ATTACHED' | 'DELETED';
  readonly details: readonly { readonly name: string; readonly value: string }[];
}

/** Berth's stand-in for a subnet id when the task was launched without a network configuration. */
export const HOST_SUBNET_ID = 'berth-host-local';

/**
 * A deterministic, UUID-shaped attachment id for a task, so that a retried
 * RunTask builds the same task and no random source is needed in the core.
 */
export function attachmentIdOf(taskId: string): string {
  const hex = [1, 2, 3, 4].map((salt) => fnv(`${salt}:${taskId}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The ENI-style attachment ECS shows for an awsvpc task: PRECREATED until
 * the agent reports the task's address, ATTACHED while it runs, DELETED
 * once the task has stopped. The interface id and DNS name are made up from
 * the attachment and the address: there is no EC2 interface behind them.
 */
export function taskAttachment(task: Pick<Task, 'lastStatus' | 'networkInterface'>): TaskAttachment | undefined {
  const eni = task.networkInterface;
  if (!eni) return undefined;
  const status = task.lastStatus === 'STOPPED' ? 'DELETED' : eni.privateIpv4Address ? 'ATTACHED' : 'PRECREATED';
  return { id: eni.attachmentId, type: 'ElasticNetworkInterface', status, details: attachmentDetails(eni) };
}

function attachmentDetails(eni: TaskNetworkInterface): { name: string; value: string }[] {
  const details = [
    { name: 'subnetId', value: eni.awsvpcConfiguration?.subnets[0] ?? HOST_SUBNET_ID },
    { name: 'networkInterfaceId', value: `eni-${eni.attachmentId.replaceAll('-', '').slice(0, 17)}` },
  ];
  if (eni.macAddress) details.push({ name: 'macAddress', value: eni.macAddress });
  if (eni.privateIpv4Address) {
    details.push({ name: 'privateDnsName', value: `ip-${eni.privateIpv4Address.replaceAll('.', '-')}` });
    details.push({ name: 'privateIPv4Address', value: eni.privateIpv4Address });
  }
  return details;
}

/** Each container's `networkInterfaces` in an awsvpc task: the task's one interface. */
export function containerNetworkInterfaces(
  task: Pick<Task, 'networkInterface'>,
): { attachmentId: string; privateIpv4Address?: string }[] | undefined {
  const eni = task.networkInterface;
  if (!eni) return undefined;
  return [
    {
      attachmentId: eni.attachmentId,
      ...(eni.privateIpv4Address ? { privateIpv4Address: eni.privateIpv4Address } : {}),
    },
  ];
}
