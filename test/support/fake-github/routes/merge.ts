import { GitHubError, type Handler, ok } from '../http.js';
import { loadPull } from './pulls.js';

/** GitHub's exact wording; clients match on it. */
export const HEAD_MODIFIED = 'Head branch was modified. Review and try the merge again.';
const NOT_MERGEABLE = 'Pull Request is not mergeable';

/**
 * `PUT …/merge`: a real merge (two parents) or squash (one parent) commit on the base branch,
 * committed by GitHub and authored by the merging identity (merge) or the PR author (squash).
 */
const mergePull: Handler = async (ctx) => {
  const pull = await loadPull(ctx);
  const body = ctx.body ?? {};
  if (pull.state !== 'open') throw new GitHubError(405, NOT_MERGEABLE);
  const method: string = body.merge_method ?? 'merge';
  if (method === 'rebase')
    throw new GitHubError(405, 'Rebase merges are not allowed on this repository.');
  if (body.sha !== undefined && body.sha !== pull.headSha)
    throw new GitHubError(409, HEAD_MODIFIED);
  const baseRef = `refs/heads/${pull.baseRef}`;
  const baseTip = await ctx.git.refTarget(baseRef);
  if (!baseTip) throw new GitHubError(405, NOT_MERGEABLE);
  const tree = await ctx.git.mergeTree(baseTip, pull.headSha);
  if (!tree) throw new GitHubError(405, NOT_MERGEABLE);
  const commits = await ctx.git.commitsBetween(baseTip, pull.headSha);
  const now = ctx.state.now();
  const committer = { name: 'GitHub', email: 'noreply@github.com', date: now };
  let title: string;
  let message: string;
  let author = ctx.state.signature(ctx.identity.login);
  if (method === 'squash') {
    title = body.commit_title ?? `${pull.title} (#${pull.number})`;
    message =
      body.commit_message ??
      (commits.length === 1
        ? commits[0]!.message.split('\n').slice(1).join('\n').trim()
        : commits.map((c) => `* ${c.message}`).join('\n\n'));
    author = ctx.state.signature(pull.author);
  } else {
    title =
      body.commit_title ??
      `Merge pull request #${pull.number} from ${ctx.state.owner}/${pull.headRef}`;
    message = body.commit_message ?? pull.title;
  }
  const sha = await ctx.git.commitTree({
    tree,
    parents: method === 'squash' ? [baseTip] : [baseTip, pull.headSha],
    message: message ? `${title}\n\n${message}\n` : `${title}\n`,
    author: { ...author, date: now },
    committer,
  });
  // Compare-and-swap: a concurrent push to the base branch fails the merge instead of being lost.
  await ctx.git.updateRef(baseRef, sha, baseTip);
  Object.assign(pull, {
    state: 'closed',
    merged: true,
    mergedAt: now,
    closedAt: now,
    updatedAt: now,
    mergedBy: ctx.identity.login,
    mergeCommitSha: sha,
    baseShaAtMerge: baseTip,
  });
  await ctx.state.syncPullHeads();
  return ok({ sha, merged: true, message: 'Pull Request successfully merged' });
};

export const mergeRoutes: Record<string, Handler> = {
  'pulls/merge': mergePull,
};
