/**
 * The server process in a role (SCU_ROLE all|api|refresh) for the topology tests: `node --import tsx
 * server/main.ts` as a child (scripts/bench/server.ts's BenchServer: its log lines kept, its REST client
 * asking again on "Continue wait"), on a MariaDB database, every process of a test with the same secret.
 * Waits for the role's start-up line, reads /readyz and info, and stops the process with SIGTERM,
 * resolving with its exit code.
 */
import type { Role } from '../../server/config.js';
import { BenchServer, type LogLine } from '../../scripts/bench/server.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
}

/** The line server/main.ts prints once a process of the role is started (after its first pass, if it builds). */
export const STARTED_LINE: Record<Role, RegExp> = {
  all: /^Pre-aggregations up to date in [\d.]+ s\.$/,
  refresh: /^Pre-aggregations up to date in [\d.]+ s\.$/,
  api: /^Serving the pre-aggregations the refresh worker builds \(SCU_ROLE=api\)\.$/,
};

export class RoleProcess {
  private readonly exited: Promise<Exit>;
  /** performance.now() when SIGTERM was sent. */
  terminatedAt: number | undefined;

  private constructor(
    readonly role: Role,
    readonly server: BenchServer,
  ) {
    const child = server.child;
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  /**
   * Spawns the role on `database`, its pre-aggregations in `schema`. Refresh-key interval 2 s, drain 1 s,
   * no request log (unless `env` says otherwise).
   */
  static async spawn(role: Role, database: string, schema: string, env: Record<string, string> = {}): Promise<RoleProcess> {
    const server = await BenchServer.start(database, schema, {
      SCU_ROLE: role,
      SCU_REFRESH_KEY_EVERY_SECONDS: '2',
      SCU_SHUTDOWN_DRAIN_SECONDS: '1',
      SCU_REQUEST_LOG: 'off',
      ...env,
    });
    return new RoleProcess(role, server);
  }

  /** Spawns the role and waits for its start-up lines (the listening line with the role, then STARTED_LINE). */
  static async start(
    role: Role,
    database: string,
    schema: string,
    env: Record<string, string> = {},
    timeoutMs = 150_000,
  ): Promise<RoleProcess> {
    const process = await RoleProcess.spawn(role, database, schema, env);
    try {
      await process.waitUntilStarted(timeoutMs);
    } catch (error) {
      await process.kill();
      throw error;
    }
    return process;
  }

  /** Waits for the start-up line naming the role and then the role's STARTED_LINE; returns the latter. */
  async waitUntilStarted(timeoutMs: number): Promise<LogLine> {
    const deadline = performance.now() + timeoutMs;
    const listening = await this.server.waitForLog(/^Service Code Usage .* on http:\/\/localhost:\d+ — role /, timeoutMs);
    if (!listening.text.includes(`— role ${this.role},`))
      throw new Error(`a ${this.role} process started as another role: ${listening.text}`);
    return this.server.waitForLog(STARTED_LINE[this.role], Math.max(1, deadline - performance.now()));
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  get pid(): number {
    return this.server.pid;
  }

  /** GET a path of this process (no token), with its JSON body. */
  async get(path: string, timeoutMs = 10_000): Promise<HttpReply> {
    const response = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error(`GET ${path}: ${response.status}, not JSON: ${text.slice(0, 300)}`);
    }
    return { status: response.status, body };
  }

  /** SIGTERM; resolves with the exit (SIGKILL, and an exit that says so, if it has not exited in `killAfterMs`). */
  async terminate(killAfterMs = 45_000): Promise<Exit> {
    if (this.server.child.exitCode === null && this.server.child.signalCode === null) {
      this.terminatedAt = performance.now();
      this.server.child.kill('SIGTERM');
    }
    const killer = setTimeout(() => this.server.child.kill('SIGKILL'), killAfterMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(killer);
    }
  }

  /** Cleanup after a failed test: SIGKILL if still running. */
  async kill(): Promise<void> {
    if (this.server.child.exitCode === null && this.server.child.signalCode === null) this.server.child.kill('SIGKILL');
    await this.exited;
  }

  /** The lines logged since `from` (an index into the log), for failure messages. */
  tail(lines = 30): string {
    return `${this.role} process ${this.pid}:\n${this.server.tail(lines)}`;
  }

  hasLogged(pattern: RegExp): boolean {
    return this.server.findLog(pattern) !== undefined;
  }
}
