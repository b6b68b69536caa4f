import type { Code, Finding } from '../codes.js';

export type Verdict = 'approved' | 'pending' | 'denied' | 'not_applicable';
export type Change = 'added' | 'removed' | 'narrowed' | 'modified' | 'renamed';

export interface Requirement {
  code: 'P_APPROVALS' | 'P_CODEOWNER';
  met: boolean;
  /** Distinct valid approvals needed and given. */
  needed: number;
  have: number;
  /** Who can satisfy it: approvers of the role, or the code owners of the file. */
  from: string[];
  /** Logins whose approvals counted. */
  approved_by: string[];
  message: string;
}

export interface GrantDecision {
  path: string;
  change: Change;
  verdict: Exclude<Verdict, 'not_applicable'>;
  reasons: Array<{ code: Code; message: string }>;
  requirements: Requirement[];
  ignored_reviews: Array<{ user: string; code: Code; message?: string }>;
  /** For requested grants: who, what and when (used by comments and merge trailers). */
  grant?: {
    system: string;
    role: string;
    requester: string;
    subject: string;
    ticket?: string;
    justification: string;
    starts_at?: string;
    expires_at: string;
  };
  /** For removals and narrowings: the grant as it was on the base branch. */
  previous?: { path: string; subject?: string; role?: string; expires_at?: string };
}

export interface Decision {
  verdict: Verdict;
  grants: GrantDecision[];
  errors: Array<{ code: Code; message: string; path?: string }>;
  /** One line for a commit status description (≤ 140 characters). */
  summary: string;
}

/** Orders verdicts like policy-bot: approved < pending < denied. */
export function worst(a: Verdict, b: Verdict): Verdict {
  const rank = { not_applicable: 0, approved: 1, pending: 2, denied: 3 } as const;
  return rank[a] >= rank[b] ? a : b;
}

export const reason = (f: Finding) => ({ code: f.code, message: f.message });
