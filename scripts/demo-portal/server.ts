/**
 * The demo host portal (README.md beside this file): a stand-in for the practice-management SaaS that
 * embeds the plugin, on an origin of its own, showing the ways docs/embedding.md offers (custom
 * elements, the JS API, iframes, the React adapter). Plain node:http, no framework: the one thing an integrator has to copy
 * is GET /token, which signs the signed-in user's token HERE, with the plugin's CUBEJS_API_SECRET, so
 * that the browser only ever holds a short-lived token and never the secret.
 *
 *   CUBEJS_API_SECRET=… node --import tsx scripts/demo-portal/server.ts [--port 5173] [--api http://localhost:4000]
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { mintToken } from '../../server/security/tokens.js';
import { bundleReactApp } from './react/bundle.js';
import { COOKIE, claimsOf, userFromCookie, userFromParams, userToParams, type PortalUser } from './session.js';

/** Short-lived on purpose (docs/security.md: no revocation list): the widgets ask /token again before it ends. */
export const TOKEN_TTL_SECONDS = 600;

const PAGES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pages');
const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/elements': 'elements.html',
  '/js-api': 'js-api.html',
  '/iframe': 'iframe.html',
  '/react': 'react.html',
};
const ASSETS: Record<string, string> = { '/portal.js': 'text/javascript', '/portal.css': 'text/css' };
const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/elements', 'Custom elements'],
  ['/js-api', 'JS API'],
  ['/iframe', 'Iframes'],
  ['/react', 'React'],
];

