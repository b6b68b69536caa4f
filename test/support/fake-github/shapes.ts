import type { CommitInfo, FileChange, Signature } from './git.js';
import type {
  FakeComment,
  FakeLabel,
  FakePull,
  FakeReview,
  FakeState,
  FakeStatus,
  FakeTeam,
  FakeUser,
} from './state.js';

const nodeId = (kind: string, id: number | string) =>
  Buffer.from(`${kind}:${id}`).toString('base64');

const UNSIGNED = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
};

/** Encodes each segment of a repository path for use in a URL. */
export const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/**
 * Turns state into GitHub's JSON shapes. Every object produced here is checked against the
 * OpenAPI description by the server before it leaves, so omissions show up as violations.
 */
export class Renderer {
  constructor(
    readonly api: string,
    readonly html: string,
    readonly state: FakeState,
  ) {}

  get repoApi(): string {
    return `${this.api}/repos/${this.state.owner}/${this.state.repo}`;
  }

  get repoHtml(): string {
    return `${this.html}/${this.state.owner}/${this.state.repo}`;
  }

  private account(login: string, id: number, type: string) {
    const u = `${this.api}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: nodeId(type, id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: u,
      html_url: `${this.html}/${encodeURIComponent(login)}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type,
      user_view_type: 'public',
      site_admin: false,
    };
  }

  /** `simple-user` of a known login (unknown logins render as a fresh, unlinked user). */
  user(login: string) {
    const user: FakeUser = this.state.user(login) ?? this.state.addUser(login, { org: null });
    return this.account(user.login, user.id, user.type);
  }

  ownerAccount() {
    return this.account(this.state.owner, this.state.orgId, 'Organization');
  }

  orgSimple() {
    const o = `${this.api}/orgs/${this.state.owner}`;
    return {
      login: this.state.owner,
      id: this.state.orgId,
      node_id: nodeId('Organization', this.state.orgId),
      url: o,
      repos_url: `${o}/repos`,
      events_url: `${o}/events`,
      hooks_url: `${o}/hooks`,
      issues_url: `${o}/issues`,
      members_url: `${o}/members{/member}`,
      public_members_url: `${o}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${this.state.orgId}?v=4`,
      description: null,
    };
  }

  /** A repository object satisfying `repository`, `full-repository` and `minimal-repository`. */
  repository() {
    const s = this.state;
    const r = this.repoApi;
    return {
      id: s.repoId,
      node_id: nodeId('Repository', s.repoId),
      name: s.repo,
      full_name: `${s.owner}/${s.repo}`,
      owner: this.ownerAccount(),
      private: true,
      html_url: this.repoHtml,
      description: null,
      fork: false,
      url: r,
      archive_url: `${r}/{archive_format}{/ref}`,
      assignees_url: `${r}/assignees{/user}`,
      blobs_url: `${r}/git/blobs{/sha}`,
      branches_url: `${r}/branches{/branch}`,
      collaborators_url: `${r}/collaborators{/collaborator}`,
      comments_url: `${r}/comments{/number}`,
      commits_url: `${r}/commits{/sha}`,
      compare_url: `${r}/compare/{base}...{head}`,
      contents_url: `${r}/contents/{+path}`,
      contributors_url: `${r}/contributors`,
      deployments_url: `${r}/deployments`,
      downloads_url: `${r}/downloads`,
      events_url: `${r}/events`,
      forks_url: `${r}/forks`,
      git_commits_url: `${r}/git/commits{/sha}`,
      git_refs_url: `${r}/git/refs{/sha}`,
      git_tags_url: `${r}/git/tags{/sha}`,
      git_url: `git:${this.repoHtml.replace(/^https?:/, '')}.git`,
      hooks_url: `${r}/hooks`,
      issue_comment_url: `${r}/issues/comments{/number}`,
      issue_events_url: `${r}/issues/events{/number}`,
      issues_url: `${r}/issues{/number}`,
      keys_url: `${r}/keys{/key_id}`,
      labels_url: `${r}/labels{/name}`,
      languages_url: `${r}/languages`,
      merges_url: `${r}/merges`,
      milestones_url: `${r}/milestones{/number}`,
      notifications_url: `${r}/notifications{?since,all,participating}`,
      pulls_url: `${r}/pulls{/number}`,
      releases_url: `${r}/releases{/id}`,
      ssh_url: `git@github.com:${s.owner}/${s.repo}.git`,
      stargazers_url: `${r}/stargazers`,
      statuses_url: `${r}/statuses/{sha}`,
      subscribers_url: `${r}/subscribers`,
      subscription_url: `${r}/subscription`,
      tags_url: `${r}/tags`,
      teams_url: `${r}/teams`,
      trees_url: `${r}/git/trees{/sha}`,
      clone_url: `${this.repoHtml}.git`,
      mirror_url: null,
      svn_url: this.repoHtml,
      homepage: null,
      language: null,
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      size: 1,
      default_branch: s.defaultBranch,
      open_issues: this.openIssues(),
      open_issues_count: this.openIssues(),
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: 'private',
      pushed_at: s.now(),
      created_at: s.createdAt,
      updated_at: s.now(),
      allow_rebase_merge: false,
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_auto_merge: false,
      delete_branch_on_merge: false,
      allow_forking: false,
      web_commit_signoff_required: false,
      license: null,
      network_count: 0,
      subscribers_count: 0,
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      organization: this.ownerAccount(),
    };
  }

  private openIssues(): number {
    return [...this.state.pulls.values()].filter((p) => p.state === 'open').length;
  }

  label(label: FakeLabel) {
    return {
      id: label.id,
      node_id: nodeId('Label', label.id),
      url: `${this.repoApi}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      description: label.description,
      color: label.color,
      default: false,
    };
  }

  authorAssociation(login: string): string {
    if (this.state.orgMembership(login)?.state === 'active') return 'MEMBER';
    const permission = this.state.permissionOf(login);
    return permission === 'none' ? 'NONE' : 'COLLABORATOR';
  }

  teamSimple(team: FakeTeam) {
    const t = `${this.api}/organizations/${this.state.orgId}/team/${team.id}`;
    return {
      id: team.id,
      node_id: nodeId('Team', team.id),
      url: t,
      members_url: `${t}/members{/member}`,
      name: team.name,
      description: null,
      permission: 'pull',
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      html_url: `${this.html}/orgs/${this.state.owner}/teams/${team.slug}`,
      repositories_url: `${t}/repos`,
      slug: team.slug,
      type: 'organization',
      organization_id: this.state.orgId,
      parent: null,
    };
  }

  /** `pull-request-simple` (lists) — `pullFull` adds the computed fields of a single PR. */
  pullSimple(pull: FakePull, baseSha: string) {
    const p = `${this.repoApi}/pulls/${pull.number}`;
    const i = `${this.repoApi}/issues/${pull.number}`;
    const html = `${this.repoHtml}/pull/${pull.number}`;
    const repo = this.repository();
    const ownerUser = this.ownerAccount();
    // The pull-request schema types a label's description as a plain string.
    const labels = pull.labels.map((name) => {
      const label = this.label(this.state.ensureLabel(name));
      return { ...label, description: label.description ?? '' };
    });
    return {
      url: p,
      id: pull.id,
      node_id: nodeId('PullRequest', pull.id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: i,
      commits_url: `${p}/commits`,
      review_comments_url: `${p}/comments`,
      review_comment_url: `${this.repoApi}/pulls/comments{/number}`,
      comments_url: `${i}/comments`,
      statuses_url: `${this.repoApi}/statuses/${pull.headSha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: this.user(pull.author),
      body: pull.body,
      labels,
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: pull.requestedReviewers.map((l) => this.user(l)),
      requested_teams: pull.requestedTeams.flatMap((slug) => {
        const team = this.state.team(slug);
        return team ? [this.teamSimple(team)] : [];
      }),
      head: {
        label: `${this.state.owner}:${pull.headRef}`,
        ref: pull.headRef,
        repo,
        sha: pull.headSha,
        user: ownerUser,
      },
      base: {
        label: `${this.state.owner}:${pull.baseRef}`,
        ref: pull.baseRef,
        repo,
        sha: baseSha,
        user: ownerUser,
      },
      _links: {
        self: { href: p },
        html: { href: html },
        issue: { href: i },
        comments: { href: `${i}/comments` },
        review_comments: { href: `${p}/comments` },
        review_comment: { href: `${this.repoApi}/pulls/comments{/number}` },
        commits: { href: `${p}/commits` },
        statuses: { href: `${this.repoApi}/statuses/${pull.headSha}` },
      },
      author_association: this.authorAssociation(pull.author),
      auto_merge: null,
      draft: pull.draft,
    };
  }

  pullFull(
    pull: FakePull,
    baseSha: string,
    computed: { commits: number; changes: FileChange[]; mergeable: boolean | null },
  ) {
    return {
      ...this.pullSimple(pull, baseSha),
      merged: pull.merged,
      mergeable: computed.mergeable,
      rebaseable: false,
      mergeable_state:
        computed.mergeable === null ? 'unknown' : computed.mergeable ? 'clean' : 'dirty',
      merged_by: pull.mergedBy ? this.user(pull.mergedBy) : null,
      comments: this.state.commentsOn(pull.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: computed.commits,
      additions: computed.changes.reduce((n, c) => n + c.additions, 0),
      deletions: computed.changes.reduce((n, c) => n + c.deletions, 0),
      changed_files: computed.changes.length,
    };
  }

  review(review: FakeReview) {
    const pr = `${this.repoApi}/pulls/${review.pullNumber}`;
    const html = `${this.repoHtml}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
    return {
      id: review.id,
      node_id: nodeId('PullRequestReview', review.id),
      user: this.user(review.user),
      body: review.body,
      state: review.state,
      html_url: html,
      pull_request_url: pr,
      _links: { html: { href: html }, pull_request: { href: pr } },
      submitted_at: review.submittedAt,
      commit_id: review.commitId,
      author_association: this.authorAssociation(review.user),
    };
  }

  statusSimple(status: FakeStatus) {
    return {
      url: `${this.repoApi}/statuses/${status.sha}`,
      avatar_url: this.user(status.creator).avatar_url,
      id: status.id,
      node_id: nodeId('StatusContext', status.id),
      state: status.state,
      description: status.description,
      target_url: status.targetUrl,
      context: status.context,
      created_at: status.createdAt,
      updated_at: status.updatedAt,
    };
  }

  status(status: FakeStatus) {
    return { ...this.statusSimple(status), creator: this.user(status.creator) };
  }

  comment(comment: FakeComment) {
    return {
      id: comment.id,
      node_id: nodeId('IssueComment', comment.id),
      url: `${this.repoApi}/issues/comments/${comment.id}`,
      html_url: `${this.repoHtml}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      body: comment.body,
      user: this.user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      issue_url: `${this.repoApi}/issues/${comment.issueNumber}`,
      author_association: this.authorAssociation(comment.user),
    };
  }

  private gitSignature(sig: Signature) {
    return { name: sig.name, email: sig.email, date: sig.date };
  }

  /** `git-commit` (Git data API). */
  gitCommit(commit: CommitInfo) {
    return {
      sha: commit.sha,
      node_id: nodeId('Commit', commit.sha),
      url: `${this.repoApi}/git/commits/${commit.sha}`,
      html_url: `${this.repoHtml}/commit/${commit.sha}`,
      author: this.gitSignature(commit.author),
      committer: this.gitSignature(commit.committer),
      message: commit.message,
      tree: { sha: commit.tree, url: `${this.repoApi}/git/trees/${commit.tree}` },
      parents: commit.parents.map((sha) => ({
        sha,
        url: `${this.repoApi}/git/commits/${sha}`,
        html_url: `${this.repoHtml}/commit/${sha}`,
      })),
      verification: UNSIGNED,
    };
  }

  /** `commit` (REST commits, e.g. a PR's commit list): git identities linked to accounts by email. */
  commit(commit: CommitInfo) {
    const account = (sig: Signature) => {
      const user = this.state.userByEmail(sig.email);
      return user ? this.user(user.login) : null;
    };
    return {
      url: `${this.repoApi}/commits/${commit.sha}`,
      sha: commit.sha,
      node_id: nodeId('Commit', commit.sha),
      html_url: `${this.repoHtml}/commit/${commit.sha}`,
      comments_url: `${this.repoApi}/commits/${commit.sha}/comments`,
      commit: {
        url: `${this.repoApi}/git/commits/${commit.sha}`,
        author: this.gitSignature(commit.author),
        committer: this.gitSignature(commit.committer),
        message: commit.message,
        comment_count: 0,
        tree: { sha: commit.tree, url: `${this.repoApi}/git/trees/${commit.tree}` },
        verification: UNSIGNED,
      },
      author: account(commit.author),
      committer: account(commit.committer),
      parents: commit.parents.map((sha) => ({
        sha,
        url: `${this.repoApi}/commits/${sha}`,
        html_url: `${this.repoHtml}/commit/${sha}`,
      })),
    };
  }

  gitRef(ref: string, sha: string, type: string) {
    return {
      ref,
      node_id: nodeId('Ref', ref),
      url: `${this.repoApi}/git/${encodePath(ref)}`,
      object: { type, sha, url: `${this.repoApi}/git/${type}s/${sha}` },
    };
  }
}
