import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jit } from '../support/cli.js';
import {
  githubTarget,
  HOUR,
  MIN,
  postgresTarget,
  Repo,
  scimTarget,
  sync,
  T0,
  type Target,
  webhookTarget,
} from './targets.js';

/**
 * Four real targets synced together: per-system isolation (SPEC §8: one target failing does not
 * stop the others; a system with a broken file gets no removals), and `jit sync` end to end.
 */
let scim: Awaited<ReturnType<typeof scimTarget>>;
let targets: Target[];
let repo: Repo;
const ATTEMPTS = 3; // TUNING.retries + 1: every attempt of one request in a run

beforeAll(async () => {
  const started = await Promise.all([
    scimTarget(),
    postgresTarget(),
    webhookTarget(),
    githubTarget(),
  ]);
  scim = started[0];
  targets = started;
  repo = new Repo();
  for (const t of targets) repo.policy(t);
});
afterAll(async () => {
  await Promise.all((targets ?? []).map((t) => t.close()));
  repo?.dispose();
});

const env = () => Object.assign({}, ...targets.map((t) => t.env)) as Record<string, string>;
const grantAll = (subject: string, role = 'approver', expires = T0 + 6 * HOUR) => {
  for (const t of targets) repo.grant(t.system, `${subject}-${role}`, { subject, role, expires });
};

