// `npm run console:screenshots`: the console's main pages, in headless
// Chromium against dev mode with a hollow fleet, saved to docs/console/*.png
// (docs/console.md shows them). Run it again after changing a page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { startBerthWithCluster } from './berth.ts';
import { launchChromium, submitKey, textsOf } from './console-browser.ts';
import { startHollowFleet } from './hollow-fleet.ts';
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
const browser = await launchChromium();
try {
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

  mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 720, deviceScaleFactor: 1 });
  await page.goto(`${berth.endpoint}/console/`);
  await page.screenshot({ path: join(OUT, 'sign-in.png') });
  await submitKey(page, berth.credentials);
  const shots: Array<[string, string, string]> = [
    ['clusters', '#/', 'table.grid tbody tr'],
    ['cluster', `#/clusters/${CLUSTER}`, 'table.grid tbody tr'],
    ['service', `#/clusters/${CLUSTER}/services/web`, 'tr[data-task]'],
    ['task', `#/clusters/${CLUSTER}/tasks/${taskId}`, 'dl.facts'],
    ['instances', `#/clusters/${CLUSTER}/instances`, 'table.grid tbody tr'],
  ];
  for (const [name, hash, ready] of shots) {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await textsOf(page, ready);
    await page.waitForFunction(`!document.querySelector('.note.loading')`);
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    console.log(`docs/console/${name}.png`);
  }
} finally {
  await browser.close();
  await fleet.stop();
  await berth.stop();
}
