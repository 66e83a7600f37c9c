import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { int, safeParse, string } from '../check/check.ts';
import { object } from '../check/compose.ts';

/**
 * What the task metadata endpoint keeps in the state directory
 * (`task-metadata.json`, 0600): the key its path ids are derived from and the
 * port it listens on. Both outlive the agent, so the URIs already in running
 * containers' environments keep working after a restart.
 */
const stored = object({ key: string({ min: 64 }), port: int({ min: 1, max: 65_535 }) });

export interface EndpointSettings {
  readonly key: Buffer;
  /** The port of the last run; undefined on a first start. */
  readonly port: number | undefined;
}

const FILE = 'task-metadata.json';

export function loadEndpointSettings(stateDir: string): EndpointSettings {
  try {
    const parsed = safeParse(stored, JSON.parse(readFileSync(join(stateDir, FILE), 'utf8')));
    if (parsed.success) return { key: Buffer.from(parsed.data.key, 'hex'), port: parsed.data.port };
  } catch {
    // No file yet (or an unreadable one): a new key; containers created before it lose their endpoint.
  }
  return { key: randomBytes(32), port: undefined };
}

export function saveEndpointSettings(stateDir: string, key: Buffer, port: number): void {
  const file = join(stateDir, FILE);
  const temporary = `${file}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, JSON.stringify({ key: key.toString('hex'), port }), { mode: 0o600 });
  renameSync(temporary, file);
}
