import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MembershipOp } from '../../src/targets/connector.js';
import { ScimConnector, scimString } from '../../src/targets/scim.js';
import { type ScimServer, startScimServer } from '../support/scim-server.js';

const TOKEN = 'scim-test-token-7f3a9c2e';
const INVOICE = 'JIT Coupa Invoice Approvers';
const PAYMENT = 'JIT Coupa Payment Release';
const VENDOR = 'JIT Coupa Vendor Master';
const HOSTILE = 'a" or userName pr "';
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

const op = (action: 'add' | 'remove', group: string, member: string): MembershipOp => ({
  action,
  group,
  member,
  reason: 'test',
});

let server: ScimServer;
const connector = (token = TOKEN, url = server.url) =>
  new ScimConnector({ url, token, http: fast });
const since = (n: number) => server.requests.slice(n);

beforeAll(async () => {
  const t0 = performance.now();
  server = await startScimServer({
    token: TOKEN,
    users: ['alice@acme.example', 'bob@acme.example', 'carol@acme.example', HOSTILE],
    groups: [INVOICE, PAYMENT, VENDOR],
  });
  console.info(`SCIM server started in ${Math.round(performance.now() - t0)} ms`);
});
afterAll(() => server?.close());

describe('scimString', () => {
  it.each([
    ['plain', 'alice', '"alice"'],
    ['double quote', 'a"b', '"a\\"b"'],
    ['backslash', 'a\\b', '"a\\\\b"'],
    ['filter widening attempt', HOSTILE, '"a\\" or userName pr \\""'],
    ['control character', 'a\nb', '"a\\nb"'],
  ])('%s', (_name, input, expected) => {
    expect(scimString(input)).toBe(expected);
  });
});

