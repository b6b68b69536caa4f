import { locateCodeowners, ownerKind, ownersFor, parseCodeowners } from '../core/codeowners.js';
import {
  type PullRequestFile,
  refLogin,
  type Snapshot,
  type SnapshotUser,
} from '../core/evaluate/snapshot.js';
import { snapshotFiles } from '../core/evaluate/snapshot-files.js';
import { loginKey } from '../core/model.js';
import { isGrantsPath, parseGrantPath } from '../core/paths.js';
import { loadPolicies } from '../core/policies.js';
import { isTeam, teamSlug } from '../core/rules/single.js';
import { formatInstant } from '../core/time.js';
import type { Tree } from '../core/tree.js';
import type { ChangedFile, GitHubPort, PullRequestInfo } from './port.js';

/** Most owner-team members whose permission is looked up for E_UNOWNED; beyond it, assumed possible. */
const OWNER_TEAM_LOOKUPS = 30;

export interface GatherInput {
  port: GitHubPort;
  number: number;
  /** The trusted default-branch tree (a checkout of the default branch, never the PR). */
  base: { sha: string; tree: Tree };
  defaultBranch: string;
  now: number;
}

/**
 * Gathers the snapshot of SPEC §6 for one pull request. Grant files come from the PR head as
 * data (the contents API, never a checkout); policies, CODEOWNERS and the other grants from the
 * trusted base tree. Requests: a constant number per PR plus one per changed grant file, per
 * reviewer and per relevant team, never per grant in the repository.
 */
export async function gatherSnapshot(
  input: GatherInput,
): Promise<{ snapshot: Snapshot; pr: PullRequestInfo }> {
  const { port, number } = input;
  const pr = await port.getPullRequest(number);
  const [changed, commits, reviews] = await Promise.all([
    port.listPullRequestFiles(number),
    port.listCommits(number),
    port.listReviews(number),
  ]);
  const files = await Promise.all(changed.map((f) => headFile(port, pr.headSha, f)));
  const { principals, owners } = relevantPrincipals(input.base.tree, files);
  const teams = await gatherTeams(port, [...principals, ...owners]);

  const logins = new Set<string>([pr.author.login]);
  for (const r of reviews) logins.add(refLogin(r.user)!);
  for (const c of commits) for (const u of [c.author, c.committer]) if (u) logins.add(refLogin(u)!);
  // Explicit-login code owners and (some) members of code-owner teams: their permission decides
  // E_UNOWNED. Approvers named by login need no lookup until they review; requesters are
  // matched by login.
  for (const o of owners) {
    if (ownerKind(o) === 'user') logins.add(o.slice(1));
    else if (isTeam(o)) {
      for (const m of (teams[loginKey(teamSlug(o))]?.members ?? []).slice(0, OWNER_TEAM_LOOKUPS))
        logins.add(m);
    }
  }
  const users = await lookupUsers(port, logins);
  const approvers = reviews.filter((r) => r.state === 'APPROVED').map((r) => refLogin(r.user)!);
  await markPending(port, teams, approvers);

  const snapshot: Snapshot = {
    now: formatInstant(input.now),
    repository: { owner: port.owner, name: port.repo, default_branch: input.defaultBranch },
    users,
    teams,
    base: { sha: input.base.sha, files: snapshotFiles(input.base.tree) },
    pull_request: {
      number,
      author: pr.author,
      base_ref: pr.baseRef,
      head_sha: pr.headSha,
      files,
      commits,
      reviews,
    },
  };
  return { snapshot, pr };
}

/**
 * One changed file of the PR head, as data. Only grant files are read; their git mode comes from
 * the head's trees (the contents API follows symlinks, so it cannot reveal one).
 */
