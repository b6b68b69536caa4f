import { locateCodeowners, ownersFor, parseCodeowners, type Rule } from '../codeowners.js';
import { type Finding, finding } from '../codes.js';
import { loadGrant, loadGrants } from '../grant.js';
import type { Grant, Policy } from '../model.js';
import { loadPolicies, validPolicies } from '../policies.js';
import type { Result } from '../result.js';
import { crossGrantFindings } from '../rules/cross.js';
import { judgeGrant, type TeamDirectory } from '../rules/single.js';
import { formatInstant, parseInstant } from '../time.js';
import type { RepoFile, Tree } from '../tree.js';
import { judgeApprovals, teamMembership } from './approvals.js';
import { changedIdentity, classifyFiles, type GrantChange, isNarrowing } from './classify.js';
import { type Decision, type GrantDecision, reason, type Verdict, worst } from './decision.js';
import { canWrite, People } from './people.js';
import { type Exclusions, latestDecisive } from './reviews.js';
import type { FileContent, PullRequestFile, Snapshot } from './snapshot.js';
import { summarize } from './summary.js';

/**
 * The decision of SPEC §4, a pure function of the snapshot (SPEC §6). Policies, CODEOWNERS and
 * the other grants come from the base (default branch); the PR's files are data only.
 */
export function evaluate(snap: Snapshot): Decision {
  const nowParsed = parseInstant(snap.now);
  const now = nowParsed.ok ? nowParsed.ms : Number.NaN;
  const { changes, outside } = classifyFiles(snap.pull_request.files);
  if (changes.length === 0) {
    return {
      verdict: 'not_applicable',
      grants: [],
      errors: [],
      summary: 'no access request in this pull request',
    };
  }
  const errors = pullRequestErrors(snap, outside);
  if (!nowParsed.ok) {
    errors.push({ code: 'E_TIME_FORMAT', message: `snapshot now "${snap.now}" ${nowParsed.why}.` });
  }
  const base = baseContext(snap);
  const decisions: GrantDecision[] = [];
  const requested: Request[] = [];
  for (const c of changes) {
    const d = judgeChange(c, base.tree, base.lookup, base.policies, now, base.teams);
    decisions.push(d.decision);
    if (d.request) requested.push({ d: d.decision, grant: d.request });
  }
  judgeRequests(requested, otherBaseGrants(base, changes), base, snap, now);
  return withVerdicts(decisions, errors);
}

type Request = { d: GrantDecision; grant: Grant };

/** What the default branch says: its tree, policies, CODEOWNERS, plus who is who. */
interface BaseContext {
  tree: Tree;
  all: Map<string, Result<Policy>>;
  policies: Map<string, Policy>;
  lookup: (system: string) => Result<Policy> | undefined;
  teams: TeamDirectory;
  people: People;
  codeowners: { rules: Rule[]; errors: Finding[]; path?: string };
}

function baseContext(snap: Snapshot): BaseContext {
  const tree = baseTree(snap.base.files);
  const all = loadPolicies(tree);
  return {
    tree,
    all,
    policies: validPolicies(all),
    lookup: (s) => all.get(s),
    teams: snapshotTeams(snap),
    people: new People(snap.users),
    codeowners: loadCodeowners(tree),
  };
}

/** Problems of the pull request as a whole: wrong base branch, grants mixed with other files. */
function pullRequestErrors(snap: Snapshot, outside: string[]): Decision['errors'] {
  const errors: Decision['errors'] = [];
  const pr = snap.pull_request;
  if (pr.base_ref !== snap.repository.default_branch) {
    errors.push({
      code: 'E_BASE_BRANCH',
      message: `this pull request targets ${pr.base_ref}; access requests must target the default branch ${snap.repository.default_branch}, whose policies apply. Change the base branch.`,
    });
  }
  if (outside.length > 0) {
    errors.push({
      code: 'E_MIXED_CHANGE',
      message: `this pull request changes grants and also ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ` and ${outside.length - 5} more` : ''}; a grant change must be alone in its pull request (policies, CODEOWNERS and workflows are judged from the default branch). Split the pull request.`,
      path: outside[0]!,
    });
  }
  return errors;
}

