import {
  CreateServiceCommand,
  DeleteClusterCommand,
  CreateClusterCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalFacts } from '#cli/terminal.ts';
import { berthCli } from '../security/support/berth-cli-run.ts';
import { registerInstance, startBerthWithCluster, type TestBerth } from '../support/berth.ts';
import { waitFor } from '../support/wait.ts';

const CLUSTER = 'status-e2e';
const SERVICES = ['api', 'web', 'worker'];

/** `berth status` and `berth agents list` against dev mode, over the ECS API as any client reads it. */
describe('berth status and agents list', () => {
  let berth: TestBerth;
  const instanceIds: string[] = [];

  beforeAll(async () => {
    berth = await startBerthWithCluster(CLUSTER);
    for (const n of [1, 2]) {
      const answer = await registerInstance(
        berth,
        CLUSTER,
        { cpu: 2048, memory: 4096 },
        { agentVersion: `9.9.${n}`, attributes: [{ name: 'berth.docker.status', value: 'healthy' }] },
      );
      instanceIds.push(answer.instanceId);
    }
    await berth.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'status-app',
        containerDefinitions: [{ name: 'app', image: 'busybox', memory: 128, essential: true }],
      }),
    );
    for (const name of SERVICES) {
      await berth.ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: name,
          taskDefinition: 'status-app',
          desiredCount: 1,
        }),
      );
    }
    // The scheduler tells of its work in service events; status shows the latest.
    await waitFor(
      async () => {
        const { services = [] } = await berth.ecs.send(
          new DescribeServicesCommand({ cluster: CLUSTER, services: SERVICES }),
        );
        return services.every((s) => (s.events ?? []).length > 0) ? true : undefined;
      },
      { timeoutMs: 60_000, what: 'an event on every service' },
    );
  }, 120_000);
  afterAll(async () => {
    await berth?.stop();
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}, terminal?: TerminalFacts) =>
    berthCli(berth.endpoint, berth.credentials, args, '', { env, ...(terminal && { terminal }) });

  it('shows services, instances and events of a cluster within 100 columns', async () => {
    const status = await cli(['status', '--cluster', CLUSTER], { COLUMNS: '100' });
    expect(status.code).toBe(0);
    const lines = status.stdout.trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
    expect(lines[0]).toMatch(new RegExp(`^Cluster ${CLUSTER}  ACTIVE  3 services  2 instances`));
    for (const name of SERVICES) {
      expect(status.stdout).toMatch(new RegExp(`^${name}\\s+1\\s+\\d+\\s+\\d+\\s+(rolling|completed|failed)$`, 'm'));
    }
    // Instances by their short ids, unambiguous within the cluster.
    for (const id of instanceIds)
      expect(status.stdout).toMatch(new RegExp(`^${id}\\s+ACTIVE\\s+yes\\s+\\d+/2048`, 'm'));
    expect(status.stdout).toContain('RECENT EVENTS');
    // Piped: no colour, no progress line.
    expect(status.stdout).not.toContain('\x1b[');
    expect(status.stderr).toBe('');
  });

  it('colours its output and shows progress at a terminal, not with NO_COLOR', async () => {
    const tty = await cli(['status', '--cluster', CLUSTER], { COLUMNS: '100' }, { isTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('\x1b[');
    expect(tty.stderr).toContain('reading cluster 1/1');
    const plain = await cli(['status', '--cluster', CLUSTER], { COLUMNS: '100', NO_COLOR: '1' }, { isTTY: true });
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.stderr).toBe('');
  });

  it('lists every cluster without --cluster, and answers JSON and text', async () => {
    const all = await cli(['status']);
    expect(all.stdout).toContain(`Cluster ${CLUSTER}`);
    const json = await cli(['status', '--cluster', CLUSTER, '--output', 'json']);
    const parsed = JSON.parse(json.stdout) as { clusters: { services: unknown[]; containerInstances: unknown[] }[] };
    expect(parsed.clusters).toHaveLength(1);
    expect(parsed.clusters[0]?.services).toHaveLength(3);
    expect(parsed.clusters[0]?.containerInstances).toHaveLength(2);
    const text = await cli(['status', '--cluster', CLUSTER, '--output', 'text']);
    expect(
      text.stdout
        .trimEnd()
        .split('\n')
        .filter((l) => l.startsWith('SERVICE\t')),
    ).toHaveLength(3);
  });

  it('refuses status of a cluster that does not exist', async () => {
    const missing = await cli(['status', '--cluster', 'nope']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^berth: ClusterNotFoundException: .*nope/);
  });

  it('lists container instances with their agent, version, tasks, free resources and engine status', async () => {
    const narrow = await cli(['agents', 'list', '--cluster', CLUSTER], { COLUMNS: '100' });
    expect(narrow.code).toBe(0);
    const lines = narrow.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLUSTER\s+INSTANCE\s+STATUS\s+AGENT\s+VERSION/);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
    // At 100 columns the long ids give way, with an ellipsis; at 200 they fit whole.
    expect(narrow.stdout).toContain('…');
    const wide = await cli(['agents', 'list', '--cluster', CLUSTER], { COLUMNS: '200' });
    for (const [n, id] of instanceIds.entries()) {
      expect(wide.stdout).toMatch(
        new RegExp(`${id}\\s+ACTIVE\\s+yes\\s+9\\.9\\.${n + 1}\\s+-\\s+\\d+\\s+\\d+/2048\\s+\\d+/4096\\s+healthy`),
      );
    }
    const json = await cli(['agents', 'list', '--output', 'json']);
    expect((JSON.parse(json.stdout) as { containerInstances: unknown[] }).containerInstances).toHaveLength(2);
    // The old --json spelling still answers JSON.
    expect(JSON.parse((await cli(['agents', 'list', '--json'])).stdout)).toEqual(JSON.parse(json.stdout));
  });

  it('refuses a registration token for a missing or INACTIVE cluster, and prints no token', async () => {
    const missing = await cli(['agents', 'token', '--cluster', 'no-such-cluster']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^berth: ClusterNotFoundException: .*no-such-cluster/);
    await berth.ecs.send(new CreateClusterCommand({ clusterName: 'gone' }));
    await berth.ecs.send(new DeleteClusterCommand({ cluster: 'gone' }));
    const inactive = await cli(['agents', 'token', '--cluster', 'gone']);
    expect(inactive).toMatchObject({ code: 1, stdout: '' });
    expect(inactive.stderr).toMatch(/^berth: ClusterNotFoundException: .*gone.*INACTIVE/);
    const made = await cli(['agents', 'token', '--cluster', CLUSTER]);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^brt1_/);
  });
});
