/**
 * Every reach of server/app.ts into Cube's private or undocumented API, each behind a named, typed
 * function: what the app relies on beyond Cube's documented options is listed here, in one file, and
 * a Cube upgrade that changes one of them breaks here. They are written for the pinned version
 * (version.ts checks it). The patches' own reaches stay in server/cube/patches/, typed there.
 */
import type * as ApiGatewayModule from '@cubejs-backend/api-gateway';
// Cube's WebSocket server is not re-exported by the package index; the path is pinned with Cube's version.
import { WebSocketServer } from '@cubejs-backend/server/dist/src/websocket-server.js';
import type * as ServerCoreModule from '@cubejs-backend/server-core';
import type http from 'node:http';

type ApiGateway = ApiGatewayModule.ApiGateway;
type CubejsServerCore = ServerCoreModule.CubejsServerCore;

/** The core's REST/WebSocket gateway, made by `initApp` (`apiGateway()` is protected in Cube). */
export function apiGatewayOf(core: CubejsServerCore): ApiGateway {
  return (core as unknown as { apiGateway(): ApiGateway }).apiGateway();
}

/** Runs one pass of Cube's refresh scheduler now, as its timer does (`handleScheduledRefreshInterval`).
 * Resolves to whether the pass finished: a partition whose build outlasts Cube's "Continue wait"
 * (5 s) ends the pass early while the build goes on in Cube's queue; the next pass picks it up. */
export async function runScheduledRefreshPass(core: CubejsServerCore): Promise<boolean> {
  const results = await (
    core as unknown as { handleScheduledRefreshInterval(options: object): Promise<({ finished?: boolean } | undefined)[]> }
  ).handleScheduledRefreshInterval({});
  return results.every((r) => r?.finished === true);
}

/** Marks the `default` data source as seen on every orchestrator the core made, so that
 * `core.shutdown()` releases its driver (the orchestrators live in the protected `orchestratorStorage`). */
export function markDefaultDataSourceSeen(core: CubejsServerCore): void {
  const orchestrators = (core as unknown as { orchestratorStorage: { storage: Map<string, { addDataSeenSource(ds: string): void }> } })
    .orchestratorStorage.storage;
  for (const orchestrator of orchestrators.values()) orchestrator.addDataSeenSource('default');
}

/** Cube's WebSocket transport (subscriptions included) on the given HTTP server. */
export function attachWebSocketServer(core: CubejsServerCore, server: http.Server): WebSocketServer {
  const sockets = new WebSocketServer(core, {});
  sockets.initServer(server);
  return sockets;
}

/** What the change tracker needs of Cube's driver for the source database. */
export interface SourceDriver {
  query(sql: string, values: unknown[]): Promise<Record<string, unknown>[]>;
}

/** The driver Cube's own orchestrator uses for the `default` data source (one pool, and for DuckDB the
 * one open database file: a second driver could not open it). `driverFactory` is not documented. */
export async function sourceDriverOf(core: CubejsServerCore): Promise<SourceDriver> {
  const orchestrator = await (
    core as unknown as { getOrchestratorApi(context: object): Promise<{ driverFactory(dataSource: string): Promise<SourceDriver> }> }
  ).getOrchestratorApi({ securityContext: {}, authInfo: {} });
  return orchestrator.driverFactory('default');
}
