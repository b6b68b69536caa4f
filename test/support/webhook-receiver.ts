/**
 * A webhook receiver for connector tests, written from the protocol in docs/targets.md (not from
 * the connector's code, so a signing bug cannot hide behind a shared helper). It verifies the
 * HMAC signature, the timestamp window and the nonce (401 otherwise), keeps membership state and
 * answers `list` and `apply`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceiverOptions {
  secret: string;
  /** Known groups and their initial members. */
  groups: Record<string, string[]>;
  /** Allowed clock difference in seconds (default 300). */
  toleranceSec?: number;
  /** Clock of the receiver in ms (default Date.now). */
  now?: () => number;
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** Status the receiver answered. */
  status: number;
  /** Why a request was refused, when it was. */
  refused?: string;
}

export interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
  members(group: string): string[];
  /** The next `count` requests (after signature checks pass) answer `status`. */
  failNext(status: number, count: number): void;
  requests: ReceivedRequest[];
}

interface Operation {
  action: 'add' | 'remove';
  group: string;
  member: string;
  reason: string;
}

export async function startWebhookReceiver(options: ReceiverOptions): Promise<WebhookReceiver> {
  const state = new Map(Object.entries(options.groups).map(([g, m]) => [g, new Set(m)]));
  const tolerance = options.toleranceSec ?? 300;
  const now = options.now ?? Date.now;
  const seenNonces = new Set<string>();
  const failures: number[] = [];
  const requests: ReceivedRequest[] = [];

  const verify = (headers: IncomingHttpHeaders, body: string): string | undefined => {
    const ts = headers['x-jit-timestamp'];
    const nonce = headers['x-jit-nonce'];
    const sig = headers['x-jit-signature-256'];
    if (typeof ts !== 'string' || !/^\d{1,12}$/.test(ts)) return 'missing or malformed timestamp';
    if (typeof nonce !== 'string' || !/^[A-Za-z0-9-]{16,64}$/.test(nonce))
      return 'missing or malformed nonce';
    if (typeof sig !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(sig))
      return 'missing or malformed signature';
    const expected = `sha256=${createHmac('sha256', options.secret).update(`${ts}.${nonce}.${body}`).digest('hex')}`;
    if (!timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) return 'bad signature';
    if (Math.abs(now() / 1000 - Number(ts)) > tolerance)
      return 'timestamp outside the allowed window';
    if (seenNonces.has(nonce)) return 'replayed nonce';
    seenNonces.add(nonce);
    return undefined;
  };

  const handle = (payload: unknown): [number, unknown] => {
    const p = payload as { kind?: unknown; groups?: unknown; operations?: unknown };
    if (p?.kind === 'list' && Array.isArray(p.groups)) {
      const members: Record<string, string[]> = {};
      for (const g of p.groups) {
        const set = typeof g === 'string' ? state.get(g) : undefined;
        if (set) members[g] = [...set].sort();
      }
      return [200, { members }];
    }
    if (p?.kind === 'apply' && Array.isArray(p.operations)) {
      const ops = p.operations as Operation[];
      // All or nothing: validate every operation before changing anything.
      for (const o of ops) {
        const ok =
          (o?.action === 'add' || o?.action === 'remove') &&
          typeof o.group === 'string' &&
          state.has(o.group) &&
          typeof o.member === 'string' &&
          o.member !== '' &&
          typeof o.reason === 'string';
        if (!ok) return [422, { error: 'invalid operation' }];
      }
      for (const o of ops) {
        const set = state.get(o.group)!;
        if (o.action === 'add') set.add(o.member);
        else set.delete(o.member);
      }
      return [204, undefined];
    }
    return [400, { error: 'unknown kind' }];
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const record: ReceivedRequest = { headers: req.headers, body, status: 0 };
      requests.push(record);
      const send = (status: number, json?: unknown) => {
        record.status = status;
        res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
        res.end(json === undefined ? undefined : JSON.stringify(json));
      };
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/jit/hook')
        return send(404, { error: 'not found' });
      if (req.method !== 'POST') return send(405, { error: 'POST only' });
      const refused = verify(req.headers, body);
      if (refused) {
        record.refused = refused;
        return send(401, { error: refused });
      }
      const failure = failures.shift();
      if (failure !== undefined) return send(failure, { error: 'injected failure' });
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        return send(400, { error: 'invalid JSON' });
      }
      const [status, json] = handle(payload);
      send(status, json);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/jit/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    members: (group) => [...(state.get(group) ?? [])].sort(),
    failNext: (status, count) => {
      for (let i = 0; i < count; i++) failures.push(status);
    },
  };
}
