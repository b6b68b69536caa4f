/**
 * Real targets on loopback for the sync tests, behind one small interface, plus a scratch
 * repository on disk. Write counts come from what the servers saw (SCIM PATCHes, SQL GRANT/REVOKE
 * through a recording proxy, signed webhook `apply` POSTs, GitHub team PUT/DELETE), never from
 * the code under test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { formatInstant } from '../../src/core/time.js';
import { type RunSyncOptions, type RunSyncResult, runSync } from '../../src/jobs/sync/run.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github/index.js';
import { type PgCluster, startPostgres } from '../support/pg-cluster.js';
import { type PgProxy, startPgProxy } from '../support/pg-proxy.js';
import { type ScimServer, startScimServer } from '../support/scim-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

export const T0 = Date.parse('2026-12-04T12:00:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const PEOPLE = ['alice', 'bob', 'carol', 'mallory', 'breakglass', 'dora'];
/** Fast retries for tests: the same code paths, millisecond backoff, 3 attempts per request. */
export const TUNING = {
  retries: 2,
  baseDelayMs: 1,
  maxDelayMs: 5,
  connectAttempts: 2,
  connectBackoffMs: 5,
};

export interface Target {
  system: string;
  type: 'scim' | 'postgres' | 'webhook' | 'github-team';
  /** The target block of the policy (YAML, two-space indented under `target:`). */
  targetYaml: string;
  env: Record<string, string>;
  groups: { approver: string; editor: string };
  /** Target-side member name of a login (the policy's user template). */
  member(login: string): string;
  members(group: string): Promise<string[]>;
  /** Adds a target-side member outside jit-access. */
  addByHand(group: string, member: string): Promise<void>;
  /** Membership writes the server has seen so far. */
  writes(): number;
  /** Every request or statement the server has seen so far. */
  requests(): number;
  /** Every attempt of the next `attempts` requests fails (503, or connection refused for PostgreSQL). */
  down(attempts: number): void;
  /** Ends a `down` that is still going (PostgreSQL only; the others count down by themselves). */
  up(): void;
  /** Secrets the run must never print. */
  secrets: string[];
  close(): Promise<void>;
}

const roles = `approvals: 0
max_duration: 8h
roles:
  approver: {}
  editor: {}
`;

export function policyYaml(t: Target): string {
  return `${roles}target:\n${t.targetYaml}`;
}

export async function scimTarget(system = 'coupa'): Promise<Target & { server: ScimServer }> {
  const token = 'scim-token-5d1f0c7e9a';
  const groups = { approver: 'JIT Approvers', editor: 'JIT Editors' };
  const member = (l: string) => `${l}@acme.example`;
  const server = await startScimServer({
    token,
    users: PEOPLE.map(member),
    groups: Object.values(groups),
  });
  const env = { [`${up(system)}_SCIM_URL`]: server.url, [`${up(system)}_SCIM_TOKEN`]: token };
  return {
    server,
    system,
    type: 'scim',
    targetYaml: `  type: scim
  url_env: ${up(system)}_SCIM_URL
  token_env: ${up(system)}_SCIM_TOKEN
  user: "{subject}@acme.example"
  groups: { approver: ${groups.approver}, editor: ${groups.editor} }
  preserve: [breakglass]
`,
    env,
    groups,
    member,
    members: async (g) => server.members(g).sort(),
    addByHand: async (g, m) => server.addMemberByHand(g, m),
    writes: () => server.requests.filter((r) => r.method === 'PATCH').length,
    requests: () => server.requests.length,
    down: (n) => server.failNext(503, n, { retryAfter: '0' }),
    up: () => {},
    secrets: [token],
    close: () => server.close(),
  };
}

export async function postgresTarget(
  system = 'procurement-db',
): Promise<Target & { cluster: PgCluster; proxy: PgProxy }> {
  const cluster = await startPostgres();
  const proxy = await startPgProxy(cluster.port);
  const groups = { approver: 'jit_approver', editor: 'jit_editor' };
  const id = (n: string) => pg.escapeIdentifier(n);
  for (const g of Object.values(groups)) await cluster.query(`CREATE ROLE ${id(g)} NOLOGIN`);
  for (const p of PEOPLE) await cluster.query(`CREATE ROLE ${id(p)} LOGIN`);
  // Trust authentication ignores the password: the DSN carries one to prove it never leaks.
  const password = 'pg-pass-77e0b4c1';
  const env = {
    [`${up(system)}_DSN`]: `postgres://postgres:${password}@127.0.0.1:${proxy.port}/postgres`,
  };
  return {
    cluster,
    proxy,
    system,
    type: 'postgres',
    targetYaml: `  type: postgres
  dsn_env: ${up(system)}_DSN
  user: "{subject}"
  roles: { approver: ${groups.approver}, editor: ${groups.editor} }
  preserve: [breakglass]
`,
    env,
    groups,
    member: (l) => l,
    members: async (g) =>
      (
        await cluster.query<{ m: string }>(
          `SELECT m.rolname AS m FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid
             JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = $1`,
          [g],
        )
      )
        .map((r) => r.m)
        .sort(),
    addByHand: async (g, l) => {
      await cluster.query(`GRANT ${id(g)} TO ${id(l)}`);
    },
    writes: () => proxy.statements.filter((s) => /^\s*(GRANT|REVOKE)\b/i.test(s)).length,
    requests: () => proxy.statements.length,
    // Refuses every connection until up(): a database that is down, whatever the count.
    down: () => {
      proxy.down = true;
    },
    up: () => {
      proxy.down = false;
    },
    secrets: [password, env[`${up(system)}_DSN`]!],
    close: async () => {
      await proxy.close();
      await cluster.stop();
    },
  };
}

