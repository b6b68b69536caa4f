/**
 * The snapshot of SPEC §6: everything one decision needs, gathered before evaluation. The
 * evaluator does no I/O; `jit simulate` replays a saved snapshot through the same code.
 */
export type UserRef = string | { login: string; id?: number };

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface SnapshotUser {
  login: string;
  id: number;
  type: string; // 'User' | 'Bot' | 'Organization'
  permission: Permission;
}

/** A file's content: UTF-8 text, or bytes in base64 when it is not valid UTF-8 (kept exact). */
export type FileContent = string | { base64: string; mode?: string };

export interface PullRequestFile {
  path: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  previous_path: string | null;
  /** Git mode at the head: `100644`, `100755`, `120000` (symlink). */
  mode?: string;
  /** Absent for removed files. */
  content?: string;
  content_base64?: string;
}

export interface Review {
  id: number;
  user: UserRef;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commit_id: string | null;
  submitted_at: string | null;
}

export interface Snapshot {
  now: string;
  repository: { owner: string; name: string; default_branch: string };
  users: SnapshotUser[];
  teams: Record<string, { members: string[]; pending?: string[] }>;
  base: { sha: string; files: Record<string, FileContent> };
  pull_request: {
    number: number;
    author: UserRef;
    base_ref: string;
    head_sha: string;
    files: PullRequestFile[];
    commits: Array<{ sha: string; author: UserRef | null; committer: UserRef | null }>;
    reviews: Review[];
  };
}

export const refLogin = (u: UserRef | null | undefined): string | undefined =>
  u === null || u === undefined ? undefined : typeof u === 'string' ? u : u.login;
export const refId = (u: UserRef | null | undefined): number | undefined =>
  u !== null && u !== undefined && typeof u === 'object' ? u.id : undefined;
