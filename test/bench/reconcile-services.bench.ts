/**
 * Benchmark: the cost of one reconcile pass over a cluster with 1,000
 * services and 10,000 tasks on 200 simulated instances, through the real
 * store (embedded DynamoDB): store reads, writes and milliseconds per pass,
 * in the steady state and right after 10 services start a deployment. Also
 * the planning alone, without the store. Run: npm run bench:reconcile
 */
import { arns } from '#shared/domain/arn.ts';
import { clusters, containerInstances, services, tasks } from '#shared/domain/collections.ts';
import { newTask } from '#shared/domain/new-task.ts';
import { registerTaskDefinition } from '#shared/control/task-definitions.ts';
import { updateService } from '#shared/control/services.ts';
import { reconcileCluster } from '#shared/control/reconcile/reconcile-cluster.ts';
import { planReplicaService, newDeployment } from '#shared/scheduler/service-plan.ts';
import type { ContainerInstance } from '#shared/schemas/container-instance.ts';
import type { Service } from '#shared/schemas/service.ts';
import type { Task } from '#shared/schemas/task.ts';
import { startDevServer } from '#functions/runtime/dev-server.ts';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const TASKS_PER_SERVICE = 10;
const INSTANCES = 200;
const CLUSTER = 'bench';

async function main(): Promise<void> {
  // No monitor sweeps and no lease expiry while loading: only the measured passes touch the cluster.
  const server = await startDevServer({
    port: 0,
    monitorIntervalMs: 3_600_000,
    env: { ...process.env, AWS_ENDPOINT_URL: undefined, BERTH_HEARTBEAT_TTL_SECONDS: '3600' },
  });
  // The bench drives every pass itself: reconcile requests go nowhere, so the
  // dev server's own scheduler does not run passes of its own in between.
  const ctx = { ...server.ctx, reconcile: { requestReconcile: async () => {} } };
  const now = ctx.clock.now();
  await ctx.store.create(clusters, { clusterName: CLUSTER, status: 'ACTIVE', tags: [], settings: [], createdAt: now });
  const definition = await registerTaskDefinition(ctx, {
    family: 'svc',
    containerDefinitions: [{ name: 'app', image: 'app:1', memory: 64, cpu: 32 }],
  });
  const definitionArn = arns.taskDefinition(ctx.deployment, 'svc', definition.revision);

  const instances: ContainerInstance[] = Array.from({ length: INSTANCES }, (_, i) => ({
    id: `i${String(i).padStart(4, '0')}`,
    clusterName: CLUSTER,
    status: 'ACTIVE',
    registered: { cpu: 65536, memory: 262144, ports: [22], portsUdp: [] },
    attributes: [{ name: 'ecs.availability-zone', value: `zone-${i % 3}` }],
    assignments: {},
    registeredAt: now,
    heartbeatAt: now,
    agentConnected: true,
    generation: 1,
    epoch: 1,
  }));
  const allTasks: Task[] = [];
  const allServices: Service[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const name = `svc-${s}`;
    const deployment = {
      ...newDeployment(`ecs-svc/${s}`, definitionArn, TASKS_PER_SERVICE, now),
      rolloutState: 'COMPLETED' as const,
      runningCount: TASKS_PER_SERVICE,
    };
    allServices.push({
      serviceName: name,
      clusterName: CLUSTER,
      status: 'ACTIVE',
      schedulingStrategy: 'REPLICA',
      deploymentController: 'ECS',
      taskSets: [],
      desiredCount: TASKS_PER_SERVICE,
      runningCount: TASKS_PER_SERVICE,
      pendingCount: 0,
      taskDefinitionArn: definitionArn,
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      placementStrategy: [],
      placementConstraints: [],
      healthCheckGracePeriodSeconds: 0,
      loadBalancers: [],
      onDisconnect: 'replace',
      tags: [],
      createdAt: now,
      deployments: [deployment],
      history: [],
      events: [{ id: `e${s}`, createdAt: now, message: `(service ${name}) has reached a steady state.` }],
      reconcileSeq: 1,
      lastPass: { at: 0, started: [], stopped: [] },
    });
    for (let t = 0; t < TASKS_PER_SERVICE; t++) {
      const taskId = `t${s}x${t}`;
      const instance = instances[(s * TASKS_PER_SERVICE + t) % INSTANCES] as ContainerInstance;
      const task: Task = {
        ...newTask({
          taskId,
          containerIds: [`${taskId}c`],
          clusterName: CLUSTER,
          taskDefinitionArn: definitionArn,
          definition,
          overrides: {},
          startedBy: deployment.id,
          group: `service:${name}`,
          placementStrategy: [],
          placementConstraints: [],
          tags: [],
          now,
        }),
        lastStatus: 'RUNNING',
        containerInstanceId: instance.id,
        startedAt: now,
      };
      allTasks.push(task);
      instance.assignments[taskId] = {
        taskId,
        taskDefinitionArn: definitionArn,
        desiredStatus: 'RUNNING',
        cpu: task.cpu,
        memory: task.memory,
        ports: [],
        portsUdp: [],
        group: task.group,
        assignedAt: now,
      };
    }
  }

  const loadStarted = Date.now();
  const pool = async <T>(items: T[], work: (item: T) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < items.length) await work(items[next++] as T);
      }),
    );
  };
  await pool(instances, (i) => ctx.store.create(containerInstances, i));
  await pool(allServices, (s) => ctx.store.create(services, s));
  await pool(allTasks, (t) => ctx.store.create(tasks, t));
  console.log(
    `loaded ${SERVICES} services, ${allTasks.length} tasks, ${INSTANCES} instances in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`,
  );

  const rows: { pass: string; ms: number; reads: number; writes: number; started: number; stopped: number }[] = [];
  const measure = async (label: string) => {
    const before = { ...ctx.store.stats };
    const started = performance.now();
    const outcome = await reconcileCluster(ctx, CLUSTER);
    rows.push({
      pass: label,
      ms: Math.round(performance.now() - started),
      reads: ctx.store.stats.reads - before.reads,
      writes: ctx.store.stats.writes - before.writes,
      started: outcome.started,
      stopped: outcome.stopped,
    });
  };
  await measure('steady state, first');
  await measure('steady state, second');
  await registerTaskDefinition(ctx, {
    family: 'svc',
    containerDefinitions: [{ name: 'app', image: 'app:2', memory: 64, cpu: 32 }],
  });
  for (let s = 0; s < 10; s++)
    await updateService(ctx, { cluster: CLUSTER, service: `svc-${s}`, taskDefinition: 'svc:2' });
  await measure('10 services start a deployment');
  await measure('steady again (new tasks pending)');

  const instanceMap = new Map(instances.map((i) => [i.id, i]));
  const byGroup = new Map<string, Task[]>();
  for (const t of allTasks) byGroup.set(t.group ?? '', [...(byGroup.get(t.group ?? '') ?? []), t]);
  const planStarted = performance.now();
  for (const service of allServices) {
    planReplicaService({
      service,
      tasks: byGroup.get(`service:${service.serviceName}`) ?? [],
      instances: instanceMap,
      now,
      newId: () => 'x',
    });
  }
  const planMs = performance.now() - planStarted;

  console.log(
    `\nReconcile pass over ${SERVICES} services / ${allTasks.length} tasks / ${INSTANCES} instances (embedded DynamoDB)`,
  );
  console.table(rows);
  console.log(
    `planning alone (no store): ${planMs.toFixed(1)} ms for ${SERVICES} services (${((planMs * 1000) / SERVICES).toFixed(0)} µs per service)`,
  );
  await server.stop();
}

await main();
