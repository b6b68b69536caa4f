import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant } from '../../src/core/model.js';
import { loadPolicies } from '../../src/core/policies.js';
import { treeFromTexts } from '../../src/core/tree.js';
import { executeSync } from '../../src/jobs/sync/apply.js';
import { buildConnector } from '../../src/jobs/sync/connectors.js';
import { type PgCluster, startPostgres } from '../support/pg-cluster.js';
import { type PgProxy, startPgProxy } from '../support/pg-proxy.js';
import { type ScimServer, startScimServer } from '../support/scim-server.js';
import { HOUR, Repo, sync, T0, TUNING } from './targets.js';

/**
 * Hostile names (THREATS "Injection into targets"). Grant files only allow GitHub-login syntax
 * for subjects, so a hostile name reaches sync three other ways, each tried here against real
 * servers: a grant built without the loader (the planner/connector boundary), a policy `user`
 * template (trusted, but still quoted and escaped), and a member someone put into a mapped
 * group by hand.
 */
const HOSTILE_SQL = 'alice"; DROP ROLE x; --';
const HOSTILE_SCIM = 'a" or userName pr "';
const roles = 'approvals: 0\nmax_duration: 8h\nroles:\n  approver: {}\n';

const grantOf = (system: string, subject: string): Grant => ({
  path: `grants/${system}/hostile.yaml`,
  system,
  name: 'hostile',
  requester: 'alice',
  subject,
  role: 'approver',
  justification: 'built without the loader',
  expiresAt: T0 + HOUR,
  fields: {},
});

describe('PostgreSQL', () => {
  let cluster: PgCluster;
  let proxy: PgProxy;
  let dsn: string;
  const id = (n: string) => pg.escapeIdentifier(n);
  const roleExists = async (n: string) =>
    (await cluster.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [n])).length === 1;
  const membersOf = async (g: string) =>
    (
      await cluster.query<{ m: string }>(
        `SELECT m.rolname AS m FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid
           JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = $1 ORDER BY 1`,
        [g],
      )
    ).map((r) => r.m);

  beforeAll(async () => {
    cluster = await startPostgres();
    proxy = await startPgProxy(cluster.port);
    dsn = `postgres://postgres@127.0.0.1:${proxy.port}/postgres`;
    for (const r of ['jit_approver', 'x']) await cluster.query(`CREATE ROLE ${id(r)} NOLOGIN`);
    for (const r of ['alice', HOSTILE_SQL, 'bob"; DROP ROLE x; --']) {
      await cluster.query(`CREATE ROLE ${id(r)} LOGIN`);
    }
  });
  afterAll(async () => {
    await proxy?.close();
    await cluster?.stop();
  });

  it('a hostile subject at the planner/connector boundary is reported and never sent', async () => {
    const policies = loadPolicies(
      treeFromTexts({
        'policies/db.yaml': `${roles}target:\n  type: postgres\n  dsn_env: DB_DSN\n  user: "{subject}"\n  roles: { approver: jit_approver }\n`,
      }),
    );
    const policy = policies.get('db')!;
    if (!policy.ok) throw new Error('test policy invalid');
    const sent = proxy.statements.length;
    const r = await executeSync({
      policies,
      grants: [grantOf('db', HOSTILE_SQL)],
      failedSystems: new Set(),
      now: T0,
      systems: ['db'],
      connectors: new Map([['db', buildConnector(policy.value, { DB_DSN: dsn }, TUNING)]]),
      dryRun: false,
    });
    expect(r.plan.entries).toEqual([]);
    expect(r.plan.problems.map((p) => p.message)).toEqual([
      'grants/db/hostile.yaml: subject "alice\\"; DROP ROLE x; --" is not a GitHub login (letters, digits, single hyphens); not synced.',
    ]);
    // Only the listing reached the server.
    expect(proxy.statements.slice(sent)).toHaveLength(1);
    expect(proxy.statements.slice(sent)[0]).toMatch(/^SELECT g\.rolname/);
    expect(await roleExists('x')).toBe(true);
  });

  it('a hostile name from the user template or a hand-added member is one quoted identifier', async () => {
    const repo = new Repo();
    try {
      // YAML single quotes: the template is `{subject}"; DROP ROLE x; --`.
      repo.write(
        'policies/db.yaml',
        `${roles}target:\n  type: postgres\n  dsn_env: DB_DSN\n  user: '{subject}"; DROP ROLE x; --'\n  roles: { approver: jit_approver }\n`,
      );
      repo.grant('db', 'alice-approver', {
        subject: 'alice',
        role: 'approver',
        expires: T0 + HOUR,
      });
      await cluster.query(`GRANT jit_approver TO ${id('bob"; DROP ROLE x; --')}`);
      await cluster.query('GRANT jit_approver TO alice');
      const sent = proxy.statements.length;
      let r = await sync(repo, [{ env: { DB_DSN: dsn } }], T0);
      expect(r.exitCode, r.log.join('\n')).toBe(0);
      expect(r.plan.entries.map((e) => [e.action, e.member, e.subject])).toEqual([
        ['remove', 'alice', null],
        ['remove', 'bob"; DROP ROLE x; --', 'bob'],
        ['add', HOSTILE_SQL, 'alice'],
      ]);
      expect(await membersOf('jit_approver')).toEqual([HOSTILE_SQL]);
      expect(await roleExists('x')).toBe(true);
      const writes = proxy.statements.slice(sent).filter((s) => /^(GRANT|REVOKE)/.test(s));
      expect(writes).toEqual([
        'REVOKE "jit_approver" FROM "alice"',
        'REVOKE "jit_approver" FROM "bob""; DROP ROLE x; --"',
        'GRANT "jit_approver" TO "alice""; DROP ROLE x; --"',
      ]);
      // Expiry revokes it the same way.
      r = await sync(repo, [{ env: { DB_DSN: dsn } }], T0 + 2 * HOUR);
      expect(r.exitCode).toBe(0);
      expect(proxy.statements.at(-2)).toBe('REVOKE "jit_approver" FROM "alice""; DROP ROLE x; --"');
      expect(await membersOf('jit_approver')).toEqual([]);
      expect(await roleExists('x')).toBe(true);
      expect(await roleExists(HOSTILE_SQL)).toBe(true);
    } finally {
      repo.dispose();
    }
  });
});

