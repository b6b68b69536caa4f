import { mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeGitHub,
  HEAD_MODIFIED,
  pullRequestEvent,
  pullRequestReviewEvent,
  scheduleEvent,
  startFakeGitHub,
  warmUp,
  workflowRunEvent,
} from './index.js';

const owner = 'acme';
const repo = 'access';
const NOW = new Date('2026-12-04T12:00:00Z');

const POLICY = 'description: Coupa\napprovers: ["@acme/leads"]\n';
const GRANT = 'requester: alice\nrole: invoice-approver\nexpires_at: 2026-12-05T17:00:00Z\n';

let fake: FakeGitHub;

async function start(): Promise<{ app: Octokit; as: (login: string) => Octokit }> {
  fake = await startFakeGitHub({
    now: () => NOW,
    files: { 'policies/coupa.yaml': POLICY, '.github/CODEOWNERS': 'grants/coupa/ @acme/leads\n' },
  });
  fake.state.addUser('alice', { permission: 'write' });
  fake.state.addUser('carol', { permission: 'write' });
  const quiet = { debug() {}, info() {}, warn: console.warn, error() {} };
  const octokit = (token: string) => new Octokit({ baseUrl: fake.url, auth: token, log: quiet });
  return { app: octokit(fake.appToken), as: (login) => octokit(fake.tokenFor(login)) };
}

/** Takes the violations a test provoked on purpose, leaving none for `afterEach`. */
function takeViolations() {
  return fake.violations.splice(0);
}

async function status(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    const response = (await promise) as { status: number };
    return { status: response.status, message: '' };
  } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string } } };
    return { status: e.status, message: e.response?.data?.message ?? '' };
  }
}

beforeAll(() => warmUp());

afterEach(async () => {
  // Every request and response of every test must have been one GitHub would send/accept.
  expect(fake.violations).toEqual([]);
  await fake.close();
});

