/**
 * Serves the built dashboard: `/` is index.html (never cached, so a new build is picked up), and
 * `/assets/*` are Vite's content-hashed files (cached for a year). Text assets are sent gzipped
 * when the browser accepts it: the report's script is ~700 kB raw and ~240 kB gzipped, and a portal
 * embedding the page should not need a compressing proxy for that.
 */
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const COMPRESSIBLE = /\.(js|mjs|css|svg|json|html|txt|map)$/;

interface BuiltFile {
  mtimeMs: number;
  raw: Buffer;
  gzipped: Buffer;
  etag: string;
}

/** A reader of built files: each read and gzipped on its first request, again only when it changes. */
function builtFiles(): (file: string) => BuiltFile {
  const cache = new Map<string, BuiltFile>();
  return (file) => {
    const { mtimeMs } = fs.statSync(file);
    let entry = cache.get(file);
    if (entry?.mtimeMs !== mtimeMs) {
      const raw = fs.readFileSync(file);
      entry = { mtimeMs, raw, gzipped: zlib.gzipSync(raw, { level: 9 }), etag: `"${mtimeMs.toString(36)}-${raw.length.toString(36)}"` };
      cache.set(file, entry);
    }
    return entry;
  };
}

export function serveDashboard(app: express.Express, dashboardDir: string): void {
  serveBuiltPage(app, { route: '/', dir: dashboardDir, html: 'index.html', what: 'dashboard' });
}

/**
 * Serves the built explorer (docs/explorer.md): `/explore` is its page, `/explore/assets/*` its own
 * content-hashed files. A build of its own (dashboard/vite.explore.config.ts), so the report page's
 * script carries none of the explorer and the explorer none of the report's charts.
 */
export function serveExplorer(app: express.Express, exploreDir: string): void {
  serveBuiltPage(app, { route: '/explore', dir: exploreDir, html: 'explore.html', what: 'explorer' });
}

/** One built page: its HTML at `route` (never cached), its hashed assets under `<route>/assets` (cached for a year, gzipped). */
function serveBuiltPage(app: express.Express, page: { route: string; dir: string; html: string; what: string }): void {
  const index = path.join(page.dir, page.html);
  const assetsDir = path.join(page.dir, 'assets');
  const assetsRoute = `${page.route === '/' ? '' : page.route}/assets`;
  const read = builtFiles();

  app.get(`${assetsRoute}/:file`, (req, res, next) => {
    const name = req.params.file;
    if (!COMPRESSIBLE.test(name) || !req.acceptsEncodings('gzip')) return next();
    const file = path.join(assetsDir, path.basename(name));
    if (!fs.existsSync(file)) return next();
    const body = read(file).gzipped;
    res.set({
      'Content-Encoding': 'gzip',
      'Cache-Control': 'public, max-age=31536000, immutable',
      Vary: 'Accept-Encoding',
    });
    res.type(path.extname(name)).send(body);
  });
  app.use(assetsRoute, express.static(assetsDir, { index: false, immutable: true, maxAge: '365d' }));
  app.get(page.route, (_req, res) => {
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send(`The ${page.what} is not built: run \`npm run build\`.`);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
}

/**
 * Serves the embedding script, `/embed/widgets.js` (docs/embedding.md), and the chunks it loads on
 * first use (`/embed/<name>.js`, the report widget's): ES modules a portal loads with `<script
 * type="module">` from its own origin, which the browser fetches in CORS mode. So they carry
 * `Access-Control-Allow-Origin` for the portal origins of SCU_ALLOWED_ORIGINS only: any other page
 * gets no script it can run (the API would refuse its calls anyway). The entry's name is not hashed
 * (portals link it by name): `no-cache`, revalidated by an ETag; the chunks are served the same way.
 */
export function serveEmbedScript(app: express.Express, embedDir: string, allowedOrigins: readonly string[]): void {
  const allowed = new Set(allowedOrigins);
  const read = builtFiles();
  app.get('/embed/:file', (req, res, next) => {
    const name = req.params.file;
    // Only the build's own module files, by their plain names (no path, no dot-file).
    if (!/^[\w-]+(\.[\w-]+)*\.js$/.test(name)) return next();
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) res.set('Access-Control-Allow-Origin', origin);
    res.vary('Origin');
    const file = path.join(embedDir, name);
    if (!fs.existsSync(file)) {
      if (name !== 'widgets.js') return next();
      res.status(503).type('text/plain').send('The embedding script is not built: run `npm run build`.');
      return;
    }
    const script = read(file);
    res.set({ 'Cache-Control': 'no-cache', ETag: script.etag });
    if (req.headers['if-none-match'] === script.etag) {
      res.status(304).end();
      return;
    }
    res.type('text/javascript');
    if (req.acceptsEncodings('gzip')) {
      res.vary('Accept-Encoding').set('Content-Encoding', 'gzip').send(script.gzipped);
    } else res.send(script.raw);
  });
}

/**
 * The iframe mode's pages (docs/embedding.md): `/embed/report`, `/embed/chart`, `/embed/figure`, one
 * widget each, run by `/embed/frame.js`. The page says which portal origins it may talk to (the
 * allowed origins are no secret: the frame-ancestors header lists them too), so the frame writes its
 * events only to such a parent and takes actions only from it.
 */
export function serveEmbedFrames(app: express.Express, embedDir: string, allowedOrigins: readonly string[]): void {
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="scu-allowed-origins" content="${allowedOrigins.map((o) => o.replace(/[^\w:/.\-[\]]/g, '')).join(' ')}">
<title>Service Code Usage</title>
<style>html, body { margin: 0; background: transparent; }</style>
<script type="module" src="/embed/frame.js"></script>
</head>
<body></body>
</html>
`;
  app.get(['/embed/report', '/embed/chart', '/embed/figure'], (_req, res) => {
    if (!fs.existsSync(path.join(embedDir, 'frame.js'))) {
      res.status(503).type('text/plain').send('The embedding script is not built: run `npm run build`.');
      return;
    }
    res.set('Cache-Control', 'no-cache').type('html').send(page);
  });
}