describe('isolation', () => {
  it('one target answering 503 to every attempt: the others are applied, exit 1, the next run converges', async () => {
    grantAll('alice');
    let r = await sync(repo, targets, T0);
    expect(r.exitCode, r.log.join('\n')).toBe(0);

    const people = ['bob', 'carol', 'dora', 'mallory'];
    for (const [i, down] of targets.entries()) {
      const subject = people[i]!;
      grantAll(subject);
      down.down(ATTEMPTS);
      const writes = targets.map((t) => t.writes());
      r = await sync(repo, targets, T0 + (i + 1) * MIN);
      down.up();
      expect(r.exitCode).toBe(1);
      expect(r.summary.failedSystems).toEqual([down.system]);
      const report = r.reports.find((x) => x.system === down.system)!;
      expect(report.errors.join('\n')).toMatch(
        down.type === 'postgres' ? /connecting to the database failed/ : /HTTP 503/,
      );
      for (const s of down.secrets) expect(r.log.join('\n')).not.toContain(s);
      for (const [j, t] of targets.entries()) {
        const members = await t.members(t.groups.approver);
        if (t === down) {
          expect(members).not.toContain(t.member(subject));
          expect(t.writes()).toBe(writes[j]);
        } else {
          expect(members).toContain(t.member(subject));
        }
      }
      // Healthy again: converges, every target has every subject.
      r = await sync(repo, targets, T0 + (i + 1) * MIN + 1000);
      expect(r.exitCode, r.log.join('\n')).toBe(0);
      expect(r.summary.added).toBe(1);
      for (const t of targets) {
        expect(await t.members(t.groups.approver)).toContain(t.member(subject));
      }
    }
    r = await sync(repo, targets, T0 + 10 * MIN);
    expect([r.exitCode, r.summary.added, r.summary.removed]).toEqual([0, 0, 0]);
  });

  it('a SCIM PATCH answering 503 after retries fails that operation only; the rest is applied', async () => {
    repo.grant(scim.system, 'alice-editor', {
      subject: 'alice',
      role: 'editor',
      expires: T0 + 6 * HOUR,
    });
    repo.grant(scim.system, 'bob-editor', {
      subject: 'bob',
      role: 'editor',
      expires: T0 + 6 * HOUR,
    });
    // Both changes go in one batched PATCH; it fails after its retries, then the connector
    // retries member by member: alice's PATCH fails too (after its retries), bob's goes through.
    scim.server.failNext(503, 2 * ATTEMPTS, { method: 'PATCH' });
    let r = await sync(repo, targets, T0 + 20 * MIN);
    expect(r.exitCode).toBe(1);
    expect(r.summary).toMatchObject({ added: 1, failed: 1 });
    expect(r.summary.failedSystems).toEqual([scim.system]);
    expect(await scim.members(scim.groups.editor)).toHaveLength(1);
    r = await sync(repo, targets, T0 + 21 * MIN);
    expect([r.exitCode, r.summary.added]).toEqual([0, 1]);
    expect(await scim.members(scim.groups.editor)).toEqual([
      'alice@acme.example',
      'bob@acme.example',
    ]);
    // Never a bare replace: only add on `members` and remove on `members[value eq "…"]`.
    for (const req of scim.server.requests.filter((x) => x.method === 'PATCH')) {
      const ops = (req.body as { Operations: { op: string; path: string }[] }).Operations;
      for (const o of ops)
        expect(['add members', 'remove']).toContain(o.op === 'add' ? `add ${o.path}` : o.op);
      for (const o of ops)
        if (o.op === 'remove') expect(o.path).toMatch(/^members\[value eq "[^"\\]+"\]$/);
    }
  });

  it('a system with one broken grant file gets no removals (its adds still run); the others proceed; exit 1', async () => {
    const [, pgT] = targets as [Target, Target, Target, Target];
    for (const t of targets) await t.addByHand(t.groups.editor, t.member('mallory'));
    repo.write(
      `grants/${pgT.system}/broken.yaml`,
      'requester: alice\nrole: approver\nexpires_at: tomorrow\n',
    );
    repo.grant(pgT.system, 'carol-editor', {
      subject: 'carol',
      role: 'editor',
      expires: T0 + 6 * HOUR,
    });
    const writes = pgT.writes();
    let r = await sync(repo, targets, T0 + 30 * MIN);
    expect(r.exitCode).toBe(1);
    // Two findings (E_SCHEMA, E_TIME_FORMAT), one file, one system.
    expect([...new Set(r.loadErrors.map((e) => `${e.path} ${e.system}`))]).toEqual([
      `grants/${pgT.system}/broken.yaml ${pgT.system}`,
    ]);
    expect(r.loadErrors.map((e) => e.code).sort()).toEqual(['E_SCHEMA', 'E_TIME_FORMAT']);
    expect(r.summary.failedSystems).toEqual([pgT.system]);
    for (const t of targets) {
      const editors = await t.members(t.groups.editor);
      if (t === pgT) expect(editors).toEqual(['carol', 'mallory']);
      else expect(editors).not.toContain(t.member('mallory'));
    }
    expect(pgT.writes()).toBe(writes + 1); // the GRANT for carol, no REVOKE
    expect(r.plan.kept.filter((k) => k.why === 'system-failed').map((k) => k.member)).toEqual([
      'mallory',
    ]);
    expect(r.log.join('\n')).toContain(`${pgT.system} gets no removals in this run`);

    repo.remove(`grants/${pgT.system}/broken.yaml`);
    r = await sync(repo, targets, T0 + 31 * MIN);
    expect([r.exitCode, r.summary.removed]).toEqual([0, 1]);
    expect(await pgT.members(pgT.groups.editor)).toEqual(['carol']);
  });
});

describe('jit sync', () => {
  it('--dry-run --json prints the SPEC plan and changes nothing; then jit sync applies it', async () => {
    for (const t of targets) await t.addByHand(t.groups.approver, t.member('breakglass'));
    for (const t of targets) await t.addByHand(t.groups.editor, t.member('dora'));
    const writes = targets.map((t) => t.writes());
    const now = '2026-12-04T13:00:00Z';
    const dry = await jit(
      ['sync', '--dry-run', '--json', '--root', repo.root, '--now', now],
      repo.root,
      env(),
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(targets.map((t) => t.writes())).toEqual(writes);
    const plan = JSON.parse(dry.stdout) as Record<string, unknown>[];
    expect(
      plan.map((e) => `${e.system} ${e.action} ${e.target_group} ${e.member} ${e.subject}`).sort(),
    ).toEqual(
      targets.map((t) => `${t.system} remove ${t.groups.editor} ${t.member('dora')} dora`).sort(),
    );
    for (const e of plan) {
      expect(Object.keys(e)).toEqual([
        'system',
        'role',
        'subject',
        'target_group',
        'member',
        'action',
        'reason',
      ]);
    }

    const human = await jit(
      ['sync', '--dry-run', '--root', repo.root, '--now', now],
      repo.root,
      env(),
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/system\s+action\s+target group\s+member\s+role\s+reason/);
    expect(human.stdout).toContain('listed in the target preserve');
    expect(human.stdout).toContain('ok: would add 0, would remove 4');

    const run = await jit(['sync', '--json', '--root', repo.root, '--now', now], repo.root, env());
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { ok: boolean; summary: Record<string, unknown> };
    expect(doc.ok).toBe(true);
    expect(doc.summary).toMatchObject({
      added: 0,
      removed: 4,
      failed: 0,
      systems: 4,
      failedSystems: [],
    });
    for (const t of targets) {
      expect(await t.members(t.groups.editor)).not.toContain(t.member('dora'));
      expect(await t.members(t.groups.approver)).toContain(t.member('breakglass'));
    }
    const out = run.stdout + run.stderr + human.stdout + human.stderr + dry.stderr;
    for (const t of targets) for (const s of t.secrets) expect(out).not.toContain(s);
  });

  it('--system only touches that system; a missing variable is named, never a value; exit codes', async () => {
    const pgT = targets[1]!;
    for (const t of targets) await t.addByHand(t.groups.editor, t.member('dora'));
    const now = '2026-12-04T13:05:00Z';
    const one = await jit(
      ['sync', '--system', pgT.system, '--root', repo.root, '--now', now],
      repo.root,
      env(),
    );
    expect(one.code, one.stderr).toBe(0);
    for (const t of targets) {
      const has = (await t.members(t.groups.editor)).includes(t.member('dora'));
      expect([t.system, has]).toEqual([t.system, t !== pgT]);
    }

    const partial = env();
    delete partial[Object.keys(scim.env).find((k) => k.endsWith('TOKEN'))!];
    const missing = await jit(['sync', '--root', repo.root, '--now', now], repo.root, partial);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'policies/coupa.yaml: target scim needs the environment variable COUPA_SCIM_TOKEN (target.token_env), which is not set',
    );
    for (const t of targets)
      for (const s of t.secrets) expect(missing.stderr + missing.stdout).not.toContain(s);
    // The other systems were still synced.
    for (const t of targets) {
      const has = (await t.members(t.groups.editor)).includes(t.member('dora'));
      expect([t.system, has]).toEqual([t.system, t === scim]);
    }

    const unknown = await jit(['sync', '--system', 'nope', '--root', repo.root], repo.root, env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no policies/nope.yaml');
    const bad = await jit(['sync', '--frobnicate'], repo.root, env());
    expect(bad.code).toBe(2);
  });
});
