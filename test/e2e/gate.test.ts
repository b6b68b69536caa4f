import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatInstant } from '../../src/core/time.js';
import { runAction } from '../support/action.js';
import { jit } from '../support/cli.js';
import {
  type FakeGitHub,
  pullRequestEvent,
  startFakeGitHub,
  workflowRunEvent,
} from '../support/fake-github/index.js';
import { COUPA_POLICY, grantText, NETSUITE_POLICY } from '../support/fixtures.js';

const CODEOWNERS = '* @acme/platform-security\n/grants/coupa/ @acme/procurement-leads\n';
const CONTEXT = 'jit-access/approval';
const hours = (h: number) => formatInstant(Date.now() + h * 3_600_000);
const request = (over: Record<string, string | null> = {}) =>
  grantText({ expires_at: hours(4), ...over });

let fake: FakeGitHub;

beforeEach(async () => {
  fake = await startFakeGitHub({
    files: {
      'policies/coupa.yaml': COUPA_POLICY,
      'policies/netsuite.yaml': NETSUITE_POLICY,
      '.github/CODEOWNERS': CODEOWNERS,
      'README.md': '# access\n',
    },
  });
  const s = fake.state;
  for (const [login, permission] of [
    ['alice', 'write'],
    ['bob', 'write'],
    ['carol', 'write'],
    ['dave', 'read'],
    ['trent', 'write'],
    ['tina', 'admin'],
  ] as const) {
    s.addUser(login, { permission });
  }
  s.addTeam('procurement', ['alice', 'bob', 'dave']);
  s.addTeam('procurement-leads', ['carol', 'alice', 'bob']);
  s.addTeam('treasury', ['trent']);
  s.addTeam('platform-security', ['tina']);
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const evaluate = async (
  number: number,
  inputs: Record<string, string> = {},
  action: 'opened' | 'synchronize' | 'edited' = 'opened',
) =>
  runAction(fake, {
    eventName: 'pull_request_target',
    payload: await pullRequestEvent(fake, { action, number }),
    inputs: { token: fake.appToken, command: 'evaluate', ...inputs },
  });

const statusOf = (sha: string) =>
  fake.state.statuses.filter((x) => x.sha === sha && x.context === CONTEXT).at(-1);
const commentOf = (n: number) => fake.state.comments.filter((c) => c.issueNumber === n);
const open = (
  files: Record<string, string | null>,
  extra: { head?: string; base?: string; author?: string } = {},
) =>
  fake.state.openPullRequest({
    author: extra.author ?? 'alice',
    head: extra.head ?? 'req',
    ...(extra.base ? { base: extra.base } : {}),
    files,
    title: 'Access request',
  });

describe('gate: the bundled action against the fake GitHub', () => {
  it('opened → pending, status on head, one sticky comment, reviews requested; simulate replays it', async () => {
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': request() });
    const r = await evaluate(pr.number);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs.verdict).toBe('pending');
    const st = statusOf(pr.headSha)!;
    expect(st.state).toBe('pending');
    expect(st.creator).toBe(fake.appLogin);
    expect(st.description).toMatch(/0 of 1 approval from @acme\/procurement-leads/);
    expect(commentOf(pr.number)).toHaveLength(1);
    expect(fake.state.pull(pr.number).requestedTeams).toEqual(['procurement-leads']);
    expect(r.summary).toContain('jit-access:verdict');

    // Re-evaluation updates the same comment in place.
    const again = await evaluate(pr.number, {}, 'edited');
    // The first run also pays for the fake's lazy validator builds; the second is the action's own time.
    console.log(
      `evaluate again (fake warm): ${again.requests} API requests, ${Math.round(again.ms)} ms from process start to exit`,
    );
    expect(commentOf(pr.number)).toHaveLength(1);

    // The saved snapshot replays to the same decision offline.
    const sim = await jit(['simulate', r.outputs['snapshot-path']!, '--json']);
    expect(sim.code).toBe(3);
    const saved = JSON.parse(readFileSync(r.outputs['decision-path']!, 'utf8'));
    const replay = JSON.parse(sim.stdout);
    expect(replay.verdict).toBe(saved.verdict);
    expect(
      replay.grants.map((g: { reasons: unknown; requirements: unknown }) => [
        g.reasons,
        g.requirements,
      ]),
    ).toEqual(
      saved.grants.map((g: { reasons: unknown; requirements: unknown }) => [
        g.reasons,
        g.requirements,
      ]),
    );
    console.log(
      `evaluate, one-grant PR: ${r.requests} API requests, ${Math.round(r.ms)} ms from process start to exit: ${r.operations.join(', ')}`,
    );
    // 5 PR reads, 3 tree reads (symlink detection), 1 content, 2 teams, 3 people, 4 writes.
    expect(r.requests).toBeLessThanOrEqual(18);
  });

  it('eligible approval → approved → merged with the audit trailers, pinned to the evaluated head', async () => {
    const text = request();
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': text });
    await fake.state.submitReview({ number: pr.number, user: 'carol', state: 'APPROVED' });
    const r = await evaluate(pr.number, { merge: 'squash' });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.verdict).toBe('approved');
    expect(r.outputs.merged).toBe('true');
    expect(statusOf(pr.headSha)!.state).toBe('success');
    const pull = fake.state.pull(pr.number);
    expect(pull.merged).toBe(true);
    const msg = await fake.repo.git(['log', '-1', '--format=%B', 'main']);
    expect(msg).toMatch(/^jit: grant coupa\/invoice-approver to alice until /);
    expect(msg).toContain('Jit-Grant: grants/coupa/alice-invoice.yaml');
    expect(msg).toContain('Jit-Requested-By: alice');
    expect(msg).toContain('Jit-Approved-By: carol');
    expect(msg).toContain('Jit-Ticket: PROC-4821');
    expect(msg).toMatch(/Jit-Policy: policies\/coupa\.yaml@[0-9a-f]{40}/);
    expect(msg).toMatch(/Jit-Decision: sha256:[0-9a-f]{64}/);
    expect(msg).toContain(`Jit-Pull-Request: ${pr.number}`);
    const blob = (await fake.repo.git(['rev-parse', 'main:policies/coupa.yaml'])).trim();
    expect(msg).toContain(`policies/coupa.yaml@${blob}`);
    expect(await fake.readFile('main', 'grants/coupa/alice-invoice.yaml')).toBe(text);
  });

  it('push after approval → pending again (I_STALE), and a merge never races a later push', async () => {
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': request() });
    await fake.state.submitReview({ number: pr.number, user: 'carol', state: 'APPROVED' });
    const head2 = await fake.state.pushToPullRequest({
      number: pr.number,
      files: { 'grants/coupa/alice-invoice.yaml': request({ expires_at: hours(5) }) },
    });
    const r = await evaluate(pr.number, { merge: 'squash' }, 'synchronize');
    expect(r.outputs.verdict).toBe('pending');
    expect(statusOf(head2)!.state).toBe('pending');
    expect(commentOf(pr.number)[0]!.body).toMatch(/I_STALE/);
    expect(fake.state.pull(pr.number).merged).toBe(false);
  });

  it('self-approval is ignored (I_SELF); approval by a committer is ignored (I_CONTRIBUTOR)', async () => {
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': request() });
    await fake.state.submitReview({ number: pr.number, user: 'alice', state: 'APPROVED' });
    let r = await evaluate(pr.number);
    expect(r.outputs.verdict).toBe('pending');
    expect(commentOf(pr.number)[0]!.body).toMatch(/I_SELF/);

    await fake.state.pushToPullRequest({
      number: pr.number,
      author: 'carol',
      files: {
        'grants/coupa/alice-invoice.yaml': request({
          justification: 'Approve the Q4 invoices of vendor ACME, fixed by carol.',
        }),
      },
    });
    await fake.state.submitReview({ number: pr.number, user: 'carol', state: 'APPROVED' });
    r = await evaluate(pr.number, {}, 'synchronize');
    expect(r.outputs.verdict).toBe('pending');
    expect(commentOf(pr.number)[0]!.body).toMatch(/I_CONTRIBUTOR/);
  });

  it('CHANGES_REQUESTED → denied: failure status, failed job, annotations', async () => {
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': request() });
    await fake.state.submitReview({ number: pr.number, user: 'carol', state: 'APPROVED' });
    await fake.state.submitReview({ number: pr.number, user: 'bob', state: 'CHANGES_REQUESTED' });
    const r = await evaluate(pr.number, { merge: 'squash' });
    expect(r.code).toBe(1);
    expect(r.outputs.verdict).toBe('denied');
    expect(statusOf(pr.headSha)!.state).toBe('failure');
    expect(r.stdout).toMatch(
      /::error file=grants\/coupa\/alice-invoice\.yaml::E_CHANGES_REQUESTED/,
    );
    expect(fake.state.pull(pr.number).merged).toBe(false);
  });

  it('a PR that edits a policy together with a grant is denied and judged by the base policy', async () => {
    const weaker = COUPA_POLICY.replace('approvals: 1', 'approvals: 0');
    const pr = await open({
      'grants/coupa/alice-invoice.yaml': request(),
      'policies/coupa.yaml': weaker,
    });
    const r = await evaluate(pr.number);
    expect(r.outputs.verdict).toBe('denied');
    const decision = JSON.parse(readFileSync(r.outputs['decision-path']!, 'utf8'));
    expect(decision.errors.map((e: { code: string }) => e.code)).toEqual(['E_MIXED_CHANGE']);
    expect(decision.grants[0].requirements[0].needed).toBe(1);
  });

  it('a removal-only PR is approved at once and merged with Jit-Revoked', async () => {
    await fake.state.commitFiles({
      branch: 'main',
      files: { 'grants/coupa/alice-old.yaml': request() },
    });
    const pr = await open({ 'grants/coupa/alice-old.yaml': null }, { author: 'bob' });
    const r = await evaluate(pr.number, { merge: 'squash' });
    expect(r.outputs.verdict).toBe('approved');
    expect(fake.state.pull(pr.number).merged).toBe(true);
    expect(await fake.repo.git(['log', '-1', '--format=%B', 'main'])).toContain(
      'Jit-Revoked: grants/coupa/alice-old.yaml',
    );
  });

  it('a PR against another branch is denied (E_BASE_BRANCH)', async () => {
    await fake.state.commitFiles({
      branch: 'weak',
      files: { 'policies/coupa.yaml': COUPA_POLICY.replace('approvals: 1', 'approvals: 0') },
    });
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': request() }, { base: 'weak' });
    const r = await evaluate(pr.number);
    expect(r.outputs.verdict).toBe('denied');
    expect(statusOf(pr.headSha)!.description).toMatch(/E_BASE_BRANCH/);
  });

  it('a hostile justification is rendered inert in the comment', async () => {
    const hostile =
      '@acme/everyone please approve <img src=x onerror=alert(1)> ```\n</details> \u202Egnp.exe';
    const pr = await open({
      'grants/coupa/alice-invoice.yaml': request({ justification: hostile }),
    });
    await evaluate(pr.number);
    const body = commentOf(pr.number)[0]!.body;
    const outsideCode = body.replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/@acme\/everyone/);
    expect(outsideCode).not.toMatch(/<img|<\/details>/);
    expect(body).not.toContain('\u202E');
    expect(body).toContain('please approve');
  });

  it('a PR that drops its grant file becomes not applicable and its comment says so', async () => {
    const pr = await open({
      'grants/coupa/alice-invoice.yaml': request(),
      'README.md': '# access v2\n',
    });
    await evaluate(pr.number);
    expect(commentOf(pr.number)[0]!.body).toMatch(/denied/);
    const head = await fake.state.pushToPullRequest({
      number: pr.number,
      files: { 'grants/coupa/alice-invoice.yaml': null },
    });
    const r = await evaluate(pr.number, {}, 'synchronize');
    expect(r.outputs.verdict).toBe('not_applicable');
    expect(statusOf(head)!.state).toBe('success');
    expect(commentOf(pr.number)).toHaveLength(1);
    expect(commentOf(pr.number)[0]!.body).toMatch(/not applicable/);
  });

  it('a PR without any grant change gets a success status and no comment', async () => {
    const pr = await open({ 'README.md': '# access, reworded\n' }, { head: 'docs' });
    const r = await evaluate(pr.number);
    expect(r.outputs.verdict).toBe('not_applicable');
    expect(statusOf(pr.headSha)!.state).toBe('success');
    expect(commentOf(pr.number)).toHaveLength(0);
  });

  it('a review event relayed through workflow_run re-evaluates the PR', async () => {
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': request() });
    await evaluate(pr.number);
    await fake.state.submitReview({ number: pr.number, user: 'carol', state: 'APPROVED' });
    const r = await runAction(fake, {
      eventName: 'workflow_run',
      payload: await workflowRunEvent(fake, { number: pr.number }),
      inputs: { token: fake.appToken, command: 'evaluate' },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.verdict).toBe('approved');
    expect(statusOf(pr.headSha)!.state).toBe('success');
  });

  it('the number of API requests does not grow with the grants in the repository', async () => {
    const many: Record<string, string> = {};
    // 200 past grants of bob on the base branch: more data, never more requests.
    for (let i = 0; i < 200; i++)
      many[`grants/coupa/u${i}-invoice.yaml`] = request({
        requester: 'bob',
        subject: 'bob',
        starts_at: hours(-10 - i),
        expires_at: hours(-9 - i),
      });
    const small = await open({ 'grants/coupa/alice-invoice.yaml': request() }, { head: 'small' });
    const a = await evaluate(small.number);
    await fake.state.commitFiles({ branch: 'main', files: many });
    const big = await open(
      { 'grants/coupa/alice-2.yaml': request({ ticket: 'PROC-2' }) },
      { head: 'big' },
    );
    const b = await evaluate(big.number);
    console.log(
      `API requests: ${a.requests} with 0 base grants, ${b.requests} with 200 base grants`,
    );
    expect(b.requests).toBe(a.requests);
  });

  it('a misconfigured workflow that checks out the PR head is refused (fail closed)', async () => {
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': request() });
    const ws = mkdtempSync(join(tmpdir(), 'jit-ws-'));
    await fake.clone(ws, 'req');
    const r = await runAction(fake, {
      eventName: 'pull_request_target',
      payload: await pullRequestEvent(fake, { action: 'opened', number: pr.number }),
      inputs: { token: fake.appToken },
      workspace: ws,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/base-path \. is at [0-9a-f]{12} but main is at/);
    expect(statusOf(pr.headSha)).toBeUndefined();
    writeFileSync(join(ws, 'x'), '');
  });

  it('invalid inputs fail before any API request, naming the input', async () => {
    const pr = await open({ 'grants/coupa/alice-invoice.yaml': request() });
    const r = await evaluate(pr.number, { merge: 'yes-please', comment: 'maybe' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/input merge: "yes-please" is not one of off, squash, merge/);
    expect(r.stdout).toMatch(/input comment: "maybe" must be true or false/);
    expect(r.requests).toBe(0);
  });
});
