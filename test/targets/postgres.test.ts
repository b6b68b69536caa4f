import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MembershipOp } from '../../src/targets/connector.js';
import { PostgresConnector, quoteIdent } from '../../src/targets/postgres.js';
import { type PgCluster, startPostgres } from '../support/pg-cluster.js';

const PASS = 'dsn-pass-9c1e77b2';
const HOSTILE_MEMBER = 'alice"; DROP ROLE x; --';
const HOSTILE_GROUP = 'inv"; DROP ROLE x; --';
const A63 = 'a'.repeat(63);
const A64 = 'a'.repeat(64);
const MAPPED = ['invoice_approver', 'payment-releaser', 'jit_missing', HOSTILE_GROUP];

const op = (action: 'add' | 'remove', group: string, member: string): MembershipOp => ({
  action,
  group,
  member,
  reason: 'test',
});

let cluster: PgCluster;
let dsn: string;
const connector = (over: Partial<ConstructorParameters<typeof PostgresConnector>[0]> = {}) =>
  new PostgresConnector({ dsn, roles: MAPPED, connectBackoffMs: 10, ...over });

const membersOf = async (group: string) =>
  (
    await cluster.query<{ member: string; admin: boolean }>(
      `SELECT m.rolname AS member, am.admin_option AS admin FROM pg_auth_members am
         JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
        WHERE g.rolname = $1 ORDER BY 1`,
      [group],
    )
  ).map((r) => r.member);
const roleExists = async (name: string) =>
  (await cluster.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).length === 1;

beforeAll(async () => {
  const t0 = performance.now();
  cluster = await startPostgres();
  console.info(`PostgreSQL cluster started in ${Math.round(performance.now() - t0)} ms`);
  // Trust authentication ignores the password, so the DSN can carry one to prove it never leaks.
  dsn = `postgres://postgres:${PASS}@127.0.0.1:${cluster.port}/postgres`;
  const id = (n: string) => pg.escapeIdentifier(n);
  for (const r of [
    'invoice_approver',
    'payment-releaser',
    'unmapped_admin',
    'x',
    HOSTILE_GROUP,
    A63,
  ]) {
    await cluster.query(`CREATE ROLE ${id(r)} NOLOGIN`);
  }
  for (const r of ['alice', 'bob', 'carol', HOSTILE_MEMBER]) {
    await cluster.query(`CREATE ROLE ${id(r)} LOGIN`);
  }
});
afterAll(() => cluster?.stop());

describe('quoteIdent', () => {
  it.each([
    ['plain', 'alice', '"alice"'],
    ['double quote doubled', 'a"b', '"a""b"'],
    ['injection stays one identifier', HOSTILE_MEMBER, '"alice""; DROP ROLE x; --"'],
    ['63 bytes of multibyte text', `${'é'.repeat(31)}a`, `"${'é'.repeat(31)}a"`],
  ])('%s', (_n, input, expected) => {
    expect(quoteIdent(input)).toBe(expected);
  });

  it.each([
    ['empty', '', /empty/],
    ['NUL', 'a\u0000b', /NUL/],
    ['64 ASCII bytes', A64, /64 bytes; PostgreSQL allows at most 63/],
    ['64 bytes of multibyte text', 'é'.repeat(32), /64 bytes/],
    ['unpaired surrogate', 'a\ud800', /UTF-8/],
  ])('refuses %s', (_n, input, error) => {
    expect(() => quoteIdent(input)).toThrow(error);
  });
});

