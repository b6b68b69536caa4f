import { GitHubError, type Handler, NotModeled, ok } from '../http.js';
import { paginate } from '../pagination.js';
import type { ReviewState } from '../state.js';
import { loadPull } from './pulls.js';

const listReviews: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  return paginate(ctx, ctx.state.reviewsOf(pull.number), (r) => ctx.render.review(r));
};

const getReview: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  const review = ctx.state.reviewsOf(pull.number).find((r) => r.id === ctx.params.review_id);
  if (!review) throw new GitHubError(404, 'Not Found');
  return ok(ctx.render.review(review));
};

const EVENTS: Record<string, ReviewState> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

/** `POST …/reviews` with an `event`: a submitted review by the caller. */
const createReview: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  const event: string | undefined = ctx.body?.event;
  if (!event) throw new NotModeled('pending (unsubmitted) reviews are not modeled: pass `event`');
  const body: string = ctx.body?.body ?? '';
  if (pull.author.toLowerCase() === ctx.identity.login.toLowerCase() && event !== 'COMMENT') {
    const verb = event === 'APPROVE' ? 'approve' : 'request changes on';
    throw new GitHubError(422, 'Unprocessable Entity', [`Can not ${verb} your own pull request`]);
  }
  if (event !== 'APPROVE' && body.trim() === '') {
    const verb = event === 'COMMENT' ? 'comment' : 'request changes';
    throw new GitHubError(422, 'Unprocessable Entity', [
      `Review Can not ${verb} on pull request without body`,
    ]);
  }
  if (ctx.body?.commit_id !== undefined && !(await ctx.git.objectType(ctx.body.commit_id))) {
    throw new GitHubError(422, 'Unprocessable Entity', [
      { code: 'custom', message: 'Commit not found' },
    ]);
  }
  const review = await ctx.state.submitReview({
    number: pull.number,
    user: ctx.identity.login,
    state: EVENTS[event]!,
    body,
    ...(ctx.body?.commit_id !== undefined ? { commit_id: ctx.body.commit_id } : {}),
  });
  return ok(ctx.render.review(review));
};

const dismissReview: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  const review = ctx.state.reviewsOf(pull.number).find((r) => r.id === ctx.params.review_id);
  if (!review) throw new GitHubError(404, 'Not Found');
  if (review.state !== 'APPROVED' && review.state !== 'CHANGES_REQUESTED') {
    throw new GitHubError(422, 'Can not dismiss a commented pull request review');
  }
  return ok(
    ctx.render.review(ctx.state.dismissReview({ number: pull.number, reviewId: review.id })),
  );
};

export const reviewRoutes: Record<string, Handler> = {
  'pulls/list-reviews': listReviews,
  'pulls/get-review': getReview,
  'pulls/create-review': createReview,
  'pulls/dismiss-review': dismissReview,
};
