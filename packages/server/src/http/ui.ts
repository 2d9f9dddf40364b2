/**
 * @module http/ui: Parley's own front door: `/` is a small page saying what is running with links (API document,
 * health, the UI bundle, the demo when DEMO_URL is set), and `/ui/parley-ui.js` serves @parley/ui's bundle.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { escapeAttribute } from '../security/html-escape.js';
import { VERSION } from '../version.js';

interface Bundle {
  body: Buffer;
  etag: string;
}

/** The bundle's path: UI_BUNDLE_PATH, else the build of the @parley/ui package installed next to the server. */
function bundlePath(configured: string | undefined): string | undefined {
  if (configured) return configured;
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@parley/ui/package.json')), 'dist', 'parley-ui.js');
  } catch {
    return undefined;
  }
}

function homePage(svc: Services, bundleReady: boolean): string {
  const demo = svc.config.ui.demoUrl;
  const backend = svc.config.database.url ? 'PostgreSQL' : 'embedded PGlite';
  const links: [string, string, string][] = [
    ['/api/v1/openapi.json', 'API document (OpenAPI)', 'every Management and Chat API route'],
    ['/health', 'Health', 'liveness and version'],
  ];
  if (bundleReady) links.push(['/ui/parley-ui.js', 'Chat UI bundle', 'load it with <script type="module"> and use <parley-chat>']);
  if (demo) links.push([demo, 'Demo host app', 'a host application embedding the chat']);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley ${escapeAttribute(VERSION)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 640px; margin: 40px auto; padding: 0 16px; color: #1d2129; }
  h1 { font-size: 24px; margin-bottom: 4px; }
  li { margin: 8px 0; }
  a { color: #1f5fcc; }
  .muted { color: #5c6370; }
  code { background: #f1f2f4; padding: 1px 4px; border-radius: 4px; }
</style>
</head>
<body>
<main>
<h1>Parley is running</h1>
<p class="muted">Version ${escapeAttribute(VERSION)} · storage: ${backend} · realtime at <code>/api/v1/ws</code></p>
<p>Parley is a self-hosted conversation service. Host applications create dialogs through the Management API and embed the chat with a short-lived token.</p>
<ul>
${links.map(([href, label, note]) => `<li><a href="${escapeAttribute(href)}">${escapeAttribute(label)}</a> <span class="muted">— ${escapeAttribute(note)}</span></li>`).join('\n')}
</ul>
${demo ? '' : '<p class="muted">Run <code>npm run demo</code> to start the demo host application next to Parley.</p>'}
</main>
</body>
</html>
`;
}

export const uiRoutes =
  (svc: Services): FastifyPluginAsync =>
  async (app) => {
    const path = bundlePath(svc.config.ui.bundlePath);
    let cached: Bundle | undefined;
    const load = async (): Promise<Bundle | undefined> => {
      if (cached || !path) return cached;
      try {
        const body = await readFile(path);
        cached = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      } catch {
        return undefined;
      }
      return cached;
    };

    app.get('/', { schema: { hide: true } }, async (_req, reply) => {
      const ready = !!(await load());
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
        .send(homePage(svc, ready));
    });

    app.get('/ui/parley-ui.js', { schema: { hide: true } }, async (req, reply) => {
      const bundle = await load();
      if (!bundle) throw new AppError('NOT_FOUND', 'The UI bundle is not built: run npm run build');
      reply.header('etag', bundle.etag).header('cache-control', 'public, max-age=300');
      if (req.headers['if-none-match'] === bundle.etag) return reply.status(304).send();
      return reply.header('content-type', 'text/javascript; charset=utf-8').send(bundle.body);
    });
  };
