import type { BareRepo, TreeEntry } from './git.js';
import { GitHubError } from './http.js';
import type { FakePull, FileSpec } from './model.js';
import type { FakeState } from './state.js';

/** Applies `FileSpec`s to a flat tree map, writing the blobs. */
export async function applyFiles(
  git: BareRepo,
  tree: Map<string, Omit<TreeEntry, 'path'>>,
  files: Record<string, FileSpec>,
): Promise<void> {
  for (const [path, spec] of Object.entries(files)) {
    if (spec === null) {
      tree.delete(path);
      for (const p of [...tree.keys()]) if (p.startsWith(`${path}/`)) tree.delete(p);
      continue;
    }
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) {
      tree.set(path, { mode: '100644', type: 'blob', sha: await git.hashBlob(spec) });
    } else if ('symlink' in spec) {
      tree.set(path, {
        mode: '120000',
        type: 'blob',
        sha: await git.hashBlob(spec.symlink),
      });
    } else {
      tree.set(path, {
        mode: '100755',
        type: 'blob',
        sha: await git.hashBlob(spec.content),
      });
    }
  }
}

/** PR creation as GitHub checks it (shared by the seeding helper and `POST /pulls`). */
export async function createPull(
  state: FakeState,
  input: {
    author: string;
    head: string;
    base: string;
    title: string;
    body: string | null;
    draft: boolean;
  },
): Promise<FakePull> {
  const headSha = await state.git.refTarget(`refs/heads/${input.head}`);
  const baseSha = await state.git.refTarget(`refs/heads/${input.base}`);
  const invalid = (field: string) =>
    new GitHubError(422, 'Validation Failed', [
      { resource: 'PullRequest', field, code: 'invalid' },
    ]);
  if (!baseSha) throw invalid('base');
  if (!headSha) throw invalid('head');
  if (await state.git.isAncestor(headSha, baseSha)) {
    throw new GitHubError(422, 'Validation Failed', [
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `No commits between ${input.base} and ${input.head}`,
      },
    ]);
  }
  const duplicate = [...state.pulls.values()].find(
    (p) => p.state === 'open' && p.headRef === input.head && p.baseRef === input.base,
  );
  if (duplicate) {
    throw new GitHubError(422, 'Validation Failed', [
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${state.owner}:${input.head}.`,
      },
    ]);
  }
  const now = state.now();
  const pull: FakePull = {
    number: state.allocIssueNumber(),
    id: state.allocId(),
    title: input.title,
    body: input.body,
    author: state.requireUser(input.author).login,
    headRef: input.head,
    headSha,
    baseRef: input.base,
    state: 'open',
    draft: input.draft,
    merged: false,
    mergedAt: null,
    mergedBy: null,
    mergeCommitSha: null,
    baseShaAtMerge: null,
    closedAt: null,
    createdAt: now,
    updatedAt: now,
    labels: [],
    requestedReviewers: [],
    requestedTeams: [],
  };
  state.pulls.set(pull.number, pull);
  return pull;
}
