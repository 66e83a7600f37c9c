import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleAssetsFromFiles } from '#functions/api/console/assets.ts';
import { consoleHandler } from '#functions/api/console/router.ts';
import { Hono } from 'hono';

function appServing(dir: string): Hono {
  const app = new Hono();
  app.get('/console/*', consoleHandler(consoleAssetsFromFiles(pathToFileURL(`${dir}/`))));
  return app;
}

describe('the console route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-console-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="console.js"></script>');
  writeFileSync(join(dir, 'console.js'), 'console.log(1)');
  writeFileSync(join(dir, 'console.css'), 'body{}');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const app = appServing(dir);

  it.each([
    ['/console', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/console/', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/console/console.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/console/console.css', 'text/css; charset=utf-8', 'body{}'],
  ])('serves %s with its type, a strict policy and no sniffing', async (path, type, start) => {
    const response = await app.request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(await response.text()).toMatch(new RegExp(`^${start.replace(/[()]/g, '\\$&')}`));
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);
  });

  it('answers 304 to a request that already holds the current version', async () => {
    const first = await app.request('/console/console.js');
    const etag = first.headers.get('etag') ?? '';
    const again = await app.request('/console/console.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const stale = await app.request('/console/console.js', { headers: { 'if-none-match': '"old"' } });
    expect(stale.status).toBe(200);
  });

  it('answers 404 for a file the console does not have', async () => {
    expect((await app.request('/console/secrets.json')).status).toBe(404);
    expect((await app.request('/console/..%2Fpackage.json')).status).toBe(404);
  });

  it('answers 503 when the files are not there', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'berth-console-empty-'));
    try {
      const missing = await appServing(empty).request('/console/');
      expect(missing.status).toBe(503);
      expect(await missing.text()).toBe('Console not built');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
