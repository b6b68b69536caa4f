/** How the GitHub adapter retries: transient failures only, a few times, with backoff. */
export interface RetryPolicy {
  /** Attempts in all, first one included (default 3). */
  attempts: number;
  /** Delay before the first retry; doubles each time, plus jitter (default 1 s). */
  baseDelayMs: number;
  /** Upper bound of one wait, also for a Retry-After header (default 30 s). */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

interface HttpishError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/**
 * A failure worth retrying: rate limits (429, or 403 saying so) and server errors other than
 * 501, plus network errors (no status). A 4xx is an answer, never retried: retrying a 409 on a
 * merge, say, would hide that the head moved.
 */
export function isTransient(e: unknown): boolean {
  const err = e as HttpishError;
  if (err.status === undefined) return true;
  if (err.status === 429) return true;
  if (err.status === 403) return /rate limit/i.test(err.message ?? '');
  return err.status >= 500 && err.status !== 501;
}

/** Wait before attempt `attempt + 1`: Retry-After when given, else exponential with jitter. */
export function retryDelay(
  e: unknown,
  attempt: number,
  p: RetryPolicy,
  random = Math.random,
): number {
  const header = (e as HttpishError).response?.headers?.['retry-after'];
  const seconds = header !== undefined && /^[0-9]{1,6}$/.test(header) ? Number(header) : undefined;
  const ms =
    seconds !== undefined
      ? seconds * 1000
      : p.baseDelayMs * 2 ** (attempt - 1) * (1 + random() * 0.25);
  return Math.min(ms, p.maxDelayMs);
}
