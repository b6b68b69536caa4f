import type { Finding } from '../../core/codes.js';
import type { Grant } from '../../core/model.js';
import { formatInstant, formatSpan } from '../../core/time.js';

/** Label of the removal pull requests the expire job opens. */
export const EXPIRED_LABEL = 'jit:expired';
/** Head branches of removal pull requests: `jit/expire/<UTC timestamp>` (SPEC §8). */
export const BRANCH_PREFIX = 'jit/expire/';

/** A grant file of the default branch that did not load: reported, never deleted blindly. */
export interface LoadError {
  path: string;
  findings: Finding[];
}

/** An open removal pull request and the grant files it deletes. */
export interface OpenRemovalPr {
  number: number;
  branch: string;
  paths: string[];
}

/** What the expire job knows about an open access-request pull request. */
export interface OpenRequestPr {
  number: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** The gate's commit status on the head (`jit-access/approval`); `missing` when never posted. */
  status: 'success' | 'pending' | 'failure' | 'error' | 'missing';
  /**
   * The grant files the pull request adds or changes, with `expires_at` as read at its head
   * (undefined when unreadable). Undefined when they were not read (the TTL already decided).
   */
  grants?: Array<{ path: string; expiresAt?: number; role?: string }>;
  labels: string[];
}

export interface ExpiryPlanInput {
  /** Grants that loaded from the default branch (checkout). */
  grants: readonly Grant[];
  /** Grant files of the default branch that failed to load. */
  loadErrors: readonly LoadError[];
  openRemovalPrs: readonly OpenRemovalPr[];
  openRequestPrs: readonly OpenRequestPr[];
  /** Epoch milliseconds, read once per run. */
  now: number;
  requestTtlMs: number;
  /**
   * Git blob sha of each grant file in the checkout and on the default branch's tip. Given only
   * when the checkout is behind the tip: a grant gone from the tip, or changed there since, is
   * skipped (the next run plans from a fresh checkout).
   */
  blobs?: { checkout: ReadonlyMap<string, string>; tip: ReadonlyMap<string, string> };
}

export interface PlannedRemoval {
  path: string;
  subject: string;
  system: string;
  role: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type SkipKind = 'load-error' | 'in-open-removal' | 'gone' | 'changed';

export interface SkippedGrant {
  path: string;
  kind: SkipKind;
  reason: string;
}

export type CloseKind = 'stale' | 'window-passed';

export interface PlannedClose {
  number: number;
  kinds: CloseKind[];
  /** One sentence per kind, for the comment and the log. */
  reasons: string[];
  /** Grant files of the request, when known (for the "how to ask again" hint). */
  grants: Array<{ path: string; role?: string }>;
}

export interface ExpiryPlan {
  remove: PlannedRemoval[];
  skipped: SkippedGrant[];
  close: PlannedClose[];
  /** `jit/expire/<YYYYMMDDTHHMMSSZ>` of `now`. */
  branch: string;
}

/**
 * The expire job's plan (SPEC §8), a pure function of what was gathered: which expired grants
 * one removal pull request deletes, which grant files are left alone and why, and which
 * access-request pull requests are closed as stale. Expired means now ≥ expires_at.
 */
export function planExpiry(input: ExpiryPlanInput): ExpiryPlan {
  const { now } = input;
  const covered = new Map<string, number>();
  for (const pr of [...input.openRemovalPrs].sort((a, b) => a.number - b.number))
    for (const p of pr.paths) if (!covered.has(p)) covered.set(p, pr.number);

  const remove: PlannedRemoval[] = [];
  const skipped: SkippedGrant[] = [];
  for (const e of input.loadErrors) {
    const codes = [...new Set(e.findings.map((f) => f.code))].join(', ') || 'unreadable';
    skipped.push({
      path: e.path,
      kind: 'load-error',
      reason: `does not load (${codes}); left alone, never deleted blindly. Fix or remove it by hand (\`jit check\` explains).`,
    });
  }
  for (const g of input.grants) {
    if (now < g.expiresAt) continue;
    const pr = covered.get(g.path);
    if (pr !== undefined) {
      skipped.push({
        path: g.path,
        kind: 'in-open-removal',
        reason: `already removed by the open removal pull request #${pr}.`,
      });
      continue;
    }
    if (input.blobs) {
      const tip = input.blobs.tip.get(g.path);
      if (tip === undefined) {
        skipped.push({
          path: g.path,
          kind: 'gone',
          reason: 'already gone from the default branch.',
        });
        continue;
      }
      if (tip !== input.blobs.checkout.get(g.path)) {
        skipped.push({
          path: g.path,
          kind: 'changed',
          reason:
            'changed on the default branch since the checkout this run read; the next run plans it again.',
        });
        continue;
      }
    }
    remove.push({
      path: g.path,
      subject: g.subject,
      system: g.system,
      role: g.role,
      expiresAt: g.expiresAt,
    });
  }
  remove.sort((a, b) => cmp(a.path, b.path));
  skipped.sort((a, b) => cmp(a.path, b.path));

  const close: PlannedClose[] = [];
  for (const pr of input.openRequestPrs) {
    if (pr.labels.some((l) => l.toLowerCase() === EXPIRED_LABEL)) continue;
    const c = closeReasons(pr, now, input.requestTtlMs);
    if (c) close.push(c);
  }
  close.sort((a, b) => a.number - b.number);
  return { remove, skipped, close, branch: branchName(now) };
}

function closeReasons(pr: OpenRequestPr, now: number, ttl: number): PlannedClose | undefined {
  const kinds: CloseKind[] = [];
  const reasons: string[] = [];
  const age = now - pr.createdAt;
  if (pr.status !== 'success' && age > ttl) {
    const state =
      pr.status === 'missing'
        ? 'without a verdict'
        : pr.status === 'pending'
          ? 'pending'
          : 'denied';
    kinds.push('stale');
    reasons.push(
      `it has been open ${state} for ${formatSpan(age)}, longer than the request-ttl of ${formatSpan(ttl)}.`,
    );
  }
  const passed = (pr.grants ?? []).filter((g) => g.expiresAt !== undefined && now >= g.expiresAt);
  if (passed.length > 0) {
    kinds.push('window-passed');
    const list = passed.map((g) => `${g.path} (expires_at ${formatInstant(g.expiresAt!)})`);
    reasons.push(`the requested window has passed: ${list.join(', ')}.`);
  }
  if (kinds.length === 0) return undefined;
  const grants = (pr.grants ?? []).map((g) => ({
    path: g.path,
    ...(g.role !== undefined ? { role: g.role } : {}),
  }));
  return { number: pr.number, kinds, reasons, grants };
}

/** `jit/expire/20261205T170000Z`: the UTC second of `now`. */
export function branchName(now: number): string {
  const iso = formatInstant(now); // 2026-12-05T17:00:00Z
  return `${BRANCH_PREFIX}${iso.replace(/[-:]/g, '')}`;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
