import type { Review, SnapshotUser, UserRef } from '../core/evaluate/snapshot.js';

/** A pull request as the gate needs it. */
export interface PullRequestInfo {
  number: number;
  author: { login: string; id: number };
  headSha: string;
  headRef: string;
  /** `owner/repo` of the head branch (a fork's name for fork PRs), when GitHub says. */
  headRepo?: string;
  baseRef: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  title: string;
  body: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ChangedFile {
  path: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  previous_path: string | null;
}

export type Content =
  | { kind: 'file'; bytes: Uint8Array }
  | { kind: 'symlink'; target: string }
  | { kind: 'other'; type: string };

export interface StatusInput {
  sha: string;
  state: 'success' | 'pending' | 'failure' | 'error';
  description: string;
  context: string;
  targetUrl?: string;
}

export interface MergeResult {
  merged: boolean;
  sha?: string;
  /** GitHub's message, e.g. "Head branch was modified. Review and try the merge again." */
  message: string;
}

/**
 * The narrow port between jit-access and GitHub, in domain terms (like policy-bot's
 * pull.Context). One REST adapter implements it; tests run it against a fake GitHub that checks
 * every request and response against GitHub's OpenAPI description.
 */
export interface GitHubPort {
  /** API requests made so far (for budgets and reports). */
  readonly requests: number;
  readonly owner: string;
  readonly repo: string;

  getDefaultBranch(): Promise<string>;
  getBranchSha(branch: string): Promise<string>;
  getPullRequest(n: number): Promise<PullRequestInfo>;
  listPullRequestFiles(n: number): Promise<ChangedFile[]>;
  getContent(path: string, ref: string): Promise<Content | undefined>;
  /**
   * Git modes of the entries directly inside `dir` at a commit (`100644`, `100755`, `120000`
   * symlink, `040000` tree). The contents API follows symlinks, so modes come from git trees.
   */
  listTreeModes(commitSha: string, dir: string): Promise<Map<string, string>>;
  listCommits(
    n: number,
  ): Promise<Array<{ sha: string; author: UserRef | null; committer: UserRef | null }>>;
  listReviews(n: number): Promise<Review[]>;
  /** Repository permission, id and type of a user; undefined when the user does not exist. */
  getUser(login: string): Promise<SnapshotUser | undefined>;
  /** Active members of an org team (the repository owner's), or undefined when it does not exist. */
  listTeamMembers(slug: string): Promise<string[] | undefined>;
  teamMembershipState(slug: string, login: string): Promise<'active' | 'pending' | undefined>;
  findPullRequestsByHead(headOwner: string, headRef: string): Promise<PullRequestInfo[]>;

  setStatus(s: StatusInput): Promise<void>;
  /** Own sticky comment carrying `marker` (written by a bot), if any. */
  findComment(n: number, marker: string): Promise<{ id: number; body: string } | undefined>;
  createComment(n: number, body: string): Promise<void>;
  updateComment(id: number, body: string): Promise<void>;
  requestReviewers(n: number, users: string[], teams: string[]): Promise<void>;
  merge(
    n: number,
    sha: string,
    method: 'merge' | 'squash',
    title: string,
    message: string,
  ): Promise<MergeResult>;
}

/** One entry of a git tree as the Git data API lists it. */
export interface TreeEntryInfo {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

export interface GitTree {
  sha: string;
  /** GitHub truncates recursive listings past 100,000 entries or 7 MB. */
  truncated: boolean;
  entries: TreeEntryInfo[];
}

/** A change on top of a base tree: `sha: null` deletes the path. */
export interface TreeChange {
  path: string;
  mode: string;
  sha: string | null;
}

/** The commit status of one context on a commit, from the combined status. */
export interface ContextStatus {
  state: 'success' | 'pending' | 'failure' | 'error';
  description: string;
}

/**
 * What the scheduled expire job needs beyond the gate's port: open pull requests, statuses by
 * context, and the Git data API to make one commit that deletes many files (one tree, one
 * commit, whatever the number of files). Implemented by the same REST adapter, counted against
 * the same budget.
 */
export interface ExpiryPort extends GitHubPort {
  /** Every open pull request, oldest first (pages of 100). */
  listOpenPullRequests(): Promise<PullRequestInfo[]>;
  /** The latest status of `context` on `sha`, or undefined when none was posted. */
  getContextStatus(sha: string, context: string): Promise<ContextStatus | undefined>;
  /** The commit a branch points at, or undefined when the branch does not exist. */
  findBranchSha(branch: string): Promise<string | undefined>;
  /** A tree by tree or commit sha; `recursive` lists every descendant. */
  getTree(sha: string, recursive: boolean): Promise<GitTree>;
  getCommit(sha: string): Promise<{ sha: string; tree: string; parents: string[] }>;
  /** Applies `changes` on top of `baseTree`; returns the new tree's sha. */
  createTree(baseTree: string, changes: TreeChange[]): Promise<string>;
  createCommit(message: string, tree: string, parents: string[]): Promise<string>;
  /** Creates `refs/heads/<branch>`; 'exists' when GitHub answers "Reference already exists". */
  createBranch(branch: string, sha: string): Promise<'created' | 'exists'>;
  deleteBranch(branch: string): Promise<void>;
  createPullRequest(input: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequestInfo>;
  addLabels(n: number, labels: string[]): Promise<void>;
  closePullRequest(n: number): Promise<void>;
}
