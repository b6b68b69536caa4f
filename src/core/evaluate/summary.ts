import type { Decision } from './decision.js';

/** One line for the commit status (GitHub caps descriptions at 140 characters). */
export function summarize(d: Decision): string {
  const cap = (s: string) => (s.length > 140 ? `${s.slice(0, 139)}…` : s);
  if (d.verdict === 'not_applicable') return 'no access request in this pull request';
  if (d.verdict === 'denied') {
    const codes = new Set([
      ...d.errors.map((e) => e.code),
      ...d.grants.flatMap((g) => g.reasons.map((r) => r.code)),
    ]);
    return cap(`denied: ${[...codes].join(', ')}`);
  }
  if (d.verdict === 'pending') {
    const missing = d.grants.flatMap((g) =>
      g.requirements.filter((r) => !r.met).map((r) => r.message),
    );
    return cap(`pending: ${[...new Set(missing)].join('; ')}`);
  }
  const requests = d.grants.filter((g) => g.requirements.length > 0).length;
  return cap(
    requests === 0
      ? 'approved: revocation or narrowing only'
      : `approved: ${requests} access request${requests > 1 ? 's' : ''}`,
  );
}
