import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTrailers } from '../../src/core/audit/trailers.js';
import { type FakeGitHub, startFakeGitHub, warmUp } from '../support/fake-github/index.js';
import {
  type ActionRun,
  branchChanges,
  buildBundle,
  grantPath,
  grantYaml,
  HOUR,
  iso,
  openRemovalPulls,
  repoFiles,
  runExpireAction,
} from './harness.js';

// The bundled action (dist/index.js built from the current sources) against the stateful fake
// GitHub, with the environment the Actions runner gives it.

let bundle: string;
const fakes: FakeGitHub[] = [];

beforeAll(() => {
  warmUp();
  bundle = buildBundle();
}, 120_000);

afterEach(async () => {
  for (const f of fakes.splice(0)) {
    expect(f.violations).toEqual([]);
    await f.close();
  }
});

async function fake(files: Record<string, string>, offsetMs = { value: 0 }) {
  const f = await startFakeGitHub({
    files,
    logViolations: false,
    now: () => new Date(Date.now() + offsetMs.value),
  });
  fakes.push(f);
  return f;
}

const writes = (r: ActionRun) => r.requests.filter((q) => q.method !== 'GET');

describe('expire action (bundled) against the fake GitHub', () => {
  it('0 expired grants: opens nothing', async () => {
    const f = await fake(repoFiles(3, Date.now() + 4 * HOUR));
    const r = await runExpireAction(bundle, f);
    expect(r.code, r.stdout).toBe(0);
    expect(r.plan.remove).toEqual([]);
    expect(r.plan.removal?.outcome).toBe('none');
    expect(writes(r)).toEqual([]);
    expect(openRemovalPulls(f)).toEqual([]);
    expect(Number(r.outputs['api-requests'])).toBe(r.requests.length);
    expect(r.summary).toContain('No expired grant to remove.');
    expect(f.violations).toEqual([]);
  });

  it('1 expired grant: one removal pull request, labelled, one commit, a table', async () => {
    const now = Date.now();
    const f = await fake(
      repoFiles(0, now, { [grantPath(1)]: grantYaml('alice', now + 4 * HOUR, 'PROC-7') }),
    );
    // The expired grant arrived through an approved merge: its trailers name the PR.
    await f.state.commitFiles({
      branch: 'main',
      files: { [grantPath(0)]: grantYaml('alice', now - 2 * HOUR) },
      message: `jit: grant coupa/invoice-approver to alice (#12)\n\nJit-Grant: ${grantPath(0)}\nJit-Pull-Request: 12\n`,
    });
    const r = await runExpireAction(bundle, f);
    expect(r.code, r.stdout).toBe(0);
    const [pr, ...more] = openRemovalPulls(f);
    expect(more).toEqual([]);
    expect(pr!.headRef).toMatch(/^jit\/expire\/\d{8}T\d{6}Z$/);
    expect(pr!.labels).toEqual(['jit:expired']);
    expect(pr!.author).toBe('jit-access[bot]');
    expect(pr!.body).toContain(
      `| \` ${grantPath(0)} \` | \` alice \` | \` coupa/invoice-approver \` | ${iso(now - 2 * HOUR)} | #12 |`,
    );
    const changes = await branchChanges(f, pr!.headRef);
    expect(changes).toEqual({ deleted: [grantPath(0)], other: [], commits: 1 });
    const message = await f.repo.git(['log', '-1', '--format=%B', pr!.headSha]);
    expect(parseTrailers(message).expired).toEqual([grantPath(0)]);
    expect(r.plan.removal).toMatchObject({ outcome: 'created', number: pr!.number });
    expect(r.outputs['api-requests']).toBe(String(r.requests.length));
    expect(f.violations).toEqual([]);
  });

  it('500 expired grants: one pull request, one commit, and as many API requests as for 1', async () => {
    const expired = Date.now() - 2 * HOUR;
    const one = await fake(repoFiles(1, expired));
    const r1 = await runExpireAction(bundle, one);
    const many = await fake(repoFiles(500, expired));
    const r500 = await runExpireAction(bundle, many);
    expect(r500.code, r500.stdout).toBe(0);
    const [pr, ...more] = openRemovalPulls(many);
    expect(more).toEqual([]);
    const changes = await branchChanges(many, pr!.headRef);
    expect(changes.deleted).toHaveLength(500);
    expect(changes.other).toEqual([]);
    expect(changes.commits).toBe(1);
    expect(many.count('git/create-tree')).toBe(1);
    expect(many.count('git/create-commit')).toBe(1);
    expect(many.count('git/create-blob')).toBe(0);
    const ops = (r: ActionRun) => r.requests.map((q) => q.operationId);
    console.log(
      `API requests per run: 1 expired grant → ${r1.outputs['api-requests']}, 500 expired grants → ${r500.outputs['api-requests']}\n  ${ops(r500).join(', ')}`,
    );
    expect(r500.outputs['api-requests']).toBe(r1.outputs['api-requests']);
    expect(ops(r500)).toEqual(ops(r1));
    // A rerun reads the open removal PR's files (pages of 100) and writes nothing.
    const again = await runExpireAction(bundle, many);
    expect(again.plan.remove).toEqual([]);
    expect(writes(again)).toEqual([]);
    console.log(
      `rerun with the 500-grant removal PR open: ${again.outputs['api-requests']} requests`,
    );
  }, 120_000);

  it('a rerun on the same state opens nothing', async () => {
    const f = await fake(repoFiles(2, Date.now() - HOUR));
    const first = await runExpireAction(bundle, f);
    expect(first.plan.removal?.outcome).toBe('created');
    const second = await runExpireAction(bundle, f);
    expect(second.code, second.stdout).toBe(0);
    expect(second.plan.remove).toEqual([]);
    expect(second.plan.skipped.map((s) => s.kind)).toEqual(['in-open-removal', 'in-open-removal']);
    expect(writes(second)).toEqual([]);
    expect(openRemovalPulls(f)).toHaveLength(1);
    expect((await f.repo.listRefs('refs/heads/jit/')).length).toBe(1);
  });

  it('a grant already in an open removal pull request is not repeated', async () => {
    const f = await fake(repoFiles(3, Date.now() - HOUR));
    const old = await f.state.openPullRequest({
      author: 'jit-access[bot]',
      head: 'jit/expire/20260101T000000Z',
      files: { [grantPath(0)]: null },
      labels: ['jit:expired'],
      title: 'jit: remove 1 expired grant',
    });
    const r = await runExpireAction(bundle, f);
    expect(r.code, r.stdout).toBe(0);
    expect(r.plan.remove.map((g) => g.path)).toEqual([grantPath(1), grantPath(2)]);
    expect(r.plan.skipped).toMatchObject([{ path: grantPath(0), kind: 'in-open-removal' }]);
    const fresh = openRemovalPulls(f).filter((p) => p.number !== old.number);
    expect(fresh).toHaveLength(1);
    expect((await branchChanges(f, fresh[0]!.headRef)).deleted).toEqual([
      grantPath(1),
      grantPath(2),
    ]);
  });

  it('auto-merge lands the removal with Jit-Expired trailers, passing the approval status', async () => {
    const f = await fake(repoFiles(2, Date.now() - HOUR));
    const r = await runExpireAction(bundle, f, { 'auto-merge': 'true' });
    expect(r.code, r.stdout).toBe(0);
    expect(r.plan.removal).toMatchObject({ outcome: 'created', merged: true });
    const pr = f.state.pull(r.plan.removal!.number!);
    expect(pr.merged).toBe(true);
    const [status] = f.state.statusesFor(pr.headSha);
    expect(status).toMatchObject({
      context: 'jit-access/approval',
      state: 'success',
      creator: 'jit-access[bot]',
      description: 'approved: revocation or narrowing only',
    });
    // Squash: one commit on main, its message carries the trailers.
    const log = await f.repo.git(['log', '-1', '--format=%P%n%B', 'main']);
    const [parents, ...body] = log.split('\n');
    expect(parents!.split(' ')).toHaveLength(1);
    const t = parseTrailers(body.join('\n'));
    expect(t.expired).toEqual([grantPath(0), grantPath(1)]);
    expect(t.pr).toBe(pr.number);
    expect(await f.readFile('main', grantPath(0))).toBeNull();
    expect(await f.readFile('main', 'policies/coupa.yaml')).not.toBeNull();
    // The merge was pinned to the head this run created.
    const merge = r.requests.find((q) => q.operationId === 'pulls/merge');
    expect(merge?.status).toBe(200);
    const rerun = await runExpireAction(bundle, f, { 'auto-merge': 'true' });
    expect(rerun.plan.remove).toEqual([]);
    expect(writes(rerun)).toEqual([]);
  });

  it('closes stale access requests with a comment, leaves fresh ones open', async () => {
    const offset = { value: 0 };
    const now = Date.now();
    const f = await fake(repoFiles(1, now + 4 * HOUR), offset);
    const status = (sha: string, state: 'pending' | 'failure' | 'success') =>
      f.state.statuses.push({
        id: f.state.allocId(),
        sha,
        state,
        context: 'jit-access/approval',
        description: state,
        targetUrl: null,
        creator: 'jit-access[bot]',
        createdAt: f.state.now(),
        updatedAt: f.state.now(),
      });
    offset.value = -4 * 24 * HOUR; // opened four days ago
    const stale = await f.state.openPullRequest({
      author: 'alice',
      head: 'req-stale',
      files: { 'grants/coupa/alice-x.yaml': grantYaml('alice', now + 4 * HOUR) },
    });
    status(stale.headSha, 'pending');
    const denied = await f.state.openPullRequest({
      author: 'bob',
      head: 'req-denied',
      files: { 'grants/coupa/bob-x.yaml': grantYaml('bob', now + 4 * HOUR) },
    });
    status(denied.headSha, 'failure');
    const approvedOld = await f.state.openPullRequest({
      author: 'erin',
      head: 'req-approved',
      files: { 'grants/coupa/erin-x.yaml': grantYaml('erin', now + 4 * HOUR) },
    });
    status(approvedOld.headSha, 'success');
    offset.value = 0;
    const passed = await f.state.openPullRequest({
      author: 'dave',
      head: 'req-passed',
      files: { 'grants/coupa/dave-x.yaml': grantYaml('dave', now - HOUR) },
    });
    status(passed.headSha, 'success');
    const fresh = await f.state.openPullRequest({
      author: 'carol',
      head: 'req-fresh',
      files: { 'grants/coupa/carol-x.yaml': grantYaml('carol', now + 4 * HOUR) },
    });
    status(fresh.headSha, 'pending');
    offset.value = -10 * 24 * HOUR;
    const revocation = await f.state.openPullRequest({
      author: 'carol',
      head: 'revoke',
      files: { [grantPath(0)]: null },
    });
    offset.value = 0;
    const unrelated = await f.state.openPullRequest({
      author: 'carol',
      head: 'docs',
      files: { 'README.md': 'hello\n' },
    });

    const r = await runExpireAction(bundle, f);
    expect(r.code, r.stdout).toBe(0);
    expect(r.plan.closed.sort()).toEqual([stale.number, denied.number, passed.number].sort());
    for (const n of [fresh.number, approvedOld.number, unrelated.number, revocation.number])
      expect(f.state.pull(n).state).toBe('open');
    const comment = f.state.commentsOn(stale.number)[0]!;
    expect(comment.user).toBe('jit-access[bot]');
    expect(comment.body).toContain('pending for 4d');
    expect(comment.body).toContain('longer than the request-ttl of 3d');
    expect(comment.body).toContain(
      '` jit request --system coupa --role invoice-approver --for 4h `',
    );
    expect(f.state.commentsOn(denied.number)[0]!.body).toContain('open denied for 4d');
    expect(f.state.commentsOn(passed.number)[0]!.body).toContain(
      'the requested window has passed: grants/coupa/dave-x.yaml',
    );
    expect(f.state.pull(stale.number).state).toBe('closed');
    expect(f.state.pull(stale.number).merged).toBe(false);
  });

  it('an unparseable grant on the default branch is reported and left alone; the rest proceed', async () => {
    const broken = 'grants/coupa/broken.yaml';
    const f = await fake(
      repoFiles(2, Date.now() - HOUR, { [broken]: 'requester: alice\nrequester: bob\n' }),
    );
    const r = await runExpireAction(bundle, f);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`::error file=${broken}::E_YAML`);
    expect(r.plan.skipped).toMatchObject([{ path: broken, kind: 'load-error' }]);
    const [pr] = openRemovalPulls(f);
    expect((await branchChanges(f, pr!.headRef)).deleted).toEqual([grantPath(0), grantPath(1)]);
    expect(await f.readFile(pr!.headSha, broken)).toBe('requester: alice\nrequester: bob\n');
  });

  it('a checkout behind the default branch: a grant already gone there is skipped', async () => {
    const f = await fake(repoFiles(3, Date.now() - HOUR));
    const r = await runExpireAction(bundle, f, {}, async () => {
      // A revocation merged after the checkout was made.
      await f.state.commitFiles({ branch: 'main', files: { [grantPath(1)]: null } });
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.plan.skipped).toMatchObject([{ path: grantPath(1), kind: 'gone' }]);
    const [pr] = openRemovalPulls(f);
    expect((await branchChanges(f, pr!.headRef)).deleted).toEqual([grantPath(0), grantPath(2)]);
    expect(f.count('git/get-tree')).toBe(2);
  });

  it('dry-run walks the same reads and writes nothing', async () => {
    const f = await fake(repoFiles(2, Date.now() - HOUR));
    const r = await runExpireAction(bundle, f, { 'dry-run': 'true' });
    expect(r.code, r.stdout).toBe(0);
    expect(writes(r)).toEqual([]);
    expect(r.plan.remove).toHaveLength(2);
    expect(r.plan.removal?.outcome).toBe('planned');
    expect(r.summary).toContain('dry run');
    const real = await runExpireAction(bundle, f);
    const reads = (x: ActionRun) => x.requests.filter((q) => q.method === 'GET');
    // The real run reads the same, plus the race check after creating its pull request.
    expect(
      reads(real)
        .slice(0, reads(r).length)
        .map((q) => q.operationId),
    ).toEqual(reads(r).map((q) => q.operationId));
  });

  it('stops cleanly at the api-budget and says which input to raise', async () => {
    const f = await fake(repoFiles(1, Date.now() - HOUR));
    const r = await runExpireAction(bundle, f, { 'api-budget': '3' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('raise the api-budget input');
    expect(r.plan.removal?.outcome).toBe('budget');
    expect(writes(r)).toEqual([]);
    expect(r.requests.length).toBeLessThanOrEqual(3);
    expect(openRemovalPulls(f)).toEqual([]);
  });
});
