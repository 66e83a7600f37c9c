import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, copyFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A tiny local image made from Debian's static busybox; no registry involved. */
export const BUSYBOX_IMAGE = 'berth-test/busybox:latest';

const BUSYBOX_BINARY = '/bin/busybox';

let ensured: Promise<string> | undefined;

/**
 * Makes sure `berth-test/busybox:latest` exists on the local engine and
 * returns its name. Fast when the image is there; otherwise it assembles a
 * root filesystem (busybox, one symlink per applet, /www, /tmp, a minimal
 * /etc/passwd) and `docker import`s it. Concurrent callers in other test
 * files may import at the same moment; both produce the same image, so the
 * last tag wins harmlessly.
 */
export function ensureBusyboxImage(): Promise<string> {
  ensured ??= build().catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  return ensured;
}

async function imageExists(): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', BUSYBOX_IMAGE]);
    return true;
  } catch {
    return false;
  }
}

async function build(): Promise<string> {
  if (await imageExists()) return BUSYBOX_IMAGE;
  const root = await mkdtemp(join(tmpdir(), 'berth-busybox-'));
  try {
    await assembleRoot(root);
    await run('sh', [
      '-c',
      `tar -C "$1" -c . | docker import --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$2"`,
      'import',
      root,
      BUSYBOX_IMAGE,
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return BUSYBOX_IMAGE;
}

async function assembleRoot(root: string): Promise<void> {
  for (const dir of ['bin', 'www', 'tmp', 'etc', 'root']) await mkdir(join(root, dir), { recursive: true });
  await copyFile(BUSYBOX_BINARY, join(root, 'bin', 'busybox'));
  const { stdout } = await run(BUSYBOX_BINARY, ['--list']);
  const applets = stdout.split('\n').filter((name) => /^[a-z0-9_.[-]+$/.test(name) && name !== 'busybox');
  await Promise.all(applets.map((name) => symlink('busybox', join(root, 'bin', name))));
  await writeFile(
    join(root, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
  );
  await writeFile(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  await writeFile(join(root, 'www', 'index.html'), 'berth busybox\n');
}
