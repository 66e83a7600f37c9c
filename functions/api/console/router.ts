import { Hono, type Context } from 'hono';
import type { Logger } from '#functions/runtime/logger.ts';
import type { ConsoleAssets } from './assets.ts';

/**
 * The web console's static files under /console. They carry no data and need
 * no key: the page signs every API call itself in the browser. The policy
 * lets the page load only its own script and style and talk only to this
 * origin; no inline script can run.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function consoleRouter(assets: ConsoleAssets, logger: Logger): Hono {
  const app = new Hono();
  app.get('*', (c) => {
    const name = c.req.path.replace(/^\/console\/?/, '');
    // Relative asset paths in index.html resolve under /console/ only with the slash.
    if (c.req.path === '/console') return c.redirect('/console/', 301);
    return serve(c, assets, name === '' ? 'index.html' : name, logger);
  });
  return app;
}

async function serve(c: Context, assets: ConsoleAssets, name: string, logger: Logger): Promise<Response> {
  let files;
  try {
    files = await assets();
  } catch (error) {
    logger.error('console assets unavailable', { error });
    return c.text('The console is not built on this server.', 503, SECURITY_HEADERS);
  }
  const asset = files.get(name);
  if (!asset) return c.text('Not found', 404, SECURITY_HEADERS);
  const headers = {
    ...SECURITY_HEADERS,
    etag: asset.etag,
    // Revalidate every time: the names carry no hash, and a 304 is cheap.
    'cache-control': 'no-cache',
  };
  if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
  return c.body(asset.body, 200, { ...headers, 'content-type': asset.contentType });
}