describe('PostgresConnector against a real cluster', () => {
  it('lists members of mapped roles, an empty role as empty', async () => {
    await cluster.query('GRANT invoice_approver TO carol');
    const m = await connector().listMembers(['invoice_approver', 'payment-releaser']);
    expect([...m.get('invoice_approver')!]).toEqual(['carol']);
    expect([...m.get('payment-releaser')!]).toEqual([]);
  });

  it('fails listing a mapped role that does not exist, never creating it', async () => {
    await expect(connector().listMembers(['jit_missing'])).rejects.toThrow(
      /role "jit_missing" does not exist; the DBA creates the roles/,
    );
    expect(await roleExists('jit_missing')).toBe(false);
  });

  it('refuses a group role that is not in the mapping, sending no SQL', async () => {
    await expect(connector().listMembers(['unmapped_admin'])).rejects.toThrow(
      /not in this target's roles mapping/,
    );
    const [r] = await connector().apply([op('add', 'unmapped_admin', 'bob')]);
    expect(r).toMatchObject({ ok: false, requests: 0 });
    expect(r!.error).toContain(`role "unmapped_admin" is not in this target's roles mapping`);
    expect(await membersOf('unmapped_admin')).toEqual([]);
  });

  it('grants membership without admin option: 2 statements', async () => {
    const [r] = await connector().apply([op('add', 'payment-releaser', 'alice')]);
    expect(r).toMatchObject({ ok: true, changed: true, requests: 2 });
    const rows = await cluster.query<{ admin: boolean }>(
      `SELECT am.admin_option AS admin FROM pg_auth_members am
         JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
        WHERE g.rolname = 'payment-releaser' AND m.rolname = 'alice'`,
    );
    expect(rows).toEqual([{ admin: false }]);
  });

  it('revokes membership: 3 statements (check, REVOKE, verify)', async () => {
    const [r] = await connector().apply([op('remove', 'payment-releaser', 'alice')]);
    expect(r).toMatchObject({ ok: true, changed: true, requests: 3 });
    expect(await membersOf('payment-releaser')).toEqual([]);
  });

  it('treats granting a present and revoking an absent membership as no-ops', async () => {
    const results = await connector().apply([
      op('add', 'invoice_approver', 'carol'),
      op('remove', 'invoice_approver', 'bob'),
    ]);
    expect(results.map((r) => [r.ok, r.changed, r.requests])).toEqual([
      [true, false, 1],
      [true, false, 1],
    ]);
    expect(await membersOf('invoice_approver')).toEqual(['carol']);
  });

  it('a second run after success changes nothing', async () => {
    const plan = [op('add', 'invoice_approver', 'bob'), op('remove', 'invoice_approver', 'carol')];
    expect((await connector().apply(plan)).map((r) => r.changed)).toEqual([true, true]);
    expect((await connector().apply(plan)).map((r) => [r.ok, r.changed])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(await membersOf('invoice_approver')).toEqual(['bob']);
  });

  it('fails clearly for a member role that does not exist, and creates nothing', async () => {
    const [r] = await connector().apply([op('add', 'invoice_approver', 'mallory')]);
    expect(r!.ok).toBe(false);
    expect(r!.error).toBe(
      'granting invoice_approver to mallory: member role "mallory" does not exist; jit-access never creates roles: ask the DBA to create it',
    );
    expect(await roleExists('mallory')).toBe(false);
  });

  it('hostile names reach SQL only quoted: nothing is dropped', async () => {
    // First while the hostile member role does not exist: a clear failure.
    const [missing] = await connector().apply([
      op('add', 'invoice_approver', 'bob"; DROP ROLE x; --'),
    ]);
    expect(missing!.ok).toBe(false);
    expect(missing!.error).toContain('does not exist');
    // Then roles that really carry those names: the grant is of exactly those roles.
    const results = await connector().apply([
      op('add', 'invoice_approver', HOSTILE_MEMBER),
      op('add', HOSTILE_GROUP, 'alice'),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(await membersOf('invoice_approver')).toEqual([HOSTILE_MEMBER, 'bob'].sort());
    expect(await membersOf(HOSTILE_GROUP)).toEqual(['alice']);
    for (const r of ['x', 'alice', 'invoice_approver']) expect(await roleExists(r)).toBe(true);
  });

  it('refuses a 64-byte member name instead of letting the server truncate it', async () => {
    const [r] = await connector().apply([op('add', 'invoice_approver', A64)]);
    expect(r).toMatchObject({ ok: false, requests: 0 });
    expect(r!.error).toContain('64 bytes');
    // The 63-byte prefix is an existing role: it must not have been granted.
    expect(await membersOf('invoice_approver')).not.toContain(A63);
  });

  it('reports an SQL failure per operation with a secret-free message', async () => {
    const asAlice = `postgres://alice:${PASS}@127.0.0.1:${cluster.port}/postgres`;
    const [r] = await new PostgresConnector({ dsn: asAlice, roles: MAPPED }).apply([
      op('add', 'payment-releaser', 'bob'),
    ]);
    expect(r!.ok).toBe(false);
    // Wording differs across PostgreSQL versions; the SQLSTATE is insufficient_privilege.
    expect(r!.error).toMatch(
      /^granting payment-releaser to bob: .*"payment-releaser".* \(SQLSTATE 42501\)$/,
    );
    expect(r!.error).not.toContain(PASS);
    expect(await membersOf('payment-releaser')).toEqual([]);
  });

  it('fails every operation when the database is unreachable, without printing the DSN', async () => {
    const closed = `postgres://postgres:${PASS}@127.0.0.1:1/postgres`;
    const c = connector({ dsn: closed, connectAttempts: 2 });
    const results = await c.apply([
      op('add', 'invoice_approver', 'bob'),
      op('remove', 'invoice_approver', 'carol'),
    ]);
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, requests: 0 });
      expect(r.error).toMatch(/connecting to the database failed: connect ECONNREFUSED/);
      expect(r.error).not.toContain(PASS);
      expect(r.error).not.toContain(closed);
    }
    const err = await c.listMembers(['invoice_approver']).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toContain(PASS);
  });
});
