import { Octokit } from '@octokit/rest';
import type { Review, SnapshotUser } from '../core/evaluate/snapshot.js';
import { BudgetExceeded } from './budget.js';
import type {
  ChangedFile,
  Content,
  GitHubPort,
  MergeResult,
  PullRequestInfo,
  StatusInput,
} from './port.js';
import { type Pr, pr } from './rest-shapes.js';
import { DEFAULT_RETRY, isTransient, type RetryPolicy, retryDelay } from './retry.js';

export { BudgetExceeded } from './budget.js';

export interface RestOptions {
  token: string;
  owner: string;
  repo: string;
  baseUrl?: string;
  budget?: number;
  /** Retry tuning (tests); defaults suit GitHub. */
  retry?: Partial<RetryPolicy>;
}

/** The REST adapter of the GitHub port, with a request counter and a budget. */
export class RestGitHub implements GitHubPort {
  readonly owner: string;
  readonly repo: string;
  protected readonly octokit: Octokit;
  private count = 0;

  constructor(opts: RestOptions) {
    this.owner = opts.owner;
    this.repo = opts.repo;
    this.octokit = new Octokit({
      auth: opts.token,
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      userAgent: 'jit-access',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    const budget = opts.budget ?? Number.POSITIVE_INFINITY;
    const retry = { ...DEFAULT_RETRY, ...opts.retry };
    // Every attempt counts against the budget; transient failures are retried with backoff.
    this.octokit.hook.wrap('request', async (request, options) => {
      for (let attempt = 1; ; attempt++) {
        if (this.count >= budget) throw new BudgetExceeded(budget);
        this.count++;
        try {
          return await request(options);
        } catch (e) {
          if (attempt >= retry.attempts || !isTransient(e)) throw e;
          await retry.sleep(retryDelay(e, attempt, retry));
        }
      }
    });
  }

  get requests(): number {
    return this.count;
  }

  protected get r() {
    return { owner: this.owner, repo: this.repo };
  }

  async getDefaultBranch(): Promise<string> {
    return (await this.octokit.rest.repos.get(this.r)).data.default_branch;
  }

  async getBranchSha(branch: string): Promise<string> {
    return (await this.octokit.rest.git.getRef({ ...this.r, ref: `heads/${branch}` })).data.object
      .sha;
  }

  async getPullRequest(n: number): Promise<PullRequestInfo> {
    return pr((await this.octokit.rest.pulls.get({ ...this.r, pull_number: n })).data as Pr);
  }

  async listPullRequestFiles(n: number): Promise<ChangedFile[]> {
    const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
      ...this.r,
      pull_number: n,
      per_page: 100,
    });
    return files.flatMap((f): ChangedFile[] => {
      // copied = a new path; changed = mode/type change (e.g. a file turned into a symlink).
      const status =
        f.status === 'copied' ? 'added' : f.status === 'changed' ? 'modified' : f.status;
      if (status === 'unchanged') return [];
      return [
        {
          path: f.filename,
          status: status as ChangedFile['status'],
          previous_path: f.previous_filename ?? null,
        },
      ];
    });
  }

