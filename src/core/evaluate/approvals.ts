import { ownerKind } from '../codeowners.js';
import type { Code } from '../codes.js';
import type { Principal, RoleSettings } from '../model.js';
import { loginKey } from '../model.js';
import { isTeam, teamSlug } from '../rules/single.js';
import type { Requirement } from './decision.js';
import { canWrite, isHuman, type People, type Person } from './people.js';
import { approvalProblem, type Exclusions, type ReviewerState } from './reviews.js';
import type { Snapshot } from './snapshot.js';

export interface ApprovalOutcome {
  requirements: Requirement[];
  ignored: Array<{ user: string; code: Code; message?: string }>;
  /** Every named code owner can never approve (E_UNOWNED). */
  unowned?: string[];
}

/**
 * Membership of `login` in a team principal `@org/slug`, checked now from the snapshot. Only
 * the repository owner's teams are gathered; a team of another organisation never matches.
 */
export function teamMembership(
  snap: Snapshot,
  team: Principal,
  login: string,
): 'yes' | 'pending' | 'no' {
  const org = team.slice(1, team.indexOf('/'));
  if (loginKey(org) !== loginKey(snap.repository.owner)) return 'no';
  const t = snap.teams[loginKey(teamSlug(team))];
  if (!t) return 'no';
  if (t.members.some((m) => loginKey(m) === loginKey(login))) return 'yes';
  if (t.pending?.some((m) => loginKey(m) === loginKey(login))) return 'pending';
  return 'no';
}

/** Is `p` named by `principal`: the login itself, or an active member of the team (checked now). */
function membership(p: Person, principal: Principal, snap: Snapshot): 'yes' | 'pending' | 'no' {
  if (!isTeam(principal))
    return loginKey(principal.replace(/^@/, '')) === loginKey(p.login) ? 'yes' : 'no';
  return teamMembership(snap, principal, p.login);
}

function namedBy(p: Person, principals: Principal[], snap: Snapshot): 'yes' | 'pending' | 'no' {
  let best: 'yes' | 'pending' | 'no' = 'no';
  for (const pr of principals) {
    const m = membership(p, pr, snap);
    if (m === 'yes') return 'yes';
    if (m === 'pending') best = 'pending';
  }
  return best;
}

/**
 * The approval requirements of one requested grant (SPEC §4): `approvals` distinct valid
 * approvals from the role's approvers (P_APPROVALS) and, where CODEOWNERS names owners for the
 * file, one valid approval from a code owner (P_CODEOWNER). Every ignored review is explained.
 */
export function judgeApprovals(
  role: RoleSettings,
  owners: string[],
  reviewers: ReviewerState[],
  ex: Exclusions,
  people: People,
  snap: Snapshot,
): ApprovalOutcome {
  const ignored: ApprovalOutcome['ignored'] = [];
  const approverHits: string[] = [];
  const ownerHits: string[] = [];
  for (const r of reviewers) {
    for (const old of r.superseded) {
      if (old.state === 'APPROVED') ignored.push({ user: r.person.login, code: 'I_SUPERSEDED' });
    }
    if (r.latest.state !== 'APPROVED') continue;
    const problem = approvalProblem(r, ex, people);
    if (problem) {
      ignored.push({ user: r.person.login, code: problem });
      continue;
    }
    const asApprover = namedBy(r.person, role.approvers, snap);
    const asOwner =
      owners.length > 0
        ? namedBy(
            r.person,
            owners.filter((o) => ownerKind(o) !== 'email'),
            snap,
          )
        : 'no';
    if (asApprover === 'yes') approverHits.push(r.person.login);
    if (asOwner === 'yes') ownerHits.push(r.person.login);
    if (asApprover !== 'yes' && asOwner !== 'yes') {
      const pending = asApprover === 'pending' || asOwner === 'pending';
      ignored.push({ user: r.person.login, code: pending ? 'I_NOT_MEMBER' : 'I_NOT_APPROVER' });
    } else if (asApprover !== 'yes' && role.approvals > 0) {
      // Counted for code ownership only: say why it does not count towards the approvals.
      ignored.push({
        user: r.person.login,
        code: asApprover === 'pending' ? 'I_NOT_MEMBER' : 'I_NOT_APPROVER',
        message: 'counts as code owner approval only',
      });
    }
  }
  const requirements: Requirement[] = [];
  const have = approverHits.length;
  const from = role.approvers;
  requirements.push({
    code: 'P_APPROVALS',
    met: have >= role.approvals,
    needed: role.approvals,
    have: Math.min(have, Math.max(role.approvals, have)),
    from,
    approved_by: approverHits,
    message:
      role.approvals === 0
        ? 'no approval needed by policy'
        : `${Math.min(have, role.approvals)} of ${role.approvals} approval${role.approvals > 1 ? 's' : ''} from ${from.join(', ')}`,
  });
  let unowned: string[] | undefined;
  if (owners.length > 0) {
    requirements.push({
      code: 'P_CODEOWNER',
      met: ownerHits.length > 0,
      needed: 1,
      have: ownerHits.length,
      from: owners,
      approved_by: ownerHits,
      message: `${ownerHits.length > 0 ? 'code owner approved' : 'needs 1 approval from a code owner'} (${owners.join(', ')})`,
    });
    if (ownerHits.length === 0 && owners.every((o) => !canEverApprove(o, ex, people, snap)))
      unowned = owners;
  }
  return { requirements, ignored, ...(unowned ? { unowned } : {}) };
}

/**
 * Could this owner ever give a valid approval on this PR? A login that is the author, requester,
 * subject or a contributor, a bot, or without write access cannot; a team can when one active
 * member could; an email owner cannot (it is not mapped to an account here). Team members whose
 * permission is not in the snapshot are assumed possible: E_UNOWNED denies only when certain.
 */
function canEverApprove(owner: string, ex: Exclusions, people: People, snap: Snapshot): boolean {
  const kind = ownerKind(owner);
  if (kind === 'email' || kind === undefined) return false;
  const eligible = (p: Person | undefined, permissionKnown: boolean) => {
    if (!p) return !permissionKnown;
    if (people.same(p, ex.author) || people.same(p, ex.requester) || people.same(p, ex.subject))
      return false;
    if (ex.contributors.some((c) => people.same(p, c))) return false;
    if (p.type === 'Unknown') return true;
    return isHuman(p) && canWrite(p);
  };
  if (kind === 'user') {
    const p = people.resolve(owner.slice(1));
    return eligible(p, p?.type !== 'Unknown');
  }
  if (loginKey(owner.slice(1, owner.indexOf('/'))) !== loginKey(snap.repository.owner))
    return false;
  const t = snap.teams[loginKey(teamSlug(owner))];
  if (!t) return true; // team not gathered: cannot be sure, so not unowned
  return t.members.some((m) => eligible(people.resolve(m), true));
}