export async function webhookTarget(
  system = 'netsuite',
): Promise<Target & { receiver: WebhookReceiver }> {
  const secret = 'whsec-test-3b9d2f61a0c4';
  const groups = { approver: 'JIT AP Clerk', editor: 'JIT Payment Approver' };
  const receiver = await startWebhookReceiver({
    secret,
    groups: { [groups.approver]: [], [groups.editor]: [] },
  });
  const url = receiver.url;
  const env = { [`${up(system)}_HOOK_URL`]: url, [`${up(system)}_HOOK_SECRET`]: secret };
  const kind = (body: string) => {
    try {
      return (JSON.parse(body) as { kind?: string }).kind;
    } catch {
      return undefined;
    }
  };
  return {
    receiver,
    system,
    type: 'webhook',
    targetYaml: `  type: webhook
  url_env: ${up(system)}_HOOK_URL
  secret_env: ${up(system)}_HOOK_SECRET
  groups: { approver: ${groups.approver}, editor: ${groups.editor} }
  preserve: [breakglass]
`,
    env,
    groups,
    member: (l) => l,
    members: async (g) => receiver.members(g).sort(),
    addByHand: async (g, l) => {
      // By hand = outside jit-access: a correctly signed apply from another tool.
      const { WebhookConnector } = await import('../../src/targets/webhook.js');
      await new WebhookConnector({ url, secret }).apply([
        { action: 'add', group: g, member: l, reason: 'by hand' },
      ]);
    },
    writes: () =>
      receiver.requests.filter((r) => r.status < 300 && kind(r.body) === 'apply').length,
    requests: () => receiver.requests.length,
    down: (n) => receiver.failNext(503, n),
    up: () => {},
    secrets: [secret],
    close: () => receiver.close(),
  };
}

export async function githubTarget(
  system = 'procurement-integrations',
): Promise<Target & { fake: FakeGitHub }> {
  const fake = await startFakeGitHub();
  const groups = { approver: 'jit-approvers', editor: 'jit-editors' };
  for (const p of PEOPLE) fake.state.addUser(p);
  for (const g of Object.values(groups)) fake.state.addTeam(g);
  const env = { GITHUB_TOKEN: fake.appToken, GITHUB_API_URL: fake.url };
  const writeOps = [
    'teams/add-or-update-membership-for-user-in-org',
    'teams/remove-membership-for-user-in-org',
  ];
  return {
    fake,
    system,
    type: 'github-team',
    targetYaml: `  type: github-team
  org: acme
  teams: { approver: ${groups.approver}, editor: ${groups.editor} }
  preserve: [breakglass]
`,
    env,
    groups,
    member: (l) => l,
    members: async (g) => [...fake.state.team(g)!.members.values()].map((m) => m.login).sort(),
    addByHand: async (g, l) => {
      fake.state.addTeam(g, [l]);
    },
    writes: () => writeOps.reduce((n, op) => n + fake.count(op), 0),
    requests: () => fake.requests.length,
    down: (n) => fake.injectFailure('teams/list-members-in-org', { status: 503, times: n }),
    up: () => {},
    secrets: [fake.appToken],
    close: () => fake.close(),
  };
}

function up(system: string): string {
  return system.toUpperCase().replaceAll('-', '_');
}

/** A scratch repository on disk: policies and grant files, read by sync like a checkout. */
export class Repo {
  readonly root = mkdtempSync(join(tmpdir(), 'jit-sync-'));

  write(path: string, text: string): string {
    const abs = join(this.root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    return abs;
  }

  policy(t: Target): void {
    this.write(`policies/${t.system}.yaml`, policyYaml(t));
  }

  grant(
    system: string,
    name: string,
    g: { subject: string; role: string; starts?: number; expires: number },
  ): string {
    const lines = [
      `requester: ${g.subject}`,
      `role: ${g.role}`,
      'justification: Quarter close needs this access today.',
      ...(g.starts !== undefined ? [`starts_at: "${formatInstant(g.starts)}"`] : []),
      `expires_at: "${formatInstant(g.expires)}"`,
    ];
    return this.write(`grants/${system}/${name}.yaml`, `${lines.join('\n')}\n`);
  }

  remove(path: string): void {
    rmSync(join(this.root, path), { force: true });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** One sync run against a repo, with every target's environment and captured log lines. */
export async function sync(
  repo: Repo,
  targets: Pick<Target, 'env'>[],
  now: number,
  over: Partial<RunSyncOptions> = {},
): Promise<RunSyncResult & { log: string[] }> {
  const log: string[] = [];
  const env = Object.assign({}, ...targets.map((t) => t.env));
  const result = await runSync({
    root: repo.root,
    now,
    env,
    log: (l) => log.push(l),
    tuning: TUNING,
    ...over,
  });
  return { ...result, log };
}
