import type { Decision } from '../../core/evaluate/decision.js';
import type { ExpiryPort, PullRequestInfo } from '../../github/port.js';
import { type Budget, CLOSE_REQUESTS, REMOVAL_REQUESTS } from './budget.js';
import { isRemovalPr, removalPaths } from './gather.js';
import { EXPIRED_LABEL, type ExpiryPlan, type PlannedClose } from './plan.js';
import { closeComment, removalBody, removalMessage } from './render.js';

/** GitHub's wording when a pull request for the head already exists (peter-evans style). */
export const PR_EXISTS = /A pull request already exists/i;

export type RemovalOutcome =
  /** Nothing expired (or everything already covered). */
  | 'none'
  /** Dry run: what would be created. */
  | 'planned'
  | 'created'
  /** The branch existed with the same content and no open PR: PR opened on it. */
  | 'reused'
  /** A concurrent run already opened the same removal: nothing new. */
  | 'unchanged'
  /** A concurrent run's overlapping removal PR is older: this run closed its own. */
  | 'superseded'
  /** Not started: the budget left cannot carry the whole write sequence. */
  | 'budget';

export interface RemovalResult {
  outcome: RemovalOutcome;
  branch?: string;
  number?: number;
  headSha?: string;
  merged?: boolean;
  notes: string[];
}

export interface RemovalContext {
  port: ExpiryPort;
  plan: ExpiryPlan;
  defaultBranch: string;
  /** The default branch's tip: parent of the removal commit. */
  tipSha: string;
  /** Tree of the tip: base of the removal tree. */
  baseTree: string;
  /** Git mode of each grant file (deletion entries carry one). */
  modes: ReadonlyMap<string, string>;
  origins: ReadonlyMap<string, number>;
  /** Removal PRs already known at planning time (not concurrent). */
  knownRemovalPrs: ReadonlySet<number>;
  runUrl?: string;
  dryRun: boolean;
  budget: Budget;
  autoMerge?: {
    method: 'merge' | 'squash';
    statusContext: string;
    /** The gate's decision on the created PR (pure evaluate of its snapshot). */
    decide: (pr: PullRequestInfo, headSha: string) => Decision;
  };
  info: (m: string) => void;
  warning: (m: string) => void;
}

/**
 * Carries out the removal part of the plan: ONE tree with every deletion (`sha: null` entries on
 * the tip's tree), ONE commit, the branch, the pull request and its label, so the number of
 * requests does not depend on the number of grants. Idempotent and race-safe: an existing
 * branch with the same tree is reused, an existing pull request for it is left as is, and a
 * concurrent run's older overlapping removal PR wins (this run closes its own).
 */
export async function applyRemoval(ctx: RemovalContext): Promise<RemovalResult> {
  const { port, plan } = ctx;
  const paths = plan.remove.map((r) => r.path);
  if (paths.length === 0) return { outcome: 'none', notes: [] };
  if (ctx.dryRun) return { outcome: 'planned', branch: plan.branch, notes: [] };
  if (!ctx.budget.allows(REMOVAL_REQUESTS)) {
    return {
      outcome: 'budget',
      notes: [
        `not opening the removal pull request: it needs up to ${REMOVAL_REQUESTS} API requests and ${ctx.budget.left} of the api-budget of ${ctx.budget.limit} are left; raise the api-budget input.`,
      ],
    };
  }
  const tree = await port.createTree(
    ctx.baseTree,
    paths.map((path) => ({ path, mode: ctx.modes.get(path) ?? '100644', sha: null })),
  );
  const { title, message } = removalMessage(plan.remove);
  const commit = await port.createCommit(`${title}\n\n${message}`, tree, [ctx.tipSha]);
  const head = await claimBranch(port, plan.branch, tree, commit);
  const notes: string[] = [];
  if (head.reused) {
    const existing = (await port.findPullRequestsByHead(port.owner, head.branch)).find(
      (p) => p.state === 'open',
    );
    if (existing) {
      ctx.info(`removal pull request #${existing.number} for ${head.branch} already exists`);
      return { outcome: 'unchanged', branch: head.branch, number: existing.number, notes };
    }
  }
  let pr: PullRequestInfo;
  try {
    pr = await port.createPullRequest({
      head: head.branch,
      base: ctx.defaultBranch,
      title,
      body: removalBody(plan.remove, ctx.origins, ctx.runUrl),
    });
  } catch (e) {
    if (!PR_EXISTS.test(errorText(e))) throw e;
    const existing = (await port.findPullRequestsByHead(port.owner, head.branch))[0];
    return { outcome: 'unchanged', branch: head.branch, number: existing?.number, notes };
  }
  await port.addLabels(pr.number, [EXPIRED_LABEL]);
  const outcome = head.reused ? 'reused' : 'created';
  ctx.info(
    `opened removal pull request #${pr.number} (${head.branch}) for ${paths.length} grant(s)`,
  );

  const older = await olderOverlap(ctx, pr.number, new Set(paths));
  if (older !== undefined) {
    await port.createComment(
      pr.number,
      `Superseded by #${older}, opened by a concurrent expire run for some of the same grants. The next run removes whatever is left.`,
    );
    await port.closePullRequest(pr.number);
    await port.deleteBranch(head.branch);
    ctx.warning(`closed #${pr.number}: a concurrent run's #${older} removes the same grants`);
    return { outcome: 'superseded', branch: head.branch, number: pr.number, notes };
  }

  let merged = false;
  if (ctx.autoMerge) merged = await autoMerge(ctx, ctx.autoMerge, pr, head.sha);
  return { outcome, branch: head.branch, number: pr.number, headSha: head.sha, merged, notes };
}

