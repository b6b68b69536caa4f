import type { Review, SnapshotUser, UserRef } from '../core/evaluate/snapshot.js';

/** A pull request as the gate needs it. */
export interface PullRequestInfo {
  number: number;
  author: { login: string; id: number };
  headSha: string;
  headRef: string;
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
