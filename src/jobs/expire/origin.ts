import { execFileSync } from 'node:child_process';
import { parseTrailers } from '../../core/audit/trailers.js';

/**
 * The pull request that added each grant file, from the checkout's git history (no API
 * request): the newest commit that added the path, read for its `Jit-Pull-Request` trailer,
 * else GitHub's own merge subjects (`… (#12)` for squash, `Merge pull request #12 …`).
 * A shallow checkout (actions/checkout's default depth 1) has no history to read: every
 * origin is unknown then. Only informational (the removal PR's table), never a decision.
 */
export function originalPullRequests(dir: string, paths: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (paths.length === 0) return out;
  const git = (args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  let log: string;
  try {
    if (git(['rev-parse', '--is-shallow-repository']).trim() === 'true') return out;
    log = git([
      'log',
      '--first-parent',
      '--diff-merges=first-parent',
      '--no-renames',
      '--diff-filter=A',
      '--format=%x1e%s%x1f%B%x1f',
      '--name-only',
      '--',
      'grants/',
    ]);
  } catch {
    return out;
  }
  const wanted = new Set(paths);
  const seen = new Set<string>();
  for (const record of log.split('\x1e')) {
    const [subject = '', body = '', names = ''] = record.split('\x1f');
    const pr = prNumber(subject, body);
    for (const name of names.split('\n')) {
      const p = name.trim();
      // Newest first: the first commit seen that added the path added the current file.
      if (!wanted.has(p) || seen.has(p)) continue;
      seen.add(p);
      if (pr !== undefined) out.set(p, pr);
    }
  }
  return out;
}

function prNumber(subject: string, body: string): number | undefined {
  const t = parseTrailers(body).pr;
  if (t !== undefined) return t;
  const m =
    /\(#([0-9]{1,9})\)\s*$/.exec(subject) ?? /^Merge pull request #([0-9]{1,9}) /.exec(subject);
  return m ? Number(m[1]) : undefined;
}
