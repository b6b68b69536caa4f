import { changedIdentity, isNarrowing } from '../evaluate/classify.js';
import { loginKey } from '../model.js';
import { parseGrantPath } from '../paths.js';
import { formatInstant } from '../time.js';
import {
  type ContentReader,
  contentAsGrant,
  contentReader,
  type GrantContent,
  oneLine,
} from './content.js';
import { type FileChange, type History, type HistoryCommit, shortSha } from './history.js';
import { type AuditTrailers, type GrantTrailer, parseTrailers } from './trailers.js';

export const AUDIT_EVENT_KINDS = ['granted', 'extended', 'narrowed', 'revoked', 'expired'] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

/**
 * One grant change on the audited branch (SPEC §9). Who/what/until when come from the grant file
 * as the commit left it (for removals: as it was before); who approved, under which policy and
 * decision come from the commit's trailers. `approvers` is null when the commit carries no
 * trailer for the path: nobody can say who approved it, and a note says so. For removals,
 * which need no approval, it is `[]` when the gate merged them (a `Jit-Revoked`/`Jit-Expired`
 * trailer) and null otherwise.
 */
export interface AuditEvent {
  /** When the change landed on the branch: the committer time, RFC 3339 UTC. */
  time: string;
  commit: string;
  event: AuditEventKind;
  path: string;
  system: string;
  subject: string | null;
  role: string | null;
  requester: string | null;
  approvers: string[] | null;
  ticket: string | null;
  starts_at: string | null;
  expires_at: string | null;
  pull_request: number | null;
  /** `Jit-Policy`: the policy file and its blob at decision time. */
  policy: string | null;
  /** `Jit-Decision`: sha256 of the snapshot the gate decided on (replay with `jit simulate`). */
  decision: string | null;
  /** The commit's author, `Name <email>`, as git recorded it. */
  author: string;
  notes: string[];
}

/** What one commit says about itself, computed once for all of its changes. */
interface CommitContext {
  commit: HistoryCommit;
  trailers: AuditTrailers;
  pr: number | null;
  time: string;
}

/**
 * The audit trail: one event per grant change of the first-parent history, oldest first (within
 * a commit, by path; a rename gives the removal of the old path, then the grant of the new).
 * Changes to paths that are not grant files (`grants/<system>/<name>.yaml`) are not grants and
 * give no event; `jit check` reports such files.
 */
export function auditEvents(history: Pick<History, 'commits' | 'blobs'>): AuditEvent[] {
  const read = contentReader(history.blobs);
  const removedIn = new Map<string, string>();
  const events: AuditEvent[] = [];
  for (const commit of history.commits) {
    const ctx = commitContext(commit);
    for (const ch of commit.changes) {
      for (const e of changeEvents(ctx, ch, read, removedIn)) events.push(e);
    }
  }
  return events;
}

function changeEvents(
  ctx: CommitContext,
  ch: FileChange,
  read: ContentReader,
  removedIn: Map<string, string>,
): AuditEvent[] {
  const out: AuditEvent[] = [];
  const sha = ctx.commit.sha;
  if (ch.status === 'D' || ch.status === 'R') {
    const path = ch.status === 'R' ? ch.oldPath! : ch.path;
    if (isGrant(path)) {
      const renamedTo = ch.status === 'R' ? ch.path : undefined;
      out.push(removal(ctx, path, read(ch.oldBlob, ch.oldMode, path), renamedTo));
      removedIn.set(path, sha);
    }
  }
  if (ch.status === 'D' || !isGrant(ch.path)) return out;
  const after = read(ch.newBlob, ch.newMode, ch.path);
  if (ch.status === 'A' || ch.status === 'R') {
    const notes: string[] = [];
    if (ch.status === 'R') notes.push(`renamed from ${ch.oldPath}: a new grant`);
    const earlier = removedIn.get(ch.path);
    if (earlier && ch.status === 'A')
      notes.push(`re-added; removed earlier in ${shortSha(earlier)}`);
    if (after.expiresAt !== undefined && after.expiresAt <= ctx.commit.committerTime) {
      notes.push(
        `expires_at ${after.fields.expires_at} had already passed when this commit landed; the grant was never active from this file`,
      );
    }
    out.push(requested(ctx, 'granted', ch.path, after, notes));
    removedIn.delete(ch.path);
    return out;
  }
  // M (content or mode) and T (type change): judged like the gate judges a modification.
  const before = read(ch.oldBlob, ch.oldMode, ch.path);
  const { kind, notes } = modification(ch.path, before, after);
  out.push(requested(ctx, kind, ch.path, after, notes));
  return out;
}

