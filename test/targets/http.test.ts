import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTargetUrl, HttpClient, HttpError, parseRetryAfter } from '../../src/targets/http.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const h = routes.get(path);
    if (h) h(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

const client = (over: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) => {
  const waits: number[] = [];
  const c = new HttpClient({
    label: 'test',
    baseUrl: base,
    baseDelayMs: 100,
    maxDelayMs: 2000,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...over,
  });
  return { c, waits };
};

describe('HttpClient', () => {
  it('retries 429 waiting Retry-After (capped at maxDelayMs)', async () => {
    let n = 0;
    routes.set('/api/limited', (_q, res) => {
      n++;
      if (n === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else if (n === 2) res.writeHead(429, { 'retry-after': '3600' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const { c, waits } = client();
    const res = await c.request({ method: 'GET', path: '/limited' });
    expect(res.json).toEqual({ ok: true });
    expect(c.requests).toBe(3);
    expect(waits).toEqual([1000, 2000]);
  });

  it('backs off exponentially with jitter on 5xx', async () => {
    routes.set('/api/down', (_q, res) => res.writeHead(502).end());
    const { c, waits } = client({ retries: 3 });
    await expect(c.request({ method: 'GET', path: '/down' })).rejects.toThrow(
      'GET /api/down failed: HTTP 502',
    );
    expect(c.requests).toBe(4);
    // random() = 0.5: half the step plus a quarter of it.
    expect(waits).toEqual([75, 150, 300]);
  });

  it.each([
    [400, 1],
    [401, 1],
    [404, 1],
    [501, 1],
  ])('does not retry HTTP %i', async (status, expected) => {
    routes.set('/api/status', (_q, res) => res.writeHead(status).end());
    const { c } = client();
    const err = await c.request({ method: 'DELETE', path: '/status' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(status);
    expect(c.requests).toBe(expected);
  });

  it('refuses redirects without following them, and does not retry', async () => {
    routes.set('/api/moved', (_q, res) =>
      res.writeHead(307, { location: `${base}/elsewhere` }).end(),
    );
    const { c } = client();
    await expect(c.request({ method: 'POST', path: '/moved', body: { a: 1 } })).rejects.toThrow(
      'POST /api/moved failed: the target answered with a redirect, which is refused',
    );
    expect(c.requests).toBe(1);
    expect(hits.get('/api/elsewhere')).toBeUndefined();
  });

  it('times out a stuck request and retries it', async () => {
    routes.set('/api/stuck', () => {});
    const { c } = client({ timeoutMs: 50, retries: 1 });
    await expect(c.request({ method: 'GET', path: '/stuck' })).rejects.toThrow(
      'GET /api/stuck failed: timed out after 50 ms',
    );
    expect(c.requests).toBe(2);
  });

  it('names network errors without the URL', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const c = new HttpClient({
      label: 't',
      baseUrl: `http://127.0.0.1:${port}/x`,
      retries: 1,
      baseDelayMs: 1,
    });
    const err = (await c.request({ method: 'GET', path: '/y' }).catch((e: Error) => e)) as Error;
    expect(err.message).toBe('GET /x/y failed: network error ECONNREFUSED');
    expect(c.requests).toBe(2);
  });

  it('keeps query strings, headers and secrets out of messages', async () => {
    routes.set('/api/echo', (req, res) =>
      res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ detail: `denied for ${req.headers.authorization}` })),
    );
    const { c } = client({
      headers: { authorization: 'Bearer tok-abcdef123' },
      secrets: ['tok-abcdef123'],
    });
    const err = (await c
      .request({
        method: 'GET',
        path: '/echo',
        query: { filter: 'userName eq "x"', key: 'q-secret' },
      })
      .catch((e: Error) => e)) as Error;
    expect(err.message).toBe('GET /api/echo failed: HTTP 403 (denied for Bearer ***)');
  });

  it('refuses an oversized body', async () => {
    routes.set('/api/big', (_q, res) => res.writeHead(200).end('x'.repeat(1000)));
    const { c } = client({ maxBodyBytes: 100, retries: 0 });
    await expect(c.request({ method: 'GET', path: '/big' })).rejects.toThrow(
      'response body over 100 bytes',
    );
  });

  it('keeps the base URL query when sending', async () => {
    let seen = '';
    routes.set('/api/q', (req, res) => {
      seen = req.url ?? '';
      res.writeHead(204).end();
    });
    const { c } = client({ baseUrl: `${base}?key=abc` });
    await c.request({ method: 'POST', path: '/q', query: { x: '1' } });
    expect(seen).toBe('/api/q?key=abc&x=1');
  });
});

describe('checkTargetUrl', () => {
  it.each([
    ['https://idp.example/scim', true],
    ['http://127.0.0.1:8080/scim', true],
    ['http://localhost/scim', true],
    ['http://idp.example/scim', false],
    ['ftp://idp.example/', false],
    ['file:///etc/passwd', false],
    ['https://user:pw@idp.example/', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => {
    if (ok) expect(checkTargetUrl('t', url)).toBeInstanceOf(URL);
    else expect(() => checkTargetUrl('t', url)).toThrow(/^t: /);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  it.each([
    ['seconds', '5', 5000],
    ['HTTP-date', 'Fri, 04 Dec 2026 12:00:10 GMT', 10_000],
    ['past date', 'Fri, 04 Dec 2026 11:00:00 GMT', 0],
    ['garbage', 'soon', undefined],
    ['absent', null, undefined],
  ])('%s', (_n, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
