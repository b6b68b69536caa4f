import { isNarrowing } from '../evaluate/classify.js';
import { parseGrantPath } from '../paths.js';
import { formatInstant, parseInstant } from '../time.js';
import { contentAsGrant, contentReader, type GrantContent, oneLine } from './content.js';
import { grantTrailer, pullRequestFromSubject } from './events.js';
import { type History, type HistoryCommit, shortSha } from './history.js';
import { type GrantTrailer, parseTrailers } from './trailers.js';

/** A grant on the audited branch that did not arrive through an approved merge. */
export interface ProvenanceFinding {
  code: 'E_PROVENANCE';
  message: string;
  path: string;
  /** The commit that introduced the unapproved content; null when no commit explains it. */
  commit: string | null;
}

/** Per grant on the audited commit: the approved merge it came from, or why there is none. */
export type Provenance =
  | { ok: true; commit: string; pull_request: number | null }
  | { ok: false; finding: ProvenanceFinding };

/** Where a path's current content came from, replaying the first-parent history. */
interface Origin {
  commit: HistoryCommit;
  blob: string | null;
  mode: string;
  /** The blob before this commit's change (modifications), for the narrowing check. */
  oldBlob: string | null;
  oldMode: string;
  trailer: GrantTrailer | undefined;
  /** The last commit with a trailer for the path since the file was (re)created. */
  approved: HistoryCommit | undefined;
}

/**
 * `jit audit --verify` (SPEC §9, THREATS "Audit gaps"). A grant on the audited commit has
 * provenance when the LAST commit of the first-parent history that added, modified or renamed it
 * carries a `Jit-Grant` trailer for its path in the message's final paragraph (so the exact bytes
 * on the branch are the bytes that commit brought), and that trailer describes the file
 * (`Jit-Expires-At`, `Jit-Requested-By`, `Jit-Change: narrowed` agree with the content).
 *
 * Strict on purpose: any later commit without a trailer, even one that only narrows the window,
 * breaks provenance (the gate's own narrowing merges carry `Jit-Grant` + `Jit-Change: narrowed`,
 * so only changes that bypassed the gate are flagged). A rename needs a trailer for the new path.
 * When `tree` (the grants/ of the audited commit) is given, content the history does not explain
 * (a shallow or rewritten history) is flagged too.
 */
export function verifyProvenance(
  history: Pick<History, 'commits' | 'blobs'>,
  tree?: Map<string, { blob: string; mode: string }>,
): { provenance: Map<string, Provenance>; findings: ProvenanceFinding[] } {
  const state = replay(history.commits);
  const read = contentReader(history.blobs);
  const paths = new Set<string>();
  for (const p of state.keys()) if (!tree || tree.has(p)) paths.add(p);
  if (tree) for (const p of tree.keys()) paths.add(p);
  const provenance = new Map<string, Provenance>();
  const findings: ProvenanceFinding[] = [];
  for (const path of [...paths].sort()) {
    if (!parseGrantPath(path).ok) continue;
    const o = state.get(path);
    const problem = o
      ? (treeMismatch(path, o, tree) ?? originProblem(path, o, read))
      : unexplained(path);
    if (problem) {
      findings.push(problem);
      provenance.set(path, { ok: false, finding: problem });
    } else {
      const c = o!.commit;
      provenance.set(path, {
        ok: true,
        commit: c.sha,
        pull_request: parseTrailers(c.message).pr ?? pullRequestFromSubject(c.message),
      });
    }
  }
  return { provenance, findings };
}

function replay(commits: HistoryCommit[]): Map<string, Origin> {
  const state = new Map<string, Origin>();
  for (const commit of commits) {
    const trailers = parseTrailers(commit.message);
    for (const ch of commit.changes) {
      if (ch.status === 'D' || ch.status === 'R') state.delete(ch.oldPath ?? ch.path);
      if (ch.status === 'D') continue;
      const trailer = grantTrailer(trailers, ch.path);
      // A modification keeps the approval history of the file; an addition or rename starts anew.
      const prev = ch.status === 'M' || ch.status === 'T' ? state.get(ch.path) : undefined;
      state.set(ch.path, {
        commit,
        blob: ch.newBlob,
        mode: ch.newMode,
        oldBlob: ch.oldBlob,
        oldMode: ch.oldMode,
        trailer,
        approved: trailer ? commit : prev?.approved,
      });
    }
  }
  return state;
}

