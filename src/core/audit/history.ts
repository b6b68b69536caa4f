/**
 * The slice of git history `jit audit` works on, as plain data: the first-parent chain of the
 * audited ref, oldest first, with each commit's changes under `grants/` (for a merge commit, the
 * diff against its first parent: what the merge brought to the branch) and the contents of the
 * blobs those changes name. Produced by src/audit/ (git I/O); read by the pure audit core.
 */

/** A file change as `git log --raw` reports it; copies are not detected, type changes are `T`. */
export type ChangeStatus = 'A' | 'M' | 'D' | 'R' | 'T';

export interface FileChange {
  status: ChangeStatus;
  /** The path after the change (A, M, R, T) or the removed path (D). */
  path: string;
  /** The path before a rename (R only). */
  oldPath?: string;
  /** Blob before the change; null for an addition. */
  oldBlob: string | null;
  /** Blob after the change; null for a removal. */
  newBlob: string | null;
  /** Git modes before/after (`100644`, `120000` symlink, `160000` submodule, `000000` none). */
  oldMode: string;
  newMode: string;
}

export interface HistoryCommit {
  sha: string;
  parents: string[];
  /** Epoch milliseconds. The committer time is when the change landed on the branch. */
  authorTime: number;
  committerTime: number;
  /** `Name <email>` as recorded in the commit (not mailmapped). */
  author: string;
  committer: string;
  /** The full commit message (subject, body, trailers). */
  message: string;
  /** Changes under grants/, sorted by path. */
  changes: FileChange[];
}

/**
 * A blob's content. `bytes` is null when the blob is larger than the reader's cap (a grant file
 * is at most 16 KiB; a larger blob is never a valid grant and is not kept in memory).
 */
export interface BlobContent {
  size: number;
  bytes: Uint8Array | null;
}

export interface History {
  /** The audited commit (the resolved ref), or null for a repository without commits. */
  head: string | null;
  commits: HistoryCommit[];
  /** Blob sha → content, for every blob the changes name that git could read. */
  blobs: Map<string, BlobContent>;
}

/** The first 12 hex digits of a sha, for messages. */
export const shortSha = (sha: string): string => sha.slice(0, 12);
