import { onUnmounted, ref, watch, type Ref } from 'vue';

/**
 * The seconds left until the attempt useCubeQuery has scheduled by itself after a retryable error (the
 * error carries its delay as `retryInSeconds`); null when no attempt is scheduled. Shared by the page's
 * status (ReportStatus) and each chart's overlay (ReportChartFrame), so that both say the same.
 */
export function useRetryCountdown(error: () => Error | null | undefined): Ref<number | null> {
  const retryIn = ref<number | null>(null);
  let ticker: ReturnType<typeof setInterval> | undefined;
  watch(
    error,
    (e) => {
      clearInterval(ticker);
      const seconds = (e as { retryInSeconds?: number } | null | undefined)?.retryInSeconds;
      retryIn.value = seconds ?? null;
      if (seconds !== undefined) ticker = setInterval(() => (retryIn.value = Math.max(0, (retryIn.value ?? 1) - 1)), 1000);
    },
    { immediate: true },
  );
  onUnmounted(() => clearInterval(ticker));
  return retryIn;
}
