import type { Grant, Policy, TargetSettings } from '../../core/model.js';
import type { Result } from '../../core/result.js';
import { formatInstant } from '../../core/time.js';
import { applyTemplate, checkMember, checkSubject, memberKey, subjectOf } from './member.js';

/** Current members of each mapped group of each system: system → group → member names. */
export type ActualMembers = Map<string, Map<string, Set<string>>>;

/**
 * Excludes a grant from desired state, with a reason (e.g. no approved provenance). Called for
 * active grants only. Undefined keeps the grant.
 */
export type RefuseGrant = (grant: Grant) => string | undefined;

export interface SyncPlanInput {
  /** Every policy of the tree, loaded or not (`loadPolicies`). */
  policies: Map<string, Result<Policy>>;
  /** Grants that loaded. */
  grants: readonly Grant[];
  /** Systems whose policy or any grant file failed to load: no removals there. */
  failedSystems: ReadonlySet<string>;
  /**
   * Members of the mapped groups, per system, as the targets reported them. Only systems
   * present here are planned (a system whose listing failed has nothing to compare against).
   */
  actual: ActualMembers;
  /** Epoch milliseconds; read once by the caller. */
  now: number;
  refuse?: RefuseGrant;
}

/** One membership change: SPEC §8's dry-run shape plus the target-side `member`. */
export interface PlanEntry {
  system: string;
  role: string;
  /** The grant subject; null for a member that no grant names and the template cannot invert. */
  subject: string | null;
  target_group: string;
  /** Target-side name: SCIM userName, PostgreSQL role, GitHub login, webhook member. */
  member: string;
  action: 'add' | 'remove';
  reason: string;
}

/** A present member that is not backed by an active grant and stays anyway. */
export interface KeptMember {
  system: string;
  role: string;
  target_group: string;
  member: string;
  why: 'preserve' | 'system-failed';
  reason: string;
}

/** Something the plan cannot do and reports instead (the run exits 1). */
export interface PlanProblem {
  system: string;
  kind: 'invalid-member' | 'refused' | 'group-not-listed';
  path?: string;
  message: string;
}

export interface SyncPlan {
  /** Removals first, then additions, each system in turn (the order the applier uses). */
  entries: PlanEntry[];
  kept: KeptMember[];
  problems: PlanProblem[];
  /** Desired memberships already in place, per planned system. */
  unchanged: Record<string, number>;
  /** Systems that were planned, in order. */
  systems: string[];
}

interface Wanted {
  member: string;
  subject: string;
  grants: Grant[];
}

/** Why a present member is not backed: the latest inactive or refused grant that names it. */
interface Explained {
  grant: Grant;
  why: string;
}

/**
 * Sync's decision (SPEC §8), pure: desired = active grants (starts_at ≤ now < expires_at)
 * mapped through the target's role mapping and `user` template; actual = the target's members.
 * Mapped groups belong to jit-access, so a member no active grant backs is removed, except the
 * `preserve` logins (through the same template), and except in a system that failed to load
 * (fail closed: a broken file might be the grant that backs the member). Overlapping grants
 * for one membership count once. Expiry is by time, whether or not the file is still present.
 */
export function planSync(input: SyncPlanInput): SyncPlan {
  const plan: SyncPlan = {
    entries: [],
    kept: [],
    problems: [],
    unchanged: Object.create(null) as Record<string, number>,
    systems: [],
  };
  for (const system of [...input.actual.keys()].sort()) {
    const policy = input.policies.get(system);
    const target = policy?.ok ? policy.value.target : undefined;
    if (!target) continue;
    plan.systems.push(system);
    const grants = input.grants.filter((g) => g.system === system);
    planSystem(system, target, grants, input, plan);
  }
  return plan;
}