describe('fake GitHub', () => {
  it('serves the repository and paginates reviews, files and team members with Link headers', async () => {
    const { app } = await start();
    fake.injectFailure('repos/get', { status: 503, message: 'Service Unavailable' });
    expect((await status(app.repos.get({ owner, repo }))).status).toBe(503);
    expect((await app.repos.get({ owner, repo })).data.default_branch).toBe('main');
    const files = Object.fromEntries(
      Array.from({ length: 35 }, (_, i) => [
        `grants/coupa/g${String(i).padStart(2, '0')}.yaml`,
        GRANT,
      ]),
    );
    const pr = await fake.state.openPullRequest({ author: 'alice', head: 'many', files });
    for (let i = 0; i < 32; i++) {
      await fake.state.submitReview({
        number: pr.number,
        user: 'carol',
        state: 'COMMENTED',
        body: `c${i}`,
      });
    }
    const last = await fake.state.submitReview({
      number: pr.number,
      user: 'carol',
      state: 'APPROVED',
    });
    fake.state.addTeam(
      'leads',
      Array.from({ length: 31 }, (_, i) => `lead${i}`),
      ['frank'],
    );

    const reviews = await app.paginate(app.pulls.listReviews, {
      owner,
      repo,
      pull_number: pr.number,
    });
    expect(reviews).toHaveLength(33);
    expect(reviews.at(-1)).toMatchObject({ id: last.id, state: 'APPROVED', commit_id: pr.headSha });
    expect(fake.count('pulls/list-reviews')).toBe(2);

    const changed = await app.paginate(app.pulls.listFiles, {
      owner,
      repo,
      pull_number: pr.number,
      per_page: 10,
    });
    expect(changed.map((f) => f.filename)).toEqual(Object.keys(files));
    expect(fake.count('pulls/list-files')).toBe(4);

    const members = await app.paginate(app.teams.listMembersInOrg, {
      org: owner,
      team_slug: 'leads',
    });
    expect(members.map((m) => m.login)).not.toContain('frank');
    expect(members).toHaveLength(31);
  });

  it('rejects a malformed request like GitHub and records it', async () => {
    const { app } = await start();
    const sha = (await fake.repo.refTarget('refs/heads/main'))!;
    const bad = await status(
      app.repos.createCommitStatus({
        owner,
        repo,
        sha,
        state: 'green' as unknown as 'success', // deliberately not a GitHub status state
        context: 'jit-access/approval',
      }),
    );
    expect(bad.status).toBe(422);
    expect(bad.message).toMatch(/state/);
    expect(takeViolations()).toEqual([
      expect.objectContaining({
        kind: 'request',
        operationId: 'repos/create-commit-status',
        status: 422,
      }),
    ]);
    expect(fake.state.statuses).toEqual([]);

    const unknownRoute = await status(
      app.request('GET /repos/{owner}/{repo}/no-such-thing', { owner, repo }),
    );
    expect(unknownRoute.status).toBe(404);
    const anonymous = new Octokit({
      baseUrl: fake.url,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect((await status(anonymous.repos.get({ owner, repo }))).status).toBe(401);
    expect(takeViolations().map((v) => v.kind)).toEqual(['unknown-route', 'auth']);
  });

  it('catches a response that does not match the OpenAPI description (502 + violation)', async () => {
    const { app } = await start();
    const pr = await fake.state.openPullRequest({
      author: 'alice',
      head: 'req',
      files: { 'grants/coupa/a.yaml': GRANT },
    });
    fake.onResponse(({ operationId }, reply) =>
      operationId === 'pulls/get'
        ? { ...reply, body: { ...(reply.body as object), number: 'seven' } }
        : undefined,
    );
    const answer = await status(app.pulls.get({ owner, repo, pull_number: pr.number }));
    expect(answer.status).toBe(502);
    const [violation, ...rest] = takeViolations();
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({ kind: 'response', operationId: 'pulls/get' });
    expect(violation?.errors.join('\n')).toMatch(/\/number must be integer/);
  });

  it('posts statuses and comments as the calling identity', async () => {
    const { app, as } = await start();
    const pr = await fake.state.openPullRequest({
      author: 'alice',
      head: 'req',
      files: { 'grants/coupa/a.yaml': GRANT },
    });
    await app.repos.createCommitStatus({
      owner,
      repo,
      sha: pr.headSha,
      state: 'pending',
      context: 'jit-access/approval',
      description: 'waiting for 1 approval',
    });
    await as('alice').repos.createCommitStatus({
      owner,
      repo,
      sha: pr.headSha,
      state: 'success',
      context: 'jit-access/approval',
    });
    const combined = await app.repos.getCombinedStatusForRef({ owner, repo, ref: 'req' });
    expect(combined.data).toMatchObject({ state: 'success', total_count: 1, sha: pr.headSha });
    const list = await app.repos.listCommitStatusesForRef({ owner, repo, ref: pr.headSha });
    expect(list.data.map((s) => [s.state, s.creator?.login])).toEqual([
      ['success', 'alice'],
      ['pending', 'jit-access[bot]'],
    ]);

    const comment = await app.issues.createComment({
      owner,
      repo,
      issue_number: pr.number,
      body: 'pending',
    });
    await app.issues.updateComment({ owner, repo, comment_id: comment.data.id, body: 'approved' });
    const comments = await app.issues.listComments({ owner, repo, issue_number: pr.number });
    expect(comments.data.map((c) => [c.user?.login, c.body])).toEqual([
      ['jit-access[bot]', 'approved'],
    ]);
    await app.issues.addLabels({ owner, repo, issue_number: pr.number, labels: ['jit:expired'] });
    const labels = await app.issues.listLabelsOnIssue({ owner, repo, issue_number: pr.number });
    expect(labels.data.map((l) => l.name)).toEqual(['jit:expired']);
  });

  it('merges for real: a merge commit with trailers in the bare repository', async () => {
    const { app } = await start();
    const pr = await fake.state.openPullRequest({
      author: 'alice',
      head: 'req',
      files: { 'grants/coupa/a.yaml': GRANT },
    });
    const message = 'Jit-Grant: grants/coupa/a.yaml\nJit-Approved-By: carol\nJit-Approved-By: dave';
    const merged = await app.pulls.merge({
      owner,
      repo,
      pull_number: pr.number,
      sha: pr.headSha,
      merge_method: 'merge',
      commit_title: `Grant coupa/a (#${pr.number})`,
      commit_message: message,
    });
    expect(merged.data.merged).toBe(true);
    const log = await fake.repo.git(['log', '-1', '--format=%H%n%P%n%an%n%cn%n%B', 'main']);
    const [sha, parents, author, committer, ...body] = log.trimEnd().split('\n');
    expect(sha).toBe(merged.data.sha);
    expect(parents?.split(' ')).toHaveLength(2);
    expect([author, committer]).toEqual(['jit-access[bot]', 'GitHub']);
    expect(body.join('\n')).toBe(`Grant coupa/a (#${pr.number})\n\n${message}`);
    const approvers = await fake.repo.git([
      'log',
      '-1',
      '--format=%(trailers:key=Jit-Approved-By,valueonly)',
      'main',
    ]);
    expect(approvers.trim().split('\n')).toEqual(['carol', 'dave']);
    expect(await fake.readFile('main', 'grants/coupa/a.yaml')).toBe(GRANT);

    const after = await app.pulls.get({ owner, repo, pull_number: pr.number });
    expect(after.data).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: merged.data.sha,
    });
    expect(after.data.merged_by?.login).toBe('jit-access[bot]');
    const files = await app.pulls.listFiles({ owner, repo, pull_number: pr.number });
    expect(files.data.map((f) => f.filename)).toEqual(['grants/coupa/a.yaml']);
  });

  it('squash-merges with one parent, and refuses a stale head sha with 409', async () => {
    const { app } = await start();
    const pr = await fake.state.openPullRequest({
      author: 'alice',
      head: 'req',
      files: { 'grants/coupa/a.yaml': GRANT },
    });
    const stale = pr.headSha;
    await fake.state.pushToPullRequest({
      number: pr.number,
      files: { 'grants/coupa/a.yaml': `${GRANT}ticket: X\n` },
    });
    const refused = await status(
      app.pulls.merge({ owner, repo, pull_number: pr.number, sha: stale }),
    );
    expect(refused).toEqual({ status: 409, message: HEAD_MODIFIED });
    expect(fake.state.pull(pr.number).merged).toBe(false);

    const head = (await app.pulls.get({ owner, repo, pull_number: pr.number })).data.head.sha;
    const squashed = await app.pulls.merge({
      owner,
      repo,
      pull_number: pr.number,
      sha: head,
      merge_method: 'squash',
    });
    const parents = await fake.repo.git(['log', '-1', '--format=%P%n%an', squashed.data.sha]);
    expect(parents.trim().split('\n')).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/), 'alice']);
    expect((await status(app.pulls.merge({ owner, repo, pull_number: pr.number }))).status).toBe(
      405,
    );
  });

  it('git data: refs, trees with sha:null deletions, commits, blobs', async () => {
    const { app } = await start();
    const main = await app.git.getRef({ owner, repo, ref: 'heads/main' });
    const base = main.data.object.sha;
    const exists = await status(
      app.git.createRef({ owner, repo, ref: 'refs/heads/main', sha: base }),
    );
    expect(exists).toEqual({ status: 422, message: 'Reference already exists' });

    const baseCommit = await app.git.getCommit({ owner, repo, commit_sha: base });
    const blob = await app.git.createBlob({ owner, repo, content: 'hello', encoding: 'utf-8' });
    const tree = await app.git.createTree({
      owner,
      repo,
      base_tree: baseCommit.data.tree.sha,
      tree: [
        { path: 'policies/coupa.yaml', mode: '100644', type: 'blob', sha: null },
        { path: 'docs/new.md', mode: '100644', type: 'blob', sha: blob.data.sha },
        { path: 'docs/inline.md', mode: '100644', type: 'blob', content: 'inline\n' },
      ],
    });
    const commit = await app.git.createCommit({
      owner,
      repo,
      message: 'Remove coupa\n\nJit-Revoked: policies/coupa.yaml',
      tree: tree.data.sha,
      parents: [base],
    });
    await app.git.createRef({
      owner,
      repo,
      ref: 'refs/heads/jit/expire/20261204T120000Z',
      sha: commit.data.sha,
    });
    expect(await fake.readFile('jit/expire/20261204T120000Z', 'policies/coupa.yaml')).toBeNull();
    expect(await fake.readFile('jit/expire/20261204T120000Z', 'docs/inline.md')).toBe('inline\n');

    const listed = await app.git.getTree({ owner, repo, tree_sha: tree.data.sha, recursive: '1' });
    expect(listed.data.tree.map((e) => e.path)).toEqual([
      '.github',
      '.github/CODEOWNERS',
      'docs',
      'docs/inline.md',
      'docs/new.md',
    ]);
    const unchanged = await status(
      app.git.updateRef({ owner, repo, ref: 'heads/main', sha: base }),
    );
    expect(unchanged.status).toBe(200);
    await app.git.updateRef({ owner, repo, ref: 'heads/main', sha: commit.data.sha });
    const backwards = await status(
      app.git.updateRef({ owner, repo, ref: 'heads/main', sha: base }),
    );
    expect(backwards).toEqual({ status: 422, message: 'Update is not a fast forward' });
    await app.git.deleteRef({ owner, repo, ref: 'heads/jit/expire/20261204T120000Z' });
    expect(
      (await status(app.git.getRef({ owner, repo, ref: 'heads/jit/expire/20261204T120000Z' })))
        .status,
    ).toBe(404);
  });

  it('lists PR files with renames, removals and patches, and commits linked to users', async () => {
    const { app } = await start();
    const gone = 'requester: bob\nrole: payment-releaser\nexpires_at: 2026-12-06T17:00:00Z\n';
    await fake.state.commitFiles({
      branch: 'main',
      files: { 'grants/coupa/old.yaml': GRANT, 'grants/coupa/gone.yaml': gone },
    });
    const pr = await fake.state.openPullRequest({
      author: 'alice',
      head: 'rename',
      files: {
        'grants/coupa/old.yaml': null,
        'grants/coupa/new.yaml': GRANT,
        'grants/coupa/gone.yaml': null,
      },
    });
    await fake.state.pushToPullRequest({
      number: pr.number,
      files: { 'grants/coupa/x.yaml': 'a: 1\n' },
      author: { name: 'Mallory', email: 'mallory@example.com' },
      committer: 'carol',
    });
    const files = await app.pulls.listFiles({ owner, repo, pull_number: pr.number });
    expect(files.data.map((f) => [f.status, f.filename, f.previous_filename])).toEqual([
      ['removed', 'grants/coupa/gone.yaml', undefined],
      ['renamed', 'grants/coupa/new.yaml', 'grants/coupa/old.yaml'],
      ['added', 'grants/coupa/x.yaml', undefined],
    ]);
    expect(files.data[2]).toMatchObject({
      additions: 1,
      deletions: 0,
      patch: '@@ -0,0 +1 @@\n+a: 1',
    });

    const commits = await app.pulls.listCommits({ owner, repo, pull_number: pr.number });
    expect(
      commits.data.map((c) => [
        c.author?.login ?? null,
        c.committer?.login ?? null,
        c.commit.author?.name,
      ]),
    ).toEqual([
      ['alice', 'alice', 'alice'],
      [null, 'carol', 'Mallory'],
    ]);
    const full = await app.pulls.get({ owner, repo, pull_number: pr.number });
    expect(full.data).toMatchObject({
      commits: 2,
      changed_files: 3,
      mergeable: true,
      head: { sha: fake.state.pull(pr.number).headSha },
    });
  });

  it('serves contents: files, directories, symlinks, 404s', async () => {
    const { app } = await start();
    await fake.state.commitFiles({
      branch: 'main',
      files: {
        'grants/coupa/link.yaml': { symlink: '../../policies/coupa.yaml' },
        'grants/coupa/out.yaml': { symlink: '/etc/passwd' },
      },
    });
    const file = await app.repos.getContent({
      owner,
      repo,
      path: 'policies/coupa.yaml',
      ref: 'main',
    });
    expect(file.data).toMatchObject({
      type: 'file',
      encoding: 'base64',
      path: 'policies/coupa.yaml',
    });
    const content = 'content' in file.data ? String(file.data.content) : '';
    expect(Buffer.from(content, 'base64').toString()).toBe(POLICY);

    const outside = await app.repos.getContent({ owner, repo, path: 'grants/coupa/out.yaml' });
    expect(outside.data).toMatchObject({ type: 'symlink', target: '/etc/passwd' });
    // GitHub follows a symlink to a regular file of the repository and answers that file.
    const followed = await app.repos.getContent({ owner, repo, path: 'grants/coupa/link.yaml' });
    expect(followed.data).toMatchObject({ type: 'file', path: 'policies/coupa.yaml' });

    const dir = await app.repos.getContent({ owner, repo, path: 'grants/coupa' });
    expect(Array.isArray(dir.data) && dir.data.map((e) => [e.name, e.type])).toEqual([
      ['link.yaml', 'symlink'],
      ['out.yaml', 'symlink'],
    ]);
    const raw = await app.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner,
      repo,
      path: '.github/CODEOWNERS',
      mediaType: { format: 'raw' },
    });
    expect(raw.data).toBe('grants/coupa/ @acme/leads\n');
    expect(
      (await status(app.repos.getContent({ owner, repo, path: 'grants/none.yaml' }))).status,
    ).toBe(404);
    expect(
      (await status(app.repos.getContent({ owner, repo, path: 'README.md', ref: 'nope' }))).status,
    ).toBe(404);

    const dirPath = await mkdtemp(join(tmpdir(), 'fake-github-clone-'));
    try {
      await fake.clone(join(dirPath, 'checkout'));
      expect(await readFile(join(dirPath, 'checkout', 'policies/coupa.yaml'), 'utf8')).toBe(POLICY);
      expect(await readlink(join(dirPath, 'checkout', 'grants/coupa/link.yaml'))).toBe(
        '../../policies/coupa.yaml',
      );
    } finally {
      await rm(dirPath, { recursive: true, force: true });
    }
  });

  it('answers permissions, org and team memberships; PUT invites non-members as pending', async () => {
    const { app } = await start();
    fake.state.setPermission('carol', 'maintain');
    fake.state.addUser('outsider', { org: null, permission: 'none' });
    fake.state.addTeam('leads', ['carol'], ['frank']);
    const perm = await app.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'carol' });
    expect(perm.data).toMatchObject({
      permission: 'write',
      role_name: 'maintain',
      user: { login: 'carol' },
    });
    expect((await app.orgs.checkMembershipForUser({ org: owner, username: 'carol' })).status).toBe(
      204,
    );
    expect(
      (await status(app.orgs.checkMembershipForUser({ org: owner, username: 'frank' }))).status,
    ).toBe(404);
    const frank = await app.teams.getMembershipForUserInOrg({
      org: owner,
      team_slug: 'leads',
      username: 'frank',
    });
    expect(frank.data.state).toBe('pending');
    const invited = await app.teams.addOrUpdateMembershipForUserInOrg({
      org: owner,
      team_slug: 'leads',
      username: 'outsider',
      role: 'member',
    });
    expect(invited.data).toMatchObject({ state: 'pending', role: 'member' });
    const alice = await app.teams.addOrUpdateMembershipForUserInOrg({
      org: owner,
      team_slug: 'leads',
      username: 'alice',
    });
    expect(alice.data.state).toBe('active');
    await app.teams.removeMembershipForUserInOrg({
      org: owner,
      team_slug: 'leads',
      username: 'carol',
    });
    const members = await app.teams.listMembersInOrg({ org: owner, team_slug: 'leads' });
    expect(members.data.map((m) => m.login)).toEqual(['alice']);
    const membership = await app.orgs.getMembershipForUser({ org: owner, username: 'alice' });
    expect(membership.data).toMatchObject({ state: 'active', role: 'member' });
  });

  it('creates, lists, updates PRs and reviews through the API as GitHub checks them', async () => {
    const { app, as } = await start();
    await fake.state.commitFiles({
      branch: 'req',
      files: { 'grants/coupa/a.yaml': GRANT },
      author: 'alice',
    });
    const created = await as('alice').pulls.create({
      owner,
      repo,
      head: 'acme:req',
      base: 'main',
      title: 'Access',
    });
    expect(created.status).toBe(201);
    const again = await status(
      as('alice').pulls.create({ owner, repo, head: 'req', base: 'main', title: 'x' }),
    );
    expect(again.status).toBe(422);
    const own = await status(
      as('alice').pulls.createReview({
        owner,
        repo,
        pull_number: created.data.number,
        event: 'APPROVE',
      }),
    );
    expect(own.status).toBe(422);
    await app.pulls.requestReviewers({
      owner,
      repo,
      pull_number: created.data.number,
      reviewers: ['carol'],
    });
    const review = await as('carol').pulls.createReview({
      owner,
      repo,
      pull_number: created.data.number,
      event: 'APPROVE',
    });
    expect(review.data).toMatchObject({
      state: 'APPROVED',
      commit_id: created.data.head.sha,
      user: { login: 'carol' },
    });
    expect(fake.state.pull(created.data.number).requestedReviewers).toEqual([]);
    const dismissed = await app.pulls.dismissReview({
      owner,
      repo,
      pull_number: created.data.number,
      review_id: review.data.id,
      message: 'stale',
    });
    expect(dismissed.data.state).toBe('DISMISSED');

    await fake.state.openPullRequest({ author: 'carol', head: 'other', files: { 'x.md': 'x\n' } });
    const open = await app.pulls.list({ owner, repo, head: 'acme:req', state: 'open' });
    expect(open.data.map((p) => p.number)).toEqual([created.data.number]);
    // Like GitHub, a head filter without `owner:` is silently ignored.
    expect((await app.pulls.list({ owner, repo, head: 'req' })).data).toHaveLength(2);
    await app.pulls.update({ owner, repo, pull_number: created.data.number + 1, state: 'closed' });
    await app.pulls.update({
      owner,
      repo,
      pull_number: created.data.number,
      state: 'closed',
      title: 'Access (closed)',
    });
    expect((await app.pulls.list({ owner, repo })).data).toEqual([]);
    const closed = await app.pulls.list({ owner, repo, state: 'closed', head: 'acme:req' });
    expect(closed.data.map((p) => [p.title, p.state])).toEqual([['Access (closed)', 'closed']]);
  });

  it('builds webhook payloads from real examples with the fake state', async () => {
    await start();
    const pr = await fake.state.openPullRequest({
      author: 'alice',
      head: 'req',
      files: { 'grants/coupa/a.yaml': GRANT },
    });
    const first = pr.headSha;
    const second = await fake.state.pushToPullRequest({
      number: pr.number,
      files: { 'grants/coupa/a.yaml': `${GRANT}x: y\n` },
    });
    const sync = await pullRequestEvent(fake, { action: 'synchronize', number: pr.number });
    expect(sync).toMatchObject({
      action: 'synchronize',
      number: pr.number,
      before: first,
      after: second,
      pull_request: {
        head: { sha: second, ref: 'req' },
        base: { ref: 'main' },
        user: { login: 'alice' },
      },
      repository: { full_name: 'acme/access', default_branch: 'main' },
      sender: { login: 'alice' },
    });
    const review = await fake.state.submitReview({
      number: pr.number,
      user: 'carol',
      state: 'APPROVED',
    });
    const submitted = await pullRequestReviewEvent(fake, {
      action: 'submitted',
      number: pr.number,
      reviewId: review.id,
    });
    expect(submitted.review).toMatchObject({ id: review.id, state: 'approved', commit_id: second });
    const run = await workflowRunEvent(fake, { number: pr.number });
    expect(run.workflow_run).toMatchObject({
      event: 'pull_request_review',
      head_sha: second,
      pull_requests: [{ number: pr.number, head: { sha: second } }],
    });
    expect(scheduleEvent(fake).repository.full_name).toBe('acme/access');
  });
});
