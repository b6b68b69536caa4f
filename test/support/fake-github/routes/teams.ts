import { type Handler, noContent, notFound, ok, type RouteContext } from '../http.js';
import { paginate } from '../pagination.js';
import type { FakeTeam, TeamMember } from '../state.js';

function loadTeam(ctx: RouteContext): FakeTeam {
  const team = ctx.state.team(ctx.params.team_slug);
  if (!team) throw notFound();
  return team;
}

function membershipBody(ctx: RouteContext, team: FakeTeam, member: TeamMember) {
  return {
    url: `${ctx.render.api}/organizations/${ctx.state.orgId}/team/${team.id}/memberships/${encodeURIComponent(member.login)}`,
    role: member.role,
    state: member.state,
  };
}

/** Lists active members only: pending invitations are not members yet. */
const listMembers: Handler = async (ctx) => {
  const team = loadTeam(ctx);
  const role = ctx.query.role ?? 'all';
  const members = [...team.members.values()].filter(
    (m) => m.state === 'active' && (role === 'all' || m.role === role),
  );
  return paginate(ctx, members, (m) => ctx.render.user(m.login));
};

const getMembership: Handler = async (ctx) => {
  const team = loadTeam(ctx);
  const member = team.members.get(String(ctx.params.username).toLowerCase());
  if (!member) throw notFound();
  return ok(membershipBody(ctx, team, member));
};

/** Adding someone who is not an active org member invites them: the membership is pending. */
const putMembership: Handler = async (ctx) => {
  const team = loadTeam(ctx);
  const user = ctx.state.requireUser(ctx.params.username);
  const key = user.login.toLowerCase();
  const role = ctx.body?.role ?? 'member';
  const existing = team.members.get(key);
  const active = ctx.state.orgMembership(user.login)?.state === 'active';
  const member: TeamMember = {
    login: user.login,
    role,
    state: existing?.state === 'active' || active ? 'active' : 'pending',
  };
  team.members.set(key, member);
  return ok(membershipBody(ctx, team, member));
};

const deleteMembership: Handler = async (ctx) => {
  const team = loadTeam(ctx);
  if (!team.members.delete(String(ctx.params.username).toLowerCase())) throw notFound();
  return noContent();
};

const checkOrgMember: Handler = async (ctx) => {
  if (ctx.state.orgMembership(ctx.params.username)?.state !== 'active') throw notFound();
  return noContent();
};

const getOrgMembership: Handler = async (ctx) => {
  const user = ctx.state.requireUser(ctx.params.username);
  const membership = ctx.state.orgMembership(user.login);
  if (!membership) throw notFound();
  const org = `${ctx.render.api}/orgs/${ctx.state.owner}`;
  return ok({
    url: `${org}/memberships/${encodeURIComponent(user.login)}`,
    state: membership.state,
    role: membership.role,
    organization_url: org,
    organization: ctx.render.orgSimple(),
    user: ctx.render.user(user.login),
  });
};

export const teamRoutes: Record<string, Handler> = {
  'teams/list-members-in-org': listMembers,
  'teams/get-membership-for-user-in-org': getMembership,
  'teams/add-or-update-membership-for-user-in-org': putMembership,
  'teams/remove-membership-for-user-in-org': deleteMembership,
  'orgs/check-membership-for-user': checkOrgMember,
  'orgs/get-membership-for-user': getOrgMembership,
};
