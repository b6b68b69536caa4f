import { execFile } from 'node:child_process';

/** An entry of a git tree, with its path relative to the tree root. */
export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Blob size in bytes (only when asked for). */
  size?: number;
}

export interface Signature {
  name: string;
  email: string;
  /** ISO 8601 instant. */
  date: string;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

export interface FileChange {
  status: 'A' | 'D' | 'M' | 'R' | 'C' | 'T';
  path: string;
  previousPath?: string;
  oldMode: string;
  newMode: string;
  oldSha: string;
  newSha: string;
  additions: number;
  deletions: number;
}

export const ZERO_SHA = '0'.repeat(40);

// A reproducible git: no user or system configuration (hooks, signing, templates) leaks in.
const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

export interface RunOptions {
  cwd?: string;
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  okCodes?: number[];
}

export interface RunResult {
  stdout: Buffer;
  code: number;
}

/** Runs the git CLI with an argument vector (never through a shell). */
export function runGit(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, ...GIT_ENV, ...options.env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (code === 0 || options.okCodes?.includes(code)) {
          resolve({ stdout, code });
          return;
        }
        reject(new Error(`git ${args.join(' ')} failed (${code}): ${stderr.toString().trim()}`));
      },
    );
    // A git command that does not read stdin may exit before we write: its exit code tells.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
  });
}

function toGitDate(iso: string): string {
  return `@${Math.floor(new Date(iso).getTime() / 1000)} +0000`;
}

