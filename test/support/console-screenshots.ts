// `npm run console:screenshots`: the console's main pages, in headless
// Chromium against dev mode with a hollow fleet and one real agent (for a
// task's logs, health and exit code; it needs Docker), saved to
// docs/console/*.png (docs/console.md shows them). Run it again after
// changing a page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  CreateCapacityProviderCommand,
  PutClusterCapacityProvidersCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
} from '@aws-sdk/client-ecs';
import { removeClusterContainers, startTestAgent } from './agents.ts';
import { startBerthWithCluster } from './berth.ts';
import { ensureBusyboxImage } from './busybox-image.ts';
import { launchChromium, submitKey, textsOf, waitForText } from './console-browser.ts';
import { startHollowFleet } from './hollow-fleet.ts';
import { tickerContainer } from './ticker-container.ts';
import { waitFor } from './wait.ts';

const CLUSTER = 'default';
const OUT = join(import.meta.dirname, '..', '..', 'docs', 'console');

const berth = await startBerthWithCluster(CLUSTER);
const fleet = await startHollowFleet({
  endpoint: berth.endpoint,
  cluster: CLUSTER,
  count: 3,
  registrationToken: await berth.registrationToken(CLUSTER, { uses: 3 }),
  resources: { cpu: 2048, memory: 4096 },
  attributes: (i) => [{ name: 'ecs.availability-zone', value: `us-east-1${'abc'[i % 3]}` }],
  pollIntervalMs: 200,
});
const agent = await startTestAgent(berth, CLUSTER, { attributes: { 'berth.example': 'real-agent' } });
const browser = await launchChromium();
try {
  const onAgent = await realAgentTasks();
  for (const [family, cpu, memory] of [
    ['web', 256, 512],
    ['worker', 512, 1024],
  ] as const) {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: family, image: `registry.local/${family}:1.4.2`, cpu, memory, essential: true }],
      }),
    );
  }
  await berth.ecs.send(
    new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'web', taskDefinition: 'web', desiredCount: 3 }),
  );
  await berth.ecs.send(
    new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'worker', taskDefinition: 'worker', desiredCount: 2 }),
  );
  const oneOff = await berth.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'worker' }));
  const oneOffArn = oneOff.tasks?.[0]?.taskArn;
  if (oneOffArn) await berth.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: oneOffArn, reason: 'Batch done' }));
  await waitFor(
    async () => {
      const { services } = await berth.ecs.send(
        new DescribeServicesCommand({ cluster: CLUSTER, services: ['web', 'worker'] }),
      );
      return services?.every((s) => s.runningCount === s.desiredCount) ? true : undefined;
    },
    { timeoutMs: 60_000, what: 'both services to run their tasks' },
  );
  const { taskArns } = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }));
  const taskId = taskArns?.[0]?.split('/').pop() ?? '';
  // The real agent's instance: its attributes are the ones an ECS agent reports.
  const instanceId = agent.containerInstanceArn?.split('/').pop() ?? '';

  mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800, deviceScaleFactor: 1 });
  await page.goto(`${berth.endpoint}/console/`);
  await page.screenshot({ path: join(OUT, 'sign-in.png') });
  await submitKey(page, berth.credentials);
  const shots: Array<[string, string, string, string?]> = [
    ['clusters', '#/', 'table.grid tbody tr'],
    ['cluster', `#/clusters/${CLUSTER}`, 'table.grid tbody tr'],
    ['service', `#/clusters/${CLUSTER}/services/web`, 'tr[data-task]'],
    ['task', `#/clusters/${CLUSTER}/tasks/${taskId}`, 'dl.facts'],
    ['instances', `#/clusters/${CLUSTER}/instances`, 'table.grid tbody tr'],
    ['instance', `#/clusters/${CLUSTER}/instances/${instanceId}`, 'section table.grid tbody tr'],
    ['task-pending', `#/clusters/${CLUSTER}/tasks/${onAgent.pending}`, 'table.rejections tbody tr'],
    ['task-logs', `#/clusters/${CLUSTER}/tasks/${onAgent.logs}`, 'pre.logs', '(text) => /tick-5\\b/.test(text)'],
    ['task-stopped', `#/clusters/${CLUSTER}/tasks/${onAgent.stopped}`, 'td.exit.bad'],
  ];
  for (const [name, hash, ready, content] of shots) {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await textsOf(page, ready);
    if (content !== undefined) await waitForText(page, content, ready);
    await page.waitForFunction(`!document.querySelector('.note.loading')`);
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    console.log(`docs/console/${name}.png`);
  }
} finally {
  await browser.close();
  await agent.stop();
  await fleet.stop();
  await berth.stop();
  await removeClusterContainers(CLUSTER);
}

/**
 * On the real agent: a task writing awslogs lines with a health check, one
 * that exits 3, and one on a capacity provider with no fleet that asks
 * more memory than any instance has, so it waits PROVISIONING.
 */
async function realAgentTasks(): Promise<{ logs: string; stopped: string; pending: string }> {
  const image = await ensureBusyboxImage();
  const onTheAgent = [{ type: 'memberOf' as const, expression: 'attribute:berth.example == real-agent' }];
  const define = (family: string, container: Partial<ContainerDefinition>) =>
    berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: family, image, memory: 32, essential: true, ...container }],
      }),
    );
  const run = async (family: string, extra: Partial<ConstructorParameters<typeof RunTaskCommand>[0]> = {}) => {
    const answer = await berth.ecs.send(
      new RunTaskCommand({ cluster: CLUSTER, taskDefinition: family, placementConstraints: onTheAgent, ...extra }),
    );
    return answer.tasks?.[0]?.taskArn?.split('/').pop() ?? '';
  };
  await define('ticker', tickerContainer('/ecs/ticker', ' served /healthz in 3 ms'));
  await define('migrate', { command: ['sh', '-c', 'echo "schema 41 -> 42"; exit 3'] });
  await define('batch-large', { memory: 65_536, command: ['sleep', '3600'] });
  await berth.ecs.send(
    new CreateCapacityProviderCommand({
      name: 'spare',
      autoScalingGroupProvider: { autoScalingGroupArn: 'arn:aws:ec2:us-east-1:000000000000:launch-template/lt-0c0' },
    }),
  );
  await berth.ecs.send(
    new PutClusterCapacityProvidersCommand({
      cluster: CLUSTER,
      capacityProviders: ['spare'],
      defaultCapacityProviderStrategy: [],
    }),
  );
  return {
    logs: await run('ticker'),
    stopped: await run('migrate'),
    pending: await run('batch-large', {
      placementConstraints: [],
      capacityProviderStrategy: [{ capacityProvider: 'spare', weight: 1 }],
    }),
  };
}
