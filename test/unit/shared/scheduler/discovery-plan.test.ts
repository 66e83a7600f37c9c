import { describe, expect, it } from 'vitest';
import { planDiscovery, registryServiceId, type DiscoveryInput } from '#shared/scheduler/discovery-plan.ts';
import type { RegisteredInstance } from '#shared/schemas/service-registry.ts';
import type { Task } from '#shared/schemas/task.ts';
import { anInstance, aWebServiceTask as webTask } from '../../../fixtures/entities.ts';
import { aService } from '../../../fixtures/services.ts';

const ARN = 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-abc123';
const registry = { registryArn: ARN, containerName: 'web', containerPort: 80 };
const service = aService({ serviceName: 'web', serviceRegistries: [registry] });
const host = anInstance({ id: 'ci-1', attributes: [{ name: 'berth.host.address', value: '10.1.2.3' }] });

function input(tasks: Task[], current: string[] = [], more: Partial<DiscoveryInput> = {}): DiscoveryInput {
  const held: RegisteredInstance[] = current.map((id) => ({
    id,
    attributes: { AWS_INSTANCE_IPV4: '10.1.2.3', AWS_INSTANCE_PORT: '32768' },
  }));
  return {
    service,
    registry,
    lookup: { found: true, customHealth: false },
    current: held,
    health: {},
    tasks,
    instances: new Map([['ci-1', host]]),
    ...more,
  };
}

describe('planDiscovery', () => {
  it('registers a RUNNING task at its host address and host port', () => {
    const plan = planDiscovery(input([webTask('t1')]));
    expect(plan.register).toEqual([
      {
        id: 't1',
        attributes: {
          AWS_INSTANCE_IPV4: '10.1.2.3',
          AWS_INSTANCE_PORT: '32768',
          ECS_CLUSTER_NAME: 'c',
          ECS_SERVICE_NAME: 'web',
        },
      },
    ]);
    expect(plan.registered).toEqual(['t1']);
  });

  it('registers an awsvpc task at its own address and the container port', () => {
    const task = webTask('t1', { networkInterface: { attachmentId: 'a', privateIpv4Address: '172.30.0.5' } as never });
    const plan = planDiscovery(input([task]));
    expect(plan.register[0]?.attributes).toMatchObject({ AWS_INSTANCE_IPV4: '172.30.0.5', AWS_INSTANCE_PORT: '80' });
  });

  it('leaves a registered task alone', () => {
    const plan = planDiscovery(input([webTask('t1', { traffic: { registeredAt: 1 } })], ['t1']));
    expect(plan).toMatchObject({ register: [], deregister: [], registered: [], released: [] });
  });

  it('waits for a health-checked task to be HEALTHY, and deregisters it when it turns UNHEALTHY', () => {
    expect(planDiscovery(input([webTask('t1', { healthChecked: true, healthStatus: 'UNKNOWN' })])).register).toEqual(
      [],
    );
    const unhealthy = webTask('t1', { healthChecked: true, healthStatus: 'UNHEALTHY', traffic: { registeredAt: 1 } });
    expect(planDiscovery(input([unhealthy], ['t1'])).deregister).toEqual(['t1']);
  });

  it('reports custom health instead of deregistering when the Cloud Map service takes it', () => {
    const unhealthy = webTask('t1', { healthChecked: true, healthStatus: 'UNHEALTHY', traffic: { registeredAt: 1 } });
    const plan = planDiscovery(
      input([unhealthy], ['t1'], { lookup: { found: true, customHealth: true }, health: { t1: 'HEALTHY' } }),
    );
    expect(plan.deregister).toEqual([]);
    expect(plan.health).toEqual([{ id: 't1', status: 'UNHEALTHY' }]);
  });

  it('deregisters a stopping task and holds it, then releases it once the registry no longer holds it', () => {
    const stopping = webTask('t1', { desiredStatus: 'STOPPED', traffic: { registeredAt: 1 } });
    const first = planDiscovery(input([stopping], ['t1']));
    expect(first).toMatchObject({ deregister: ['t1'], deactivating: ['t1'], released: [] });
    const second = planDiscovery(input([stopping], []));
    expect(second).toMatchObject({ deregister: [], deactivating: [], released: ['t1'] });
  });

  it('deregisters a task whose host was lost (already STOPPED)', () => {
    const lost = webTask('t1', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', traffic: { registeredAt: 1 } });
    expect(planDiscovery(input([lost], ['t1'])).deregister).toEqual(['t1']);
  });

  it('names a registry that cannot be used, and holds no stop for it', () => {
    const stopping = webTask('t1', { desiredStatus: 'STOPPED', traffic: { registeredAt: 1 } });
    const plan = planDiscovery(input([stopping], [], { lookup: { found: false, reason: 'Service not found' } }));
    expect(plan.problems).toEqual([`service registry ${ARN} cannot be used: Service not found`]);
    expect(plan.released).toEqual(['t1']);
  });

  it('says why a task has no address', () => {
    const plan = planDiscovery(
      input([webTask('t1')], [], { instances: new Map([['ci-1', anInstance({ id: 'ci-1' })]]) }),
    );
    expect(plan.register).toEqual([]);
    expect(plan.problems[0]).toContain('berth.host.address');
  });

  it('takes the Cloud Map service id from the registry ARN', () => {
    expect(registryServiceId(ARN)).toBe('srv-abc123');
  });
});
