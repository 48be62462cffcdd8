/** What went wrong with a request, as the person looking at the report needs to know it. */
type ProblemKind = 'expired' | 'forbidden' | 'network' | 'server';

export function problemKind(error: unknown): ProblemKind {
  const e = error as { status?: number; message?: string; response?: { error?: unknown; retryable?: unknown } } | null;
  const status = e?.status;
  const message = `${e?.message ?? ''} ${typeof e?.response?.error === 'string' ? e.response.error : ''}`;
  if (status === 403 || status === 401) return /expired/i.test(message) ? 'expired' : 'forbidden';
  // Not a mistake in the query: the server (its database, a proxy before it) cannot answer for now.
  if (status === undefined || status === 502 || status === 504 || e?.response?.retryable === true || /fetch|network/i.test(message)) {
    return 'network';
  }
  return 'server';
}

interface ApiProblem {
  status?: number;
  response?: { error?: unknown; retryable?: unknown; retryAfterSeconds?: unknown; requestId?: unknown };
  /** Set by useCubeQuery when it has scheduled the next attempt itself. */
  retryInSeconds?: number;
}

/**
 * Seconds to wait before asking again without anyone clicking, or undefined when a person must act (a
 * query mistake, a token). Retryable: the server's own 503 answer (`retryable`, `retryAfterSeconds`:
 * database unreachable, a query over its time limit, pre-aggregations not built yet), a proxy's 502/504,
 * and a server that could not be reached at all; else a backoff of 2, 4, 8 … 30 s by `attempt`.
 */
export function retryDelaySeconds(error: unknown, attempt: number): number | undefined {
  if (problemKind(error) !== 'network') return undefined;
  const given = Number((error as ApiProblem | null)?.response?.retryAfterSeconds);
  return Math.min(30, given > 0 ? given : 2 ** (attempt + 1));
}

/** The start of the answer's request id (the server's log line has it), or null. */
export function problemReference(error: unknown): string | null {
  const id = (error as ApiProblem | null)?.response?.requestId;
  return typeof id === 'string' ? id.slice(0, 8) : null;
}

/** A short explanation that is safe to show (no stack traces, no SQL); `reference`: with the request's
 * reference after the server's sentence (ReportStatus shows it apart, smaller). */
export function problemMessage(error: unknown, reference = true): string {
  const answer = (error as ApiProblem | null)?.response;
  if (answer?.retryable === true && typeof answer.error === 'string') {
    // The server's own sentence; the request id lets support find its log line.
    const id = reference && problemReference(error);
    return id ? `${answer.error} (reference ${id}…)` : answer.error;
  }
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
