import { describe, expect, it } from 'vitest';
import { LogShipper, type ShipOutcome } from '#agent/logs/log-shipper.ts';
import type { AgentTask } from '#shared/agent/task-model.ts';
import type { ContainerRuntime, LogFollow, LogLine } from '#shared/ports/container-runtime.ts';
import type { LogBatches } from '#shared/schemas/logs-requests.ts';
import { waitFor } from '#test/support/wait.ts';

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

/** Two awslogs containers of one task: two streams, so two batches a send. */
const twoContainers = {
  taskId: 't-2',
  containers: [
    { name: 'a', runtimeId: 'r-a', status: 'RUNNING' },
    { name: 'b', runtimeId: 'r-b', status: 'RUNNING' },
  ],
  spec: {
    taskId: 't-2',
    containerDefinitions: ['a', 'b'].map((name) => ({
      name,
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/two', 'awslogs-stream-prefix': 'p' },
      },
    })),
  },
} as unknown as AgentTask;

describe('the log shipper writing to CloudWatch Logs', () => {
  it('keeps only the batches after the ones a partial send took, and names each batch’s destination', async () => {
    const answers: ShipOutcome[] = [{ sent: 1 }, 'sent'];
    const sent: { streams: string[]; destinations: string[] }[] = [];
    const shipper = new LogShipper({
      runtime: fakeRuntime().runtime,
      tasks: () => [twoContainers],
      send: async (body, destinations) => {
        sent.push({
          streams: body.batches.map((b) => b.logStreamName),
          destinations: destinations.map((d) => d.stream),
        });
        return answers.shift() ?? 'sent';
      },
      logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
    });
    await shipper.round();
    await shipper.round();
    await shipper.round();
    expect(sent).toEqual([
      { streams: ['p/a/t-2', 'p/b/t-2'], destinations: ['p/a/t-2', 'p/b/t-2'] },
      { streams: ['p/b/t-2'], destinations: ['p/b/t-2'] },
    ]);
    shipper.stop();
  });

  it('resumes a newly seen container after its stream’s last event, sending nothing from before', async () => {
    const sinces: number[] = [];
    const runtime = {
      async followLogs(_id: string, since: number, onLine: (line: LogLine) => void): Promise<LogFollow> {
        sinces.push(since);
        for (const timestamp of [100, 200, 300]) onLine({ timestamp, message: `at ${timestamp}`, stream: 'stdout' });
        return { done: new Promise<void>(() => {}), close: () => {} };
      },
    } as unknown as ContainerRuntime;
    const sent: string[] = [];
    const shipper = new LogShipper({
      runtime,
      tasks: () => [task],
      resumeAfter: async (destination) => (destination.stream === 'app/web/t-1' ? 200 : 0),
      send: async (body) => {
        sent.push(...body.batches.flatMap((b) => b.events.map((e) => e.message)));
        return 'sent';
      },
      logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
    });
    await shipper.round();
    expect(sinces).toEqual([200]);
    expect(sent).toEqual(['at 300']);
    shipper.stop();
  });
});

describe('the log shipper and a container not yet started', () => {
  it('waits for it to start: the engine would end that follow at once', async () => {
    const fake = fakeRuntime();
    const status = { value: 'CREATED' };
    const created = () =>
      ({ ...task, containers: [{ name: 'web', runtimeId: 'r-1', status: status.value }] }) as unknown as AgentTask;
    const shipper = new LogShipper({
      runtime: fake.runtime,
      tasks: () => [created()],
      send: async () => 'sent',
      logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
    });
    await shipper.round();
    expect(fake.follows()).toBe(0);
    status.value = 'STOPPED';
    await shipper.round();
    expect(fake.follows()).toBe(1);
    shipper.stop();
  });
});

