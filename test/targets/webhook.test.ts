import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MembershipOp } from '../../src/targets/connector.js';
import { WebhookConnector, webhookSignature } from '../../src/targets/webhook.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'webhook-secret-5be2a9d04c71';
const fast = { baseDelayMs: 1, maxDelayMs: 5 };
const op = (action: 'add' | 'remove', group: string, member: string): MembershipOp => ({
  action,
  group,
  member,
  reason: `grant grants/netsuite/${member}.yaml`,
});

let recv: WebhookReceiver;
const connector = (over: Partial<ConstructorParameters<typeof WebhookConnector>[0]> = {}) =>
  new WebhookConnector({ url: recv.url, secret: SECRET, http: fast, ...over });

beforeAll(async () => {
  const t0 = performance.now();
  recv = await startWebhookReceiver({
    secret: SECRET,
    groups: { approvers: ['carol'], releasers: [], vendors: [] },
  });
  console.info(`webhook receiver started in ${Math.round(performance.now() - t0)} ms`);
});
afterAll(() => recv?.close());

describe('webhookSignature', () => {
  it('matches the test vector in docs/targets.md (also checked with openssl dgst -hmac)', () => {
    const body =
      '{"kind":"apply","operations":[{"action":"add","group":"JIT AP Clerk","member":"alice","reason":"grant grants/netsuite/alice-ap-clerk-fin-12.yaml active until 2026-12-05T17:00:00Z"}]}';
    expect(
      webhookSignature(
        'whsec-example-0123456789',
        '1796374800',
        '3f1c2b1e-6a4d-4c39-9a57-0d2f4f6b8e21',
        body,
      ),
    ).toBe('sha256=1270ef74c576586d9ece6f1091baba63a4b107671128f17fe907ab3de0986e59');
  });
});