/** granted / extended / narrowed: evidence is a `Jit-Grant` trailer for the path. */
function requested(
  ctx: CommitContext,
  event: AuditEventKind,
  path: string,
  content: GrantContent,
  notes: string[],
): AuditEvent {
  const trailer = grantTrailer(ctx.trailers, path);
  const e = base(ctx, event, path, content, trailer);
  if (trailer) {
    e.approvers = [...trailer.approvedBy];
    if (trailer.change === 'narrowed' && event !== 'narrowed') {
      notes.push(`the Jit-Change trailer says narrowed, but the change is not a pure narrowing`);
    }
  } else {
    notes.push(
      'approvers unknown: no Jit-Grant trailer for this path (not merged by the gate: a direct push, a revert or a hand-made merge)',
    );
  }
  e.notes.push(...notes);
  return e;
}

/** revoked / expired: evidence is a `Jit-Revoked`/`Jit-Expired` trailer (or, for a rename, the new path's `Jit-Grant`). */
function removal(
  ctx: CommitContext,
  path: string,
  content: GrantContent,
  renamedTo: string | undefined,
): AuditEvent {
  const { trailers, commit } = ctx;
  const byExpiry = trailers.expired.includes(path);
  const lapsed = content.expiresAt !== undefined && content.expiresAt <= commit.committerTime;
  const e = base(ctx, byExpiry || lapsed ? 'expired' : 'revoked', path, content, undefined);
  if (renamedTo) e.notes.push(`renamed to ${renamedTo}`);
  if (byExpiry && content.expiresAt !== undefined && !lapsed) {
    e.notes.push(
      `the Jit-Expired trailer names this grant, but its expires_at ${content.fields.expires_at} was after the commit time ${ctx.time}`,
    );
  }
  const gate =
    byExpiry ||
    trailers.revoked.includes(path) ||
    (renamedTo !== undefined && grantTrailer(trailers, renamedTo) !== undefined);
  if (gate) e.approvers = [];
  else {
    e.notes.push(
      'no Jit-Revoked or Jit-Expired trailer for this path: removed outside the gate (removals need no approval)',
    );
  }
  return e;
}

function base(
  ctx: CommitContext,
  event: AuditEventKind,
  path: string,
  content: GrantContent,
  trailer: GrantTrailer | undefined,
): AuditEvent {
  const f = content.fields;
  return {
    time: ctx.time,
    commit: ctx.commit.sha,
    event,
    path,
    // Only grant paths (`grants/<system>/<name>.yaml`) get here.
    system: path.split('/')[1]!,
    subject: f.subject ?? f.requester ?? null,
    role: f.role ?? null,
    requester: f.requester ?? trailer?.requestedBy ?? null,
    approvers: null,
    ticket: f.ticket ?? trailer?.ticket ?? null,
    starts_at: content.starts_at ?? null,
    expires_at: content.expires_at ?? null,
    pull_request: ctx.pr,
    policy: trailer?.policy ?? null,
    decision: ctx.trailers.decision ?? null,
    author: ctx.commit.author,
    notes: content.problem ? [`the file does not read as a grant: ${content.problem}`] : [],
  };
}

