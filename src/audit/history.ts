import type { History, HistoryCommit } from '../core/audit/history.js';
import { GRANT_MAX_BYTES } from '../core/grant.js';
import { startBlobReader } from './git-blobs.js';
import { readLog } from './git-log.js';
import { GitError, gitText, runGit } from './git-run.js';

/** The repository cannot be audited as asked (not a repository, unknown ref, shallow clone…). */
export class HistoryInputError extends Error {}

export interface LoadedHistory extends History {
  /** True when the clone is shallow: history before its boundary is missing. */
  shallow: boolean;
  /** grants/ of the audited commit (path → blob, mode), when `withTree` was asked for. */
  tree?: Map<string, { blob: string; mode: string }>;
}

/**
 * Reads what `jit audit` needs from the repository at `root`: the ref resolved once (so every
 * later read sees the same commit), the first-parent history of grants/ (one `git log`), the
 * contents of every blob it names (one `git cat-file --batch`), and, for `--verify`, the grants/
 * tree of the audited commit (one `git ls-tree`), to check that the history explains it.
 */
export async function loadHistory(
  root: string,
  ref: string,
  opts: { withTree?: boolean } = {},
): Promise<LoadedHistory> {
  const { head, shallow } = await resolveRef(root, ref);
  if (head === null) return { head, shallow, commits: [], blobs: new Map(), tree: new Map() };
  const commits: HistoryCommit[] = [];
  // The blob reader runs alongside the log: ids are requested as commits stream in.
  const reader = startBlobReader(root, GRANT_MAX_BYTES);
  try {
    await readLog(root, head, (c) => {
      commits.push(c);
      for (const ch of c.changes) {
        if (ch.oldBlob && ch.oldMode !== '160000') reader.want(ch.oldBlob);
        if (ch.newBlob && ch.newMode !== '160000') reader.want(ch.newBlob);
      }
    });
  } catch (e) {
    reader.abort();
    throw e;
  }
  const blobs = await reader.finish();
  const out: LoadedHistory = { head, shallow, commits, blobs };
  if (opts.withTree) out.tree = await readGrantsTree(root, head);
  return out;
}

async function resolveRef(
  root: string,
  ref: string,
): Promise<{ head: string | null; shallow: boolean }> {
  if (ref.startsWith('-') || ref.includes('\u0000')) {
    throw new HistoryInputError(`--ref "${ref}" is not a git ref; name a branch, tag or commit.`);
  }
  let r: { code: number; stdout: string };
  try {
    r = await gitText(
      root,
      [
        'rev-parse',
        '--is-shallow-repository',
        '--show-prefix',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${ref}^{commit}`,
      ],
      [1],
    );
  } catch (e) {
    if (e instanceof GitError && e.code !== null) {
      throw new HistoryInputError(
        `${root} is not a git repository (git: ${e.stderr.split('\n')[0]}); jit audit reads the history of the repository, so run it in a clone (with full history).`,
      );
    }
    throw e;
  }
  const [shallowLine, prefix, sha] = r.stdout.split('\n');
  if (prefix) {
    throw new HistoryInputError(
      `${root} is the folder ${prefix} inside a git repository; pass the top of the repository as --root.`,
    );
  }
  const shallow = shallowLine === 'true';
  if (r.code === 0 && sha && /^[0-9a-f]{40,64}$/.test(sha)) return { head: sha, shallow };
  // HEAD always exists; when it does not resolve, the repository has no commits yet: an empty
  // history, not an error.
  if (ref === 'HEAD') return { head: null, shallow };
  throw new HistoryInputError(
    `--ref "${ref}" does not name a commit in ${root}; fetch it or name an existing branch (e.g. origin/main).`,
  );
}

/** `git ls-tree -r` of grants/ at `sha`: what the audited commit actually contains. */
async function readGrantsTree(
  root: string,
  sha: string,
): Promise<Map<string, { blob: string; mode: string }>> {
  const chunks: Buffer[] = [];
  await runGit(root, ['ls-tree', '-r', '-z', '--full-tree', sha, '--', 'grants/'], {
    onStdout: (c) => chunks.push(c),
  });
  const tree = new Map<string, { blob: string; mode: string }>();
  for (const entry of Buffer.concat(chunks).toString('utf8').split('\u0000')) {
    const m = /^([0-7]{6}) [a-z]+ ([0-9a-f]{40,64})\t(.+)$/s.exec(entry);
    if (m) tree.set(m[3]!, { mode: m[1]!, blob: m[2]! });
  }
  return tree;
}
