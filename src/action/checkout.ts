import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Tree } from '../core/tree.js';
import { readTree } from '../fs/read-tree.js';

/** The trusted default-branch checkout every command reads policies, CODEOWNERS and grants from. */
export interface Checkout {
  dir: string;
  /** Commit checked out. */
  sha: string;
  /** Its tree (the base_tree of removal commits). */
  treeSha: string;
  tree: Tree;
}

/**
 * Reads `base-path` (a checkout of the default branch, made by actions/checkout in the
 * workflow). Running git here is safe: the workspace is the trusted default branch, never PR
 * content. Whether it *is* the current default branch is checked by `assertDefaultBranch`.
 */
export function readCheckout(basePath: string, workspace: string): Checkout {
  const dir = join(workspace, basePath);
  const git = (rev: string) =>
    execFileSync('git', ['-C', dir, 'rev-parse', rev], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  let sha: string;
  let treeSha: string;
  try {
    sha = git('HEAD');
    treeSha = git('HEAD^{tree}');
  } catch {
    throw new Error(
      `base-path ${basePath} is not a git checkout; add actions/checkout of the default branch before this step`,
    );
  }
  return { dir, sha, treeSha, tree: readTree(dir) };
}

/**
 * Fails closed unless the checkout is the default branch's current head: a workflow that checked
 * out the pull request (or an old commit) would otherwise judge with the PR's own policies.
 */
export function assertDefaultBranch(
  checkout: Checkout,
  basePath: string,
  branch: string,
  headSha: string,
): void {
  if (checkout.sha !== headSha) {
    throw new Error(
      `base-path ${basePath} is at ${checkout.sha.slice(0, 12)} but ${branch} is at ${headSha.slice(0, 12)}; check out the default branch (actions/checkout with ref: ${branch}) and never the pull request. If ${branch} just moved, re-run the job.`,
    );
  }
}

/** The default branch: from the event payload (sent by GitHub) when present, else from the API. */
export async function defaultBranchOf(
  runner: { event: Record<string, unknown> },
  port: { getDefaultBranch(): Promise<string> },
): Promise<string> {
  const fromEvent = (runner.event as { repository?: { default_branch?: string } }).repository
    ?.default_branch;
  return fromEvent ?? (await port.getDefaultBranch());
}
