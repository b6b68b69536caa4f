import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * The life of grants in each real target (SPEC §8 "Sync"), run by the same scenario against a
 * SCIM server, a PostgreSQL cluster, a signed-webhook receiver and the fake GitHub.
 */
const factories: [string, () => Promise<Target>][] = [
  ['scim', () => scimTarget()],
  ['postgres', () => postgresTarget()],
  ['webhook', () => webhookTarget()],
  ['github-team', () => githubTarget()],
];

describe.each(factories)('%s', (_name, start) => {
  let t: Target;
  let repo: Repo;
  beforeAll(async () => {
    t = await start();
    repo = new Repo();
    repo.policy(t);
  });
  afterAll(async () => {
    await t?.close();
    repo?.dispose();
  });

  it('grant → member; rerun → no writes; drift removed except preserve; overlap; expiry by time', async () => {
    const { approver, editor } = t.groups;
    const sys = t.system;
    const alicePath = repo.grant(sys, 'alice-approver', {
      subject: 'alice',
      role: 'approver',
      expires: T0 + 2 * HOUR,
    });
    repo.grant(sys, 'carol-editor-1', { subject: 'carol', role: 'editor', expires: T0 + HOUR });
    repo.grant(sys, 'carol-editor-2', {
      subject: 'carol',
      role: 'editor',
      starts: T0 - HOUR,
      expires: T0 + 3 * HOUR,
    });
    repo.grant(sys, 'bob-approver', {
      subject: 'bob',
      role: 'approver',
      starts: T0 + HOUR,
      expires: T0 + 4 * HOUR,
    });

    // 1. Active grants become members; the upcoming one does not (yet).
    let r = await sync(repo, [t], T0);
    expect(r.exitCode, r.log.join('\n')).toBe(0);
    expect(await t.members(approver)).toEqual([t.member('alice')]);
    expect(await t.members(editor)).toEqual([t.member('carol')]);
    expect(r.summary).toMatchObject({ added: 2, removed: 0, failed: 0 });
    expect(r.plan.entries.map((e) => [e.action, e.subject, e.role, e.target_group])).toEqual([
      ['add', 'alice', 'approver', approver],
      ['add', 'carol', 'editor', editor],
    ]);

    // 2. A rerun after success reads and writes nothing.
    let writes = t.writes();
    const before = t.requests();
    r = await sync(repo, [t], T0 + MIN);
    expect(r.exitCode).toBe(0);
    expect(r.plan.entries).toEqual([]);
    expect(t.writes()).toBe(writes);
    expect(r.summary).toMatchObject({ added: 0, removed: 0, unchanged: 2, failed: 0 });
    // The reported request count is what the target saw (reads only).
    expect(r.summary.requests).toBe(t.requests() - before);
    expect(r.summary.requests).toBeGreaterThan(0);

    // 3. Members added by hand are drift and removed; the preserve login stays.
    await t.addByHand(approver, t.member('mallory'));
    await t.addByHand(editor, t.member('breakglass'));
    r = await sync(repo, [t], T0 + 2 * MIN);
    expect(r.exitCode).toBe(0);
    expect(await t.members(approver)).toEqual([t.member('alice')]);
    expect(await t.members(editor)).toEqual([t.member('breakglass'), t.member('carol')].sort());
    expect(r.plan.entries.map((e) => [e.action, e.member, e.reason])).toEqual([
      ['remove', t.member('mallory'), 'not backed by an active grant (drift)'],
    ]);
    expect(r.plan.kept.map((k) => [k.member, k.why])).toEqual([
      [t.member('breakglass'), 'preserve'],
    ]);

    // 4. One of two overlapping grants expires: still a member. The upcoming grant starts.
    r = await sync(repo, [t], T0 + 90 * MIN);
    expect(r.exitCode).toBe(0);
    expect(await t.members(editor)).toEqual([t.member('breakglass'), t.member('carol')].sort());
    expect(await t.members(approver)).toEqual([t.member('alice'), t.member('bob')].sort());
    expect(r.plan.entries.map((e) => [e.action, e.member])).toEqual([['add', t.member('bob')]]);

    // 5. Expiry revokes by time, though the grant file is still there.
    expect(existsSync(alicePath)).toBe(true);
    writes = t.writes();
    r = await sync(repo, [t], T0 + 150 * MIN);
    expect(r.exitCode).toBe(0);
    expect(await t.members(approver)).toEqual([t.member('bob')]);
    expect(r.plan.entries).toEqual([
      {
        system: sys,
        role: 'approver',
        subject: 'alice',
        target_group: approver,
        member: t.member('alice'),
        action: 'remove',
        reason: `grant grants/${sys}/alice-approver.yaml expired at 2026-12-04T14:00:00Z`,
      },
    ]);
    expect(t.writes()).toBe(writes + 1);
    expect(existsSync(join(repo.root, 'grants', sys, 'alice-approver.yaml'))).toBe(true);

    // 6. Converged: another run changes nothing.
    writes = t.writes();
    r = await sync(repo, [t], T0 + 151 * MIN);
    expect([r.exitCode, r.plan.entries.length, t.writes() - writes]).toEqual([0, 0, 0]);
    for (const s of t.secrets) expect(r.log.join('\n')).not.toContain(s);
  });
});
