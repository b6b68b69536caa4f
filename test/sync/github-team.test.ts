import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github/index.js';
import { HOUR, MIN, Repo, sync, T0 } from './targets.js';

/**
 * GitHub-specific sync behaviour against the fake GitHub (every request checked against
 * GitHub's OpenAPI description): logins compare case-insensitively, only active org members
 * are added, maintainers are not demoted.
 */
let fake: FakeGitHub;
let repo: Repo;
let target: { env: Record<string, string> };
const TEAM = 'jit-admins';
const writes = () =>
  fake.count('teams/add-or-update-membership-for-user-in-org') +
  fake.count('teams/remove-membership-for-user-in-org');

beforeAll(async () => {
  fake = await startFakeGitHub();
  for (const login of ['alice', 'Dora', 'BreakGlass', 'Mallory']) fake.state.addUser(login);
  fake.state.addUser('pat', { org: 'pending' });
  fake.state.addTeam(TEAM, ['Dora', 'BreakGlass', 'Mallory']);
  fake.state.addTeam('jit-other');
  target = { env: { REPOS_GH_TOKEN: fake.appToken, GITHUB_API_URL: fake.url } };
  repo = new Repo();
  repo.write(
    'policies/repos.yaml',
    `approvals: 0
max_duration: 8h
roles:
  approver: {}
  editor: {}
target:
  type: github-team
  org: acme
  token_env: REPOS_GH_TOKEN
  teams: { approver: ${TEAM}, editor: jit-other }
  preserve: [breakglass]
`,
  );
});
afterAll(async () => {
  await fake?.close();
  repo?.dispose();
});

const members = () =>
  [...fake.state.team(TEAM)!.members.values()].map((m) => `${m.login}:${m.role}`).sort();

it('a case difference is no change; preserve matches case-insensitively; drift removed as GitHub spells it', async () => {
  repo.grant('repos', 'dora-approver', { subject: 'dora', role: 'approver', expires: T0 + HOUR });
  const r = await sync(repo, [target], T0);
  expect(r.exitCode, r.log.join('\n')).toBe(0);
  expect(r.plan.entries.map((e) => [e.action, e.member])).toEqual([['remove', 'Mallory']]);
  expect(r.plan.kept.map((k) => k.member)).toEqual(['BreakGlass']);
  expect(members()).toEqual(['BreakGlass:member', 'Dora:member']);
  expect(writes()).toBe(1);
  expect(fake.violations).toEqual([]);
});

it('a maintainer backed by a grant stays maintainer; a pending org member is not added (exit 1), others are', async () => {
  fake.state
    .team(TEAM)!
    .members.set('dora', { login: 'Dora', role: 'maintainer', state: 'active' });
  repo.grant('repos', 'alice-approver', { subject: 'alice', role: 'approver', expires: T0 + HOUR });
  repo.grant('repos', 'pat-approver', { subject: 'pat', role: 'approver', expires: T0 + HOUR });
  const before = writes();
  let r = await sync(repo, [target], T0 + MIN);
  expect(r.exitCode).toBe(1);
  expect(r.summary).toMatchObject({ added: 1, failed: 1, removed: 0 });
  expect(r.reports[0]!.errors).toEqual([
    'adding pat to GitHub team acme/jit-admins: pat is not an active member of the organisation acme (membership pending); jit-access adds only existing members',
  ]);
  expect(members()).toEqual(['BreakGlass:member', 'Dora:maintainer', 'alice:member']);
  expect(writes()).toBe(before + 1);
  expect(fake.state.team(TEAM)!.members.has('pat')).toBe(false); // no invitation sent

  // Once pat's membership is active, the next run converges.
  fake.state.setOrgMembership('pat', 'active');
  r = await sync(repo, [target], T0 + 2 * MIN);
  expect([r.exitCode, r.summary.added]).toEqual([0, 1]);
  expect(members()).toEqual(['BreakGlass:member', 'Dora:maintainer', 'alice:member', 'pat:member']);
  for (const line of r.log) expect(line).not.toContain(fake.appToken);
  expect(fake.violations).toEqual([]);
});
