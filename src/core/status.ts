import type { Finding } from './codes.js';
import { loadGrants } from './grant.js';
import { type Grant, loginKey } from './model.js';
import { parseGrantPath } from './paths.js';
import { loadPolicies } from './policies.js';
import { formatInstant, formatSpan } from './time.js';
import type { Tree } from './tree.js';

export type GrantState = 'active' | 'upcoming' | 'expired';

/** One grant file present in the tree, and where `now` falls in its window. */
export interface GrantStatus {
  state: GrantState;
  path: string;
  system: string;
  role: string;
  subject: string;
  requester: string;
  ticket?: string;
  startsAt?: number;
  expiresAt: number;
  /**
   * Active: time left until expires_at. Upcoming: time until starts_at. Expired: time since
   * expires_at. Always ≥ 0, in milliseconds.
   */
  spanMs: number;
}

export interface StatusReport {
  active: GrantStatus[];
  upcoming: GrantStatus[];
  expired: GrantStatus[];
  /** Grant files that did not load (path, schema, policy, time format); listed, never guessed. */
  errors: Finding[];
}

export interface StatusFilter {
  system?: string;
  /** Compared case-insensitively, like GitHub logins. */
  subject?: string;
}

/**
 * `jit status` (SPEC §7): every grant file of the tree, grouped by where `now` falls in its
 * window: active (starts_at ≤ now < expires_at, or no starts_at), upcoming (now < starts_at)
 * and expired but still present (expires_at ≤ now, waiting for the removal pull request).
 * Only loading is checked here; `jit check` judges durations, tickets and overlaps.
 */
export function grantStatus(tree: Tree, now: number, filter: StatusFilter = {}): StatusReport {
  const policies = loadPolicies(tree);
  const report: StatusReport = { active: [], upcoming: [], expired: [], errors: [] };
  const { grants, failed } = loadGrants(
    tree,
    (s) => policies.get(s),
    (path) => filter.system === undefined || systemOfPath(path) === filter.system,
  );
  for (const f of failed) report.errors.push(...f.errors);
  for (const g of grants) {
    if (filter.subject !== undefined && loginKey(g.subject) !== loginKey(filter.subject)) continue;
    const s = classify(g, now);
    report[s.state].push(s);
  }
  const byTime = (key: (s: GrantStatus) => number) => (a: GrantStatus, b: GrantStatus) =>
    key(a) - key(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  report.active.sort(byTime((s) => s.expiresAt));
  report.upcoming.sort(byTime((s) => s.startsAt!));
  report.expired.sort(byTime((s) => s.expiresAt));
  return report;
}

/** Where `now` falls in one grant's window. */
export function classify(g: Grant, now: number): GrantStatus {
  const base = {
    path: g.path,
    system: g.system,
    role: g.role,
    subject: g.subject,
    requester: g.requester,
    ...(g.ticket !== undefined ? { ticket: g.ticket } : {}),
    ...(g.startsAt !== undefined ? { startsAt: g.startsAt } : {}),
    expiresAt: g.expiresAt,
  };
  if (now >= g.expiresAt) return { state: 'expired', ...base, spanMs: now - g.expiresAt };
  if (g.startsAt !== undefined && now < g.startsAt) {
    return { state: 'upcoming', ...base, spanMs: g.startsAt - now };
  }
  return { state: 'active', ...base, spanMs: g.expiresAt - now };
}

/** `2026-12-05T08:00:00Z → 2026-12-05T16:00:00Z`, or `→ …` when there is no starts_at. */
export function formatWindow(s: GrantStatus): string {
  const start = s.startsAt !== undefined ? formatInstant(s.startsAt) : 'once merged';
  return `${start} → ${formatInstant(s.expiresAt)}`;
}

/** `6h left`, `starts in 2d`, `expired 5d 2h ago`. */
export function describeSpan(s: GrantStatus): string {
  const span = formatSpan(s.spanMs);
  if (s.state === 'active') return `${span} left`;
  if (s.state === 'upcoming') return `starts in ${span}`;
  return `expired ${span} ago`;
}

function systemOfPath(path: string): string | undefined {
  const where = parseGrantPath(path);
  return where.ok ? where.value.system : path.split('/')[1];
}
