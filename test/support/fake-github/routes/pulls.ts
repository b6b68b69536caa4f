import { GitHubError, type Handler, ok, type RouteContext } from '../http.js';

/** What rendering a PR needs (a route context, or the fake itself for event payloads). */
export type PullDeps = Pick<RouteContext, 'git' | 'render'>;

import { paginate } from '../pagination.js';
import { createPull } from '../seeding.js';
import { encodePath } from '../shapes.js';
import type { FakePull } from '../state.js';

/** The base side a PR is compared with: the merge base, or the base tip at merge time. */
export async function comparisonBase(ctx: PullDeps, pull: FakePull): Promise<string> {
  if (pull.baseShaAtMerge)
    return (await ctx.git.mergeBase(pull.baseShaAtMerge, pull.headSha)) ?? pull.baseShaAtMerge;
  const base = await baseSha(ctx, pull);
  return (await ctx.git.mergeBase(base, pull.headSha)) ?? base;
}

export async function baseSha(ctx: PullDeps, pull: FakePull): Promise<string> {
  return (
    (await ctx.git.refTarget(`refs/heads/${pull.baseRef}`)) ?? pull.baseShaAtMerge ?? pull.headSha
  );
}

/** Loads the PR of the path and refreshes its head from git. */
export async function loadPull(ctx: RouteContext): Promise<FakePull> {
  await ctx.state.syncPullHeads();
  return ctx.state.pull(Number(ctx.params.pull_number ?? ctx.params.issue_number));
}

export async function renderPullFull(ctx: PullDeps, pull: FakePull) {
  const base = await baseSha(ctx, pull);
  const from = await comparisonBase(ctx, pull);
  const changes = await ctx.git.diff(from, pull.headSha);
  const commits = (await ctx.git.commitsBetween(pull.baseShaAtMerge ?? base, pull.headSha)).length;
  const mergeable =
    pull.state === 'open' ? (await ctx.git.mergeTree(base, pull.headSha)) !== null : null;
  return ctx.render.pullFull(pull, base, { commits, changes, mergeable });
}

const getPull: Handler = async (ctx) => ok(await renderPullFull(ctx, await loadPull(ctx)));

const listPulls: Handler = async (ctx) => {
  await ctx.state.syncPullHeads();
  const state = ctx.query.state ?? 'open';
  // GitHub silently ignores a `head` filter without the `owner:` prefix (a classic pitfall:
  // every open PR comes back), so the fake does too.
  const head = ctx.query.head as string | undefined;
  const headRef = head?.includes(':') ? head.split(':').slice(1).join(':') : undefined;
  const headOwner = head?.includes(':') ? head.split(':')[0] : undefined;
  let pulls = [...ctx.state.pulls.values()].filter(
    (p) =>
      (state === 'all' || p.state === state) &&
      (headRef === undefined || p.headRef === headRef) &&
      (headOwner === undefined || headOwner.toLowerCase() === ctx.state.owner.toLowerCase()) &&
      (ctx.query.base === undefined || p.baseRef === ctx.query.base),
  );
  const sortKey = ctx.query.sort === 'updated' ? 'updatedAt' : 'createdAt';
  pulls = pulls.sort((a, b) => a[sortKey].localeCompare(b[sortKey]) || a.number - b.number);
  if ((ctx.query.direction ?? 'desc') === 'desc') pulls.reverse();
  const rendered = await Promise.all(
    pulls.map(async (p) => ctx.render.pullSimple(p, await baseSha(ctx, p))),
  );
  return paginate(ctx, rendered);
};

const postPull: Handler = async (ctx) => {
  const head = String(ctx.body.head);
  const [owner, ref] = head.includes(':')
    ? [head.split(':')[0]!, head.split(':').slice(1).join(':')]
    : [null, head];
  if (owner !== null && owner.toLowerCase() !== ctx.state.owner.toLowerCase()) {
    throw new GitHubError(422, 'Validation Failed', [
      { resource: 'PullRequest', field: 'head', code: 'invalid' },
    ]);
  }
  const pull = await createPull(ctx.state, {
    author: ctx.identity.login,
    head: ref,
    base: ctx.body.base,
    title: ctx.body.title ?? ref,
    body: ctx.body.body ?? null,
    draft: Boolean(ctx.body.draft),
  });
  return ok(await renderPullFull(ctx, pull), 201);
};

