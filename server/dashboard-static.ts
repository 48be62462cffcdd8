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

export function serveDashboard(app: express.Express, dashboardDir: string): void {
  const index = path.join(dashboardDir, 'index.html');
  const assetsDir = path.join(dashboardDir, 'assets');
  // Gzipped bytes per asset path, made on first request; the files are immutable (hashed names).
  const gzipped = new Map<string, Buffer>();

  app.get('/assets/:file', (req, res, next) => {
    const name = req.params.file;
    if (!COMPRESSIBLE.test(name) || !req.acceptsEncodings('gzip')) return next();
    const file = path.join(assetsDir, path.basename(name));
    if (!fs.existsSync(file)) return next();
    let body = gzipped.get(file);
    if (!body) {
      body = zlib.gzipSync(fs.readFileSync(file), { level: 9 });
      gzipped.set(file, body);
    }
    res.set({
      'Content-Encoding': 'gzip',
      'Cache-Control': 'public, max-age=31536000, immutable',
      Vary: 'Accept-Encoding',
    });
    res.type(path.extname(name)).send(body);
  });
  app.use('/assets', express.static(assetsDir, { index: false, immutable: true, maxAge: '365d' }));
  app.get('/', (_req, res) => {
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The dashboard is not built: run `npm run build`.');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
}