/** The grants of the default branch this PR leaves alone (for overlap and SoD). */
function otherBaseGrants(base: BaseContext, changes: GrantChange[]): Grant[] {
  const touched = new Set(
    changes.flatMap((c) => [c.path, ...(c.previousPath ? [c.previousPath] : [])]),
  );
  return loadGrants(base.tree, base.lookup, (path) => !touched.has(path)).grants;
}

/**
 * What needs the pull request to judge a requested grant: overlaps and SoD against the base,
 * the requester is the author, standing change requests, CODEOWNERS, and the approvals.
 */
function judgeRequests(
  requested: Request[],
  baseGrants: Grant[],
  base: BaseContext,
  snap: Snapshot,
  now: number,
): void {
  const pr = snap.pull_request;
  const { people, codeowners } = base;
  const cross = crossGrantFindings(
    [...baseGrants, ...requested.map((r) => r.grant)],
    base.policies,
    now,
    new Set(requested.map((r) => r.grant.path)),
  );
  const reviewers = latestDecisive(pr.reviews, people);
  const author = people.resolve(pr.author);
  const contributors = pr.commits
    .flatMap((c) => [people.resolve(c.author), people.resolve(c.committer)])
    .filter((p) => p !== undefined);
  const blockers = reviewers.filter(
    (r) => r.latest.state === 'CHANGES_REQUESTED' && canWrite(r.person),
  );

  for (const { d, grant } of requested) {
    const deny = (code: Finding['code'], message: string) =>
      d.reasons.push(reason(finding(code, message, { path: grant.path })));
    for (const f of cross.get(grant.path) ?? []) d.reasons.push(reason(f));
    if (author && grant.requester.toLowerCase() !== author.login.toLowerCase()) {
      deny(
        'E_REQUESTER_MISMATCH',
        `${grant.path}: requester is ${grant.requester} but the pull request was opened by ${author.login}; the requester must be the author. Set requester: ${author.login} or let ${grant.requester} open the pull request.`,
      );
    }
    for (const b of blockers) {
      deny(
        'E_CHANGES_REQUESTED',
        `${grant.path}: ${b.person.login} requested changes; address them and ask ${b.person.login} to approve or dismiss the review.`,
      );
    }
    for (const e of codeowners.errors)
      d.reasons.push(reason({ ...e, message: `${grant.path}: ${e.message}` }));
    const role = base.policies.get(grant.system)!.roles.get(grant.role)!;
    const requester = people.resolve(grant.requester);
    const subject = people.resolve(grant.subject);
    const ex: Exclusions = {
      ...(author ? { author } : {}),
      ...(requester ? { requester } : {}),
      ...(subject ? { subject } : {}),
      contributors,
      headSha: pr.head_sha,
    };
    const a = judgeApprovals(
      role,
      ownersFor(codeowners.rules, grant.path).owners,
      reviewers,
      ex,
      people,
      snap,
    );
    d.requirements = a.requirements;
    d.ignored_reviews = a.ignored;
    if (a.unowned) {
      deny(
        'E_UNOWNED',
        `${grant.path}: every code owner of this file (${a.unowned.join(', ')}) is the requester, the subject, a contributor to this pull request, a bot or lacks write access, so no code owner can approve it. Ask the owners of ${codeowners.path ?? 'CODEOWNERS'} to add an eligible owner.`,
      );
    }
  }
}

/** Per grant: denied if any reason, pending if a requirement is unmet; the PR takes the worst. */
function withVerdicts(decisions: GrantDecision[], errors: Decision['errors']): Decision {
  let verdict: Verdict = errors.length > 0 ? 'denied' : 'approved';
  for (const d of decisions) {
    if (d.reasons.length > 0 || errors.length > 0) d.verdict = 'denied';
    else if (d.requirements.some((r) => !r.met)) d.verdict = 'pending';
    else d.verdict = 'approved';
    verdict = worst(verdict, d.verdict);
  }
  const decision: Decision = { verdict, grants: decisions, errors, summary: '' };
  decision.summary = summarize(decision);
  return decision;
}

