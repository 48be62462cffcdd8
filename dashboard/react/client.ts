/**
 * The Cube API client of the React adapter, and the provider that gives it to the hooks
 * (`@cubejs-client/react`'s `CubeProvider`). The client is the project's own `@cubejs-client/core`
 * (1.7.43, as the dashboard and the widgets), not the 1.7.42 that `@cubejs-client/react` 1.7.42 brings
 * for itself: the hooks only call the client's `load`, which both versions share.
 */
import cube, { type CubeApi } from '@cubejs-client/core';
import { CubeProvider, type CubeProviderProps } from '@cubejs-client/react';
import { createElement, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { createWidgetToken } from '../src/embed/widget-token.js';

export interface ServiceCodeUsageApiOptions {
  /** The plugin's Cube API base, `https://reports.example.com/cubejs-api/v1`. */
  apiUrl: string;
  /** A token signed by the portal's server (docs/security.md). */
  token?: string | null;
  /** Asked for the first request, and again when the token it gave is within 60 s of expiry; wins over `token`. */
  getToken?: (() => Promise<string> | string) | null;
}

/**
 * A Cube client for the plugin's API. `source` is read at each request, so a new token (or getToken)
 * is used by the next request without a new client.
 */
export function createServiceCodeUsageApi(apiUrl: string, source: () => Omit<ServiceCodeUsageApiOptions, 'apiUrl'>): CubeApi {
  // The widgets' own token source: a getToken token is renewed a minute before its expiry.
  const token = createWidgetToken(source, () => {});
  return cube(() => token.current(), { apiUrl });
}

export interface ServiceCodeUsageProviderProps extends Partial<ServiceCodeUsageApiOptions> {
  /** A client the host made itself (a `cube()` of `@cubejs-client/core`); else one is made from apiUrl and the token. */
  cubeApi?: CubeApi;
  children?: ReactNode;
}

/** `@cubejs-client/react`'s CubeProvider with the plugin's client: wrap the components using the hooks in it. */
export function ServiceCodeUsageProvider({ apiUrl, token, getToken, cubeApi, children }: ServiceCodeUsageProviderProps) {
  const tokens = useRef({ token, getToken });
  // A layout effect: it runs before the hooks' (passive) effects that send the next request.
  useLayoutEffect(() => {
    tokens.current = { token, getToken };
  }, [token, getToken]);
  const api = useMemo(() => {
    if (cubeApi) return cubeApi;
    if (!apiUrl) throw new TypeError('ServiceCodeUsageProvider: give apiUrl (with token or getToken), or cubeApi');
    return createServiceCodeUsageApi(apiUrl, () => tokens.current);
  }, [cubeApi, apiUrl]);
  // @cubejs-client/react types its client with its own core (1.7.42); the instance is the project's 1.7.43.
  return createElement(CubeProvider, { cubeApi: api as unknown as CubeProviderProps['cubeApi'], children });
}
