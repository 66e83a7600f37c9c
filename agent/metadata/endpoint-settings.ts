import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { int, safeParse, string } from '../check/check.ts';
import { object, optional, record } from '../check/compose.ts';

/**
 * What the task metadata endpoint keeps in the state directory
 * (`task-metadata.json`, 0600): the port it listens on and each container's
 * path id. Both outlive the agent, so the URIs already in running
 * containers' environments keep working after a restart.
 *
 * The ids are 128 random bits from /dev/urandom, not an HMAC: node:crypto
 * costs an idle agent about 1 MiB it does not have (docs/performance.md).
 */
const stored = object({
  port: optional(int({ min: 1, max: 65_535 })),
  tokens: optional(record(string({ pattern: /^[0-9a-f]{32}$/ }))),
});

const FILE = 'task-metadata.json';

/** `taskId/containerName`: container names cannot hold a slash. */
export function containerKey(taskId: string, containerName: string): string {
  return `${taskId}/${containerName}`;
}

function randomToken(): string {
  const bytes = Buffer.alloc(16);
  const fd = openSync('/dev/urandom', 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, null);
  } finally {
    closeSync(fd);
  }
  return bytes.toString('hex');
}

export class EndpointSettings {
  private readonly file: string;
  port: number | undefined;
  /** Path id by container key, and the reverse. */
  private readonly tokens = new Map<string, string>();
  private readonly owners = new Map<string, string>();

  constructor(stateDir: string) {
    this.file = join(stateDir, FILE);
    try {
      const parsed = safeParse(stored, JSON.parse(readFileSync(this.file, 'utf8')));
      if (parsed.success) {
        this.port = parsed.data.port;
        for (const [key, token] of Object.entries(parsed.data.tokens ?? {})) this.remember(key, token);
      }
    } catch {
      // No file yet (or an unreadable one): containers created before it lose their endpoint.
    }
  }

  private remember(key: string, token: string): void {
    this.tokens.set(key, token);
    this.owners.set(token, key);
  }

  /** The container's path id, made and saved the first time it is asked for. */
  tokenFor(taskId: string, containerName: string, live: (taskId: string) => boolean): string {
    const key = containerKey(taskId, containerName);
    const known = this.tokens.get(key);
    if (known) return known;
    // Ids of tasks the agent no longer knows are dropped as new ones are written.
    for (const [other, token] of this.tokens) {
      if (!live(other.slice(0, other.indexOf('/')))) {
        this.tokens.delete(other);
        this.owners.delete(token);
      }
    }
    const token = randomToken();
    this.remember(key, token);
    this.save();
    return token;
  }

  /** The container key a path id belongs to. */
  ownerOf(token: string): string | undefined {
    return this.owners.get(token);
  }

  save(): void {
    const temporary = `${this.file}.tmp`;
    rmSync(temporary, { force: true });
    const body = { ...(this.port ? { port: this.port } : {}), tokens: Object.fromEntries(this.tokens) };
    writeFileSync(temporary, JSON.stringify(body), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