export interface PortalOptions {
  /** The plugin's server, e.g. http://localhost:4000: its /embed/widgets.js, /embed/* frames and /cubejs-api/v1. */
  api: string;
  /** The plugin's CUBEJS_API_SECRET: the portal and the plugin share it (HS256). */
  secret: string;
  /** Where to tell that a token was signed (the console when run from the command line). */
  log?: (line: string) => void;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function send(res: http.ServerResponse, status: number, type: string, body: string, headers: http.OutgoingHttpHeaders = {}) {
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

/** The portal's header: where the pages are, and who is "signed in" (a form that signs in as someone else). */
function header(user: PortalUser, current: string): string {
  const v = Object.fromEntries(userToParams(user));
  const field = (name: string, label: string, extra = '') =>
    `<label>${label} <input name="${name}" value="${escapeHtml(v[name] ?? '')}" ${extra}></label>`;
  const roles = ['owner', 'billing', 'provider'].map((r) => `<option${r === user.role ? ' selected' : ''}>${r}</option>`).join('');
  const links = NAV.map(([href, text]) => `<a href="${href}"${href === current ? ' aria-current="page"' : ''}>${text}</a>`).join('');
  return `<header>
  <strong>Acme Practice Cloud</strong> <span class="muted">(a demo portal)</span>
  <nav>${links}</nav>
  <form class="user" action="/sign-in" method="get" aria-label="Signed-in user">
    <input type="hidden" name="next" value="${escapeHtml(current)}">
    ${field('clinic', 'Clinic', 'size="3" inputmode="numeric"')}
    <label>Role <select name="role">${roles}</select></label>
    ${field('provider', 'Provider id', 'size="3" inputmode="numeric" placeholder="role provider"')}
    ${field('payors', 'Payor scope', 'size="8" placeholder="e.g. 12,none"')}
    ${field('from', 'From', 'type="date"')} ${field('to', 'To', 'type="date"')}
    <button>Sign in as</button>
  </form>
</header>`;
}

/** A page of pages/ with the plugin's address, the user's period and the header filled in. */
function renderPage(file: string, user: PortalUser, current: string, apiOrigin: string): string {
  return fs
    .readFileSync(path.join(PAGES_DIR, file), 'utf8')
    .replace('<!-- portal header -->', header(user, current))
    .replaceAll('%API%', apiOrigin)
    .replaceAll('%FROM%', user.from)
    .replaceAll('%TO%', user.to);
}

/** The portal's request handler (the test mounts it on a server of its own). */
export function createPortalHandler({ api, secret, log = () => {} }: PortalOptions): http.RequestListener {
  const apiOrigin = new URL(api).origin;
  // The React page's script, bundled once as the portal starts (react/bundle.ts); a failure is said on /react-app.js.
  const started = Date.now();
  const reactApp = bundleReactApp().then(
    (code) => (log(`React page bundled in ${Date.now() - started} ms`), { code, error: null }),
    (e: Error) => ({ code: null, error: e.message }),
  );
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only', { Allow: 'GET, HEAD' });
    // A real portal reads its user from its session; the demo's "session" is the picker's cookie.
    const user = userFromCookie(req.headers.cookie);

    if (url.pathname === '/token') {
      // The whole server-side integration: claims from the session, signed with the shared secret.
      try {
        const token = mintToken(secret, claimsOf(user), TOKEN_TTL_SECONDS);
        log(`signed a ${TOKEN_TTL_SECONDS / 60}-minute token: ${JSON.stringify(claimsOf(user))}`);
        return send(res, 200, 'text/plain', token);
      } catch (e) {
        return send(res, 400, 'text/plain', `cannot sign a token for this user: ${(e as Error).message}`);
      }
    }

    if (url.pathname === '/sign-in') {
      const next = url.searchParams.get('next') ?? '/';
      // Only this portal's own pages: never an open redirect.
      const back = Object.hasOwn(PAGES, next) ? next : '/';
      try {
        const chosen = userFromParams(url.searchParams);
        const cookie = `${COOKIE}=${encodeURIComponent(userToParams(chosen).toString())}; Path=/; HttpOnly; SameSite=Lax`;
        res.writeHead(303, { Location: back, 'Set-Cookie': cookie, 'Cache-Control': 'no-store' }).end();
      } catch (e) {
        send(res, 400, 'text/html', `<p>${escapeHtml((e as Error).message)}. <a href="${back}">Back</a></p>`);
      }
      return;
    }

    if (url.pathname === '/react-app.js') {
      void reactApp.then(({ code, error }) =>
        code !== null
          ? send(res, 200, 'text/javascript', code)
          : send(res, 500, 'text/plain', `the React page could not be bundled: ${error}`),
      );
      return;
    }

    const page = PAGES[url.pathname];
    if (page) return send(res, 200, 'text/html', renderPage(page, user, url.pathname, apiOrigin));
    const asset = ASSETS[url.pathname];
    if (asset) return send(res, 200, asset, fs.readFileSync(path.join(PAGES_DIR, url.pathname.slice(1)), 'utf8'));
    send(res, 404, 'text/plain', 'not found');
  };
}

export interface RunningPortal {
  /** http://localhost:<port>: the origin to list in the plugin's SCU_ALLOWED_ORIGINS. */
  origin: string;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/**
 * Serves the portal on loopback only: /token signs a token for whoever asks, so it must not be
 * reachable from the network. Both loopback addresses, as Chromium may try ::1 or 127.0.0.1 for
 * `localhost`; and a page on loopback is one Chromium lets reach the plugin on loopback.
 */
export async function startPortal(options: PortalOptions & { port: number }): Promise<RunningPortal> {
  const handler = createPortalHandler(options);
  const v4 = http.createServer(handler);
  await listen(v4, options.port, '127.0.0.1');
  const { port } = v4.address() as net.AddressInfo;
  const v6 = http.createServer(handler);
  const servers = [v4];
  // A machine without IPv6 loopback: 127.0.0.1 alone.
  await listen(v6, port, '::1').then(
    () => servers.push(v6),
    () => undefined,
  );
  return {
    origin: `http://localhost:${port}`,
    close: () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined),
  };
}

/** Tells whether the plugin answers and lets this portal's pages load its script (SCU_ALLOWED_ORIGINS). */
async function checkPlugin(api: string, origin: string): Promise<string> {
  try {
    const res = await fetch(new URL('/embed/widgets.js', api), { method: 'HEAD', headers: { Origin: origin } });
    if (res.status === 503) return `The plugin at ${api} has no embedding script: run npm run build there.`;
    if (res.headers.get('access-control-allow-origin') === origin) return `The plugin at ${api} allows this portal's origin.`;
    return `The plugin at ${api} answers (${res.status}) but does not allow ${origin}: restart it as above.`;
  } catch {
    return `The plugin at ${api} does not answer yet: start it as above.`;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '5173' }, api: { type: 'string', default: 'http://localhost:4000' } },
  });
  const secret = process.env.CUBEJS_API_SECRET;
  if (!secret) {
    throw new Error(
      "CUBEJS_API_SECRET is not set. The portal signs its users' tokens with the plugin's secret: give it the same value as the plugin " +
        '(the embedded demo keeps its own in .data/demo-api-secret: CUBEJS_API_SECRET=$(cat .data/demo-api-secret) npm run demo:portal).',
    );
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
  const api = values.api;
  if (!/^https?:\/\/[^/]+/.test(api))
    throw new Error(`--api must be the plugin's http(s) address, e.g. http://localhost:4000; got "${api}"`);

  const portal = await startPortal({ api, secret, port, log: (line) => console.log(line) }).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: choose another with --port`) : e;
  });
  console.log(`Demo portal: ${portal.origin}  (tokens signed for ${api}, ${TOKEN_TTL_SECONDS / 60}-minute lifetime)`);
  // The plugin's own port when --api is not its default (PORT, README "Configuration").
  const apiPort = new URL(api).port;
  const start = `SCU_ALLOWED_ORIGINS=${portal.origin} ${apiPort && apiPort !== '4000' ? `PORT=${apiPort} ` : ''}npm start`;
  console.log(`The plugin must allow this origin; run it beside this one with:\n  ${start}`);
  console.log(await checkPlugin(api, portal.origin));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void portal.close().then(() => process.exit(0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(`demo portal: ${(e as Error).message}`);
    process.exit(1);
  });
}