describe('SCIM', () => {
  const token = 'scim-token-hostile-0c4a';
  const GROUP = 'JIT Approvers';
  let server: ScimServer;
  let broken: ScimServer;
  const users = ['alice', 'alice@acme.example', 'bob@acme.example', HOSTILE_SCIM];
  beforeAll(async () => {
    server = await startScimServer({ token, users, groups: [GROUP] });
    broken = await startScimServer({ token, users, groups: [GROUP], ignoreFilter: true });
  });
  afterAll(async () => {
    await server?.close();
    await broken?.close();
  });

  const policy = (user: string) =>
    `${roles}target:\n  type: scim\n  url_env: S_URL\n  token_env: S_TOKEN\n  user: '${user}'\n  groups: { approver: ${GROUP} }\n`;

  it('a subject with quotes at the planner boundary never becomes a filter', async () => {
    const policies = loadPolicies(treeFromTexts({ 'policies/idp.yaml': policy('{subject}') }));
    const p = policies.get('idp')!;
    if (!p.ok) throw new Error('test policy invalid');
    const seen = server.requests.length;
    const r = await executeSync({
      policies,
      grants: [grantOf('idp', HOSTILE_SCIM)],
      failedSystems: new Set(),
      now: T0,
      systems: ['idp'],
      connectors: new Map([
        ['idp', buildConnector(p.value, { S_URL: server.url, S_TOKEN: token }, TUNING)],
      ]),
      dryRun: false,
    });
    expect(r.plan.entries).toEqual([]);
    expect(r.plan.problems).toHaveLength(1);
    expect(server.requests.slice(seen).filter((q) => q.path === '/scim/v2/Users')).toEqual([]);
    expect(server.members(GROUP)).toEqual([]);
  });

  it.each([
    ['a filtering server', () => server],
    ['a server that ignores filters', () => broken],
  ])('quotes from the user template cannot widen the filter (%s)', async (_name, which) => {
    const s = which();
    const repo = new Repo();
    try {
      // The template turns alice into `alice" or userName pr "`, a userName no one has.
      repo.write('policies/idp.yaml', policy('{subject}" or userName pr "'));
      repo.grant('idp', 'alice-approver', {
        subject: 'alice',
        role: 'approver',
        expires: T0 + HOUR,
      });
      const seen = s.requests.length;
      const r = await sync(repo, [{ env: { S_URL: s.url, S_TOKEN: token } }], T0);
      expect(r.exitCode).toBe(1);
      expect(r.summary).toMatchObject({ added: 0, failed: 1 });
      const filters = s.requests
        .slice(seen)
        .filter((q) => q.path === '/scim/v2/Users')
        .map((q) => q.query.filter);
      expect(filters).toEqual(['userName eq "alice\\" or userName pr \\""']);
      expect(s.members(GROUP)).toEqual([]);
      expect(s.requests.slice(seen).filter((q) => q.method === 'PATCH')).toEqual([]);
      for (const l of r.log) expect(l).not.toContain(token);
    } finally {
      repo.dispose();
    }
  });

  it('a hand-added member with a hostile userName is removed by id, not by a filter', async () => {
    const repo = new Repo();
    try {
      repo.write('policies/idp.yaml', policy('{subject}@acme.example'));
      server.addMemberByHand(GROUP, HOSTILE_SCIM);
      server.addMemberByHand(GROUP, 'bob@acme.example');
      const seen = server.requests.length;
      const r = await sync(repo, [{ env: { S_URL: server.url, S_TOKEN: token } }], T0);
      expect(r.exitCode, r.log.join('\n')).toBe(0);
      expect(r.summary.removed).toBe(2);
      expect(server.members(GROUP)).toEqual([]);
      const patches = server.requests.slice(seen).filter((q) => q.method === 'PATCH');
      // One batched PatchOp with one `remove` per member id (never a filter on userName).
      expect(patches).toHaveLength(1);
      expect(
        patches.flatMap((q) =>
          (q.body as { Operations: { path: string }[] }).Operations.map((o) => o.path),
        ),
      ).toEqual([
        `members[value eq "${server.userId('a" or userName pr "')}"]`,
        `members[value eq "${server.userId('bob@acme.example')}"]`,
      ]);
    } finally {
      repo.dispose();
    }
  });
});
