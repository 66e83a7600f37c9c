import type { AssignmentView, TaskSpec } from '#shared/schemas/agent-api.ts';

/**
 * Task specs a poll's answer carried, kept until the engine asks for them:
 * a spec that came with the answer saves a round trip to the control plane.
 * Kept only for tasks the last full answer still names, so the cache never
 * outgrows the assignments.
 */
export class CarriedSpecs {
  private readonly specs = new Map<string, TaskSpec>();

  /** Follows a changed poll answer: drops specs of tasks it no longer names, keeps the ones it carries. */
  follow(assignments: readonly AssignmentView[], carried: readonly TaskSpec[]): void {
    const named = new Set(assignments.map((a) => a.taskId));
    for (const taskId of this.specs.keys()) if (!named.has(taskId)) this.specs.delete(taskId);
    for (const spec of carried) this.specs.set(spec.taskId, spec);
  }

  /** The spec carried for a task, handed over once. */
  take(taskId: string): TaskSpec | undefined {
    const spec = this.specs.get(taskId);
    this.specs.delete(taskId);
    return spec;
  }
}
