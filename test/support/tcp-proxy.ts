/**
 * A real TCP proxy for outage tests (issue 13, item 3): the server under test connects to the proxy's
 * port instead of the database's, and the test breaks the path between them without touching the
 * shared MariaDB.
 *
 * - `cut()`: a black hole. New connections are accepted and never forwarded; bytes on existing ones
 *   are held back (in both directions), as when a network path drops packets.
 * - `refuse()`: the listener closes: new connections are refused (ECONNREFUSED). Existing ones go on.
 * - `slow(ms)`: every chunk is delivered `ms` later (in order).
 * - `reset()`: every open connection is reset (RST) on both sides, as when a database restarts mid-query.
 * - `restore()`: normal forwarding again (the listener reopens on the same port after `refuse()`; held
 *   bytes of a cut are delivered).
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  cut(): void;
  refuse(): Promise<void>;
  slow(ms: number): void;
  reset(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
  /** Connections open now (both legs counted once). */
  openConnections(): number;
}

type Mode = { kind: 'pass' } | { kind: 'cut' } | { kind: 'slow'; ms: number };

interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
  /** Held chunks while cut, per direction. */
  heldUp: Buffer[];
  heldDown: Buffer[];
  forwarding: boolean;
}

export async function startTcpProxy(options: { target: { host: string; port: number }; port?: number }): Promise<TcpProxy> {
  let mode: Mode = { kind: 'pass' };
  const pairs = new Set<Pair>();
  let server: net.Server | undefined;
  let port = options.port ?? 0;

  const send = (to: net.Socket | undefined, chunk: Buffer) => {
    if (!to || to.destroyed) return;
    if (mode.kind === 'slow') {
      const delay = mode.ms;
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, delay);
    } else {
      to.write(chunk);
    }
  };

  const connectUpstream = (pair: Pair) => {
    if (pair.forwarding) return;
    pair.forwarding = true;
    const upstream = net.connect(options.target.port, options.target.host);
    pair.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => {
      if (mode.kind === 'cut') pair.heldDown.push(chunk);
      else send(pair.client, chunk);
    });
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => {
      pair.client.destroy();
      pairs.delete(pair);
    });
    for (const chunk of pair.heldUp.splice(0)) upstream.write(chunk);
  };

  const onConnection = (client: net.Socket) => {
    const pair: Pair = { client, heldUp: [], heldDown: [], forwarding: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (mode.kind === 'cut' || !pair.upstream) pair.heldUp.push(chunk);
      else send(pair.upstream, chunk);
    });
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (mode.kind !== 'cut') connectUpstream(pair);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });

  /** Stops accepting at once (close's callback would wait for every open connection to end). */
  const closeListener = async () => {
    const s = server;
    server = undefined;
    s?.close();
  };

  await listen();

  return {
    get port() {
      return port;
    },
    cut() {
      mode = { kind: 'cut' };
    },
    async refuse() {
      await closeListener();
    },
    slow(ms: number) {
      mode = { kind: 'slow', ms };
    },
    reset() {
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy();
        pair.upstream?.resetAndDestroy();
        pairs.delete(pair);
      }
    },
    async restore() {
      mode = { kind: 'pass' };
      for (const pair of pairs) {
        if (!pair.forwarding) connectUpstream(pair);
        else {
          for (const chunk of pair.heldUp.splice(0)) pair.upstream?.write(chunk);
          for (const chunk of pair.heldDown.splice(0)) pair.client.write(chunk);
        }
      }
      if (!server) await listen();
    },
    async close() {
      await closeListener();
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
    },
    openConnections() {
      return pairs.size;
    },
  };
}
