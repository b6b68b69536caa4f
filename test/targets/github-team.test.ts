import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MembershipOp } from '../../src/targets/connector.js';
import { GithubTeamConnector } from '../../src/targets/github-team.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github/index.js';

const TEAM = 'jit-procurement-integrations-maintainers';
const op = (action: 'add' | 'remove', member: string): MembershipOp => ({
  action,
  group: TEAM,
  member,
  reason: 'test',
});

let fake: FakeGitHub;
beforeAll(async () => {
  const t0 = performance.now();
  fake = await startFakeGitHub();
  console.info(`fake GitHub started in ${Math.round(performance.now() - t0)} ms`);
  for (const login of ['alice', 'erin']) fake.state.addUser(login);
  fake.state.addUser('bob', { org: 'pending' });
  fake.state.addUser('mallory', { org: null });
  const team = fake.state.addTeam(TEAM, ['carol', 'Dora']);
  team.members.set('dora', { login: 'Dora', role: 'maintainer', state: 'active' });
});
afterAll(() => fake?.close());

it('lists, adds active org members as member only, leaves maintainers, removes, retries', async () => {
  const c = new GithubTeamConnector({
    org: 'acme',
    token: fake.appToken,
    baseUrl: fake.url,
    http: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  const listed = await c.listMembers([TEAM]);
  expect([...listed.get(TEAM)!].sort()).toEqual(['Dora', 'carol']);

  fake.injectFailure('teams/add-or-update-membership-for-user-in-org', { status: 503, times: 2 });
  const results = await c.apply([
    op('add', 'erin'),
    op('add', 'alice'),
    op('add', 'dora'),
    op('add', 'bob'),
    op('add', 'mallory'),
    op('remove', 'carol'),
    op('remove', 'nobody'),
  ]);
  expect(results.map((r) => [r.op.member, r.ok, r.changed, r.requests])).toEqual([
    ['erin', true, true, 4], // org membership + PUT (503, 503, 200)
    ['alice', true, true, 2],
    ['dora', true, false, 0], // already on the team (as maintainer): untouched
    ['bob', false, undefined, 1],
    ['mallory', false, undefined, 1],
    ['carol', true, true, 1],
    ['nobody', true, false, 0],
  ]);
  expect(results[3]!.error).toBe(
    `adding bob to GitHub team acme/${TEAM}: bob is not an active member of the organisation acme (membership pending); jit-access adds only existing members`,
  );
  expect(results[4]!.error).toContain('mallory is not an active member of the organisation acme;');
  for (const r of results) expect(r.error ?? '').not.toContain(fake.appToken);

  const members = fake.state.team(TEAM)!.members;
  expect([...members.values()].map((m) => [m.login, m.role, m.state]).sort()).toEqual([
    ['Dora', 'maintainer', 'active'],
    ['alice', 'member', 'active'],
    ['erin', 'member', 'active'],
  ]);
  expect(fake.violations).toEqual([]);
});
