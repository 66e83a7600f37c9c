import { describe, expect, it } from 'vitest';
import { removeStoppedTasks } from '#agent/engine/cleanup.ts';
import type { TaskEngine } from '#agent/engine/task-engine.ts';
import type { AgentTask } from '#shared/agent/task-model.ts';
import type { ContainerRuntime } from '#shared/ports/container-runtime.ts';

/** Two stopped tasks past the delay; a fake engine and runtime that record what was removed. */
function stoppedTasks() {
  const tasks = ['held', 'free'].map(
    (taskId) =>
      ({
        taskId,
        status: 'STOPPED',
        executionStoppedAt: 1_000,
        containers: [{ name: 'web', runtimeId: `r-${taskId}`, status: 'STOPPED' }],
      }) as unknown as AgentTask,
  );
  const removed: string[] = [];
  const dispatched: string[] = [];
  const engine = {
    list: () => tasks,
    dispatch: (taskId: string) => dispatched.push(taskId),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  } as unknown as TaskEngine;
  const runtime = {
    removeContainer: async (id: string) => {
      removed.push(id);
      return { ok: true, value: undefined };
    },
    removeNetwork: async () => ({ ok: true, value: undefined }),
  } as unknown as ContainerRuntime;
  return { engine, runtime, removed, dispatched };
}

describe('the cleanup of stopped tasks', () => {
  it('leaves the containers of a task something holds (an unsent report, logs not yet read) and removes the rest', async () => {
    const { engine, runtime, removed, dispatched } = stoppedTasks();
    await removeStoppedTasks(engine, runtime, { now: 10_000, delayMs: 5_000, held: (t) => t.taskId === 'held' });
    expect(removed).toEqual(['r-free']);
    expect(dispatched).toEqual(['free']);
  });

  it('removes nothing before the delay has passed', async () => {
    const { engine, runtime, removed } = stoppedTasks();
    await removeStoppedTasks(engine, runtime, { now: 5_999, delayMs: 5_000, held: () => false });
    expect(removed).toEqual([]);
  });
});
