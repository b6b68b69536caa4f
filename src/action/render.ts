import type { Decision, GrantDecision } from '../core/evaluate/decision.js';
import { inertBlock, inertInline, inertPath, inertText } from '../core/inert.js';

export const COMMENT_MARKER = '<!-- jit-access:verdict -->';

const ICON = { approved: '✅', pending: '⏳', denied: '⛔', not_applicable: 'ℹ️' } as const;

/** What each ignored-review code means, for people reading the comment. */
export const IGNORED_TEXT: Record<string, string> = {
  I_SELF: 'the pull request author cannot approve it',
  I_REQUESTER: 'the requester cannot approve their own request',
  I_SUBJECT: 'the person receiving access cannot approve it',
  I_CONTRIBUTOR: 'authored or committed a commit in this pull request',
  I_BOT: 'bots cannot approve access',
  I_NO_WRITE: 'has no write access to this repository',
  I_NOT_APPROVER: 'is not among the approvers of this role',
  I_NOT_MEMBER: 'is not an active member of the approving team',
  I_STALE: 'approved an older commit; approvals count only on the current head',
  I_SUPERSEDED: 'a later review by the same person replaced this approval',
};

/**
 * The sticky PR comment (and job summary). Every value that came from a pull request, a
 * review or a policy is rendered inert (SPEC §10): inside code, no mentions, no HTML, bidi and
 * control characters removed, length capped. Team names too: `@acme/treasury` in plain text
 * would notify the whole team on every update.
 */
export function renderDecision(d: Decision, meta: { headSha: string; runUrl?: string }): string {
  const lines: string[] = [
    COMMENT_MARKER,
    `### jit-access: ${ICON[d.verdict]} ${d.verdict.replace('_', ' ')}`,
    '',
    inertText(d.summary, 300),
    '',
  ];
  if (d.errors.length > 0) {
    lines.push('**Problems with this pull request**', '');
    for (const e of d.errors) lines.push(`- **${e.code}** ${inertText(e.message, 600)}`);
    lines.push('');
  }
  for (const g of d.grants) lines.push(...renderGrant(g), '');
  lines.push(
    `<sub>Evaluated at head ${inertInline(meta.headSha.slice(0, 12))}${meta.runUrl ? ` · [run](${safeUrl(meta.runUrl)})` : ''} · replay with \`jit simulate\`</sub>`,
  );
  return lines.join('\n');
}

function renderGrant(g: GrantDecision): string[] {
  const out = [`#### ${ICON[g.verdict]} ${inertPath(g.path)}: ${g.change}, ${g.verdict}`, ''];
  if (g.grant) {
    const w = g.grant;
    out.push('| field | value |', '|---|---|');
    out.push(`| subject | ${inertInline(w.subject)} |`);
    out.push(`| role | ${inertInline(`${w.system}/${w.role}`)} |`);
    out.push(`| requester | ${inertInline(w.requester)} |`);
    if (w.ticket !== undefined) out.push(`| ticket | ${inertInline(w.ticket, 128)} |`);
    out.push(
      `| window | ${inertInline(w.starts_at ?? 'once merged')} to ${inertInline(w.expires_at)} |`,
    );
    out.push('', 'Justification:', '', inertBlock(w.justification, 1000), '');
  } else if (g.previous) {
    out.push(
      `Grant of ${inertInline(g.previous.subject ?? '?')} for ${inertInline(g.previous.role ?? '?')} until ${inertInline(g.previous.expires_at ?? '?')}: no approval needed to revoke or narrow access.`,
      '',
    );
  }
  if (g.requirements.length > 0) {
    out.push('Requirements:', '');
    for (const r of g.requirements) {
      const by = r.approved_by.length
        ? ` (approved by ${r.approved_by.map((u) => inertInline(u)).join(', ')})`
        : '';
      out.push(`- [${r.met ? 'x' : ' '}] **${r.code}** ${inertText(r.message, 300)}${by}`);
    }
    out.push('');
  }
  if (g.reasons.length > 0) {
    out.push('Why it is denied:', '');
    for (const r of g.reasons) out.push(`- **${r.code}** ${inertText(r.message, 600)}`);
    out.push('');
  }
  if (g.ignored_reviews.length > 0) {
    out.push('Reviews that do not count:', '');
    for (const i of g.ignored_reviews) {
      out.push(
        `- ${inertInline(i.user)}: **${i.code}** ${IGNORED_TEXT[i.code] ?? ''}${i.message ? ` (${inertText(i.message, 100)})` : ''}`,
      );
    }
  }
  return out;
}

/** Only our own run URL is linked; anything unexpected is dropped rather than linked. */
function safeUrl(u: string): string {
  return /^https?:\/\/[A-Za-z0-9.:-]+\/[A-Za-z0-9._~/-]*$/.test(u) ? u : '';
}
