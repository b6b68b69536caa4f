import { GitHubError, type Handler, ok, type RouteContext } from '../http.js';
import { paginate } from '../pagination.js';
import type { FakeStatus } from '../state.js';

async function resolveRef(ctx: RouteContext): Promise<string> {
  const ref = String(ctx.params.ref);
  const sha = await ctx.git.resolve(ref);
  if (!sha) throw new GitHubError(404, `No commit found for SHA: ${ref}`);
  return sha;
}

/** Statuses are attributed to the caller's identity (`creator`). */
const createStatus: Handler = async (ctx) => {
  const sha = await ctx.git.resolve(String(ctx.params.sha));
  if (!sha?.startsWith(String(ctx.params.sha))) {
    throw new GitHubError(422, `No commit found for SHA: ${ctx.params.sha}`);
  }
  const now = ctx.state.now();
  const status: FakeStatus = {
    id: ctx.state.allocId(),
    sha,
    state: ctx.body.state,
    context: ctx.body.context ?? 'default',
    description: ctx.body.description ?? null,
    targetUrl: ctx.body.target_url ?? null,
    creator: ctx.identity.login,
    createdAt: now,
    updatedAt: now,
  };
  ctx.state.statuses.push(status);
  return {
    status: 201,
    body: ctx.render.status(status),
    headers: { location: `${ctx.render.repoApi}/statuses/${sha}` },
  };
};

/** Newest first, as GitHub lists them. */
function newestFirst(statuses: FakeStatus[]): FakeStatus[] {
  return [...statuses].sort((a, b) => b.id - a.id);
}

const listStatuses: Handler = async (ctx) => {
  const sha = await resolveRef(ctx);
  return paginate(ctx, newestFirst(ctx.state.statusesFor(sha)), (s) => ctx.render.status(s));
};

/** Latest status per context; failure/error wins, then pending (also when there is none). */
const combinedStatus: Handler = async (ctx) => {
  const sha = await resolveRef(ctx);
  const latest = new Map<string, FakeStatus>();
  for (const s of newestFirst(ctx.state.statusesFor(sha)))
    if (!latest.has(s.context)) latest.set(s.context, s);
  const statuses = [...latest.values()];
  const states = statuses.map((s) => s.state);
  const state =
    states.includes('error') || states.includes('failure')
      ? 'failure'
      : states.length === 0 || states.includes('pending')
        ? 'pending'
        : 'success';
  const perPage = Math.min(Number(ctx.query.per_page ?? 100), 100);
  const page = Math.max(Number(ctx.query.page ?? 1), 1);
  return ok({
    state,
    statuses: statuses
      .slice((page - 1) * perPage, page * perPage)
      .map((s) => ctx.render.statusSimple(s)),
    sha,
    total_count: statuses.length,
    repository: ctx.render.repository(),
    commit_url: `${ctx.render.repoApi}/commits/${sha}`,
    url: `${ctx.render.repoApi}/commits/${sha}/status`,
  });
};

export const statusRoutes: Record<string, Handler> = {
  'repos/create-commit-status': createStatus,
  'repos/list-commit-statuses-for-ref': listStatuses,
  'repos/get-combined-status-for-ref': combinedStatus,
};