function planSystem(
  system: string,
  target: TargetSettings,
  grants: Grant[],
  input: SyncPlanInput,
  plan: SyncPlan,
): void {
  const { desired, explained } = desiredState(system, target, grants, input, plan);
  const listed = input.actual.get(system)!;
  const preserved = new Set(
    target.preserve.map((login) => memberKey(target.type, applyTemplate(target.user, login))),
  );
  const failed = input.failedSystems.has(system);
  const removals: PlanEntry[] = [];
  const additions: PlanEntry[] = [];
  let unchanged = 0;

  for (const [role, group] of Object.entries(target.mapping).sort(([a], [b]) => cmp(a, b))) {
    const present = listed.get(group);
    if (!present) {
      plan.problems.push({
        system,
        kind: 'group-not-listed',
        message: `${system}: the members of "${group}" (role ${role}) were not listed, so it is left as is.`,
      });
      continue;
    }
    const want = desired.get(group) ?? new Map<string, Wanted>();
    const have = new Map<string, string>();
    for (const m of present) have.set(memberKey(target.type, m), m);

    for (const [key, w] of [...want].sort(([a], [b]) => cmp(a, b))) {
      if (have.has(key)) {
        unchanged++;
        continue;
      }
      additions.push({
        system,
        role,
        subject: w.subject,
        target_group: group,
        member: w.member,
        action: 'add',
        reason: addReason(w.grants),
      });
    }
    for (const [key, member] of [...have].sort(([a], [b]) => cmp(a, b))) {
      if (want.has(key)) continue;
      const base = { system, role, target_group: group, member };
      if (preserved.has(key)) {
        plan.kept.push({ ...base, why: 'preserve', reason: 'listed in the target preserve' });
        continue;
      }
      const reason = removeReason(explained.get(group)?.get(key));
      if (failed) {
        plan.kept.push({
          ...base,
          why: 'system-failed',
          reason: `not removed: a policy or grant file of ${system} failed to load (would remove: ${reason})`,
        });
        continue;
      }
      const subject =
        explained.get(group)?.get(key)?.grant.subject ?? subjectOf(target.user, member);
      removals.push({ ...base, subject, action: 'remove', reason });
    }
  }
  plan.entries.push(...removals, ...additions);
  plan.unchanged[system] = unchanged;
}

function desiredState(
  system: string,
  target: TargetSettings,
  grants: Grant[],
  input: SyncPlanInput,
  plan: SyncPlan,
) {
  const desired = new Map<string, Map<string, Wanted>>();
  const explained = new Map<string, Map<string, Explained>>();
  const explain = (group: string, key: string, e: Explained) => {
    const m = explained.get(group) ?? new Map<string, Explained>();
    const prev = m.get(key);
    if (!prev || prev.grant.expiresAt < e.grant.expiresAt) m.set(key, e);
    explained.set(group, m);
  };
  for (const g of [...grants].sort((a, b) => cmp(a.path, b.path))) {
    const group = target.mapping[g.role];
    if (group === undefined) continue; // a role without a target group is not synced
    const badSubject = checkSubject(g.subject);
    if (badSubject) {
      plan.problems.push({
        system,
        kind: 'invalid-member',
        path: g.path,
        message: `${g.path}: subject ${JSON.stringify(g.subject)} ${badSubject}; not synced.`,
      });
      continue;
    }
    const member = applyTemplate(target.user, g.subject);
    const badMember = checkMember(target.type, member);
    if (badMember) {
      plan.problems.push({
        system,
        kind: 'invalid-member',
        path: g.path,
        message: `${g.path}: subject ${g.subject} maps through the target user template "${target.user}" to ${JSON.stringify(member)}, which ${badMember}; not synced. Fix the template in policies/${system}.yaml.`,
      });
      continue;
    }
    const key = memberKey(target.type, member);
    if (g.expiresAt <= input.now) {
      explain(group, key, {
        grant: g,
        why: `grant ${g.path} expired at ${formatInstant(g.expiresAt)}`,
      });
      continue;
    }
    if (g.startsAt !== undefined && g.startsAt > input.now) {
      explain(group, key, {
        grant: g,
        why: `grant ${g.path} is not active yet (starts at ${formatInstant(g.startsAt)})`,
      });
      continue;
    }
    const refused = input.refuse?.(g);
    if (refused !== undefined) {
      plan.problems.push({
        system,
        kind: 'refused',
        path: g.path,
        message: `${g.path}: not synced: ${refused}`,
      });
      explain(group, key, { grant: g, why: `grant ${g.path} refused: ${refused}` });
      continue;
    }
    const m = desired.get(group) ?? new Map<string, Wanted>();
    const w = m.get(key) ?? { member, subject: g.subject, grants: [] };
    w.grants.push(g);
    m.set(key, w);
    desired.set(group, m);
  }
  return { desired, explained };
}

function addReason(grants: Grant[]): string {
  const until = Math.max(...grants.map((g) => g.expiresAt));
  const paths = grants.map((g) => g.path);
  const what = paths.length === 1 ? `grant ${paths[0]}` : `grants ${paths.join(', ')}`;
  return `${what} active until ${formatInstant(until)}`;
}

function removeReason(e: Explained | undefined): string {
  return e ? e.why : 'not backed by an active grant (drift)';
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
