import type { Decision } from '../../core/evaluate/decision.js';
import { evaluate } from '../../core/evaluate/evaluate.js';
import type { Snapshot } from '../../core/evaluate/snapshot.js';
import { snapshotFiles } from '../../core/evaluate/snapshot-files.js';
import { formatInstant } from '../../core/time.js';
import type { Tree } from '../../core/tree.js';

export interface RemovalPrFacts {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** The commit the removal was planned from and its tree (the trusted checkout). */
  base: { sha: string; tree: Tree };
  number: number;
  author: { login: string; id: number };
  headSha: string;
  paths: readonly string[];
  now: number;
}

/**
 * The gate's own decision on a removal pull request, computed with the same pure `evaluate`
 * the gate runs (SPEC §6): a snapshot whose files are all removals under grants/. Before the
 * expire job posts the approval status itself (so branch protection lets its auto-merge
 * through), it checks this says `approved`, so the status is the gate's verdict and not a
 * shortcut: a removal PR that touched anything else would be judged like any other.
 */
export function removalDecision(f: RemovalPrFacts): { snapshot: Snapshot; decision: Decision } {
  const snapshot: Snapshot = {
    now: formatInstant(f.now),
    repository: { owner: f.owner, name: f.repo, default_branch: f.defaultBranch },
    users: [],
    teams: {},
    base: { sha: f.base.sha, files: snapshotFiles(f.base.tree) },
    pull_request: {
      number: f.number,
      author: f.author,
      base_ref: f.defaultBranch,
      head_sha: f.headSha,
      files: f.paths.map((path) => ({ path, status: 'removed', previous_path: null })),
      commits: [{ sha: f.headSha, author: f.author, committer: f.author }],
      reviews: [],
    },
  };
  return { snapshot, decision: evaluate(snapshot) };
}