/** Judges one grant change on its own; returns the grant when it is a request needing approval. */
function judgeChange(
  c: GrantChange,
  base: Tree,
  lookup: (s: string) => Result<Policy> | undefined,
  policies: Map<string, Policy>,
  now: number,
  teams: TeamDirectory,
): { decision: GrantDecision; request?: Grant } {
  const d: GrantDecision = {
    path: c.path,
    change: c.change,
    verdict: 'approved',
    reasons: [],
    requirements: [],
    ignored_reviews: [],
  };
  const before = base.get(c.change === 'renamed' ? c.previousPath! : c.path);
  const beforeGrant = before ? loadGrant(before, lookup) : undefined;
  if (beforeGrant?.ok) {
    const b = beforeGrant.value;
    d.previous = {
      path: b.path,
      subject: b.subject,
      role: b.role,
      expires_at: formatInstant(b.expiresAt),
    };
  }
  if (c.change === 'removed') return { decision: d };

  const head = loadGrant(headFile(c.file!), lookup);
  if (!head.ok) {
    d.reasons.push(...head.errors.map(reason));
    return { decision: d };
  }
  const g = head.value;
  d.grant = {
    system: g.system,
    role: g.role,
    requester: g.requester,
    subject: g.subject,
    ...(g.ticket !== undefined ? { ticket: g.ticket } : {}),
    justification: g.justification,
    ...(g.startsAt !== undefined ? { starts_at: formatInstant(g.startsAt) } : {}),
    expires_at: formatInstant(g.expiresAt),
  };
  const role = policies.get(g.system)!.roles.get(g.role)!;
  if (c.change === 'modified' && beforeGrant?.ok) {
    const changed = changedIdentity(beforeGrant.value, g);
    if (changed.length > 0) {
      for (const field of changed) {
        d.reasons.push(
          reason(
            finding(
              'E_IMMUTABLE_FIELD',
              `${g.path}: ${field} changed from "${(beforeGrant.value as unknown as Record<string, string>)[field]}" to "${(g as unknown as Record<string, string>)[field]}"; ${field} never changes in place. Remove this grant and add a new file instead.`,
              { path: g.path, field },
            ),
          ),
        );
      }
      return { decision: d };
    }
    if (isNarrowing(beforeGrant.value, g)) {
      d.change = 'narrowed';
      if (g.startsAt !== undefined && g.startsAt >= g.expiresAt) {
        d.reasons.push(
          reason(
            finding(
              'E_WINDOW',
              `${g.path}: starts_at ${formatInstant(g.startsAt)} is not before expires_at ${formatInstant(g.expiresAt)}; to end the grant, delete the file instead.`,
              { path: g.path, field: 'starts_at' },
            ),
          ),
        );
      }
      return { decision: d };
    }
  }
  const judged = judgeGrant(g, role, { now, teams, expired: 'deny' });
  d.reasons.push(...judged.errors.map(reason));
  return { decision: d, request: g };
}

function baseTree(files: Record<string, FileContent>): Tree {
  const tree: Tree = new Map();
  for (const [path, content] of Object.entries(files)) {
    if (typeof content === 'string')
      tree.set(path, { path, bytes: new TextEncoder().encode(content), mode: '100644' });
    else
      tree.set(path, {
        path,
        bytes: Buffer.from(content.base64, 'base64'),
        mode: content.mode ?? '100644',
      });
  }
  return tree;
}

function headFile(f: PullRequestFile): RepoFile {
  const bytes =
    f.content_base64 !== undefined
      ? Buffer.from(f.content_base64, 'base64')
      : new TextEncoder().encode(f.content ?? '');
  return { path: f.path, bytes, mode: f.mode ?? '100644' };
}

/** Team data from the snapshot; a team that was not gathered is treated as "not a member" (fail closed). */
function snapshotTeams(snap: Snapshot): TeamDirectory {
  return { isMember: (team, login) => teamMembership(snap, team, login) === 'yes' };
}

function loadCodeowners(base: Tree): { rules: Rule[]; errors: Finding[]; path?: string } {
  const text = (p: string) => {
    const f = base.get(p);
    return f ? new TextDecoder().decode(f.bytes) : undefined;
  };
  const found = locateCodeowners(text);
  if (!found) return { rules: [], errors: [] };
  return { ...parseCodeowners(found.text, found.path), path: found.path };
}
