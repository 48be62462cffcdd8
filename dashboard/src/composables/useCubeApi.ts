import cube, { type CubeApi } from '@cubejs-client/core';
import { inject, provide, type InjectionKey } from 'vue';

/** The part of the Cube client the dashboard uses (tests provide a fake with the same shape); the
 * explorer also shows a query's SQL (`sql`), which the report never asks for. */
export type CubeClient = Pick<CubeApi, 'load' | 'meta'> & Partial<Pick<CubeApi, 'sql'>>;

const CUBE_CLIENT: InjectionKey<CubeClient> = Symbol('cube-client');

/**
 * A Cube client for this server's REST API. The token comes from a function, asked before every
 * request, so a token refreshed by the portal is used without a reload (docs/style.md, "dashboard/").
 */
export function createCubeClient(getToken: () => string | null | Promise<string | null>, apiUrl = '/cubejs-api/v1'): CubeClient {
  return cube(async () => (await getToken()) ?? '', { apiUrl });
}

/** Like @cubejs-client/react's CubeProvider: makes the client available to every descendant. */
export function provideCubeClient(client: CubeClient): void {
  provide(CUBE_CLIENT, client);
}

export function useCubeClient(): CubeClient {
  const client = inject(CUBE_CLIENT, null);
  if (!client) throw new Error('useCubeClient: no Cube client provided (call provideCubeClient in an ancestor)');
  return client;
}