const updatePull: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  const { title, body, state, base } = ctx.body ?? {};
  if (state === 'open' && pull.state === 'closed') {
    if (pull.merged)
      throw new GitHubError(422, 'Validation Failed', [
        { resource: 'PullRequest', field: 'state', code: 'invalid' },
      ]);
    if (!(await ctx.git.refTarget(`refs/heads/${pull.headRef}`))) {
      throw new GitHubError(422, 'Validation Failed', [
        { resource: 'PullRequest', field: 'state', code: 'invalid' },
      ]);
    }
    pull.state = 'open';
    pull.closedAt = null;
  } else if (state === 'closed' && pull.state === 'open') {
    pull.state = 'closed';
    pull.closedAt = ctx.state.now();
  }
  if (title !== undefined) pull.title = title;
  if (body !== undefined) pull.body = body;
  if (base !== undefined) {
    if (!(await ctx.git.refTarget(`refs/heads/${base}`))) {
      throw new GitHubError(422, 'Validation Failed', [
        { resource: 'PullRequest', field: 'base', code: 'invalid' },
      ]);
    }
    pull.baseRef = base;
  }
  pull.updatedAt = ctx.state.now();
  await ctx.state.syncPullHeads();
  return ok(await renderPullFull(ctx, pull));
};

const STATUS = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
} as const;

/** Changed files from the merge base to the head, with git's rename detection. */
const listFiles: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  const from = await comparisonBase(ctx, pull);
  const changes = (await ctx.git.diff(from, pull.headSha)).slice(0, 3000);
  const head = pull.headSha;
  return paginate(ctx, changes, async (c) => {
    const deleted = c.status === 'D';
    // A mode-only change (e.g. chmod +x) is reported as "changed".
    const status = c.status === 'M' && c.oldSha === c.newSha ? 'changed' : STATUS[c.status];
    const patch = await ctx.git.patch(from, head, c);
    return {
      sha: deleted ? c.oldSha : c.newSha,
      filename: c.path,
      status,
      additions: c.additions,
      deletions: c.deletions,
      changes: c.additions + c.deletions,
      blob_url: `${ctx.render.repoHtml}/blob/${head}/${encodePath(c.path)}`,
      raw_url: `${ctx.render.repoHtml}/raw/${head}/${encodePath(c.path)}`,
      contents_url: `${ctx.render.repoApi}/contents/${encodePath(c.path)}?ref=${head}`,
      ...(patch ? { patch } : {}),
      ...(c.previousPath !== undefined ? { previous_filename: c.previousPath } : {}),
    };
  });
};

const listCommits: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  const base = pull.baseShaAtMerge ?? (await baseSha(ctx, pull));
  const commits = (await ctx.git.commitsBetween(base, pull.headSha)).slice(0, 250);
  return paginate(ctx, commits, (c) => ctx.render.commit(c));
};

const requestReviewers: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  const reviewers: string[] = ctx.body?.reviewers ?? [];
  const teams: string[] = ctx.body?.team_reviewers ?? [];
  if (reviewers.some((l) => l.toLowerCase() === pull.author.toLowerCase())) {
    throw new GitHubError(422, 'Review cannot be requested from pull request author.');
  }
  const unknown =
    reviewers.some((l) => !ctx.state.user(l) || ctx.state.permissionOf(l) === 'none') ||
    teams.some((t) => !ctx.state.team(t));
  if (unknown) {
    throw new GitHubError(
      422,
      `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${ctx.state.owner}/${ctx.state.repo} repository.`,
    );
  }
  for (const login of reviewers) {
    const user = ctx.state.requireUser(login);
    if (!pull.requestedReviewers.some((l) => l.toLowerCase() === user.login.toLowerCase())) {
      pull.requestedReviewers.push(user.login);
    }
  }
  for (const slug of teams) {
    const team = ctx.state.team(slug)!;
    if (!pull.requestedTeams.includes(team.slug)) pull.requestedTeams.push(team.slug);
  }
  return ok(ctx.render.pullSimple(pull, await baseSha(ctx, pull)), 201);
};

const listRequestedReviewers: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  return ok({
    users: pull.requestedReviewers.map((l) => ctx.render.user(l)),
    teams: pull.requestedTeams.flatMap((slug) => {
      const team = ctx.state.team(slug);
      return team ? [ctx.render.teamSimple(team)] : [];
    }),
  });
};

export const pullRoutes: Record<string, Handler> = {
  'pulls/get': getPull,
  'pulls/list': listPulls,
  'pulls/create': postPull,
  'pulls/update': updatePull,
  'pulls/list-files': listFiles,
  'pulls/list-commits': listCommits,
  'pulls/request-reviewers': requestReviewers,
  'pulls/list-requested-reviewers': listRequestedReviewers,
};
