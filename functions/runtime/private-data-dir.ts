import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Dev mode's data directory holds the table (access keys, policies, the
 * audit log, sealed secrets), the key that seals secrets and the agent's
 * instance credential: it is for this user alone. Creates it 0700 when
 * missing, and on every start brings what is already there to 0700 for
 * directories and 0600 for files, so a directory made by an older Berth or
 * by hand is closed too. Symbolic links are left alone (their modes mean
 * nothing, and following them could reach outside the directory). Files
 * created later are private through dev mode's umask (dev-main.ts).
 */
export async function makeDataDirPrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await tighten(dir);
}

async function tighten(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await tighten(path);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}