function parseSignature(line: string): Signature {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) throw new Error(`unparsable git signature: ${line}`);
  const date = new Date(Number(m[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { name: m[1]!, email: m[2]!, date };
}

/** A bare repository on disk, driven through the git CLI. */
export class BareRepo {
  constructor(readonly dir: string) {}

  static async init(dir: string, defaultBranch: string): Promise<BareRepo> {
    await runGit(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, dir]);
    return new BareRepo(dir);
  }

  /** Runs git in this repository and returns stdout as text. */
  async git(args: string[], options: RunOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.toString('utf8');
  }

  run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    return runGit(['--git-dir', this.dir, ...args], options);
  }

  async hashBlob(content: Buffer | string): Promise<string> {
    return (await this.git(['hash-object', '-w', '--stdin'], { input: content })).trim();
  }

  async readBlob(sha: string): Promise<Buffer> {
    return (await this.run(['cat-file', 'blob', sha])).stdout;
  }

  /** `blob`, `tree`, `commit`, `tag`, or null when the object does not exist. */
  async objectType(sha: string): Promise<string | null> {
    if (!/^[0-9a-f]{4,40}$/.test(sha)) return null;
    const r = await this.run(['cat-file', '-t', sha], { okCodes: [128, 1] });
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  /** Resolves a revision (branch, tag, sha) to an object of the given type. */
  async resolve(
    rev: string,
    type: 'commit' | 'tree' | 'blob' | 'object' = 'commit',
  ): Promise<string | null> {
    if (rev.startsWith('-') || rev === '') return null;
    const r = await this.run(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{${type}}`],
      {
        okCodes: [1, 128],
      },
    );
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  /** The object a full ref name (`refs/heads/main`) points to, or null. */
  async refTarget(ref: string): Promise<string | null> {
    if (!ref.startsWith('refs/')) return null;
    const r = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', ref], {
      okCodes: [1, 128],
    });
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  async listRefs(prefix = 'refs/'): Promise<{ ref: string; sha: string; type: string }[]> {
    const out = await this.git([
      'for-each-ref',
      '--format=%(refname)%00%(objectname)%00%(objecttype)',
      prefix,
    ]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [ref, sha, type] = line.split('\0');
        return { ref: ref!, sha: sha!, type: type! };
      });
  }

  async isValidRefName(ref: string): Promise<boolean> {
    const r = await runGit(['check-ref-format', ref], { okCodes: [1] });
    return r.code === 0;
  }

  /** Sets a ref; `expectedOld` makes it compare-and-swap (ZERO_SHA: must not exist yet). */
  async updateRef(ref: string, sha: string, expectedOld?: string): Promise<void> {
    await this.run(['update-ref', ref, sha, ...(expectedOld ? [expectedOld] : [])]);
  }

  async deleteRef(ref: string): Promise<void> {
    await this.run(['update-ref', '-d', ref]);
  }

  /** Lists a tree; `recursive` descends into subtrees (and lists them too, like GitHub). */
  async lsTree(
    treeish: string,
    options: { recursive?: boolean; path?: string } = {},
  ): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-z', '--long', '--full-tree'];
    if (options.recursive) args.push('-r', '-t');
    args.push('--end-of-options', treeish);
    if (options.path !== undefined) args.push('--', options.path);
    const out = await this.git(args);
    return out
      .split('\0')
      .filter(Boolean)
      .map((record) => {
        const tab = record.indexOf('\t');
        const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
        const entry: TreeEntry = {
          path: record.slice(tab + 1),
          mode: mode!,
          type: type as TreeEntry['type'],
          sha: sha!,
        };
        if (size && size !== '-') entry.size = Number(size);
        return entry;
      });
  }

  /** Every non-tree entry of a tree, by path. */
  async readTree(treeish: string): Promise<Map<string, TreeEntry>> {
    const entries = await this.lsTree(treeish, { recursive: true });
    return new Map(entries.filter((e) => e.type !== 'tree').map((e) => [e.path, e]));
  }

  /** Writes nested trees for a flat map of paths; returns the root tree sha. */
  async writeTree(files: Map<string, Omit<TreeEntry, 'path'>>): Promise<string> {
    const children = new Map<string, Map<string, Omit<TreeEntry, 'path'>>>();
    const lines: string[] = [];
    for (const [path, entry] of files) {
      const slash = path.indexOf('/');
      if (slash < 0) {
        lines.push(`${entry.mode} ${entry.type} ${entry.sha}\t${path}`);
        continue;
      }
      const dir = path.slice(0, slash);
      if (!children.has(dir)) children.set(dir, new Map());
      children.get(dir)!.set(path.slice(slash + 1), entry);
    }
    for (const [dir, sub] of children) {
      lines.push(`040000 tree ${await this.writeTree(sub)}\t${dir}`);
    }
    const input = lines.map((l) => `${l}\0`).join('');
    return (await this.git(['mktree', '-z'], { input })).trim();
  }

  async commitTree(options: {
    tree: string;
    parents: string[];
    message: string;
    author: Signature;
    committer: Signature;
  }): Promise<string> {
    const args = ['commit-tree', options.tree];
    for (const p of options.parents) args.push('-p', p);
    const env = {
      GIT_AUTHOR_NAME: options.author.name,
      GIT_AUTHOR_EMAIL: options.author.email,
      GIT_AUTHOR_DATE: toGitDate(options.author.date),
      GIT_COMMITTER_NAME: options.committer.name,
      GIT_COMMITTER_EMAIL: options.committer.email,
      GIT_COMMITTER_DATE: toGitDate(options.committer.date),
    };
    return (await this.git(args, { input: options.message, env })).trim();
  }

  async readCommit(sha: string): Promise<CommitInfo> {
    const raw = await this.git(['cat-file', 'commit', sha]);
    const split = raw.indexOf('\n\n');
    const header = split < 0 ? raw : raw.slice(0, split);
    const message = split < 0 ? '' : raw.slice(split + 2).replace(/\n$/, '');
    const info: CommitInfo = {
      sha,
      tree: '',
      parents: [],
      author: { name: '', email: '', date: '' },
      committer: { name: '', email: '', date: '' },
      message,
    };
    for (const line of header.split('\n')) {
      const space = line.indexOf(' ');
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === 'tree') info.tree = value;
      else if (key === 'parent') info.parents.push(value);
      else if (key === 'author') info.author = parseSignature(value);
      else if (key === 'committer') info.committer = parseSignature(value);
    }
    return info;
  }

  /** Commits reachable from `head` but not from `base`, oldest first (like a PR's commit list). */
  async commitsBetween(base: string, head: string): Promise<CommitInfo[]> {
    const out = await this.git(['rev-list', '--reverse', '--topo-order', head, `^${base}`]);
    return Promise.all(
      out
        .split('\n')
        .filter(Boolean)
        .map((sha) => this.readCommit(sha)),
    );
  }

  async mergeBase(a: string, b: string): Promise<string | null> {
    const r = await this.run(['merge-base', a, b], { okCodes: [1] });
    return r.code === 0 ? r.stdout.toString().trim() : null;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await this.run(['merge-base', '--is-ancestor', ancestor, descendant], {
      okCodes: [1],
    });
    return r.code === 0;
  }

  /** A three-way merge without a worktree: the merged tree, or null on conflicts. */
  async mergeTree(ours: string, theirs: string): Promise<string | null> {
    const r = await this.run(['merge-tree', '--write-tree', '--no-messages', ours, theirs], {
      okCodes: [1],
    });
    return r.code === 0 ? r.stdout.toString().split('\n')[0]!.trim() : null;
  }

  /** Changed files between two commits, with rename detection (git's default 50% similarity). */
  async diff(from: string, to: string): Promise<FileChange[]> {
    const raw = (await this.git(['diff-tree', '-r', '-z', '-M', '--raw', from, to])).split('\0');
    const changes: FileChange[] = [];
    for (let i = 0; i < raw.length - 1; ) {
      const meta = raw[i++]!;
      if (!meta.startsWith(':')) continue;
      const [oldMode, newMode, oldSha, newSha, status] = meta.slice(1).split(' ');
      const letter = status![0] as FileChange['status'];
      const first = raw[i++]!;
      const second = letter === 'R' || letter === 'C' ? raw[i++]! : undefined;
      changes.push({
        status: letter,
        path: second ?? first,
        ...(second !== undefined ? { previousPath: first } : {}),
        oldMode: oldMode!,
        newMode: newMode!,
        oldSha: oldSha!,
        newSha: newSha!,
        additions: 0,
        deletions: 0,
      });
    }
    const numstat = (await this.git(['diff-tree', '-r', '-z', '-M', '--numstat', from, to])).split(
      '\0',
    );
    const counts = new Map<string, [number, number]>();
    for (let i = 0; i < numstat.length - 1; ) {
      const record = numstat[i++]!;
      const [added, deleted, path] = record.split('\t');
      let target = path;
      if (path === '') {
        i++; // previous path of a rename
        target = numstat[i++];
      }
      const n = (s: string | undefined) => (s === '-' || s === undefined ? 0 : Number(s));
      if (target !== undefined) counts.set(target, [n(added), n(deleted)]);
    }
    for (const change of changes) {
      const [a, d] = counts.get(change.path) ?? [0, 0];
      change.additions = a;
      change.deletions = d;
    }
    return changes;
  }

  /** Unified diff of one file between two commits (for the `patch` field). */
  async patch(from: string, to: string, change: FileChange): Promise<string> {
    const paths = change.previousPath ? [change.previousPath, change.path] : [change.path];
    const out = await this.git([
      'diff',
      '-M',
      '--no-color',
      '--no-ext-diff',
      from,
      to,
      '--',
      ...paths,
    ]);
    const hunk = out.indexOf('\n@@');
    return hunk < 0 ? '' : out.slice(hunk + 1).replace(/\n$/, '');
  }
}
