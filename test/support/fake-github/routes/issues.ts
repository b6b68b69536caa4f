import { GitHubError, type Handler, notFound, ok, type RouteContext } from '../http.js';
import { paginate } from '../pagination.js';
import type { FakeComment, FakePull } from '../state.js';

/** Only pull requests exist in the fake; an issue number is a PR number. */
function loadIssue(ctx: RouteContext): FakePull {
  return ctx.state.pull(Number(ctx.params.issue_number));
}

const listComments: Handler = async (ctx) => {
  const issue = loadIssue(ctx);
  const since = ctx.query.since as string | undefined;
  const comments = ctx.state.commentsOn(issue.number).filter((c) => !since || c.updatedAt >= since);
  return paginate(ctx, comments, (c) => ctx.render.comment(c));
};

/** Comments are attributed to the caller's identity. */
const createComment: Handler = async (ctx) => {
  const issue = loadIssue(ctx);
  const now = ctx.state.now();
  const comment: FakeComment = {
    id: ctx.state.allocId(),
    issueNumber: issue.number,
    user: ctx.identity.login,
    body: ctx.body.body,
    createdAt: now,
    updatedAt: now,
  };
  ctx.state.comments.push(comment);
  return ok(ctx.render.comment(comment), 201);
};

const updateComment: Handler = async (ctx) => {
  const comment = ctx.state.comments.find((c) => c.id === ctx.params.comment_id);
  if (!comment) throw notFound();
  if (
    comment.user.toLowerCase() !== ctx.identity.login.toLowerCase() &&
    ctx.state.permissionOf(ctx.identity.login) !== 'admin'
  ) {
    throw new GitHubError(403, 'Must have admin rights to Repository.');
  }
  comment.body = ctx.body.body;
  comment.updatedAt = ctx.state.now();
  return ok(ctx.render.comment(comment));
};

const labelsOf = (ctx: RouteContext, issue: FakePull) =>
  issue.labels.map((name) => ctx.render.label(ctx.state.ensureLabel(name)));

/** Adds labels (creating unknown repository labels) and answers the issue's full label list. */
const addLabels: Handler = async (ctx) => {
  const issue = loadIssue(ctx);
  const labels: (string | { name: string })[] = ctx.body?.labels ?? [];
  for (const label of labels)
    ctx.state.addLabelToPull(issue, typeof label === 'string' ? label : label.name);
  issue.updatedAt = ctx.state.now();
  return ok(labelsOf(ctx, issue));
};

const listLabels: Handler = async (ctx) => paginate(ctx, labelsOf(ctx, loadIssue(ctx)));

const removeLabel: Handler = async (ctx) => {
  const issue = loadIssue(ctx);
  const name = String(ctx.params.name).toLowerCase();
  if (!issue.labels.some((l) => l.toLowerCase() === name))
    throw new GitHubError(404, 'Label does not exist');
  issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name);
  return ok(labelsOf(ctx, issue));
};

export const issueRoutes: Record<string, Handler> = {
  'issues/list-comments': listComments,
  'issues/create-comment': createComment,
  'issues/update-comment': updateComment,
  'issues/add-labels': addLabels,
  'issues/list-labels-on-issue': listLabels,
  'issues/remove-label': removeLabel,
};