async function headFile(
  port: GitHubPort,
  headSha: string,
  f: ChangedFile,
): Promise<PullRequestFile> {
  const entry: PullRequestFile = { path: f.path, status: f.status, previous_path: f.previous_path };
  if (f.status === 'removed' || !isGrantsPath(f.path)) return entry;
  const dir = f.path.slice(0, Math.max(0, f.path.lastIndexOf('/')));
  const mode = (await port.listTreeModes(headSha, dir)).get(f.path.slice(dir.length + 1));
  if (mode === '120000' || mode === '040000' || mode === '160000')
    return { ...entry, mode, content: '' };
  const c = await port.getContent(f.path, headSha);
  if (!c) return { ...entry, mode: '100644', content: '' };
  if (c.kind === 'symlink') return { ...entry, mode: '120000', content: c.target };
  if (c.kind === 'other') return { ...entry, mode: '040000', content: '' };
  return { ...entry, mode: '100644', ...encode(c.bytes) };
}

/**
 * Who matters for this PR: the approvers and requesters of the systems it touches (from the
 * base policies) and the code owners of its grant paths (from the base CODEOWNERS).
 */
function relevantPrincipals(
  tree: Tree,
  files: PullRequestFile[],
): { principals: Set<string>; owners: Set<string> } {
  const policies = loadPolicies(tree);
  const systems = new Set(
    files
      .flatMap((f) => [f.path, f.previous_path ?? ''])
      .flatMap((p) => {
        const g = parseGrantPath(p);
        return g.ok ? [g.value.system] : [];
      }),
  );
  const principals = new Set<string>();
  for (const s of systems) {
    const p = policies.get(s);
    if (!p?.ok) continue;
    for (const role of p.value.roles.values())
      for (const x of [...role.approvers, ...(role.requesters ?? [])]) principals.add(x);
  }
  const co = locateCodeowners((p) => {
    const f = tree.get(p);
    return f ? new TextDecoder().decode(f.bytes) : undefined;
  });
  const rules = co ? parseCodeowners(co.text, co.path).rules : [];
  const owners = new Set<string>();
  for (const f of files)
    if (isGrantsPath(f.path)) for (const o of ownersFor(rules, f.path).owners) owners.add(o);
  return { principals, owners };
}

/** Active members of the repository owner's teams among `principals` (other orgs: never). */
async function gatherTeams(port: GitHubPort, principals: string[]): Promise<Snapshot['teams']> {
  const org = loginKey(port.owner);
  const slugs = new Set<string>();
  for (const p of principals) {
    if (isTeam(p) && loginKey(p.slice(1, p.indexOf('/'))) === org) slugs.add(loginKey(teamSlug(p)));
  }
  const teams: Snapshot['teams'] = {};
  await Promise.all(
    [...slugs].map(async (slug) => {
      const members = await port.listTeamMembers(slug);
      if (members) teams[slug] = { members, pending: [] };
    }),
  );
  return teams;
}

/** An approving reviewer who is not an active member may be a pending one: say so (I_NOT_MEMBER). */
async function markPending(
  port: GitHubPort,
  teams: Snapshot['teams'],
  approvers: string[],
): Promise<void> {
  await Promise.all(
    Object.entries(teams).flatMap(([slug, t]) =>
      approvers
        .filter((a) => !t.members.some((m) => loginKey(m) === loginKey(a)))
        .map(async (a) => {
          if ((await port.teamMembershipState(slug, a)) === 'pending') t.pending!.push(a);
        }),
    ),
  );
}

async function lookupUsers(port: GitHubPort, logins: Set<string>): Promise<SnapshotUser[]> {
  const unique = new Map<string, string>();
  for (const l of logins) unique.set(loginKey(l), l);
  const found = await Promise.all([...unique.values()].map((l) => port.getUser(l)));
  return found.filter((u): u is SnapshotUser => u !== undefined);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Text when it is valid UTF-8, else exact bytes in base64 (the loader then says E_ENCODING). */
function encode(bytes: Uint8Array): { content: string } | { content_base64: string } {
  try {
    return { content: UTF8.decode(bytes) };
  } catch {
    return { content_base64: Buffer.from(bytes).toString('base64') };
  }
}
