/**
 * A real TCP proxy for outage tests (issue 13, item 3): the server under test connects to the proxy's
 * port instead of the database's, and the test breaks the path between them without touching the
 * shared MariaDB.
 *
 * - `cut()`: a black hole. New connections are accepted and never forwarded; bytes on existing ones
 *   are held back (in both directions), as when a network path drops packets.
 * - `refuse()`: the listener closes: new connections are refused (ECONNREFUSED). Existing ones go on.
 * - `slow(ms)`: every chunk is delivered `ms` later.
 * - `reset()`: every open connection is reset (RST) on both sides, as when a database restarts mid-query.
 * - `restore()`: normal forwarding again (the listener reopens on the same port after `refuse()`; held
 *   bytes of a cut are delivered).
 *
 * Each direction of a connection is one FIFO lane: a chunk is written no earlier than its time and
 * never before the chunks ahead of it, so changing the mode (slow → pass, cut → pass) never reorders
 * a byte stream (MySQL's protocol would break, not the database).
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
  /** Connections accepted since the start. */
  acceptedConnections(): number;
}

type Mode = { kind: 'pass' } | { kind: 'cut' } | { kind: 'slow'; ms: number };

/** One direction of a connection: chunks waiting for their time (`Infinity`: held by a cut). */
interface Lane {
  to?: net.Socket;
  queue: { at: number; chunk: Buffer }[];
  timer?: NodeJS.Timeout;
}

interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
  up: Lane;
  down: Lane;
}

/** Writes the chunks whose time has come, in order; waits for the first one that is not due. */
function drain(lane: Lane): void {
  if (lane.timer || !lane.to) return;
  while (lane.queue.length > 0) {
    const head = lane.queue[0]!;
    if (head.at === Infinity) return;
    const wait = head.at - Date.now();
    if (wait > 0) {
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        drain(lane);
      }, wait);
      return;
    }
    lane.queue.shift();
    if (!lane.to.destroyed) lane.to.write(head.chunk);
  }
}

function stop(lane: Lane): void {
  clearTimeout(lane.timer);
  lane.timer = undefined;
  lane.queue.length = 0;
}

export async function startTcpProxy(options: { target: { host: string; port: number }; port?: number }): Promise<TcpProxy> {
  let mode: Mode = { kind: 'pass' };
  const pairs = new Set<Pair>();
  let accepted = 0;
  let server: net.Server | undefined;
  let port = options.port ?? 0;

  const enqueue = (lane: Lane, chunk: Buffer) => {
    const at = mode.kind === 'cut' ? Infinity : mode.kind === 'slow' ? Date.now() + mode.ms : 0;
    lane.queue.push({ at, chunk });
    drain(lane);
  };

  const forget = (pair: Pair) => {
    stop(pair.up);
    stop(pair.down);
    pairs.delete(pair);
  };

  const connectUpstream = (pair: Pair) => {
    if (pair.upstream) return;
    const upstream = net.connect(options.target.port, options.target.host);
    pair.upstream = upstream;
    pair.up.to = upstream;
    upstream.on('data', (chunk: Buffer) => enqueue(pair.down, chunk));
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => {
      pair.client.destroy();
      forget(pair);
    });
    drain(pair.up);
  };

  const onConnection = (client: net.Socket) => {
    accepted++;
    const pair: Pair = { client, up: { queue: [] }, down: { to: client, queue: [] } };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => enqueue(pair.up, chunk));
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      forget(pair);
    });
    // A black hole accepts but never reaches the database (the client waits for its greeting).
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
        forget(pair);
      }
    },
    async restore() {
      mode = { kind: 'pass' };
      const now = Date.now();
      for (const pair of pairs) {
        for (const lane of [pair.up, pair.down]) {
          for (const item of lane.queue) if (item.at === Infinity) item.at = now;
        }
        if (!pair.upstream) connectUpstream(pair);
        drain(pair.up);
        drain(pair.down);
      }
      if (!server) await listen();
    },
    async close() {
      await closeListener();
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream?.destroy();
        forget(pair);
      }
    },
    openConnections() {
      return pairs.size;
    },
    acceptedConnections() {
      return accepted;
    },
  };
}