describe('ScimConnector against a real SCIM server', () => {
  it('lists members by userName, an empty group as empty', async () => {
    server.addMemberByHand(PAYMENT, 'carol@acme.example');
    const members = await connector().listMembers([INVOICE, PAYMENT]);
    expect([...members.get(INVOICE)!]).toEqual([]);
    expect([...members.get(PAYMENT)!]).toEqual(['carol@acme.example']);
  });

  it('fails listing a group that does not exist, naming it', async () => {
    await expect(connector().listMembers(['JIT Nope'])).rejects.toThrow(
      /group "JIT Nope" does not exist/,
    );
  });

  it('adds with PATCH add on members: 3 requests without a prior list', async () => {
    const c = connector();
    const n = server.requests.length;
    const [r] = await c.apply([op('add', INVOICE, 'alice@acme.example')]);
    expect(r).toMatchObject({ ok: true, changed: true, requests: 3 });
    expect(server.members(INVOICE)).toEqual(['alice@acme.example']);
    const patch = since(n).filter((q) => q.method === 'PATCH');
    expect(patch).toHaveLength(1);
    expect(patch[0]!.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'add', path: 'members', value: [{ value: server.userId('alice@acme.example') }] },
      ],
    });
    expect(since(n).map((q) => q.query.filter)).toContain('userName eq "alice@acme.example"');
  });

  it('removes with PATCH remove on members[value eq "<id>"]: 1 request after a list', async () => {
    const c = connector();
    await c.listMembers([INVOICE]);
    const n = server.requests.length;
    const [r] = await c.apply([op('remove', INVOICE, 'alice@acme.example')]);
    expect(r).toMatchObject({ ok: true, changed: true, requests: 1 });
    expect(server.members(INVOICE)).toEqual([]);
    const id = server.userId('alice@acme.example');
    expect(since(n).map((q) => [q.method, q.body])).toEqual([
      [
        'PATCH',
        {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
        },
      ],
    ]);
    // The group is now empty (the server omits `members`), and lists as empty.
    expect([...(await connector().listMembers([INVOICE])).get(INVOICE)!]).toEqual([]);
  });

  it('treats adding a present member and removing an absent one as no-ops (no PATCH)', async () => {
    server.addMemberByHand(VENDOR, 'bob@acme.example');
    const c = connector();
    const n = server.requests.length;
    const results = await c.apply([
      op('add', VENDOR, 'bob@acme.example'),
      op('remove', VENDOR, 'carol@acme.example'),
    ]);
    expect(results.map((r) => [r.ok, r.changed])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(since(n).some((q) => q.method === 'PATCH')).toBe(false);
    // The server duplicates a re-added member, so a needless PATCH would show here.
    expect(server.members(VENDOR)).toEqual(['bob@acme.example']);
  });

  it('a second run after success changes nothing', async () => {
    const plan = [op('add', INVOICE, 'bob@acme.example'), op('add', INVOICE, 'carol@acme.example')];
    const first = await connector().apply(plan);
    expect(first.map((r) => r.changed)).toEqual([true, true]);
    const second = await connector().apply(plan);
    expect(second.map((r) => [r.ok, r.changed])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(server.members(INVOICE).sort()).toEqual(['bob@acme.example', 'carol@acme.example']);
  });

  it('retries 503 twice, then applies: 3 requests for the operation', async () => {
    const c = connector();
    await c.listMembers([INVOICE]);
    server.failNext(503, 2, { method: 'PATCH' });
    const [r] = await c.apply([op('remove', INVOICE, 'bob@acme.example')]);
    expect(r).toMatchObject({ ok: true, changed: true, requests: 3 });
    expect(server.members(INVOICE)).toEqual(['carol@acme.example']);
  });

  it('retries 429 honouring Retry-After', async () => {
    const c = connector();
    server.failNext(429, 1, { retryAfter: '0' });
    const [r] = await c.apply([op('add', PAYMENT, 'alice@acme.example')]);
    expect(r).toMatchObject({ ok: true, changed: true, requests: 4 });
  });

  it('reports a permanent failure as ok:false with a secret-free message', async () => {
    const c = connector();
    await c.listMembers([PAYMENT]);
    server.failNext(500, 5, { method: 'PATCH' });
    const [r] = await c.apply([op('remove', PAYMENT, 'alice@acme.example')]);
    expect(r!.ok).toBe(false);
    expect(r!.requests).toBe(5);
    expect(r!.error).toMatch(
      /^removing alice@acme\.example from SCIM group JIT Coupa Payment Release: PATCH \/scim\/v2\/Groups\/[0-9a-f-]+ failed: HTTP 500/,
    );
    expect(r!.error).not.toContain(TOKEN);
    expect(server.members(PAYMENT)).toContain('alice@acme.example');
  });

  it('does not retry a 401 and keeps the token out of the message', async () => {
    const wrong = `${TOKEN}-wrong`;
    const c = connector(wrong);
    const [r] = await c.apply([op('add', INVOICE, 'alice@acme.example')]);
    expect(r).toMatchObject({ ok: false, requests: 1 });
    expect(r!.error).toMatch(/GET \/scim\/v2\/Users failed: HTTP 401/);
    expect(r!.error).not.toContain(TOKEN);
    expect(r!.error).not.toContain('filter');
    await expect(c.listMembers([INVOICE])).rejects.toThrow(/HTTP 401/);
  });

  it('fails clearly for a user missing in the SCIM server, and creates nobody', async () => {
    const n = server.requests.length;
    const [r] = await connector().apply([op('add', INVOICE, 'mallory@acme.example')]);
    expect(r!.ok).toBe(false);
    expect(r!.error).toContain(
      'user "mallory@acme.example" does not exist in the SCIM server; jit-access never creates users',
    );
    expect(since(n).some((q) => q.method === 'POST' || q.method === 'PATCH')).toBe(false);
  });

  it('a userName with quotes cannot widen the filter or match another user', async () => {
    const before = server.members(INVOICE);
    const n = server.requests.length;
    const results = await connector().apply([
      op('add', INVOICE, HOSTILE),
      op('add', INVOICE, 'x" or userName pr "'),
      op('remove', INVOICE, 'carol@acme.example" or userName pr "'),
    ]);
    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    expect(server.members(INVOICE)).toEqual(before);
    expect(since(n).some((q) => q.method === 'PATCH')).toBe(false);
    // The literal went out escaped, as one string compared to userName.
    expect(since(n).map((q) => q.query.filter)).toContain('userName eq "a\\" or userName pr \\""');
  });

  it('refuses a URL with credentials or plain http to a remote host, without echoing it', () => {
    expect(() => connector(TOKEN, 'https://u:pw-secret@idp.example/scim')).toThrow(
      /contains credentials/,
    );
    expect(() => connector(TOKEN, 'https://u:pw-secret@idp.example/scim')).not.toThrow(/pw-secret/);
    expect(() => connector(TOKEN, 'http://idp.example/scim')).toThrow(/must use https/);
  });
});

