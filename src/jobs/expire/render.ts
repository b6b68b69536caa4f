import { formatTrailers } from '../../core/audit/trailers.js';
import { inertInline, inertPath, inertText } from '../../core/inert.js';
import { parseGrantPath } from '../../core/paths.js';
import { formatInstant } from '../../core/time.js';
import type { PlannedClose, PlannedRemoval, SkippedGrant } from './plan.js';

/** Marks the bodies and comments the expire job writes. */
export const REMOVAL_MARKER = '<!-- jit-access:expire -->';
export const CLOSE_MARKER = '<!-- jit-access:expire-close -->';

/** GitHub refuses bodies over 65,536 characters; the table stops well before. */
const BODY_MAX = 60_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Title of the removal pull request and of its squash commit. */
export function removalTitle(remove: readonly PlannedRemoval[]): string {
  return `jit: remove ${plural(remove.length, 'expired grant')}`;
}

/** Commit text: no control characters, so nothing written here can pose as another line. */
const oneLine = (s: string) => s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').slice(0, 200);

/**
 * The removal commit's message: one line per grant, then `Jit-Expired` trailers in the last
 * paragraph (SPEC §9), plus `Jit-Pull-Request` when the number is known (the merge commit).
 */
export function removalMessage(
  remove: readonly PlannedRemoval[],
  pr?: number,
): { title: string; message: string } {
  const lines = remove.map(
    (r) =>
      `- expire ${oneLine(r.path)} (${oneLine(r.subject)}, ${oneLine(`${r.system}/${r.role}`)}, expired ${formatInstant(r.expiresAt)})`,
  );
  const trailers = formatTrailers({
    grants: [],
    revoked: [],
    expired: remove.map((r) => r.path),
    ...(pr !== undefined ? { pr } : {}),
  });
  return { title: removalTitle(remove), message: `${lines.join('\n')}\n\n${trailers}` };
}

/**
 * The removal pull request's body: what it removes as a table (grant, subject, role, expired
 * at, the pull request that granted it when history says). Grant text is user data from the
 * repository: rendered inert (code spans, no mentions, no HTML).
 */
export function removalBody(
  remove: readonly PlannedRemoval[],
  origins: ReadonlyMap<string, number>,
  runUrl?: string,
): string {
  const head = [
    REMOVAL_MARKER,
    `Expired grants still on the default branch (now ≥ \`expires_at\`): ${remove.length}. This pull request deletes them in one commit; it only removes grant files, so the jit-access gate approves it at once (revocation path).`,
    '',
    'Merge with **squash** to keep the `Jit-Expired` audit trailers of the commit on the default branch. Target systems are revoked by `jit sync` at expiry whether or not this is merged.',
    '',
    '| grant | subject | role | expired at | granted in |',
    '|---|---|---|---|---|',
  ];
  const tail = [
    '',
    `Opened by the jit-access expire job${runUrl ? ` ([run](${runUrl}))` : ''}. A rerun on the same state opens nothing; a grant listed here is not repeated by later runs while this pull request is open.`,
  ];
  let size = [...head, ...tail].join('\n').length;
  const rows: string[] = [];
  for (const [i, r] of remove.entries()) {
    const origin = origins.get(r.path);
    const row = `| ${inertPath(r.path)} | ${inertInline(r.subject, 60)} | ${inertInline(`${r.system}/${r.role}`, 100)} | ${formatInstant(r.expiresAt)} | ${origin !== undefined ? `#${origin}` : '—'} |`;
    if (size + row.length + 200 > BODY_MAX) {
      rows.push(
        `| … and ${remove.length - i} more | | | | |`,
        '',
        `The table stops here to fit GitHub's size limit; the commit's \`Jit-Expired\` trailers and the changed files list every grant.`,
      );
      break;
    }
    rows.push(row);
    size += row.length + 1;
  }
  return [...head, ...rows, ...tail].join('\n');
}

/** The comment on an access request the job closes: why, and how to ask again. */
export function closeComment(c: PlannedClose): string {
  const again = c.grants.slice(0, 3).map((g) => {
    const where = parseGrantPath(g.path);
    const system = where.ok ? where.value.system : 'SYSTEM';
    return `- ${inertInline(`jit request --system ${system} --role ${g.role ?? 'ROLE'} --for 4h`, 160)}`;
  });
  return [
    CLOSE_MARKER,
    'jit-access closed this access request:',
    '',
    ...c.reasons.map((r) => `- ${inertText(r, 1000)}`),
    '',
    'Nothing was granted. To ask again, write a fresh grant with a new window and open a new pull request:',
    '',
    ...(again.length > 0
      ? again
      : [`- ${inertInline('jit request --system SYSTEM --role ROLE --for 4h')}`]),
    '',
    'then ask the approvers named by the policy to review it.',
  ].join('\n');
}

export interface ExpireReport {
  dryRun: boolean;
  remove: readonly PlannedRemoval[];
  skipped: readonly SkippedGrant[];
  close: readonly PlannedClose[];
  removal?: { outcome: string; number?: number; branch?: string; merged?: boolean };
  closed: number[];
  notes: string[];
  requests: number;
  budget: number;
}

/** The job summary (Markdown): same facts as the log, inert where text comes from files. */
export function summaryMarkdown(r: ExpireReport): string {
  const out = [`## jit-access expire${r.dryRun ? ' (dry run: nothing written)' : ''}`, ''];
  if (r.remove.length === 0) out.push('No expired grant to remove.');
  else {
    out.push(
      `${plural(r.remove.length, 'expired grant')} ${r.dryRun ? 'would be' : 'are'} removed in one pull request${r.removal?.number ? ` (#${r.removal.number}, ${r.removal.outcome}${r.removal.merged ? ', merged' : ''})` : r.removal ? ` (${r.removal.outcome})` : ''}:`,
      '',
    );
    for (const g of r.remove.slice(0, 50))
      out.push(`- ${inertPath(g.path)} expired ${formatInstant(g.expiresAt)}`);
    if (r.remove.length > 50) out.push(`- … and ${r.remove.length - 50} more`);
  }
  if (r.skipped.length > 0) {
    out.push('', `Left alone (${r.skipped.length}):`, '');
    for (const s of r.skipped.slice(0, 50)) out.push(`- ${inertPath(s.path)}: ${s.reason}`);
    if (r.skipped.length > 50) out.push(`- … and ${r.skipped.length - 50} more`);
  }
  if (r.close.length > 0) {
    out.push('', `Stale access requests ${r.dryRun ? 'to close' : 'closed'}:`, '');
    for (const c of r.close) out.push(`- #${c.number}: ${inertText(c.reasons.join(' '), 600)}`);
  }
  for (const n of r.notes) out.push('', `> ${n}`);
  out.push('', `API requests: ${r.requests} of a budget of ${r.budget}.`);
  return out.join('\n');
}
