/**
 * A small fetch wrapper shared by the HTTP connectors (SCIM, webhook).
 *
 * What it guarantees, and why:
 * - Per-attempt timeout (AbortSignal.timeout) covering the body too, so a stuck target cannot hang sync.
 * - Retries with exponential backoff and jitter on 429 (Retry-After honoured, capped), on 5xx other
 *   than 501/505, and on timeouts and network errors (SPEC §8).
 * - `redirect: 'error'`: a target URL comes from the environment; following a redirect would let the
 *   target send our bearer token or signed body elsewhere (SSRF, THREATS "Injection into targets").
 * - URLs with credentials are refused, and plain http only for loopback, so tokens never travel in clear.
 * - Every error names method, URL path and status, never the query string, credentials or headers.
 * - Counts every attempt (`requests`) so callers can report per-operation cost and budgets.
 */

/** Thrown for a failed request after retries; `message` is safe to print. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    /** HTTP status of the last attempt; undefined for a timeout or network error. */
    readonly status?: number,
    /** Parsed JSON body of the last error response, if any (for detail extraction; may be untrusted). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface HttpOptions {
  /** Short label used in configuration errors, e.g. `scim`. */
  label: string;
  /** Base URL; request paths are appended to its path. */
  baseUrl: string;
  /** Headers sent with every request (e.g. Authorization). Never printed. */
  headers?: Record<string, string>;
  /** Per-attempt timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** First backoff step in ms (default 250); doubles each retry, with jitter. */
  baseDelayMs?: number;
  /** Cap of a single backoff wait, also of a Retry-After wait, in ms (default 30 000). */
  maxDelayMs?: number;
  /** Largest response body accepted, in bytes (default 10 MiB). */
  maxBodyBytes?: number;
  /** Strings that must never appear in an error message (tokens, secrets); redacted if they do. */
  secrets?: readonly string[];
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the base URL, starting with `/`. Segments must already be encoded. */
  path: string;
  query?: Record<string, string>;
  /** JSON-serialisable body, or a prepared string. */
  body?: unknown;
  contentType?: string;
  /** Extra headers computed per attempt (e.g. a fresh signature and timestamp for each retry). */
  headers?: (body: string | undefined) => Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined for an empty body. */
  json: unknown;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Validates a target base URL: http(s) only, no credentials, plain http only on loopback. */
export function checkTargetUrl(label: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${label}: the configured URL is not a valid absolute URL`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error(
      `${label}: the configured URL contains credentials; put the token in its own variable`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(
      `${label}: the configured URL must use https (plain http only for localhost), got ${url.protocol}//${url.host}`,
    );
  }
  return url;
}

/** Replaces every occurrence of each secret (length ≥ 4) in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}

/** Makes untrusted server text printable: no control characters, capped length. */
export function printable(text: string, max = 200): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Parses Retry-After (delta-seconds or HTTP-date) into ms, or undefined. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** 429 and 5xx except 501/505 (which no retry can fix). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * Wait before retry number `attempt` (0-based): exponential from `baseDelayMs`, "equal jitter"
 * (half fixed, half random), at least Retry-After when given, never above `maxDelayMs`.
 */
export function retryDelay(
  attempt: number,
  o: { baseDelayMs: number; maxDelayMs: number; random: () => number },
  retryAfterMs?: number,
): number {
  const step = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);
  const jittered = step / 2 + (o.random() * step) / 2;
  return Math.min(o.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** The shared HTTP client. One instance per connector per run. */
export class HttpClient {
  /** Number of attempts sent so far (each retry counts). */
  requests = 0;
  private readonly base: URL;
  private readonly o: Required<Omit<HttpOptions, 'headers' | 'secrets'>> & {
    headers: Record<string, string>;
    secrets: readonly string[];
  };

  constructor(options: HttpOptions) {
    this.base = checkTargetUrl(options.label, options.baseUrl);
    this.o = {
      timeoutMs: 10_000,
      retries: 4,
      baseDelayMs: 250,
      maxDelayMs: 30_000,
      maxBodyBytes: 10 * 1024 * 1024,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      random: Math.random,
      ...options,
      headers: options.headers ?? {},
      secrets: options.secrets ?? [],
    };
  }

  /** Path as printed in messages: base path + request path, no query string. */
  displayPath(path: string): string {
    return this.base.pathname.replace(/\/$/, '') + path || '/';
  }

  /** Sends the request with retries; resolves with a 2xx response or throws HttpError. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    // Keep the base URL's own query (a receiver may authenticate with it); never print it.
    const url = new URL(this.base);
    url.pathname = this.displayPath(req.path);
    url.hash = '';
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const body =
      req.body === undefined
        ? undefined
        : typeof req.body === 'string'
          ? req.body
          : JSON.stringify(req.body);
    const where = `${req.method} ${this.displayPath(req.path)}`;

    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.o.retries;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.attempt(url, req, body);
        if (res.status >= 200 && res.status < 300) return res;
        if (!isRetryableStatus(res.status) || last) {
          const reason = `HTTP ${res.status}${errorDetail(res.json)}`;
          const text = this.msg(`${where} failed: ${reason}`);
          throw new HttpError(text, req.method, req.path, res.status, res.json);
        }
        if (res.status === 429 || res.status === 503) {
          retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
        }
      } catch (err) {
        if (err instanceof HttpError) throw err;
        const reason = describeFetchError(err, this.o.timeoutMs);
        // A redirect is a configuration problem (or an attack), never transient.
        if (last || reason.includes('redirect')) {
          throw new HttpError(this.msg(`${where} failed: ${reason}`), req.method, req.path);
        }
      }
      await this.o.sleep(retryDelay(attempt, this.o, retryAfterMs));
    }
  }

  private async attempt(
    url: URL,
    req: HttpRequest,
    body: string | undefined,
  ): Promise<HttpResponse> {
    this.requests++;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.o.headers,
      ...(body !== undefined ? { 'content-type': req.contentType ?? 'application/json' } : {}),
      ...(req.headers ? req.headers(body) : {}),
    };
    const res = await fetch(url, {
      method: req.method,
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    const text = await readCapped(res, this.o.maxBodyBytes);
    let json: unknown;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.status, headers: res.headers, json };
  }

  private msg(text: string): string {
    return redact(text, this.o.secrets);
  }
}

/** Reads the body as text, refusing bodies over `max` bytes. */
async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`response body over ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A short, secret-free reason for a fetch failure (never includes the URL). */
export function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return `timed out after ${timeoutMs} ms`;
    }
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return `network error ${cause.code}`;
    if (cause && typeof cause.message === 'string' && /redirect/i.test(cause.message)) {
      return 'the target answered with a redirect, which is refused';
    }
    if (/body over/.test(err.message)) return err.message;
    return 'network error';
  }
  return 'network error';
}

/** SCIM-style `detail` (or a `message`/`error` string) from an error body, printable. */
function errorDetail(json: unknown): string {
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    for (const k of ['detail', 'message', 'error']) {
      const v = o[k];
      if (typeof v === 'string' && v !== '') return ` (${printable(v)})`;
    }
  }
  return '';
}
