import { describe, expect, it } from 'vitest';
import { LogShipper, type ShipOutcome } from '#agent/logs/log-shipper.ts';
import type { AgentTask } from '#shared/agent/task-model.ts';
import type { ContainerRuntime, LogFollow, LogLine } from '#shared/ports/container-runtime.ts';
import type { LogBatches } from '#shared/schemas/logs-requests.ts';

/** One running awslogs container, as much of an agent task as the shipper reads. */
const task = {
  taskId: 't-1',
  containers: [{ name: 'web', runtimeId: 'r-1', status: 'RUNNING' }],
  spec: {
    taskId: 't-1',
    containerDefinitions: [
      {
        name: 'web',
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'app' },
        },
      },
    ],
  },
} as unknown as AgentTask;

/** A fake engine: every follow prints one line and stays open until closed. */
function fakeRuntime(): { runtime: ContainerRuntime; follows: () => number; open: () => number } {
  let follows = 0;
  let open = 0;
  const runtime = {
    async followLogs(_id: string, _since: number, onLine: (line: LogLine) => void): Promise<LogFollow> {
      follows++;
      open++;
      onLine({ timestamp: Date.now(), message: `line ${follows}`, stream: 'stdout' });
      let end: () => void = () => {};
      const done = new Promise<void>((resolve) => (end = resolve));
      return {
        done,
        close: () => {
          open--;
          end();
        },
      };
    },
  } as unknown as ContainerRuntime;
  return { runtime, follows: () => follows, open: () => open };
}

function shipperAnswering(outcome: ShipOutcome) {
  const fake = fakeRuntime();
  const sent: LogBatches[] = [];
  const warnings: string[] = [];
  const shipper = new LogShipper({
    runtime: fake.runtime,
    tasks: () => [task],
    send: async (body) => {
      sent.push(body);
      return outcome;
    },
    logger: { info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} } as never,
  });
  return { shipper, sent, warnings, fake };
}

describe('the log shipper', () => {
  it('sends a container’s lines to its awslogs stream', async () => {
    const { shipper, sent } = shipperAnswering('sent');
    await shipper.round();
    expect(sent).toEqual([
      {
        batches: [
          {
            logGroupName: '/ecs/web',
            logStreamName: 'app/web/t-1',
            events: [expect.objectContaining({ message: 'line 1' })],
          },
        ],
      },
    ]);
    shipper.stop();
  });

  it('keeps lines the control plane did not take, and sends them again', async () => {
    const { shipper, sent } = shipperAnswering('retry');
    await shipper.round();
    await shipper.round();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.batches[0]?.events.map((e) => e.message)).toEqual(['line 1']);
    shipper.stop();
  });

  it('stops for good, says why once and lets go of the engine when the control plane keeps no logs', async () => {
    const { shipper, sent, warnings, fake } = shipperAnswering('unsupported');
    await shipper.round();
    await shipper.round();
    await shipper.round();
    expect(sent).toHaveLength(1);
    expect(fake.open()).toBe(0);
    expect(warnings).toEqual([expect.stringContaining('--awslogs engine')]);
  });
});
