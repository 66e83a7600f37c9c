import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentTask } from '#shared/agent/task-model.ts';
import { int, safeParse, string, type Checked } from '../check/check.ts';
import { object, optional } from '../check/compose.ts';
import { taskRecord } from '../check/task-record.ts';
import type { AgentLogger } from '../log.ts';

/** The instance credential the control plane issued: a bearer secret, and when it stops working. */
export const storedCredential = object({
  token: string({ min: 1 }),
  issuedAt: int({ min: 0 }),
  expiresAt: int({ min: 0 }),
});
export type StoredCredential = Checked<typeof storedCredential>;

/**
 * Who this agent is to the control plane; kept so a restart re-attaches as
 * the same instance. The credential lives in the same file, so identity and
 * credential are replaced together (a crash between two files could leave a
 * credential for another instance id).
 */
export const identity = object({
  cluster: string(),
  instanceId: string(),
  containerInstanceArn: optional(string()),
  epoch: int({ min: 0 }),
  credential: optional(storedCredential),
});
export type Identity = Checked<typeof identity>;

/**
 * The agent's state directory:
 *
 *   identity.json        instance id, epoch and instance credential
 *   tasks/<taskId>.json  one record per task: report seq, spec, what was done
 *
 * Files are written 0600 in a directory created 0700: task records hold
 * task environments, and identity.json the credential that acts for this
 * instance. No container is ever given the directory (protected-mounts.ts).
 *
 * Writes are synchronous and atomic (write a temporary file, rename over):
 * a `kill -9` leaves either the old file or the new one, never half of one.
 * They are not fsynced: the files survive the agent's death, and after a
 * host crash the engine's own state is what the agent adopts anyway.
 */
export class StateDir {
  readonly path: string;
  private readonly tasksPath: string;
  private readonly logger: AgentLogger;

  constructor(path: string, logger: AgentLogger) {
    this.path = path;
    this.tasksPath = join(path, 'tasks');
    this.logger = logger;
    mkdirSync(this.tasksPath, { recursive: true, mode: 0o700 });
  }

  readIdentity(): Identity | undefined {
    const data = this.readJson(join(this.path, 'identity.json'));
    if (data === undefined) return undefined;
    const parsed = safeParse(identity, data);
    if (!parsed.success) this.logger.warn('Ignoring an unreadable identity.json', { error: parsed.error.message });
    return parsed.success ? parsed.data : undefined;
  }

  writeIdentity(value: Identity): void {
    this.writeJson(join(this.path, 'identity.json'), value);
  }

  readTasks(): AgentTask[] {
    const tasks: AgentTask[] = [];
    for (const file of readdirSync(this.tasksPath)) {
      if (!file.endsWith('.json')) continue;
      const parsed = safeParse(taskRecord, this.readJson(join(this.tasksPath, file)));
      if (parsed.success) tasks.push(parsed.data);
      else this.logger.warn('Ignoring an unreadable task record', { file, error: parsed.error.message });
    }
    return tasks;
  }

  writeTask(task: AgentTask): void {
    // Steps in flight are not state: after a restart they are simply taken again.
    const containers = task.containers.map(({ pending: _pending, ...rest }) => rest);
    this.writeJson(this.taskFile(task.taskId), { ...task, containers });
  }

  deleteTask(taskId: string): void {
    rmSync(this.taskFile(taskId), { force: true });
  }

  private taskFile(taskId: string): string {
    return join(this.tasksPath, `${encodeURIComponent(taskId)}.json`);
  }

  private readJson(file: string): unknown {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  private writeJson(file: string, value: unknown): void {
    const temporary = `${file}.${process.pid}.tmp`;
    // writeFileSync's mode applies only to a file it creates: a leftover temporary would keep its own.
    rmSync(temporary, { force: true });
    writeFileSync(temporary, JSON.stringify(value), { mode: 0o600 });
    renameSync(temporary, file);
  }
}
