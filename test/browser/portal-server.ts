/**
 * The portal of the embedding tests: a page server on loopback, of another origin than the API's
 * (`http://localhost:<port>`; the API is at 127.0.0.1), which serves whatever page a test asks for
 * (`/page?html=<base64url>`). A real server, not a fulfilled route: Chromium lets a page reach a
 * loopback address only from loopback (Local Network Access), as a portal and the plugin on one
 * host would be. The same server under `http://127.0.0.1:<port>` is an origin the API does not allow.
 */
import http from 'node:http';
import type net from 'node:net';

export interface PortalServer {
  /** Allowed by the API (SCU_ALLOWED_ORIGINS). */
  origin: string;
  /** The same pages under an origin the API does not allow. */
  strangerOrigin: string;
  close(): Promise<void>;
}

export async function startPortalServer(port = 0): Promise<PortalServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal');
    const html = url.pathname === '/page' ? url.searchParams.get('html') : null;
    if (html === null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(Buffer.from(html, 'base64url'));
  });
  // Both address families: Chromium may resolve localhost to ::1 first.
  await new Promise<void>((resolve) => server.listen(port, resolve));
  const { port: listening } = server.address() as net.AddressInfo;
  return {
    origin: `http://localhost:${listening}`,
    strangerOrigin: `http://127.0.0.1:${listening}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The address of a page with `html` on `origin`. */
export function portalPageUrl(origin: string, html: string): string {
  return `${origin}/page?html=${Buffer.from(html).toString('base64url')}`;
}
