import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthWithCluster, type TestBerth } from '#test/support/berth.ts';
import { launchChromium, submitKey, textsOf } from '#test/support/console-browser.ts';
import { forward } from '#test/support/forward.ts';
import { startHollowFleet, type HollowFleet } from '#test/support/hollow-fleet.ts';
import { waitFor } from '#test/support/wait.ts';

const CLUSTER = 'console';

/**
 * The web console in headless Chromium against dev mode: it signs its ECS
 * calls in the browser, shows what the API holds, and refuses keys it
 * should refuse.
 */
describe('the web console', () => {
  let berth: TestBerth;
  let fleet: HollowFleet;
  let browser: Browser;
  const sent: HTTPRequest[] = [];

  beforeAll(async () => {
    berth = await startBerthWithCluster(CLUSTER);
    fleet = await startHollowFleet({
      endpoint: berth.endpoint,
      cluster: CLUSTER,
      count: 2,
      registrationToken: await berth.registrationToken(CLUSTER, { uses: 2 }),
      resources: { cpu: 1024, memory: 2048 },
      pollIntervalMs: 200,
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await berth?.stop();
  });

  async function openConsole(): Promise<Page> {
    // A context of its own per page: no cache, no sessionStorage carried over from another test.
    const page = await (await browser.createBrowserContext()).newPage();
    page.on('request', (request) => sent.push(request));
    const response = await page.goto(`${berth.endpoint}/console`, { waitUntil: 'domcontentloaded' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    return page;
  }

  const apiCalls = () => sent.filter((request) => request.method() === 'POST');

  it('refuses a malformed key in the form, before signing anything', async () => {
    const page = await openConsole();
    const before = apiCalls().length;
    await submitKey(page, { accessKeyId: 'AKIA-not-a-berth-key', secretAccessKey: 'short' });
    const [message] = await textsOf(page, '#sign-in-error');
    expect(message).toContain('BKIA');
    expect(apiCalls().length).toBe(before);
    await page.close();
  }, 60_000);

  it('shows the server refusing a well-formed key it does not know', async () => {
    const page = await openConsole();
    await submitKey(page, { accessKeyId: 'BKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'a'.repeat(40) });
    const [message] = await textsOf(page, '#sign-in-error');
    expect(message).toMatch(/UnrecognizedClientException|InvalidSignatureException|AccessDenied/);
    expect(await page.$('header.top')).toBeNull();
    await page.close();
  }, 60_000);

  it("signs in, shows a new service's running tasks, and forgets the key on sign-out", async () => {
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 64, cpu: 32, essential: true }],
      }),
    );
    await berth.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }),
    );
    await waitFor(
      async () => {
        const answer = await berth.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
        return answer.services?.[0]?.runningCount === 2 ? true : undefined;
      },
      { timeoutMs: 60_000, what: 'the service to run two tasks' },
    );
    const running = await berth.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }));
    const taskIds = (running.taskArns ?? []).map((arn) => arn.split('/').pop()).sort();

    const page = await openConsole();
    await submitKey(page, berth.credentials);
    const clusters = await textsOf(page, 'table.grid tbody tr');
    expect(clusters.some((row) => row.includes(CLUSTER))).toBe(true);

    // By keyboard: the first row of the clusters, then of the cluster's services.
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await textsOf(page, `a[href="#/clusters/${CLUSTER}/services/web"]`);
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    // Every running task of the service, by id, on a row that says RUNNING.
    await page.waitForFunction(
      `(() => {
        const shown = Array.from(document.querySelectorAll('tr[data-task]'))
          .filter((row) => row.textContent.includes('RUNNING'))
          .map((row) => row.getAttribute('data-task'));
        return ${JSON.stringify(taskIds)}.every((id) => shown.includes(id));
      })()`,
      { timeout: 30_000 },
    );
    expect(await textsOf(page, 'h1')).toEqual([expect.stringContaining('web')]);

    await page.keyboard.press('p');
    expect(await textsOf(page, 'button.live.paused')).toEqual([expect.stringContaining('Paused')]);

    // A task's page: its container, and a clear word on logs where the endpoint serves none.
    await page.evaluate(`location.hash = '#/clusters/${CLUSTER}/tasks/${taskIds[0]}'`);
    const containers = await textsOf(page, 'section table.grid tbody tr');
    expect(containers[0]).toContain('app');
    const [logs] = await textsOf(page, 'section .note.empty');
    expect(logs).toContain('Logs are not available');

    // The key signs; it never travels: no request carries the secret, every API call carries a signature.
    const calls = apiCalls();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.headers().authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=BKIA/);
      expect(JSON.stringify(call.headers()) + (call.postData() ?? '')).not.toContain(berth.credentials.secretAccessKey);
    }

    await page.click('#sign-out');
    await page.waitForSelector('input[name=accessKeyId]');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.close();
  }, 120_000);

  it('gives up on a request the server does not answer, and says so', async () => {
    // A front that serves the console's files and leaves every API call (a POST) unanswered. A real server,
    // not the browser's request interception, which can stall a page's own loads on a busy machine.
    const held: ServerResponse[] = [];
    const front = createServer((req, res) => {
      if (req.method === 'POST') {
        held.push(res);
        return;
      }
      forward(berth.endpoint, req, res);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const page = await (await browser.createBrowserContext()).newPage();
      await page.goto(`http://127.0.0.1:${(front.address() as AddressInfo).port}/console/`);
      await submitKey(page, berth.credentials);
      const [message] = await textsOf(page, '#sign-in-error', 1, 30_000);
      expect(message).toContain('did not answer within 10 seconds');
      expect(held.length).toBeGreaterThan(0);
      await page.close();
    } finally {
      front.closeAllConnections();
      front.close();
    }
  }, 60_000);
});
