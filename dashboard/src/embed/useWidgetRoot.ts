/**
 * What every widget's root element does (ScuFigure.ce.vue, ScuReport.ce.vue): read its attributes
 * strictly, hold its token and the Cube client (provided to the widget below it), and speak to the host
 * page through DOM events: `scu-ready` when mounted, `scu-loaded` once, `scu-error` for a bad attribute
 * or a failed request, `scu-token-expiring`, and `scu-resize` whenever its content's height changes.
 */
import { computed, onBeforeUnmount, onMounted, useHost, watch, type ComputedRef, type Ref } from 'vue';
import { createCubeClient, provideCubeClient, type CubeClient } from '../composables/useCubeApi.js';
import { emitWidgetEvent, type WidgetEventDetails, type WidgetEventName } from './widget-events.js';
import { parseApiUrl, parseCurrency, parseLocale, parseTheme, WidgetConfigError } from './widget-options.js';
import { createWidgetToken } from './widget-token.js';

/** The attributes every widget has (DESIGN.md "Embedding contract"). */
export interface WidgetProps {
  apiUrl?: string | undefined;
  token?: string | undefined;
  getToken?: (() => Promise<string> | string) | undefined;
  locale?: string | undefined;
  currency?: string | undefined;
  theme?: string | undefined;
}

export interface WidgetBase {
  apiUrl: string;
  locale: string | undefined;
  currency: string | undefined;
  theme: 'light' | 'dark';
}

export type WidgetConfig<T> = ({ ok: true } & WidgetBase & T) | { ok: false; message: string };

export function useWidgetRoot<T extends object>(props: WidgetProps, readOwn: () => T, root: Readonly<Ref<HTMLElement | null>>) {
  const host = useHost();
  const connectedAt = performance.now();
  const emit = <N extends WidgetEventName>(name: N, detail: WidgetEventDetails[N]) => emitWidgetEvent(host, name, detail);

  const config: ComputedRef<WidgetConfig<T>> = computed(() => {
    try {
      return {
        ok: true as const,
        apiUrl: parseApiUrl(props.apiUrl, document.baseURI),
        locale: parseLocale(props.locale),
        currency: parseCurrency(props.currency),
        theme: parseTheme(props.theme),
        ...readOwn(),
      };
    } catch (e) {
      if (!(e instanceof WidgetConfigError)) throw e;
      return { ok: false as const, message: e.message };
    }
  });

  const token = createWidgetToken(
    () => ({ token: props.token, getToken: props.getToken }),
    (expiresAt) => emit('scu-token-expiring', { expiresAt }),
  );
  watch(() => props.token, token.watch, { immediate: true });
  onBeforeUnmount(token.dispose);
  // A client per API address, made when a request needs it: a portal may set `api-url` after the
  // element connected (it then applies to the next request). Each asks for the token before every request.
  let client: { url: string; api: CubeClient } | null = null;
  const current = (): CubeClient => {
    const c = config.value;
    if (!c.ok) throw new WidgetConfigError(c.message);
    if (client?.url !== c.apiUrl) client = { url: c.apiUrl, api: createCubeClient(token.current, c.apiUrl) };
    return client.api;
  };
  provideCubeClient({
    load: ((...args: Parameters<CubeClient['load']>) => current().load(...args)) as CubeClient['load'],
    meta: ((...args: Parameters<CubeClient['meta']>) => current().meta(...args)) as CubeClient['meta'],
    // The explorer shows a query's SQL.
    sql: ((...args: Parameters<NonNullable<CubeClient['sql']>>) => current().sql!(...args)) as CubeClient['sql'],
  });

  watch(
    () => (config.value.ok ? null : config.value.message),
    (message) => message && emit('scu-error', { kind: 'config', message }),
    { immediate: true },
  );

  let loadedSent = false;
  function loaded(): void {
    if (loadedSent) return;
    loadedSent = true;
    emit('scu-loaded', { ms: Math.round(performance.now() - connectedAt) });
  }

  let observer: ResizeObserver | undefined;
  onMounted(() => {
    emit('scu-ready', {});
    observer = new ResizeObserver(([entry]) => {
      const height = Math.ceil(entry!.borderBoxSize?.[0]?.blockSize ?? entry!.contentRect.height);
      emit('scu-resize', { height });
    });
    if (root.value) observer.observe(root.value);
  });
  onBeforeUnmount(() => observer?.disconnect());

  /** A token or a getToken is there: until then the widget asks for nothing (a frame waits for its token message). */
  const hasToken = computed(() => !!props.token || !!props.getToken);

  return {
    config,
    hasToken,
    emit,
    loaded,
    problem: (p: WidgetEventDetails['scu-error']) => emit('scu-error', p),
    invalidateToken: token.invalidate,
  };
}
