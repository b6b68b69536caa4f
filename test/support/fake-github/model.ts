/** The data the fake keeps about GitHub (beyond git content, which lives in the bare repo). */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
export type StatusState = 'error' | 'failure' | 'pending' | 'success';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
  name: string | null;
  /** Commit email; commits with this email are attributed to the user. */
  email: string;
  /** Token that authenticates as this user (`Authorization: token …` or `Bearer …`). */
  token: string;
}

export interface TeamMember {
  login: string;
  role: 'member' | 'maintainer';
  state: 'active' | 'pending';
}

export interface FakeTeam {
  id: number;
  slug: string;
  name: string;
  /** Keyed by lower-case login. */
  members: Map<string, TeamMember>;
}

export interface OrgMembership {
  state: 'active' | 'pending';
  role: 'admin' | 'member';
}

export interface FakePull {
  number: number;
  id: number;
  title: string;
  body: string | null;
  author: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  /** Tip of the base branch just before the merge: merged PRs keep their files and commits. */
  baseShaAtMerge: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Label names, in the order they were added. */
  labels: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
}

export interface FakeReview {
  id: number;
  pullNumber: number;
  user: string;
  state: ReviewState;
  body: string;
  commitId: string | null;
  submittedAt: string;
}

export interface FakeStatus {
  id: number;
  sha: string;
  state: StatusState;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

/** Content of one path in `commitFiles`: text/bytes, null to delete, or a symlink. */
export type FileSpec =
  | string
  | Buffer
  | null
  | { symlink: string }
  | { content: string | Buffer; executable: true };

/** A commit identity: a known login, or an explicit git signature. */
export type PersonRef = string | { name: string; email: string; date?: string };

export interface CommitFilesOptions {
  branch: string;
  files: Record<string, FileSpec>;
  message?: string;
  author?: PersonRef;
  committer?: PersonRef;
  /** Where a new branch starts (default: the default branch). */
  from?: string;
}

export interface OpenPullRequestOptions {
  author: string;
  head: string;
  base?: string;
  title?: string;
  body?: string | null;
  draft?: boolean;
  labels?: string[];
  /** Convenience: commit these files onto `head` (created from `base`) first. */
  files?: Record<string, FileSpec>;
  message?: string;
}

export interface StateOptions {
  owner: string;
  repo: string;
  defaultBranch: string;
  now: () => Date;
}

/** ISO 8601 without milliseconds, as GitHub prints instants. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
