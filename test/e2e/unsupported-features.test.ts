import {
  ExecuteCommandCommand,
  ListServicesByNamespaceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstance, startBerthWithCluster, type TestBerth } from '../support/berth.ts';

/** ExecuteCommand and ListServicesByNamespace answer with ECS's errors for what Berth does not have. */
describe('operations whose AWS feature Berth lacks', () => {
  let berth: TestBerth;
  let taskArn: string;

  beforeAll(async () => {
    berth = await startBerthWithCluster('lacking');
    await registerInstance(berth, 'lacking', { cpu: 1024, memory: 1024 });
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'shell',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, essential: true }],
      }),
    );
    const run = await berth.ecs.send(new RunTaskCommand({ cluster: 'lacking', taskDefinition: 'shell' }));
    taskArn = run.tasks?.[0]?.taskArn ?? '';
    expect(taskArn).toMatch(/:task\/lacking\//);
  });
  afterAll(async () => {
    await berth?.stop();
  });

  it('refuses ExecuteCommand on a task without execute command enabled', async () => {
    await expect(
      berth.ecs.send(
        new ExecuteCommandCommand({ cluster: 'lacking', task: taskArn, command: '/bin/sh', interactive: true }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(
        /^The execute command failed because execute command was not enabled when the task was run/,
      ),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it.each([
    [
      'a task that does not exist',
      { cluster: 'lacking', task: '0123456789abcdef0123456789abcdef' },
      'InvalidParameterException',
      /task was not found/,
    ],
    [
      'a cluster that does not exist',
      { cluster: 'nowhere', task: '0123456789abcdef0123456789abcdef' },
      'ClusterNotFoundException',
      /Cluster not found/,
    ],
  ])('answers ExecuteCommand on %s with ECS error', async (_what, target, name, message) => {
    await expect(
      berth.ecs.send(new ExecuteCommandCommand({ ...target, command: 'ls', interactive: true })),
    ).rejects.toMatchObject({ name, message });
  });

  it('requires the command', async () => {
    await expect(
      berth.ecs.send(new ExecuteCommandCommand({ cluster: 'lacking', task: taskArn, interactive: true } as never)),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: /command/ });
  });

  it('answers ListServicesByNamespace with NamespaceNotFoundException', async () => {
    await expect(berth.ecs.send(new ListServicesByNamespaceCommand({ namespace: 'local' }))).rejects.toMatchObject({
      name: 'NamespaceNotFoundException',
      message: /local/,
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('checks ListServicesByNamespace maxResults', async () => {
    await expect(
      berth.ecs.send(new ListServicesByNamespaceCommand({ namespace: 'local', maxResults: 101 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: /maxResults/ });
  });
});
