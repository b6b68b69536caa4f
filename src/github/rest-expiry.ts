import type {
  ContextStatus,
  ExpiryPort,
  GitTree,
  PullRequestInfo,
  TreeChange,
  TreeEntryInfo,
} from './port.js';
import { RestGitHub } from './rest.js';
import { type Pr, pr } from './rest-shapes.js';

/**
 * The REST adapter of the expiry port: the gate's adapter plus open pull requests, statuses by
 * context and Git data (one tree and one commit for any number of removed files).
 */
export class RestExpiryGitHub extends RestGitHub implements ExpiryPort {
  async listOpenPullRequests(): Promise<PullRequestInfo[]> {
    const pulls = await this.octokit.paginate(this.octokit.rest.pulls.list, {
      ...this.r,
      state: 'open',
      sort: 'created',
      direction: 'asc',
      per_page: 100,
    });
    return pulls.map((p) => pr(p as unknown as Pr));
  }

  async getContextStatus(sha: string, context: string): Promise<ContextStatus | undefined> {
    // The combined status holds the latest status per context (first page: 100 contexts).
    const { data } = await this.octokit.rest.repos.getCombinedStatusForRef({
      ...this.r,
      ref: sha,
      per_page: 100,
    });
    const s = data.statuses.find((x) => x.context === context);
    return s
      ? { state: s.state as ContextStatus['state'], description: s.description ?? '' }
      : undefined;
  }

  async findBranchSha(branch: string): Promise<string | undefined> {
    try {
      return await this.getBranchSha(branch);
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }

  async getTree(sha: string, recursive: boolean): Promise<GitTree> {
    const { data } = await this.octokit.rest.git.getTree({
      ...this.r,
      tree_sha: sha,
      ...(recursive ? { recursive: '1' } : {}),
    });
    return {
      sha: data.sha,
      truncated: data.truncated,
      entries: data.tree.flatMap((e) =>
        e.path && e.mode && e.sha && e.type
          ? [{ path: e.path, mode: e.mode, type: e.type as TreeEntryInfo['type'], sha: e.sha }]
          : [],
      ),
    };
  }

  async getCommit(sha: string) {
    const { data } = await this.octokit.rest.git.getCommit({ ...this.r, commit_sha: sha });
    return { sha: data.sha, tree: data.tree.sha, parents: data.parents.map((p) => p.sha) };
  }

  async createTree(baseTree: string, changes: TreeChange[]): Promise<string> {
    const { data } = await this.octokit.rest.git.createTree({
      ...this.r,
      base_tree: baseTree,
      tree: changes.map((c) => ({
        path: c.path,
        mode: c.mode as '100644',
        type: 'blob' as const,
        sha: c.sha,
      })),
    });
    return data.sha;
  }

  async createCommit(message: string, tree: string, parents: string[]): Promise<string> {
    const { data } = await this.octokit.rest.git.createCommit({
      ...this.r,
      message,
      tree,
      parents,
    });
    return data.sha;
  }

  async createBranch(branch: string, sha: string): Promise<'created' | 'exists'> {
    try {
      await this.octokit.rest.git.createRef({ ...this.r, ref: `refs/heads/${branch}`, sha });
      return 'created';
    } catch (e) {
      const err = e as { status?: number; message?: string };
      if (err.status === 422 && /already exists/i.test(err.message ?? '')) return 'exists';
      throw e;
    }
  }

  async deleteBranch(branch: string): Promise<void> {
    await this.octokit.rest.git.deleteRef({ ...this.r, ref: `heads/${branch}` });
  }

  async createPullRequest(input: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequestInfo> {
    const { data } = await this.octokit.rest.pulls.create({ ...this.r, ...input });
    return pr(data as unknown as Pr);
  }

  async addLabels(n: number, labels: string[]): Promise<void> {
    await this.octokit.rest.issues.addLabels({ ...this.r, issue_number: n, labels });
  }

  async closePullRequest(n: number): Promise<void> {
    await this.octokit.rest.pulls.update({ ...this.r, pull_number: n, state: 'closed' });
  }
}