describe('WebhookConnector against a verifying receiver', () => {
  it('lists members with one signed POST', async () => {
    const c = connector();
    const m = await c.listMembers(['approvers', 'releasers']);
    expect([...m.get('approvers')!]).toEqual(['carol']);
    expect([...m.get('releasers')!]).toEqual([]);
    expect(c.requests).toBe(1);
    const last = recv.requests.at(-1)!;
    expect(last.status).toBe(200);
    expect(JSON.parse(last.body)).toEqual({ kind: 'list', groups: ['approvers', 'releasers'] });
  });

  it('fails listing a group the receiver does not report', async () => {
    await expect(connector().listMembers(['approvers', 'nope'])).rejects.toThrow(
      /did not report group "nope"/,
    );
  });

  it('applies adds and removes with one POST: 2xx means all applied', async () => {
    const plan = [op('add', 'releasers', 'alice'), op('remove', 'approvers', 'carol')];
    const results = await connector().apply(plan);
    expect(results.map((r) => [r.ok, r.requests])).toEqual([
      [true, 1],
      [true, 0],
    ]);
    expect(recv.members('releasers')).toEqual(['alice']);
    expect(recv.members('approvers')).toEqual([]);
    expect(JSON.parse(recv.requests.at(-1)!.body)).toEqual({ kind: 'apply', operations: plan });
  });

  it('re-sending an applied plan is harmless (the receiver has set semantics)', async () => {
    const results = await connector().apply([
      op('add', 'releasers', 'alice'),
      op('remove', 'approvers', 'carol'),
    ]);
    expect(results.every((r) => r.ok && r.changed === undefined)).toBe(true);
    expect(recv.members('releasers')).toEqual(['alice']);
  });

  it('retries 503 twice with a fresh signature each time: 3 requests, applied', async () => {
    const n = recv.requests.length;
    recv.failNext(503, 2);
    const [r] = await connector().apply([op('add', 'vendors', 'bob')]);
    expect(r).toMatchObject({ ok: true, requests: 3 });
    expect(recv.members('vendors')).toEqual(['bob']);
    const seen = recv.requests.slice(n);
    expect(seen.map((q) => q.status)).toEqual([503, 503, 204]);
    expect(new Set(seen.map((q) => q.headers['x-jit-nonce'])).size).toBe(3);
  });

  it('reports a permanent failure on every op of the batch, secret-free', async () => {
    const url = `${recv.url}?key=query-key-0f9e8d7c`;
    recv.failNext(500, 5);
    const results = await connector({ url }).apply([
      op('add', 'vendors', 'dave'),
      op('add', 'vendors', 'erin'),
    ]);
    expect(results.map((r) => [r.ok, r.requests])).toEqual([
      [false, 5],
      [false, 0],
    ]);
    expect(results[0]!.error).toBe(
      'webhook: applying 2 operation(s): POST /jit/hook failed: HTTP 500 (injected failure)',
    );
    for (const r of results) {
      expect(r.error).not.toContain(SECRET);
      expect(r.error).not.toContain('query-key');
    }
    expect(recv.members('vendors')).toEqual(['bob']);
  });

  it('is refused by the receiver with a wrong secret, without retrying or printing either secret', async () => {
    const wrong = 'wrong-secret-1234567890';
    const [r] = await connector({ secret: wrong }).apply([op('add', 'vendors', 'mallory')]);
    expect(r).toMatchObject({ ok: false, requests: 1 });
    expect(r!.error).toContain('HTTP 401 (bad signature)');
    expect(r!.error).not.toContain(SECRET);
    expect(r!.error).not.toContain(wrong);
    expect(recv.members('vendors')).toEqual(['bob']);
  });

  it('sends large plans in batches', async () => {
    const n = recv.requests.length;
    const plan = ['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => op('add', 'vendors', u));
    const results = await connector({ batchSize: 2 }).apply(plan);
    expect(results.map((r) => r.requests)).toEqual([1, 0, 1, 0, 1]);
    expect(recv.requests.length - n).toBe(3);
    expect(recv.members('vendors')).toEqual(['bob', 'u1', 'u2', 'u3', 'u4', 'u5']);
  });

  it('a batch the receiver rejects (unknown group) fails as a whole and changes nothing', async () => {
    const results = await connector().apply([
      op('remove', 'vendors', 'u1'),
      op('add', 'nope', 'u1'),
    ]);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(results[0]!.error).toContain('HTTP 422');
    expect(recv.members('vendors')).toContain('u1');
  });

  it('refuses a short secret and a URL with credentials', () => {
    expect(() => connector({ secret: 'short' })).toThrow(/at least 16 characters/);
    expect(() => connector({ url: 'https://u:p4ss@hooks.example/x' })).toThrow(/credentials/);
  });
});

describe('the receiver rejects forged and replayed deliveries', () => {
  const deliver = (headers: Record<string, string>, body: string) =>
    fetch(recv.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const sign = (secret: string, ts: string, nonce: string, body: string) =>
    `sha256=${createHmac('sha256', secret).update(`${ts}.${nonce}.${body}`).digest('hex')}`;
  const body = JSON.stringify({
    kind: 'apply',
    operations: [{ action: 'add', group: 'approvers', member: 'mallory', reason: 'forged' }],
  });
  const now = () => String(Math.floor(Date.now() / 1000));

  it.each([
    [
      'no signature',
      () => ({ 'x-jit-timestamp': now(), 'x-jit-nonce': 'n0000000000000001' }),
      body,
    ],
    [
      'signature over another body',
      () => {
        const ts = now();
        const other = body.replace('mallory', 'nobody');
        return {
          'x-jit-timestamp': ts,
          'x-jit-nonce': 'n0000000000000002',
          'x-jit-signature-256': sign(SECRET, ts, 'n0000000000000002', other),
        };
      },
      body,
    ],
    [
      'signature with another secret',
      () => {
        const ts = now();
        return {
          'x-jit-timestamp': ts,
          'x-jit-nonce': 'n0000000000000003',
          'x-jit-signature-256': sign('not-the-secret-at-all', ts, 'n0000000000000003', body),
        };
      },
      body,
    ],
    [
      'timestamp 10 minutes old, correctly signed',
      () => {
        const ts = String(Math.floor(Date.now() / 1000) - 600);
        return {
          'x-jit-timestamp': ts,
          'x-jit-nonce': 'n0000000000000004',
          'x-jit-signature-256': sign(SECRET, ts, 'n0000000000000004', body),
        };
      },
      body,
    ],
    [
      'timestamp changed after signing',
      () => {
        const ts = now();
        return {
          'x-jit-timestamp': String(Number(ts) + 1),
          'x-jit-nonce': 'n0000000000000005',
          'x-jit-signature-256': sign(SECRET, ts, 'n0000000000000005', body),
        };
      },
      body,
    ],
  ])('%s → 401', async (_name, headers, payload) => {
    const res = await deliver(headers(), payload);
    expect(res.status).toBe(401);
    expect(recv.members('approvers')).not.toContain('mallory');
  });

  it('accepts a correct delivery once, and refuses its replay', async () => {
    const ts = now();
    const nonce = 'n0000000000000099';
    const headers = {
      'x-jit-timestamp': ts,
      'x-jit-nonce': nonce,
      'x-jit-signature-256': sign(SECRET, ts, nonce, body),
    };
    expect((await deliver(headers, body)).status).toBe(204);
    expect(recv.members('approvers')).toContain('mallory');
    expect((await deliver(headers, body)).status).toBe(401);
    expect(recv.requests.at(-1)!.refused).toBe('replayed nonce');
  });
});
