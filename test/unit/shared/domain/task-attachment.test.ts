import { describe, expect, it } from 'vitest';
import { attachmentIdOf } from '#shared/domain/new-task.ts';
import { taskAttachment } from '#shared/domain/task-attachment.ts';
import type { Task } from '#shared/schemas/task.ts';

const id = attachmentIdOf('0123456789abcdef0123456789abcdef');

describe('the ENI attachment of an awsvpc task', () => {
  it('has a stable UUID-shaped id, from the task id', () => {
    expect(id).toBe('01234567-89ab-cdef-0123-456789abcdef');
  });

  it.each<[string, Pick<Task, 'lastStatus' | 'networkInterface'>, string, string[]]>([
    [
      'before the address is known',
      { lastStatus: 'PENDING', networkInterface: { attachmentId: id } },
      'PRECREATED',
      [],
    ],
    [
      'while it runs',
      {
        lastStatus: 'RUNNING',
        networkInterface: {
          attachmentId: id,
          awsvpcConfiguration: { subnets: ['subnet-1'] },
          privateIpv4Address: '10.213.0.2',
          macAddress: '02:42:0a:d5:00:02',
        },
      },
      'ATTACHED',
      ['macAddress', 'privateDnsName', 'privateIPv4Address'],
    ],
    [
      'once stopped',
      { lastStatus: 'STOPPED', networkInterface: { attachmentId: id, privateIpv4Address: '10.213.0.2' } },
      'DELETED',
      ['privateDnsName', 'privateIPv4Address'],
    ],
  ])('is shown %s', (_, task, status, known) => {
    const attachment = taskAttachment(task);
    expect(attachment).toMatchObject({ id, type: 'ElasticNetworkInterface', status });
    expect(attachment?.details.map((d) => d.name)).toEqual(['subnetId', 'networkInterfaceId', ...known]);
  });

  it('names the subnet given at launch, or the host-local one, and the address as ECS does', () => {
    const running = (subnets?: string[]) =>
      taskAttachment({
        lastStatus: 'RUNNING',
        networkInterface: {
          attachmentId: id,
          ...(subnets ? { awsvpcConfiguration: { subnets } } : {}),
          privateIpv4Address: '10.213.0.2',
        },
      })?.details;
    expect(running(['subnet-9'])).toContainEqual({ name: 'subnetId', value: 'subnet-9' });
    expect(running()).toContainEqual({ name: 'subnetId', value: 'berth-host-local' });
    expect(running()).toContainEqual({ name: 'privateIPv4Address', value: '10.213.0.2' });
    expect(running()).toContainEqual({ name: 'privateDnsName', value: 'ip-10-213-0-2' });
    expect(running()?.find((d) => d.name === 'networkInterfaceId')?.value).toMatch(/^eni-[0-9a-f]{17}$/);
  });

  it('is absent for a task in any other network mode', () => {
    expect(taskAttachment({ lastStatus: 'RUNNING' })).toBeUndefined();
  });
});