describe('ScimConnector against a server that ignores filters', () => {
  let lax: ScimServer;
  beforeAll(async () => {
    lax = await startScimServer({
      token: TOKEN,
      users: ['Dave@acme.example', 'erin@acme.example'],
      groups: [INVOICE, 'jit coupa invoice approvers'],
      ignoreFilter: true,
    });
  });
  afterAll(() => lax?.close());

  it('refuses an ambiguous group', async () => {
    const c = new ScimConnector({ url: lax.url, token: TOKEN, http: fast });
    await expect(c.listMembers([INVOICE])).rejects.toThrow(
      /group "JIT Coupa Invoice Approvers" is ambiguous: the SCIM server returned 2 groups/,
    );
  });

  it('accepts only exactly one user whose userName is exactly the requested one', async () => {
    const c = new ScimConnector({ url: lax.url, token: TOKEN, http: fast });
    const [r] = await c.apply([op('add', INVOICE, 'erin@acme.example')]);
    expect(r!.ok).toBe(false);
    expect(r!.error).toMatch(/returned 2 users for userName "erin@acme\.example"/);
    expect(lax.requests.some((q) => q.method === 'PATCH')).toBe(false);
    expect(lax.requests.some((q) => q.method === 'PATCH')).toBe(false);
  });
});

describe('ScimConnector with case variants', () => {
  let one: ScimServer;
  beforeAll(async () => {
    one = await startScimServer({
      token: TOKEN,
      users: ['Dave@acme.example'],
      groups: [INVOICE],
      ignoreFilter: true,
    });
  });
  afterAll(() => one?.close());

  it('refuses a user whose userName differs in case', async () => {
    const c = new ScimConnector({ url: one.url, token: TOKEN, http: fast });
    const [r] = await c.apply([op('add', INVOICE, 'dave@acme.example')]);
    expect(r!.ok).toBe(false);
    expect(r!.error).toContain('found "Dave@acme.example" instead');
    expect(one.members(INVOICE)).toEqual([]);
  });
});

describe('ScimConnector batching', () => {
  it('60 additions to one group take 2 PATCH requests (50 + 10); 60 removals take 2 more', async () => {
    const users = Array.from({ length: 60 }, (_, i) => `user${i}@acme.example`);
    const big = await startScimServer({ token: TOKEN, users, groups: ['JIT Batch'] });
    try {
      const c = new ScimConnector({ url: big.url, token: TOKEN, http: fast });
      const adds = await c.apply(users.map((u) => op('add', 'JIT Batch', u)));
      expect(adds.every((r) => r.ok && r.changed)).toBe(true);
      expect(big.members('JIT Batch').sort()).toEqual([...users].sort());
      const patches = () => big.requests.filter((r) => r.method === 'PATCH').length;
      expect(patches()).toBe(2);
      // The reported request counts add up to what the server saw.
      expect(adds.reduce((n, r) => n + r.requests, 0)).toBe(big.requests.length);

      const removes = await c.apply(users.map((u) => op('remove', 'JIT Batch', u)));
      expect(removes.every((r) => r.ok && r.changed)).toBe(true);
      expect(big.members('JIT Batch')).toEqual([]);
      expect(patches()).toBe(4);
    } finally {
      await big.close();
    }
  });
});