/**
 * A modification is `narrowed` exactly when the gate would call it a narrowing (same rule,
 * `isNarrowing`): every field equal except an earlier-or-equal expires_at and a later-or-equal
 * starts_at. Anything else, including a file that cannot be compared, is `extended`: the event
 * that needed an approval, so an unreadable change is never reported as harmless.
 */
export function modification(
  path: string,
  before: GrantContent,
  after: GrantContent,
): { kind: 'extended' | 'narrowed'; notes: string[] } {
  const notes: string[] = [];
  const keys = [...new Set([...Object.keys(before.fields), ...Object.keys(after.fields)])].sort();
  const changed = keys.filter((k) => before.fields[k] !== after.fields[k]);
  if (changed.length > 0) {
    notes.push(
      `changed: ${changed
        .map((k) => `${k} ${show(before.fields[k])} → ${show(after.fields[k])}`)
        .join(', ')}`,
    );
  } else if (!before.problem && !after.problem) {
    notes.push('no field changed (formatting only)');
  }
  const a = contentAsGrant(path, before);
  const b = contentAsGrant(path, after);
  if (!a || !b) {
    notes.push('the windows cannot be compared (a version of the file does not read as a grant)');
    return { kind: 'extended', notes };
  }
  const identity = changedIdentity(a, b);
  if (identity.length > 0) {
    notes.push(
      `${identity.join(', ')} changed in place (the gate refuses this as E_IMMUTABLE_FIELD; a new file is a new grant)`,
    );
  }
  return { kind: isNarrowing(a, b) ? 'narrowed' : 'extended', notes };
}

const show = (v: string | undefined): string => (v === undefined ? '(none)' : oneLine(v, 60));

function commitContext(commit: HistoryCommit): CommitContext {
  const trailers = parseTrailers(commit.message);
  return {
    commit,
    trailers,
    pr: trailers.pr ?? pullRequestFromSubject(commit.message),
    time: formatInstant(commit.committerTime),
  };
}

/** The last `Jit-Grant` block naming `path` (a later block supersedes an earlier one). */
export function grantTrailer(t: AuditTrailers, path: string): GrantTrailer | undefined {
  for (let i = t.grants.length - 1; i >= 0; i--)
    if (t.grants[i]!.grant === path) return t.grants[i];
  return undefined;
}

/**
 * The pull request number GitHub writes into the subject line: `Merge pull request #12 from …`
 * (merge) or `Title (#12)` at the very end (squash). Only the subject line counts, and `(#N)`
 * only at its end: `Revert "Title (#12)"` names the reverted PR, not the one that merged.
 */
export function pullRequestFromSubject(message: string): number | null {
  const subject = message.split('\n', 1)[0]!.trim();
  const m =
    /^Merge pull request #([0-9]{1,9})\b/.exec(subject) ?? /\(#([0-9]{1,9})\)$/.exec(subject);
  return m ? Number(m[1]) : null;
}

/** Whether a path is a grant file path; memoised (the same paths recur across the history). */
const grantPaths = new Map<string, boolean>();
function isGrant(path: string): boolean {
  let v = grantPaths.get(path);
  if (v === undefined) {
    v = parseGrantPath(path).ok;
    if (grantPaths.size > 100_000) grantPaths.clear();
    grantPaths.set(path, v);
  }
  return v;
}

/** Which events to show. Times are epoch ms: `since` inclusive, `until` exclusive. */
export interface EventFilter {
  since?: number;
  until?: number;
  subject?: string;
  system?: string;
}

export function filterEvents(events: AuditEvent[], f: EventFilter): AuditEvent[] {
  const subject = f.subject !== undefined ? loginKey(f.subject) : undefined;
  return events.filter((e) => {
    const t = Date.parse(e.time);
    if (f.since !== undefined && t < f.since) return false;
    if (f.until !== undefined && t >= f.until) return false;
    if (f.system !== undefined && e.system !== f.system) return false;
    if (subject !== undefined && (e.subject === null || loginKey(e.subject) !== subject))
      return false;
    return true;
  });
}