  async getContent(path: string, ref: string): Promise<Content | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({ ...this.r, path, ref });
      if (Array.isArray(data)) return { kind: 'other', type: 'dir' };
      if (data.type === 'file') {
        const content = (data as { content?: string }).content ?? '';
        return { kind: 'file', bytes: Buffer.from(content, 'base64') };
      }
      if (data.type === 'symlink')
        return { kind: 'symlink', target: (data as { target?: string }).target ?? '' };
      return { kind: 'other', type: data.type };
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }

  private readonly trees = new Map<string, Promise<Map<string, { mode: string; sha: string }>>>();

  /** Entries of a tree (by tree or commit sha), cached per run. */
  private tree(sha: string): Promise<Map<string, { mode: string; sha: string }>> {
    let t = this.trees.get(sha);
    if (!t) {
      t = this.octokit.rest.git.getTree({ ...this.r, tree_sha: sha }).then(({ data }) => {
        const m = new Map<string, { mode: string; sha: string }>();
        for (const e of data.tree)
          if (e.path && e.mode && e.sha) m.set(e.path, { mode: e.mode, sha: e.sha });
        return m;
      });
      this.trees.set(sha, t);
    }
    return t;
  }

  async listTreeModes(commitSha: string, dir: string): Promise<Map<string, string>> {
    let entries = await this.tree(commitSha);
    for (const part of dir.split('/').filter(Boolean)) {
      const e = entries.get(part);
      if (e?.mode !== '040000') return new Map();
      entries = await this.tree(e.sha);
    }
    return new Map([...entries].map(([k, v]) => [k, v.mode]));
  }

  async listCommits(n: number) {
    const commits = await this.octokit.paginate(this.octokit.rest.pulls.listCommits, {
      ...this.r,
      pull_number: n,
      per_page: 100,
    });
    const ref = (u: { login?: string; id?: number } | null | undefined) =>
      u?.login && u.id !== undefined ? { login: u.login, id: u.id } : null;
    return commits.map((c) => ({ sha: c.sha, author: ref(c.author), committer: ref(c.committer) }));
  }

  async listReviews(n: number): Promise<Review[]> {
    const reviews = await this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
      ...this.r,
      pull_number: n,
      per_page: 100,
    });
    return reviews.flatMap((r): Review[] =>
      r.user
        ? [
            {
              id: r.id,
              user: { login: r.user.login, id: r.user.id },
              state: r.state as Review['state'],
              commit_id: r.commit_id ?? null,
              submitted_at: r.submitted_at ?? null,
            },
          ]
        : [],
    );
  }

  async getUser(login: string): Promise<SnapshotUser | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({
        ...this.r,
        username: login,
      });
      const u = data.user;
      if (!u) return undefined;
      return {
        login: u.login,
        id: u.id,
        type: u.type,
        permission: data.permission as SnapshotUser['permission'],
      };
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }

  async listTeamMembers(slug: string): Promise<string[] | undefined> {
    try {
      const members = await this.octokit.paginate(this.octokit.rest.teams.listMembersInOrg, {
        org: this.owner,
        team_slug: slug,
        per_page: 100,
      });
      return members.map((m) => m.login);
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }

  async teamMembershipState(
    slug: string,
    login: string,
  ): Promise<'active' | 'pending' | undefined> {
    try {
      const { data } = await this.octokit.rest.teams.getMembershipForUserInOrg({
        org: this.owner,
        team_slug: slug,
        username: login,
      });
      return data.state === 'active' ? 'active' : 'pending';
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }

  async findPullRequestsByHead(headOwner: string, headRef: string): Promise<PullRequestInfo[]> {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.r,
      state: 'open',
      head: `${headOwner}:${headRef}`,
      per_page: 10,
    });
    return data.map((p) => pr(p as unknown as Pr));
  }

  async setStatus(s: StatusInput): Promise<void> {
    await this.octokit.rest.repos.createCommitStatus({
      ...this.r,
      sha: s.sha,
      state: s.state,
      description: s.description.slice(0, 140),
      context: s.context,
      ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
    });
  }

  async findComment(n: number, marker: string) {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      ...this.r,
      issue_number: n,
      per_page: 100,
    });
    // Only a bot's comment is ours: a person pasting the marker cannot hijack the sticky comment.
    const own = comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').includes(marker));
    return own ? { id: own.id, body: own.body ?? '' } : undefined;
  }

  async createComment(n: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...this.r, issue_number: n, body });
  }

  async updateComment(id: number, body: string): Promise<void> {
    await this.octokit.rest.issues.updateComment({ ...this.r, comment_id: id, body });
  }

  async requestReviewers(n: number, users: string[], teams: string[]): Promise<void> {
    if (users.length + teams.length === 0) return;
    await this.octokit.rest.pulls.requestReviewers({
      ...this.r,
      pull_number: n,
      reviewers: users,
      team_reviewers: teams,
    });
  }

  async merge(
    n: number,
    sha: string,
    method: 'merge' | 'squash',
    title: string,
    message: string,
  ): Promise<MergeResult> {
    try {
      const { data } = await this.octokit.rest.pulls.merge({
        ...this.r,
        pull_number: n,
        sha,
        merge_method: method,
        commit_title: title,
        commit_message: message,
      });
      return { merged: data.merged, sha: data.sha, message: data.message };
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (status === 405 || status === 409 || status === 422) {
        return { merged: false, message: (e as Error).message };
      }
      throw e;
    }
  }
}