function originProblem(
  path: string,
  o: Origin,
  read: (blob: string | null, mode: string, path: string) => GrantContent,
): ProvenanceFinding | undefined {
  const c = o.commit;
  if (!o.trailer) {
    if (o.approved) {
      return provenanceFinding(
        path,
        c,
        `${path}: approved in commit ${describe(o.approved)}, but changed afterwards by commit ${describe(c)} without a Jit-Grant trailer for this path, so the content on the branch is not what was approved. Revert ${shortSha(c.sha)} or request the change through a pull request.`,
      );
    }
    return provenanceFinding(
      path,
      c,
      `${path}: introduced by commit ${describe(c)} without a Jit-Grant trailer for this path (in the message's last paragraph), so it did not arrive through an approved merge. Remove the file (removal needs no approval) and request the access through a pull request.`,
    );
  }
  const content = read(o.blob, o.mode, path);
  const mismatch = trailerMismatch(o.trailer, content);
  if (mismatch) {
    return provenanceFinding(
      path,
      c,
      `${path}: commit ${describe(c)} carries a Jit-Grant trailer for this path, but ${mismatch}, so the trailer does not describe the file. Remove the file and request the access through a pull request.`,
    );
  }
  if (o.trailer.change === 'narrowed' && o.oldBlob !== null) {
    const before = contentAsGrant(path, read(o.oldBlob, o.oldMode, path));
    const after = contentAsGrant(path, content);
    if (!before || !after || !isNarrowing(before, after)) {
      return provenanceFinding(
        path,
        c,
        `${path}: commit ${describe(c)} says Jit-Change: narrowed for this path, but the change is not a pure narrowing (only an earlier expires_at or a later starts_at is), so it was not approved as what it does. Revert ${shortSha(c.sha)} or request the change through a pull request.`,
      );
    }
  }
  return undefined;
}

/** Compares the trailer's copy of the request with the file the commit brought. */
function trailerMismatch(t: GrantTrailer, content: GrantContent): string | undefined {
  if (t.expiresAt !== undefined) {
    const file = content.fields.expires_at;
    const trailer = parseInstant(t.expiresAt);
    const same = trailer.ok && content.expiresAt !== undefined && trailer.ms === content.expiresAt;
    if (!same) {
      return `its Jit-Expires-At is ${oneLine(t.expiresAt, 40)} while the file's expires_at is ${file === undefined ? '(none)' : oneLine(file, 40)}`;
    }
  }
  // For a narrowing the gate records the PR author (anyone may narrow), not the requester.
  if (t.requestedBy !== undefined && t.change !== 'narrowed') {
    const file = content.fields.requester;
    if (file === undefined || file.toLowerCase() !== t.requestedBy.toLowerCase()) {
      return `its Jit-Requested-By is ${oneLine(t.requestedBy, 40)} while the file's requester is ${file === undefined ? '(none)' : oneLine(file, 40)}`;
    }
  }
  return undefined;
}

function treeMismatch(
  path: string,
  o: Origin,
  tree: Map<string, { blob: string; mode: string }> | undefined,
): ProvenanceFinding | undefined {
  const h = tree?.get(path);
  if (!tree || (h && h.blob === o.blob)) return undefined;
  return provenanceFinding(
    path,
    o.commit,
    `${path}: the audited commit holds blob ${h ? shortSha(h.blob) : '(none)'}, but its history ends with blob ${o.blob ? shortSha(o.blob) : '(none)'} from commit ${describe(o.commit)}; the history does not explain the file (rewritten history or an incomplete clone). Fetch the full history and verify again.`,
  );
}

function unexplained(path: string): ProvenanceFinding {
  return {
    code: 'E_PROVENANCE',
    path,
    commit: null,
    message: `${path}: is on the audited commit, but no commit of its first-parent history introduced it (a shallow clone or grafted history). Fetch the full history (actions/checkout with fetch-depth: 0) and verify again.`,
  };
}

const provenanceFinding = (
  path: string,
  commit: HistoryCommit,
  message: string,
): ProvenanceFinding => ({ code: 'E_PROVENANCE', message, path, commit: commit.sha });

/** `abc123def456 (2026-12-04T12:00:00Z, Alice <a@x>, "subject")`, inert for a terminal. */
function describe(c: HistoryCommit): string {
  const subject = c.message.split('\n', 1)[0] ?? '';
  return `${shortSha(c.sha)} (${formatInstant(c.committerTime)}, ${oneLine(c.author, 60)}, "${oneLine(subject, 72)}")`;
}
