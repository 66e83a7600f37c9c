import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerInstances, tasks } from '#shared/domain/collections.ts';
import { disconnectInstance } from '#shared/control/disconnect.ts';
import { readAll } from '#shared/control/listing.ts';
import { registerInstance, startBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'disconnect';

/**
 * What happens to tasks on an instance that stops heartbeating: a service
 * that chose `berth:on-disconnect=wait` keeps its tasks there (a singleton
 * never runs twice); any other service's tasks are stopped as lost. Either
 * way the instance's epoch is raised, fencing its agent.
 */
describe('disconnect policy', () => {
  let berth: Awaited<ReturnType<typeof startBerth>>;
  let instanceId: string;

  beforeAll(async () => {
    berth = await startBerth();
    await berth.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'one',
        containerDefinitions: [{ name: 'a', image: 'a', memory: 32 }],
      }),
    );
    instanceId = (await registerInstance(berth, CLUSTER, { cpu: 2048, memory: 2048 })).instanceId;
    await berth.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'singleton',
        taskDefinition: 'one',
        desiredCount: 1,
        tags: [{ key: 'berth:on-disconnect', value: 'wait' }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'web', taskDefinition: 'one', desiredCount: 2 }),
    );
    await waitFor(
      async () => {
        const all = await readAll(berth.ctx.store, tasks, tasks.partition(CLUSTER));
        return all.filter((t) => t.value.containerInstanceId === instanceId).length === 3 ? true : undefined;
      },
      { what: 'three tasks placed on the instance' },
    );
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('keeps the waiting service’s task and stops the others as lost', async () => {
    // A minute from now, the instance's lease (30 s) has run out.
    const later = { ...berth.ctx, clock: { ...berth.ctx.clock, now: () => Date.now() + 60_000 } };
    expect(await disconnectInstance(later, CLUSTER, instanceId)).toBe(true);

    const all = (await readAll(berth.ctx.store, tasks, tasks.partition(CLUSTER))).map((t) => t.value);
    const singleton = all.filter((t) => t.group === 'service:singleton');
    const web = all.filter((t) => t.group === 'service:web' && t.containerInstanceId === instanceId);
    expect(singleton.map((t) => t.lastStatus)).toEqual(['PENDING']);
    expect(web.map((t) => t.lastStatus)).toEqual(['STOPPED', 'STOPPED']);
    expect(web.every((t) => /Task lost/.test(t.stoppedReason ?? ''))).toBe(true);

    const instance = await berth.ctx.store.get(containerInstances, containerInstances.key(CLUSTER, instanceId));
    expect(instance?.value).toMatchObject({ agentConnected: false, epoch: 2 });
    const assignment = (id: string) => instance?.value.assignments[id]?.desiredStatus;
    expect(singleton.map((t) => assignment(t.taskId))).toEqual(['RUNNING']);
  });

  it('finishes a stop asked for while the instance is disconnected: no agent will report it', async () => {
    const all = (await readAll(berth.ctx.store, tasks, tasks.partition(CLUSTER))).map((t) => t.value);
    const waiting = all.find((t) => t.group === 'service:singleton' && t.lastStatus !== 'STOPPED');
    expect(waiting?.containerInstanceId).toBe(instanceId);
    await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: waiting?.taskId ?? '' }));

    const stopped = await waitFor(
      async () => {
        const { tasks: [task] = [] } = await berth.ecs.send(
          new DescribeTasksCommand({ cluster: CLUSTER, tasks: [waiting?.taskId ?? ''] }),
        );
        return task?.lastStatus === 'STOPPED' ? task : undefined;
      },
      { what: 'the stopped task to reach STOPPED' },
    );
    expect(stopped).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'UserInitiated' });
    // Its reservation is given back; the returning agent stops what its assignments no longer name.
    await waitFor(
      async () => {
        const instance = await berth.ctx.store.get(containerInstances, containerInstances.key(CLUSTER, instanceId));
        return instance && instance.value.assignments[waiting?.taskId ?? ''] === undefined ? true : undefined;
      },
      { what: 'the assignment released' },
    );
  });

  it('does nothing to an instance whose lease is still fresh', async () => {
    const fresh = (await registerInstance(berth, CLUSTER, { cpu: 1024, memory: 1024 })).instanceId;
    expect(await disconnectInstance(berth.ctx, CLUSTER, fresh)).toBe(false);
    const instance = await berth.ctx.store.get(containerInstances, containerInstances.key(CLUSTER, fresh));
    expect(instance?.value).toMatchObject({ agentConnected: true, epoch: 1 });
  });
});