/**
 * Creates the branch, or converges on an existing one: same tree = same removal (reuse it as
 * is); a different tree = someone else's content, never overwritten: a sibling branch named
 * after the tree is used instead (deterministic, so a rerun converges on it too).
 */
async function claimBranch(
  port: ExpiryPort,
  branch: string,
  tree: string,
  commit: string,
): Promise<{ branch: string; sha: string; reused: boolean }> {
  for (const name of [branch, `${branch}-${tree.slice(0, 7)}`]) {
    if ((await port.createBranch(name, commit)) === 'created')
      return { branch: name, sha: commit, reused: false };
    const sha = await port.findBranchSha(name);
    if (sha && (await port.getCommit(sha)).tree === tree)
      return { branch: name, sha, reused: true };
  }
  throw new Error(
    `branches ${branch} and ${branch}-${tree.slice(0, 7)} already exist with other content; delete them or wait for the next run (another UTC second).`,
  );
}

/**
 * The race check, after creating: removal PRs opened meanwhile by a concurrent run. PR numbers
 * grow with creation time, so of two overlapping removal PRs the newer one always sees the
 * older here and closes itself; the older one never closes. No duplicate survives.
 */
async function olderOverlap(
  ctx: RemovalContext,
  mine: number,
  paths: ReadonlySet<string>,
): Promise<number | undefined> {
  const open = await ctx.port.listOpenPullRequests();
  const others = open
    .filter((p) => p.number < mine && !ctx.knownRemovalPrs.has(p.number))
    .filter((p) => isRemovalPr(p, ctx.port.owner, ctx.port.repo))
    .sort((a, b) => a.number - b.number);
  for (const p of others) {
    if ((await removalPaths(ctx.port, p.number)).some((x) => paths.has(x))) return p.number;
  }
  return undefined;
}

/**
 * Merges the removal at once, pinned to the head this run created. Branch protection requires
 * the gate's status, and a PR opened by a token does not reliably trigger the gate in time (a
 * GITHUB_TOKEN-created PR triggers no workflow at all), so the job posts it itself, from the
 * same app identity, after the gate's own pure evaluation of this PR approves it.
 */
async function autoMerge(
  ctx: RemovalContext,
  am: NonNullable<RemovalContext['autoMerge']>,
  pr: PullRequestInfo,
  headSha: string,
): Promise<boolean> {
  const decision = am.decide(pr, headSha);
  if (decision.verdict !== 'approved') {
    ctx.warning(`not merging #${pr.number}: the gate says ${decision.summary}`);
    return false;
  }
  await ctx.port.setStatus({
    sha: headSha,
    state: 'success',
    description: decision.summary,
    context: am.statusContext,
    ...(ctx.runUrl ? { targetUrl: ctx.runUrl } : {}),
  });
  const { title, message } = removalMessage(ctx.plan.remove, pr.number);
  const r = await ctx.port.merge(
    pr.number,
    headSha,
    am.method,
    `${title} (#${pr.number})`,
    message,
  );
  if (r.merged) ctx.info(`merged #${pr.number} as ${r.sha} with Jit-Expired trailers`);
  else ctx.warning(`removal pull request #${pr.number} not merged: ${r.message}`);
  return r.merged;
}

export interface CloseResult {
  closed: number[];
  notes: string[];
}

/** Closes stale access requests, each with a comment saying why and how to ask again. */
export async function closeStale(
  port: ExpiryPort,
  close: readonly PlannedClose[],
  opts: { dryRun: boolean; budget: Budget; info: (m: string) => void },
): Promise<CloseResult> {
  const closed: number[] = [];
  const notes: string[] = [];
  for (const [i, c] of close.entries()) {
    if (opts.dryRun) continue;
    if (!opts.budget.allows(CLOSE_REQUESTS)) {
      notes.push(
        `${close.length - i} stale access request(s) left open: the api-budget of ${opts.budget.limit} is spent; raise the api-budget input.`,
      );
      break;
    }
    // Comment first: a request is never closed without its explanation.
    await port.createComment(c.number, closeComment(c));
    await port.closePullRequest(c.number);
    closed.push(c.number);
    opts.info(`closed access request #${c.number}: ${c.reasons.join(' ')}`);
  }
  return { closed, notes };
}

function errorText(e: unknown): string {
  const err = e as { message?: string; response?: { data?: unknown } };
  return `${err.message ?? ''} ${JSON.stringify(err.response?.data ?? '')}`;
}
