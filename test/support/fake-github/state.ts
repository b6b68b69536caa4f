import { type BareRepo, type Signature, type TreeEntry, ZERO_SHA } from './git.js';
import { GitHubError } from './http.js';
import {
  type CommitFilesOptions,
  type FakeComment,
  type FakeLabel,
  type FakePull,
  type FakeReview,
  type FakeStatus,
  type FakeTeam,
  type FakeUser,
  type FileSpec,
  isoSeconds,
  type OpenPullRequestOptions,
  type OrgMembership,
  type Permission,
  type PersonRef,
  type ReviewState,
  type StateOptions,
} from './model.js';
import { applyFiles, createPull } from './seeding.js';

export * from './model.js';

const key = (login: string) => login.toLowerCase();

/**
 * The fake's world: users, the org and its teams, collaborators, pull requests and their
 * reviews, statuses, comments and labels. Git content lives in the bare repository.
 * Seeding helpers are arrow properties, so `const { addUser } = fake.state` works.
 */
export class FakeState {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly repoId = 1296269;
  readonly orgId = 9919;
  readonly createdAt: string;
  readonly users = new Map<string, FakeUser>();
  readonly orgMembers = new Map<string, OrgMembership>();
  readonly teams = new Map<string, FakeTeam>();
  readonly permissions = new Map<string, Permission>();
  readonly pulls = new Map<number, FakePull>();
  readonly reviews: FakeReview[] = [];
  readonly statuses: FakeStatus[] = [];
  readonly comments: FakeComment[] = [];
  readonly labels = new Map<string, FakeLabel>();
  private nextIssueNumber = 1;
  private nextObjectId = 1000;
  private nextUserId = 1;
  private readonly clock: () => Date;

