import type { Grant } from '../model.js';
import { isGrantsPath } from '../paths.js';
import type { Change } from './decision.js';
import type { PullRequestFile } from './snapshot.js';

export interface GrantChange {
  change: Change;
  /** The path judged: the new path for added/modified/renamed, the old one for removed. */
  path: string;
  previousPath?: string;
  file?: PullRequestFile;
}

/**
 * Sorts a pull request's files into grant changes and everything else (SPEC §4 table). A rename
 * is judged as the removal of the old path and a request for the new one; a rename that crosses
 * the grants/ boundary also touches a path outside grants/, which makes the PR mixed.
 */
export function classifyFiles(files: PullRequestFile[]): {
  changes: GrantChange[];
  outside: string[];
} {
  const changes: GrantChange[] = [];
  const outside: string[] = [];
  for (const f of files) {
    const inGrants = isGrantsPath(f.path);
    if (f.status === 'renamed' && f.previous_path) {
      const fromGrants = isGrantsPath(f.previous_path);
      if (!fromGrants) outside.push(f.previous_path);
      if (!inGrants) outside.push(f.path);
      if (fromGrants) changes.push({ change: 'removed', path: f.previous_path });
      if (inGrants)
        changes.push({ change: 'renamed', path: f.path, previousPath: f.previous_path, file: f });
      continue;
    }
    if (!inGrants) {
      outside.push(f.path);
      continue;
    }
    if (f.status === 'removed') changes.push({ change: 'removed', path: f.path });
    else
      changes.push({ change: f.status === 'added' ? 'added' : 'modified', path: f.path, file: f });
  }
  return { changes, outside };
}

/**
 * A modification is a narrowing when the grant is the same in every field except that
 * `expires_at` is not later and `starts_at` is not earlier (absent = active at once, so adding
 * a starts_at is later, removing it is earlier). Anything else widens or changes the grant.
 */
export function isNarrowing(before: Grant, after: Grant): boolean {
  const keys = new Set([...Object.keys(before.fields), ...Object.keys(after.fields)]);
  for (const k of keys) {
    if (k === 'expires_at' || k === 'starts_at') continue;
    if (before.fields[k] !== after.fields[k]) return false;
  }
  if (after.expiresAt > before.expiresAt) return false;
  if (
    before.startsAt !== undefined &&
    (after.startsAt === undefined || after.startsAt < before.startsAt)
  )
    return false;
  return true;
}

/** Identity fields that never change in place (SPEC §2), compared by effective value. */
export function changedIdentity(before: Grant, after: Grant): string[] {
  const out: string[] = [];
  if (before.requester.toLowerCase() !== after.requester.toLowerCase()) out.push('requester');
  if (before.subject.toLowerCase() !== after.subject.toLowerCase()) out.push('subject');
  if (before.role !== after.role) out.push('role');
  return out;
}