describe('the log shipper and a container that stops', () => {
  /** A fake engine holding what the container wrote; each follow reads from `since` and ends when told. */
  function endingRuntime() {
    const written: LogLine[] = [];
    const follows: { since: number; end: () => void }[] = [];
    const runtime = {
      async followLogs(_id: string, since: number, onLine: (line: LogLine) => void): Promise<LogFollow> {
        for (const line of written) if (line.timestamp >= since) onLine(line);
        let end: () => void = () => {};
        const done = new Promise<void>((resolve) => (end = resolve));
        follows.push({ since, end });
        return { done, close: end };
      },
    } as unknown as ContainerRuntime;
    return { runtime, written, follows };
  }

  function shipperOf(runtime: ContainerRuntime, status: { value: string }) {
    const current = () =>
      ({ ...task, containers: [{ name: 'web', runtimeId: 'r-1', status: status.value }] }) as unknown as AgentTask;
    const sent: string[] = [];
    const shipper = new LogShipper({
      runtime,
      tasks: () => [current()],
      send: async (body) => {
        sent.push(...body.batches.flatMap((b) => b.events.map((e) => e.message)));
        return 'sent';
      },
      logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
      intervalMs: 3_600_000,
    });
    shipper.start();
    return { shipper, sent, current };
  }

  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('follows it once more after it stopped, so lines its last follow missed are sent, and holds its task till then', async () => {
    const engine = endingRuntime();
    const status = { value: 'RUNNING' };
    const { shipper, sent, current } = shipperOf(engine.runtime, status);
    engine.written.push({ timestamp: 100, message: 'one', stream: 'stdout' });
    await shipper.round();
    expect(sent).toEqual(['one']);

    // The follow ends before the container's last line is read; then the container stops.
    engine.follows[0]?.end();
    engine.written.push({ timestamp: 200, message: 'bye', stream: 'stdout' });
    status.value = 'STOPPED';
    await settled();
    expect(shipper.unread(current())).toBe(true);

    await shipper.round();
    expect(engine.follows.map((f) => f.since)).toEqual([0, 100]);
    expect(sent).toEqual(['one', 'bye']);
    expect(shipper.unread(current())).toBe(true);
    engine.follows[1]?.end();
    await settled();
    expect(shipper.unread(current())).toBe(false);

    // Read to the end: no further follow.
    await shipper.round();
    expect(engine.follows).toHaveLength(2);
    shipper.stop();
  });

  it('holds a task that stopped before the shipper first saw it (an agent just restarted) until it is read', async () => {
    const engine = endingRuntime();
    engine.written.push({ timestamp: 300, message: 'bye', stream: 'stdout' });
    const { shipper, sent, current } = shipperOf(engine.runtime, { value: 'STOPPED' });
    expect(shipper.unread(current())).toBe(true);
    await shipper.round();
    engine.follows[0]?.end();
    await settled();
    expect(sent).toEqual(['bye']);
    expect(shipper.unread(current())).toBe(false);
    shipper.stop();
  });

  it('holds nothing once stopped, or when the engine cannot follow logs', async () => {
    const engine = endingRuntime();
    const { shipper, current } = shipperOf(engine.runtime, { value: 'STOPPED' });
    shipper.stop();
    expect(shipper.unread(current())).toBe(false);

    const blind = new LogShipper({
      runtime: {} as ContainerRuntime,
      tasks: () => [current()],
      send: async () => 'sent',
      logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
    });
    blind.start();
    expect(blind.unread(current())).toBe(false);
  });
});

describe('the log shipper with a flush interval (CloudWatch Logs)', () => {
  /** A container that has written `count` more lines each time the test calls `write`. */
  function chattyRuntime() {
    let emit: (line: LogLine) => void = () => {};
    let next = 1;
    const runtime = {
      async followLogs(_id: string, _since: number, onLine: (line: LogLine) => void): Promise<LogFollow> {
        emit = onLine;
        return { done: new Promise<void>(() => {}), close: () => {} };
      },
    } as unknown as ContainerRuntime;
    const write = (count: number) => {
      for (let i = 0; i < count; i++) emit({ timestamp: next, message: `line ${next++}`, stream: 'stdout' });
    };
    return { runtime, write };
  }

  it('holds lines until the interval has passed, but sends a full call’s worth at once', async () => {
    const engine = chattyRuntime();
    const sends: number[] = [];
    const shipper = new LogShipper({
      runtime: engine.runtime,
      tasks: () => [task],
      send: async (body) => {
        sends.push(body.batches.reduce((sum, b) => sum + b.events.length, 0));
        return 'sent';
      },
      logger: { info: () => {}, warn: () => {}, error: () => {} } as never,
      flushIntervalMs: 3_600_000,
    });
    await shipper.round();
    engine.write(3);
    // The first round sends what is there (nothing yet); within the interval, rounds send nothing.
    await shipper.round();
    await shipper.round();
    expect(sends).toEqual([]);
    // A full PutLogEvents call's worth waiting (10,000 events) goes at once.
    engine.write(9_997);
    await shipper.round();
    expect(sends).toEqual([10_000]);
    shipper.stop();
  });
});

describe('the log shipper when the engine refuses a follow', () => {
  it('tries again next round, and does not hold the task meanwhile for good', async () => {
    let calls = 0;
    const runtime = {
      async followLogs(): Promise<LogFollow> {
        calls++;
        if (calls === 1) throw new Error('engine away');
        return { done: Promise.resolve(), close: () => {} };
      },
    } as unknown as ContainerRuntime;
    const stopped = {
      ...task,
      containers: [{ name: 'web', runtimeId: 'r-1', status: 'STOPPED' }],
    } as unknown as AgentTask;
    const warnings: string[] = [];
    const shipper = new LogShipper({
      runtime,
      tasks: () => [stopped],
      send: async () => 'sent',
      logger: { info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} } as never,
      intervalMs: 3_600_000,
    });
    shipper.start();
    await shipper.round();
    expect(warnings).toEqual(['Following container logs failed; will retry']);
    expect(shipper.unread(stopped)).toBe(true);
    await shipper.round();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(2);
    expect(shipper.unread(stopped)).toBe(false);
    shipper.stop();
  });
});

describe('the log shipper on its timer', () => {
  it('logs a round that fails and goes on with the next', async () => {
    const fake = fakeRuntime();
    let asked = 0;
    const warnings: string[] = [];
    const shipper = new LogShipper({
      runtime: fake.runtime,
      tasks: () => {
        asked++;
        if (asked === 1) throw new Error('state unreadable');
        return [task];
      },
      send: async () => 'sent',
      logger: { info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} } as never,
      intervalMs: 5,
    });
    shipper.start();
    await waitFor(() => (fake.follows() > 0 ? true : undefined), { timeoutMs: 5_000 });
    expect(warnings).toEqual(['Shipping container logs failed; will retry']);
    shipper.stop();
  });
});
