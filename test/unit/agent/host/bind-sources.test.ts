import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realHostPath, resolveBindMounts } from '#agent/host/bind-sources.ts';
import { clusterPolicy } from '#shared/security/cluster-policy.ts';

/** Host paths as the host resolves them: a real directory tree with links in it. */
const root = realpathSync(mkdtempSync(join(tmpdir(), 'berth-bind-')));
const allowed = join(root, 'allowed');
const nested = join(allowed, 'nested');
const outside = join(root, 'outside');
mkdirSync(outside);
mkdirSync(allowed);
symlinkSync(outside, nested);
symlinkSync(allowed, join(root, 'operator-link'));
mkdirSync(join(allowed, 'real'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mount = (source: string) => ({ source, target: '/mnt', readOnly: false });

describe('bind mount sources checked as the host resolves them', () => {
  it('binds a plain path below an allowed directory as it is', () => {
    const policy = clusterPolicy.parse({ allowedHostPaths: [allowed] });
    expect(resolveBindMounts([mount(join(allowed, 'real'))], policy)).toEqual({
      ok: true,
      mounts: [mount(join(allowed, 'real'))],
    });
  });

  it('refuses a link below the allowed directory, even one itself allowed (nested)', () => {
    const policy = clusterPolicy.parse({ allowedHostPaths: [allowed, nested] });
    const result = resolveBindMounts([mount(join(nested, 'x'))], policy);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(new RegExp(`symbolic link ${nested}`)) });
  });

  it('follows an operator link above the allowed directory and binds the real path', () => {
    const viaLink = join(root, 'operator-link');
    const policy = clusterPolicy.parse({ allowedHostPaths: [viaLink] });
    expect(resolveBindMounts([mount(join(viaLink, 'real'))], policy)).toEqual({
      ok: true,
      mounts: [mount(join(allowed, 'real'))],
    });
  });

  it('resolves a path that does not exist yet through its deepest existing part', () => {
    expect(realHostPath(join(root, 'operator-link', 'not', 'yet'))).toBe(join(allowed, 'not', 'yet'));
  });
});
