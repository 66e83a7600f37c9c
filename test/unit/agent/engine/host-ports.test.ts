import { describe, expect, it } from 'vitest';
import { HostPortAllocator, portsHeld } from '#agent/engine/host-ports.ts';
import { parsePortRange, pickHostPorts } from '#shared/agent/port-picker.ts';
import { aContainer, aTask } from '#test/unit/shared/agent/fixtures.ts';

const first = () => 0;

describe('pickHostPorts', () => {
  it.each([
    ['from a random start', 2, { from: 100, to: 109 }, [], () => 0.5, [105, 106]],
    ['skipping taken ports', 2, { from: 100, to: 104 }, [100, 101], first, [102, 103]],
    ['wrapping around the range end', 2, { from: 100, to: 104 }, [104], () => 0.99, [100, 101]],
  ])('picks %s', (_, count, range, taken, random, expected) => {
    expect(pickHostPorts(count, range, new Set(taken), random)).toEqual(expected);
  });

  it('gives up when the range is used up', () => {
    expect(pickHostPorts(2, { from: 100, to: 101 }, new Set([100]), first)).toBeUndefined();
  });

  it.each([
    ['49153-65535', { from: 49153, to: 65535 }],
    [' 2000-2000 ', { from: 2000, to: 2000 }],
  ])('parses %j', (text, range) => {
    expect(parsePortRange(text)).toEqual(range);
  });

  it.each(['2000', '3000-2000', '0-10', '1-70000'])('refuses %j', (text) => {
    expect(() => parsePortRange(text)).toThrow(/Port range/);
  });
});

describe('HostPortAllocator', () => {
  /** A fake host where the listed ports are bound by something else. */
  const fakeHost = (busy: number[]) => async (port: number) => !busy.includes(port);

  it('avoids reserved, held and busy ports, and ports it just handed out', async () => {
    const allocator = new HostPortAllocator({
      range: { from: 100, to: 106 },
      reservedTcp: [100],
      reservedUdp: [],
      random: first,
      isFree: fakeHost([102]),
    });
    const held = { tcp: new Set([101]), udp: new Set<number>() };
    const one = await allocator.allocate([{ containerPort: 80, protocol: 'tcp' }], held);
    const two = await allocator.allocate([{ containerPort: 80, protocol: 'tcp' }], held);
    expect(one).toEqual([{ containerPort: 80, protocol: 'tcp', hostPort: 103 }]);
    expect(two).toEqual([{ containerPort: 80, protocol: 'tcp', hostPort: 104 }]);
    allocator.release(one ?? []);
    expect(await allocator.allocate([{ containerPort: 80, protocol: 'tcp' }], held)).toEqual([
      { containerPort: 80, protocol: 'tcp', hostPort: 103 },
    ]);
  });

  it('keeps tcp and udp apart', async () => {
    const allocator = new HostPortAllocator({
      range: { from: 100, to: 100 },
      reservedTcp: [100],
      reservedUdp: [],
      random: first,
      isFree: fakeHost([]),
    });
    const none = { tcp: new Set<number>(), udp: new Set<number>() };
    expect(await allocator.allocate([{ containerPort: 53, protocol: 'udp' }], none)).toEqual([
      { containerPort: 53, protocol: 'udp', hostPort: 100 },
    ]);
    expect(await allocator.allocate([{ containerPort: 80, protocol: 'tcp' }], none)).toBeUndefined();
  });

  it('counts the ports of live containers as held, and not those of stopped ones', () => {
    const live = aTask(
      [aContainer({ status: 'RUNNING', hostPorts: [{ containerPort: 80, protocol: 'tcp', hostPort: 50001 }] })],
      { status: 'RUNNING' },
    );
    const gone = aTask(
      [aContainer({ status: 'STOPPED', hostPorts: [{ containerPort: 80, protocol: 'tcp', hostPort: 50002 }] })],
      {
        taskId: 't2',
        status: 'STOPPED',
      },
    );
    expect([...portsHeld([live, gone]).tcp]).toEqual([50001]);
  });
});