  constructor(
    readonly git: BareRepo,
    options: StateOptions,
  ) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.defaultBranch = options.defaultBranch;
    this.clock = options.now;
    this.createdAt = this.now();
  }

  /** The fake's clock, as GitHub prints it. */
  now(): string {
    return isoSeconds(this.clock());
  }

  allocId(): number {
    return this.nextObjectId++;
  }

  allocIssueNumber(): number {
    return this.nextIssueNumber++;
  }

  /** Adds (or returns) a user; by default an active org member with `read` permission. */
  addUser = (
    login: string,
    options: {
      id?: number;
      type?: 'User' | 'Bot';
      name?: string;
      email?: string;
      token?: string;
      permission?: Permission;
      /** Org membership: 'active' (default for users), 'pending', or null for none. */
      org?: 'active' | 'pending' | 'admin' | null;
    } = {},
  ): FakeUser => {
    const existing = this.users.get(key(login));
    if (existing) return existing;
    const type = options.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User');
    let id = options.id ?? this.nextUserId++;
    while (!options.id && [...this.users.values()].some((u) => u.id === id)) id = this.nextUserId++;
    const user: FakeUser = {
      login,
      id,
      type,
      name: options.name ?? null,
      email: options.email ?? `${id}+${login}@users.noreply.github.com`,
      token: options.token ?? `fake-token-${login}`,
    };
    this.users.set(key(login), user);
    this.permissions.set(key(login), options.permission ?? (type === 'Bot' ? 'write' : 'read'));
    const org = options.org === undefined ? (type === 'Bot' ? null : 'active') : options.org;
    if (org) {
      this.orgMembers.set(key(login), {
        state: org === 'pending' ? 'pending' : 'active',
        role: org === 'admin' ? 'admin' : 'member',
      });
    }
    return user;
  };

  user(login: string): FakeUser | undefined {
    return this.users.get(key(login));
  }

  requireUser(login: string): FakeUser {
    const user = this.user(login);
    if (!user) throw new GitHubError(404, 'Not Found');
    return user;
  }

  userByToken(token: string): FakeUser | undefined {
    return [...this.users.values()].find((u) => u.token === token);
  }

  /** The user a commit email belongs to, as GitHub links commits to accounts. */
  userByEmail(email: string): FakeUser | undefined {
    const lower = email.toLowerCase();
    return [...this.users.values()].find(
      (u) =>
        u.email.toLowerCase() === lower ||
        lower === `${u.login.toLowerCase()}@users.noreply.github.com` ||
        lower === `${u.id}+${u.login.toLowerCase()}@users.noreply.github.com`,
    );
  }

  /** Creates a team (or adds to it); unknown logins become users. */
  addTeam = (slug: string, members: string[] = [], pending: string[] = []): FakeTeam => {
    let team = this.teams.get(key(slug));
    if (!team) {
      team = { id: this.allocId(), slug, name: slug, members: new Map() };
      this.teams.set(key(slug), team);
    }
    for (const login of members) {
      const user = this.addUser(login);
      team.members.set(key(login), { login: user.login, role: 'member', state: 'active' });
    }
    for (const login of pending) {
      const user = this.user(login) ?? this.addUser(login, { org: 'pending' });
      team.members.set(key(login), { login: user.login, role: 'member', state: 'pending' });
    }
    return team;
  };

  team(slug: string): FakeTeam | undefined {
    return this.teams.get(key(slug));
  }

  setPermission = (login: string, permission: Permission): void => {
    this.addUser(login);
    this.permissions.set(key(login), permission);
  };

  permissionOf(login: string): Permission {
    return this.permissions.get(key(login)) ?? 'none';
  }

  /** Sets org membership: 'active', 'pending', or null to remove. */
  setOrgMembership = (login: string, membership: 'active' | 'pending' | null): void => {
    this.addUser(login, { org: null });
    if (membership === null) this.orgMembers.delete(key(login));
    else this.orgMembers.set(key(login), { state: membership, role: 'member' });
  };

  orgMembership(login: string): OrgMembership | undefined {
    return this.orgMembers.get(key(login));
  }

  /** A git signature for a login or an explicit identity. */
  signature(person: PersonRef | undefined, fallback?: PersonRef): Signature {
    const ref = person ?? fallback;
    const date = this.now();
    if (ref === undefined)
      return { name: 'Fake Seeder', email: 'seeder@fake-github.invalid', date };
    if (typeof ref === 'string') {
      const user = this.addUser(ref);
      return { name: user.name ?? user.login, email: user.email, date };
    }
    return { name: ref.name, email: ref.email, date: ref.date ?? date };
  }

  /** Reads a file at a revision of the bare repository, or null when absent. */
  readFile = async (ref: string, path: string): Promise<string | null> => {
    const commit = await this.git.resolve(ref);
    if (!commit) return null;
    const [entry] = await this.git.lsTree(commit, { path });
    if (entry?.path !== path || entry.type !== 'blob') return null;
    return (await this.git.readBlob(entry.sha)).toString('utf8');
  };

  /** Makes a real commit on `branch` in the bare repository; returns its sha. */
  commitFiles = async (options: CommitFilesOptions): Promise<string> => {
    const ref = `refs/heads/${options.branch}`;
    const current = await this.git.refTarget(ref);
    const start =
      options.from ?? (options.branch === this.defaultBranch ? undefined : this.defaultBranch);
    const parent = current ?? (start ? await this.git.resolve(start) : null);
    const tree = parent ? await this.git.readTree(parent) : new Map<string, TreeEntry>();
    await applyFiles(this.git, tree, options.files);
    const author = this.signature(options.author);
    const committer = this.signature(options.committer, options.author);
    const sha = await this.git.commitTree({
      tree: await this.git.writeTree(tree),
      parents: parent ? [parent] : [],
      message: options.message ?? `Update ${Object.keys(options.files).join(', ')}`,
      author,
      committer,
    });
    await this.git.updateRef(ref, sha, current ?? ZERO_SHA);
    await this.syncPullHeads();
    return sha;
  };

  /** Opens a PR from `head` into `base` (default branch) as `author`. */
  openPullRequest = async (options: OpenPullRequestOptions): Promise<FakePull> => {
    const base = options.base ?? this.defaultBranch;
    const author = this.addUser(options.author);
    if (options.files) {
      await this.commitFiles({
        branch: options.head,
        files: options.files,
        author: author.login,
        from: base,
        ...(options.message ? { message: options.message } : {}),
      });
    }
    const pull = await createPull(this, {
      author: author.login,
      head: options.head,
      base,
      title: options.title ?? `Update ${options.head}`,
      body: options.body ?? null,
      draft: options.draft ?? false,
    });
    for (const label of options.labels ?? []) this.addLabelToPull(pull, label);
    return pull;
  };

  pull(number: number): FakePull {
    const pull = this.pulls.get(number);
    if (!pull) throw new GitHubError(404, 'Not Found');
    return pull;
  }

  /** Commits onto the PR's head branch (a "push"); returns the new head sha. */
  pushToPullRequest = async (options: {
    number: number;
    files: Record<string, FileSpec>;
    author?: PersonRef;
    committer?: PersonRef;
    message?: string;
  }): Promise<string> => {
    const pull = this.pull(options.number);
    return this.commitFiles({
      branch: pull.headRef,
      files: options.files,
      author: options.author ?? pull.author,
      ...(options.committer ? { committer: options.committer } : {}),
      ...(options.message ? { message: options.message } : {}),
    });
  };

  /** Open PRs follow their head branch, as on GitHub; a deleted head branch closes the PR. */
  async syncPullHeads(): Promise<void> {
    for (const pull of this.pulls.values()) {
      if (pull.state !== 'open') continue;
      const sha = await this.git.refTarget(`refs/heads/${pull.headRef}`);
      if (sha === null) {
        pull.state = 'closed';
        pull.closedAt = this.now();
      } else if (sha !== pull.headSha) {
        pull.headSha = sha;
        pull.updatedAt = this.now();
      }
    }
  }

  /** Records a review (default: on the current head commit); the reviewer leaves the requested list. */
  submitReview = async (options: {
    number: number;
    user: string;
    state: ReviewState;
    commit_id?: string | null;
    body?: string;
    submitted_at?: string;
  }): Promise<FakeReview> => {
    const pull = this.pull(options.number);
    const user = this.addUser(options.user);
    const review: FakeReview = {
      id: this.allocId(),
      pullNumber: pull.number,
      user: user.login,
      state: options.state,
      body: options.body ?? '',
      commitId: options.commit_id === undefined ? pull.headSha : options.commit_id,
      submittedAt: options.submitted_at ?? this.now(),
    };
    this.reviews.push(review);
    pull.requestedReviewers = pull.requestedReviewers.filter((l) => key(l) !== key(user.login));
    return review;
  };

  dismissReview = (options: { number: number; reviewId: number }): FakeReview => {
    const review = this.reviews.find(
      (r) => r.id === options.reviewId && r.pullNumber === options.number,
    );
    if (!review) throw new GitHubError(404, 'Not Found');
    review.state = 'DISMISSED';
    return review;
  };

  reviewsOf(number: number): FakeReview[] {
    return this.reviews.filter((r) => r.pullNumber === number);
  }

  /** Creates the repository label when missing (as GitHub does when labelling an issue). */
  ensureLabel(name: string): FakeLabel {
    let label = this.labels.get(key(name));
    if (!label) {
      label = { id: this.allocId(), name, color: 'ededed', description: null };
      this.labels.set(key(name), label);
    }
    return label;
  }

  addLabelToPull(pull: FakePull, name: string): void {
    const label = this.ensureLabel(name);
    if (!pull.labels.some((l) => key(l) === key(label.name))) pull.labels.push(label.name);
  }

  statusesFor(sha: string): FakeStatus[] {
    return this.statuses.filter((s) => s.sha === sha);
  }

  commentsOn(number: number): FakeComment[] {
    return this.comments.filter((c) => c.issueNumber === number);
  }
}
