import type { Context } from 'hono';
import type { ConsoleAssets } from './assets.ts';

/**
 * The web console's static files under /console. They carry no data and need
 * no key: the page signs every API call itself in the browser. The policy
 * lets the page load only its own script and style and talk only to this
 * origin; no inline script can run, and no other site may frame it.
 */
const HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

/** GET /console and /console/*; kept to one small handler, as the api bundle is at its size budget. */
export function consoleHandler(assets: ConsoleAssets) {
  return async (c: Context): Promise<Response> => {
    const files = await assets().catch(() => undefined);
    if (!files) return c.text('Console not built', 503);
    // `/console` and `/console/` are the page (its <base> points asset paths under /console/).
    const asset = files.get(c.req.path.slice(9) || 'index.html');
    if (!asset) return c.notFound();
    // Revalidate every time: the names carry no hash, and a 304 is cheap.
    const headers = { ...HEADERS, etag: asset.etag, 'cache-control': 'no-cache' };
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
    return c.body(asset.body, 200, { ...headers, 'content-type': asset.contentType });
  };
}
