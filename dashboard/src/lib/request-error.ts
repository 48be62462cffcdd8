/** What went wrong with a request, as the person looking at the report needs to know it. */
type ProblemKind = 'expired' | 'forbidden' | 'network' | 'server';

export function problemKind(error: unknown): ProblemKind {
  const e = error as { status?: number; message?: string; response?: { error?: unknown } } | null;
  const status = e?.status;
  const message = `${e?.message ?? ''} ${typeof e?.response?.error === 'string' ? e.response.error : ''}`;
  if (status === 403 || status === 401) return /expired/i.test(message) ? 'expired' : 'forbidden';
  if (status === undefined || /fetch|network/i.test(message)) return 'network';
  return 'server';
}

/** A short explanation that is safe to show (no stack traces, no SQL). */
export function problemMessage(error: unknown): string {
  switch (problemKind(error)) {
    case 'expired':
      return 'Your access link has expired.';
    case 'forbidden':
      return 'This access link is not valid for this report.';
    case 'network':
      return 'The report server could not be reached.';
    case 'server': {
      const message = (error as { message?: string } | null)?.message ?? '';
      return message && message.length < 300
        ? `The report server answered with an error: ${message}`
        : 'The report server answered with an error.';
    }
  }
}
