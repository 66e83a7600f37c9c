import {
  CreateCapacityProviderCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  factOf,
  launchChromium,
  openSignedIn,
  visit,
  waitForFact,
  waitForText,
} from '#test/support/console-browser.ts';
import { startContainerCluster, type ContainerCluster } from '#test/support/container-cluster.ts';
import { tickerContainer } from '#test/support/ticker-container.ts';
import { waitFor } from '#test/support/wait.ts';

const CLUSTER = 'views';
const PROVIDER = 'spare';

/**
 * The console's task, instance and service pages in headless Chromium
 * against dev mode with a real agent and real containers: what each page
 * shows is read from the DOM, and live refresh changes it without a reload.
 */
describe('the web console views', () => {
  let cluster: ContainerCluster;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    cluster = await startContainerCluster(CLUSTER, 0);
    await cluster.addAgent({ attributes: { stage: 'console-test' } });
    // A provider with no fleet behind it: a task sent there that fits nowhere waits PROVISIONING.
    await cluster.berth.ecs.send(
      new CreateCapacityProviderCommand({
        name: PROVIDER,
        autoScalingGroupProvider: { autoScalingGroupArn: 'arn:aws:ec2:us-east-1:000000000000:launch-template/lt-0c0' },
      }),
    );
    await cluster.berth.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: CLUSTER,
        capacityProviders: [PROVIDER],
        defaultCapacityProviderStrategy: [],
      }),
    );
    browser = await launchChromium();
    page = await openSignedIn(browser, cluster.berth.endpoint, cluster.berth.credentials);
    // Set once; a reload would lose it, so every later check that it is still there proves none happened.
    await page.evaluate('window.sameDocument = true');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  }, 120_000);

  async function register(family: string, container: Omit<ContainerDefinition, 'name' | 'image'>): Promise<void> {
    await cluster.berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'app', image: cluster.image, memory: 16, essential: true, ...container }],
      }),
    );
  }

  async function run(family: string, extra: Partial<RunTaskCommandInput> = {}): Promise<string> {
    const answer = await cluster.berth.ecs.send(
      new RunTaskCommand({ cluster: CLUSTER, taskDefinition: family, ...extra }),
    );
    const arn = answer.tasks?.[0]?.taskArn;
    if (!arn) throw new Error(`RunTask started nothing: ${JSON.stringify(answer.failures)}`);
    return arn.split('/').pop() ?? '';
  }

  async function described(id: string): Promise<Task | undefined> {
    const answer = await cluster.berth.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [id] }));
    return answer.tasks?.[0];
  }

  const noReload = async () => expect(await page.evaluate('window.sameDocument')).toBe(true);

  it("explains, on a pending task's page, why each instance rejected it", async () => {
    await register('huge', { memory: 4_000_000, command: ['sleep', '3600'] });
    const id = await run('huge', { capacityProviderStrategy: [{ capacityProvider: PROVIDER, weight: 1 }] });
    expect((await described(id))?.lastStatus).toBe('PROVISIONING');
    const [instanceArn] =
      (await cluster.berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns ??
      [];
    const instanceId = instanceArn?.split('/').pop() ?? '';

    await visit(page, `#/clusters/${CLUSTER}/tasks/${id}`);
    const placement = await waitForText(page, '(text) => text.includes("RESOURCE:MEMORY")', 'section .explain');
    expect(placement).toContain('Not placeable now');
    expect(placement).toContain('This task reserves no cpu units and 4000000 MiB; 1 instance considered');
    // Neither the task nor its container reserves cpu: nothing, rather than a 0 that reads as a value.
    expect(await factOf(page, 'CPU / memory')).toBe('— / 4000000');
    // The instance by id on a row of its own, with the reason and the filter's own words on what it lacks.
    const row = await waitForText(page, `(text) => text.includes('${instanceId}')`, 'table.rejections tbody tr');
    expect(row).toContain('RESOURCE:MEMORY');
    const why = await page.evaluate(`document.querySelector('table.rejections tbody tr td:last-child').textContent`);
    expect(why).toMatch(/^has \d+ MiB free, the task needs 4000000/);
    expect(await factOf(page, 'Last status')).toBe('PROVISIONING');
    await noReload();
  }, 120_000);

  it("explains a pending task by its own placement constraints, not only its definition's", async () => {
    await register('picky', { command: ['sleep', '3600'] });
    const expression = 'attribute:stage == elsewhere';
    const id = await run('picky', {
      capacityProviderStrategy: [{ capacityProvider: PROVIDER, weight: 1 }],
      placementConstraints: [{ type: 'memberOf', expression }],
    });
    expect((await described(id))?.lastStatus).toBe('PROVISIONING');

    await visit(page, `#/clusters/${CLUSTER}/tasks/${id}`);
    // Its definition alone fits the one instance; the task's own constraint is what keeps it off.
    const placement = await waitForText(page, '(text) => text.includes("ATTRIBUTE")', 'section .explain');
    expect(placement).toContain('Not placeable now');
    const why = await page.evaluate(`document.querySelector('table.rejections tbody tr td:last-child').textContent`);
    expect(why).toBe(`does not match memberOf '${expression}'`);
    await noReload();
  }, 120_000);

  it("shows an awslogs task's lines and its health, and new lines arrive without a reload", async () => {
    await register('ticker', tickerContainer('/ecs/ticker'));
    const id = await run('ticker');
    await visit(page, `#/clusters/${CLUSTER}/tasks/${id}`);

    const first = await waitForText(page, '(text) => /tick-\\d+/.test(text)', 'pre.logs');
    const seen = Math.max(...[...first.matchAll(/tick-(\d+)/g)].map((m) => Number(m[1])));
    // Later lines than any on screen: the page re-read the stream on its own.
    const later = await waitForText(page, `(text) => text.includes('tick-${seen + 3}')`, 'pre.logs');
    expect(later).toContain(`tick-${seen}`);
    // Once the lines overflow the box, the newest stays in view as more arrive.
    await page.waitForFunction(
      `(() => { const pre = document.querySelector('pre.logs'); return pre.scrollHeight > pre.clientHeight + 50; })()`,
      { timeout: 90_000, polling: 250 },
    );
    const atBottom = `(() => { const pre = document.querySelector('pre.logs');
      return pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4; })()`;
    expect(await page.evaluate(atBottom)).toBe(true);
    await noReload();

    await waitFor(async () => ((await described(id))?.healthStatus === 'HEALTHY' ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the task to be HEALTHY',
    });
    await waitForFact(page, 'Health', 'HEALTHY');
    const row = await waitForText(page, '(text) => text.includes("HEALTHY")', 'section table.grid tbody tr');
    expect(row).toContain('app');
    expect(row).toContain('RUNNING');
  }, 180_000);

  it("reads a task that stopped before it ran as never started, and shows its containers' cpu", async () => {
    await register('unstartable', { cpu: 64, command: ['/no/such/program'] });
    const id = await run('unstartable');
    await waitFor(async () => ((await described(id))?.lastStatus === 'STOPPED' ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the task to stop',
    });
    expect((await described(id))?.startedAt).toBeUndefined();

    await visit(page, `#/clusters/${CLUSTER}/tasks/${id}`);
    await waitForText(page, '(text) => text.includes("STOPPED")', 'dl.facts');
    expect(await factOf(page, 'Started')).toBe('never started');
    expect(await factOf(page, 'CPU / memory')).toBe('64 / 16');
  }, 120_000);

  it("shows a stopped task's exit code and stopped reason", async () => {
    await register('failing', { command: ['sh', '-c', 'echo bye; exit 3'] });
    const id = await run('failing');
    const stopped = await waitFor(
      async () => {
        const task = await described(id);
        return task?.lastStatus === 'STOPPED' && task.containers?.[0]?.exitCode !== undefined ? task : undefined;
      },
      { timeoutMs: 60_000, what: 'the task to stop with an exit code' },
    );
    expect(stopped.stoppedReason).toBeTruthy();

    await visit(page, `#/clusters/${CLUSTER}/tasks/${id}`);
    await waitForText(page, '(text) => text.includes("STOPPED")', 'dl.facts');
    expect(await factOf(page, 'Stopped reason')).toBe(stopped.stoppedReason);
    expect(await factOf(page, 'Stop code')).toBe(stopped.stopCode);
    const exit = await waitForText(page, '(text) => text.trim() !== ""', 'section table.grid tbody tr td.exit');
    expect(exit.trim()).toBe('3');
    expect(await page.$('section table.grid tbody tr td.exit.bad')).not.toBeNull();
  }, 120_000);

  it('shows an instance’s reservations, registered against remaining, and its attributes', async () => {
    const [arn] =
      (await cluster.berth.ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }))).containerInstanceArns ??
      [];
    const id = arn?.split('/').pop() ?? '';
    const resources = async () => {
      const answer = await cluster.berth.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [id] }),
      );
      const instance = answer.containerInstances?.[0];
      const memory = (list = instance?.registeredResources) => list?.find((r) => r.name === 'MEMORY')?.integerValue;
      return { registered: memory(), remaining: memory(instance?.remainingResources) };
    };
    // The ticker still runs, so some memory is reserved.
    const { registered, remaining } = await resources();
    expect(remaining).toBeLessThan(registered ?? 0);

    await visit(page, `#/clusters/${CLUSTER}/instances`);
    const row = await waitForText(page, `(text) => text.includes('${id}')`, 'table.grid tbody tr');
    expect(row).toContain(`${(registered ?? 0) - (remaining ?? 0)} / ${registered} MiB`);
    expect(row).toContain(`${remaining} free`);

    await visit(page, `#/clusters/${CLUSTER}/instances/${id}`);
    const attributes = await waitForText(page, '(text) => text.includes("console-test")', 'section table.grid');
    expect(attributes).toMatch(/stage\s*console-test/);
    expect(attributes).toContain('ecs.os-type');
    expect(await factOf(page, 'Memory reserved')).toContain(`${remaining} free`);
    await noReload();
  }, 120_000);

  it("changes a service's running count on screen after UpdateService, without a reload", async () => {
    await register('steady', { command: ['sleep', '3600'] });
    await cluster.berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'steady', taskDefinition: 'steady', desiredCount: 1 }),
    );
    await visit(page, `#/clusters/${CLUSTER}/services/steady`);
    await waitForFact(page, 'Running', '1');

    await cluster.berth.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'steady', desiredCount: 2 }));
    await waitForFact(page, 'Running', '2');
    expect(await factOf(page, 'Desired')).toBe('2');
    const answer = await cluster.berth.ecs.send(
      new DescribeServicesCommand({ cluster: CLUSTER, services: ['steady'] }),
    );
    expect(answer.services?.[0]?.runningCount).toBe(2);
    await noReload();
  }, 120_000);
});
