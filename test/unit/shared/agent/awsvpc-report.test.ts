import { describe, expect, it } from 'vitest';
import { buildReport } from '#shared/agent/report.ts';
import { observe } from '#shared/agent/observe.ts';
import { mergeReport } from '#shared/domain/task-transitions.ts';
import { taskStateReport, type TaskStateReport } from '#shared/schemas/agent-api.ts';
import { aTask as aTaskRecord } from '#test/fixtures/entities.ts';
import { aContainer, aSpec, aTask } from './fixtures.ts';

const holder = aContainer({ name: 'web', status: 'RUNNING', privateIpv4Address: '10.213.0.7', macAddress: '02:42:0a' });
const joiner = aContainer({ name: 'side', status: 'RUNNING' });

describe('the address of an awsvpc task, from engine to task record', () => {
  it('is read from the container the engine gives an address', () => {
    const observed = observe({
      runtimeId: 'r1',
      name: 'berth-t1-web',
      image: 'busybox',
      labels: {},
      state: 'running',
      oomKilled: false,
      portBindings: [],
      address: { ipv4: '10.213.0.7', mac: '02:42:0a' },
    });
    expect(observed).toMatchObject({ privateIpv4Address: '10.213.0.7', macAddress: '02:42:0a' });
  });

  it('rides on the report of an awsvpc task, and on no other', () => {
    const awsvpc = aTask([holder, joiner], { status: 'RUNNING', spec: aSpec(undefined, { networkMode: 'awsvpc' }) });
    const report = buildReport(awsvpc, awsvpc.containers);
    expect(report.networkInterface).toEqual({ privateIpv4Address: '10.213.0.7', macAddress: '02:42:0a' });
    expect(taskStateReport.safeParse({ instanceId: 'i', epoch: 1, seq: 1, ...report }).success).toBe(true);
    const bridge = aTask([holder, joiner], { status: 'RUNNING' });
    expect(buildReport(bridge, bridge.containers)).not.toHaveProperty('networkInterface');
  });

  it('is kept on the task record of an awsvpc task beside its attachment id', () => {
    const report: TaskStateReport = {
      instanceId: 'i1',
      epoch: 1,
      seq: 1,
      lastStatus: 'RUNNING',
      containers: [],
      networkInterface: { privateIpv4Address: '10.213.0.7' },
    };
    const awsvpc = aTaskRecord({ lastStatus: 'PENDING', networkInterface: { attachmentId: 'a-1' } });
    expect(mergeReport(awsvpc, report, 1).networkInterface).toEqual({
      attachmentId: 'a-1',
      privateIpv4Address: '10.213.0.7',
    });
    expect(mergeReport(aTaskRecord({ lastStatus: 'PENDING' }), report, 1)).not.toHaveProperty('networkInterface');
  });
});
