import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { provenanceOf } from '../../src/audit/provenance.js';
import { shortSha } from '../../src/core/audit/history.js';
import { jit } from '../support/cli.js';
import { ALICE, aliceGrant, aliceTrailer, DECISION, gateMessage, verifyOf } from './helpers.js';
import { TestRepo } from './repo.js';

const repos: TestRepo[] = [];
const dirs: string[] = [];
const repo = () => {
  const r = new TestRepo();
  repos.push(r);
  return r;
};
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** alice's grant merged by the gate as a squash commit with trailers (#1). */
function approved(r: TestRepo, date = '2026-12-04T10:00:00Z'): string {
  return r.write(ALICE, aliceGrant()).commit(
    gateMessage('Request coupa access for alice (#1)', {
      grants: [aliceTrailer()],
      pr: 1,
      decision: DECISION,
    }),
    date,
    'github',
  );
}

const verifyCli = (dir: string) => jit(['audit', '--verify', '--json', '--root', dir]);

describe('jit audit --verify', () => {
  it('a clean history (squash and merge commits with trailers, a gate narrowing, a revocation) passes, exit 0', async () => {
    const r = repo();
    const s1 = approved(r);
    const BOB = 'grants/coupa/bob-invoice-approver-proc-4822.yaml';
    r.checkout(['-b', 'bob']);
    r.write(BOB, aliceGrant({ requester: 'bob' })).commit('request', '2026-12-04T10:10:00Z', 'bob');
    r.checkout(['main']);
    const m = r.merge(
      'bob',
      gateMessage('Merge pull request #2 from acme/bob', {
        grants: [aliceTrailer({ grant: BOB, requestedBy: 'bob' })],
      }),
      '2026-12-04T10:20:00Z',
    );
    const s3 = r.write(ALICE, aliceGrant({ expires_at: '2026-12-04T16:00:00Z' })).commit(
      gateMessage('Narrow (#3)', {
        grants: [
          // The gate records the narrowing PR's author: here bob, not the requester.
          aliceTrailer({
            change: 'narrowed',
            requestedBy: 'bob',
            approvedBy: [],
            expiresAt: '2026-12-04T16:00:00Z',
          }),
        ],
      }),
      '2026-12-04T11:00:00Z',
      'github',
    );
    r.write('grants/coupa/tmp.yaml', aliceGrant()).commit('oops', '2026-12-04T11:10:00Z', 'bob');
    r.remove('grants/coupa/tmp.yaml').commit('remove oops', '2026-12-04T11:20:00Z', 'bob');

    const { findings, provenance } = await verifyOf(r.dir);
    expect(findings).toEqual([]);
    expect(provenance).toEqual(
      new Map([
        [ALICE, { ok: true, commit: s3, pull_request: 3 }],
        [BOB, { ok: true, commit: m, pull_request: 2 }],
      ]),
    );
    expect(s1).not.toBe(s3);

    const cli = await verifyCli(r.dir);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).findings).toEqual([]);
    const table = await jit(['audit', '--verify', '--root', r.dir]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(
      `verify: ok, all 2 grant(s) on ${shortSha(r.head())} arrived through approved merges`,
    );
  });

  it('a grant pushed straight to the default branch is E_PROVENANCE with that commit, exit 1', async () => {
    const r = repo();
    approved(r);
    const EVE = 'grants/coupa/eve-invoice-approver-proc-4999.yaml';
    const push = r
      .write(EVE, aliceGrant({ requester: 'eve', ticket: 'PROC-4999' }))
      .commit('quick fix', '2026-12-04T12:00:00Z', 'bob');
    const cli = await verifyCli(r.dir);
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout).findings).toEqual([
      {
        code: 'E_PROVENANCE',
        path: EVE,
        commit: push,
        message: `${EVE}: introduced by commit ${shortSha(push)} (2026-12-04T12:00:00Z, Bob <bob@acme.example>, "quick fix") without a Jit-Grant trailer for this path (in the message's last paragraph), so it did not arrive through an approved merge. Remove the file (removal needs no approval) and request the access through a pull request.`,
      },
    ]);
  });

  it('a grant edited after its approved merge is E_PROVENANCE naming the edit, not the merge', async () => {
    const r = repo();
    const s1 = approved(r);
    const edit = r
      .write(ALICE, aliceGrant({ expires_at: '2026-12-31T17:00:00Z' }))
      .commit('extend a bit', '2026-12-04T12:00:00Z', 'bob');
    const cli = await verifyCli(r.dir);
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout).findings).toEqual([
      {
        code: 'E_PROVENANCE',
        path: ALICE,
        commit: edit,
        message: `${ALICE}: approved in commit ${shortSha(s1)} (2026-12-04T10:00:00Z, GitHub <noreply@github.com>, "Request coupa access for alice (#1)"), but changed afterwards by commit ${shortSha(edit)} (2026-12-04T12:00:00Z, Bob <bob@acme.example>, "extend a bit") without a Jit-Grant trailer for this path, so the content on the branch is not what was approved. Revert ${shortSha(edit)} or request the change through a pull request.`,
      },
    ]);
  });

  it('even a narrowing edit without a trailer breaks provenance (strict: only the gate writes grants)', async () => {
    const r = repo();
    approved(r);
    const edit = r
      .write(ALICE, aliceGrant({ expires_at: '2026-12-04T12:00:00Z' }))
      .commit('shorter', '2026-12-04T11:00:00Z', 'bob');
    const { findings } = await verifyOf(r.dir);
    expect(findings.map((f) => [f.path, f.commit])).toEqual([[ALICE, edit]]);
  });

  it('a trailer quoted in a non-final paragraph is not evidence', async () => {
    const r = repo();
    const s = r
      .write(ALICE, aliceGrant())
      .commit(
        `Request (#4)\n\n${gateMessage('quoted', { grants: [aliceTrailer()] })}\n\nCo-authored-by: Bob <bob@acme.example>`,
        '2026-12-04T10:00:00Z',
        'github',
      );
    const { findings } = await verifyOf(r.dir);
    expect(findings.map((f) => [f.code, f.path, f.commit])).toEqual([['E_PROVENANCE', ALICE, s]]);
  });

  it('a revert that re-adds a revoked grant, a merge without trailers and a rename without a trailer for the new path are flagged', async () => {
    const r = repo();
    approved(r);
    const revoke = r
      .remove(ALICE)
      .commit(gateMessage('Revoke (#2)', { revoked: [ALICE] }), '2026-12-04T11:00:00Z', 'github');
    const revert = r.revert(revoke, '2026-12-04T11:30:00Z');
    expect((await verifyOf(r.dir)).findings.map((f) => [f.path, f.commit])).toEqual([
      [ALICE, revert],
    ]);

    const BOB = 'grants/coupa/bob-invoice-approver-proc-4822.yaml';
    r.checkout(['-b', 'bob']);
    r.write(BOB, aliceGrant({ requester: 'bob' })).commit('request', '2026-12-04T12:00:00Z', 'bob');
    r.checkout(['main']);
    const merge = r.merge('bob', "Merge branch 'bob'", '2026-12-04T12:10:00Z', 'bob');
    const NETSUITE = 'grants/netsuite/carol-ap-clerk.yaml';
    // The rename's trailer names the old path only.
    const rename = r
      .move(ALICE, NETSUITE)
      .commit(
        gateMessage('Move (#5)', { grants: [aliceTrailer({ change: 'renamed' })] }),
        '2026-12-04T12:30:00Z',
        'github',
      );
    expect((await verifyOf(r.dir)).findings.map((f) => [f.path, f.commit])).toEqual([
      [BOB, merge],
      [NETSUITE, rename],
    ]);
  });

  it('a trailer that does not describe the file, and a "narrowed" trailer on a widening change, are flagged', async () => {
    const r = repo();
    const wrong = r
      .write(ALICE, aliceGrant({ expires_at: '2027-01-31T17:00:00Z' }))
      .commit(
        gateMessage('Request (#1)', { grants: [aliceTrailer()] }),
        '2026-12-04T10:00:00Z',
        'github',
      );
    let { findings } = await verifyOf(r.dir);
    expect(findings).toEqual([
      {
        code: 'E_PROVENANCE',
        path: ALICE,
        commit: wrong,
        message: `${ALICE}: commit ${shortSha(wrong)} (2026-12-04T10:00:00Z, GitHub <noreply@github.com>, "Request (#1)") carries a Jit-Grant trailer for this path, but its Jit-Expires-At is 2026-12-04T17:00:00Z while the file's expires_at is 2027-01-31T17:00:00Z, so the trailer does not describe the file. Remove the file and request the access through a pull request.`,
      },
    ]);

    const r2 = repo();
    approved(r2);
    const widen = r2.write(ALICE, aliceGrant({ expires_at: '2026-12-04T19:00:00Z' })).commit(
      gateMessage('Narrow (#2)', {
        grants: [
          aliceTrailer({ change: 'narrowed', approvedBy: [], expiresAt: '2026-12-04T19:00:00Z' }),
        ],
      }),
      '2026-12-04T11:00:00Z',
      'github',
    );
    ({ findings } = await verifyOf(r2.dir));
    expect(findings.map((f) => [f.path, f.commit])).toEqual([[ALICE, widen]]);
    expect(findings[0]!.message).toContain('is not a pure narrowing');
  });

  it('provenanceOf(root) maps each grant on HEAD to its approved merge or its finding', async () => {
    const r = repo();
    const s1 = approved(r);
    const EVE = 'grants/coupa/eve-invoice-approver-proc-4999.yaml';
    const push = r
      .write(EVE, aliceGrant({ requester: 'eve' }))
      .commit('direct', '2026-12-04T12:00:00Z', 'bob');
    const map = await provenanceOf(r.dir);
    expect([...map.keys()]).toEqual([ALICE, EVE]);
    expect(map.get(ALICE)).toEqual({ ok: true, commit: s1, pull_request: 1 });
    const eve = map.get(EVE)!;
    expect(eve.ok).toBe(false);
    if (!eve.ok) expect([eve.finding.code, eve.finding.commit]).toEqual(['E_PROVENANCE', push]);
  });

  it('a shallow clone cannot be verified (exit 2, says how to fetch the full history)', async () => {
    const r = repo();
    approved(r);
    r.write(ALICE, aliceGrant({ expires_at: '2026-12-04T16:00:00Z' })).commit(
      gateMessage('Narrow (#2)', {
        grants: [
          aliceTrailer({ change: 'narrowed', approvedBy: [], expiresAt: '2026-12-04T16:00:00Z' }),
        ],
      }),
      '2026-12-04T11:00:00Z',
      'github',
    );
    const clone = mkdtempSync(join(tmpdir(), 'jit-audit-shallow-'));
    dirs.push(clone);
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone]);
    const cli = await verifyCli(clone);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('is a shallow clone');
    expect(cli.stderr).toContain('fetch-depth: 0');
    await expect(provenanceOf(clone)).rejects.toThrow(/shallow clone/);
    // Without --verify the events are listed with a warning.
    const list = await jit(['audit', '--json', '--root', clone]);
    expect(list.code).toBe(0);
    expect(list.stderr).toContain('warning');
  });
});
