import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { COUPA_POLICY, NETSUITE_POLICY } from '../support/fixtures.js';

/** People who commit in the test histories: `git -c user.name/email`. */
export const PEOPLE = {
  alice: 'Alice <alice@acme.example>',
  bob: 'Bob <bob@acme.example>',
  github: 'GitHub <noreply@github.com>',
} as const;
export type Person = keyof typeof PEOPLE;

/**
 * A real git repository in a temp folder, written commit by commit with fixed dates
 * (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE) so shas and times are reproducible within a test. The
 * user's and the system's git configuration are kept out (own HOME, GIT_CONFIG_NOSYSTEM).
 */
export class TestRepo {
  readonly dir: string;
  private readonly home: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'jit-audit-'));
    this.home = mkdtempSync(join(tmpdir(), 'jit-audit-home-'));
    this.git(['init', '-q', '-b', 'main']);
    this.write('policies/coupa.yaml', COUPA_POLICY);
    this.write('policies/netsuite.yaml', NETSUITE_POLICY);
    this.commit('Add policies', '2026-12-01T09:00:00Z');
  }

  git(args: string[], opts: { date?: string; who?: Person } = {}): string {
    const [name, email] = PEOPLE[opts.who ?? 'alice'].replace('>', '').split(' <') as [
      string,
      string,
    ];
    const date = opts.date ?? '2026-12-01T09:00:00Z';
    return execFileSync(
      'git',
      [
        '-c',
        `user.name=${name}`,
        '-c',
        `user.email=${email}`,
        '-c',
        'commit.gpgsign=false',
        '-c',
        'core.autocrlf=false',
        ...args,
      ],
      {
        cwd: this.dir,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: this.home,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_DATE: date,
          LC_ALL: 'C',
        },
      },
    ).trim();
  }

  write(path: string, text: string): this {
    const abs = join(this.dir, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    this.git(['add', '--', path]);
    return this;
  }

  remove(path: string): this {
    this.git(['rm', '-q', '--', path]);
    return this;
  }

  move(from: string, to: string): this {
    mkdirSync(dirname(join(this.dir, to)), { recursive: true });
    renameSync(join(this.dir, from), join(this.dir, to));
    this.git(['add', '-A', '--', from, to]);
    return this;
  }

  /** Commits what is staged; returns the new commit's sha. */
  commit(message: string, date: string, who: Person = 'alice'): string {
    this.git(['commit', '-q', '--allow-empty', '-m', message], { date, who });
    return this.head();
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']);
  }

  checkout(args: string[]): this {
    this.git(['checkout', '-q', ...args]);
    return this;
  }

  /** `git merge --no-ff` of `branch` into the current branch with `message`; returns the merge sha. */
  merge(branch: string, message: string, date: string, who: Person = 'github'): string {
    this.git(['merge', '-q', '--no-ff', '-m', message, branch], { date, who });
    return this.head();
  }

  revert(sha: string, date: string, who: Person = 'bob'): string {
    this.git(['revert', '--no-edit', sha], { date, who });
    return this.head();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.home, { recursive: true, force: true });
  }
}
